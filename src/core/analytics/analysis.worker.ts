// The analysis worker's entry: one task per message (analysis-task.ts), its stages reported as they
// start, the outcome sent back with its typed arrays handed over. Bundled on its own next to the
// app's main bundle (electron-vite, scripts/build-cli.mjs); in development it runs from source.
import { parentPort } from 'node:worker_threads';
import { AppError } from '../../shared/errors';
import { runAnalysisTask, transferables, type AnalysisTask } from './analysis-task';

const port = parentPort;
if (!port) throw new Error('analysis.worker.ts runs as a worker thread only');
port.postMessage({ type: 'ready' });
port.on('message', (task: AnalysisTask) => {
  try {
    const outcome = runAnalysisTask(task, (stage) => port.postMessage({ type: 'stage', stage }));
    port.postMessage({ type: 'outcome', outcome }, transferables(outcome));
  } catch (error) {
    port.postMessage({
      type: 'error',
      error:
        error instanceof AppError
          ? { code: error.code, message: error.message, details: error.details ?? null }
          : { code: 'internal', message: error instanceof Error ? error.message : String(error), details: null },
    });
  }
});
