// Runs analysis tasks off the main thread, on up to two worker threads kept between tasks (the fits
// and a hundred thousand customers' scores take seconds of CPU; the main process keeps answering),
// its stages passed on as progress, a cancel ending the worker at once. The worker is the bundled
// `analysis.worker.{mjs,js}` beside the running bundle (the app, the CLI), or in development the
// TypeScript source through tsx. Where none can start, the task runs on the calling thread, and
// the log says so.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AppError, errorCodes, type ErrorCode } from '../../shared/errors';
import type { Logger } from '../router';
import { runAnalysisTask, type AnalysisOutcome, type AnalysisTask } from './analysis-task';

export interface RunOptions {
  readonly signal?: AbortSignal | undefined;
  readonly onStage?: ((stage: string) => void) | undefined;
}

export type AnalysisRunner = (task: AnalysisTask, options?: RunOptions) => Promise<AnalysisOutcome>;

type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'stage'; readonly stage: string }
  | { readonly type: 'outcome'; readonly outcome: AnalysisOutcome }
  | {
      readonly type: 'error';
      readonly error: { code: string; message: string; details: Record<string, unknown> | null };
    };

const here = dirname(fileURLToPath(import.meta.url));

/** How to start the worker: the bundled file beside this code, or the source through tsx; null when neither is there. */
function workerSource(): { readonly code: string; readonly eval: boolean } | null {
  for (const name of ['analysis.worker.mjs', 'analysis.worker.js']) {
    const file = join(here, name);
    if (existsSync(file)) return { code: file, eval: false };
  }
  const source = join(here, 'analysis.worker.ts');
  if (!existsSync(source)) return null;
  const url = JSON.stringify(pathToFileURL(source).href);
  return { code: `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${url}); })`, eval: true };
}

const cancelled = () => new AppError('conflict', 'analysis cancelled; nothing was changed', { reason: 'cancelled' });

function rebuilt(error: { code: string; message: string; details: Record<string, unknown> | null }): AppError {
  const code = (errorCodes as readonly string[]).includes(error.code) ? (error.code as ErrorCode) : 'internal';
  return new AppError(code, error.message, error.details ?? undefined);
}

/** Workers at most: a refresh fits the purchase model beside the rest, and scores its customers in two parts. */
const WORKERS = Math.max(1, Math.min(2, availableParallelism()));

/** One worker. */
interface Slot {
  /** The worker, kept between tasks (starting one costs tens of milliseconds); null until needed. */
  current: Worker | null;
  busy: boolean;
}

export function createAnalysisRunner(logger?: Logger): AnalysisRunner {
  const source = workerSource();
  let warned = false;
  const slots: Slot[] = Array.from({ length: WORKERS }, () => ({ current: null, busy: false }));
  /** Tasks waiting for a slot, first come first served: each goes to whichever worker is free first. */
  const waiting: ((slot: Slot) => void)[] = [];

  const acquire = (): Promise<Slot> => {
    // A worker already running before one yet to start.
    const free = slots.find((s) => !s.busy && s.current) ?? slots.find((s) => !s.busy);
    if (free) {
      free.busy = true;
      return Promise.resolve(free);
    }
    return new Promise((resolve) => waiting.push(resolve));
  };
  const release = (slot: Slot) => {
    const next = waiting.shift();
    if (next) next(slot);
    else slot.busy = false;
  };

  const inThread = (task: AnalysisTask, options: RunOptions): AnalysisOutcome => {
    if (!warned) {
      warned = true;
      logger?.warn('analysis runs on the main thread: its worker could not start', { dir: here });
    }
    options.signal?.throwIfAborted();
    return runAnalysisTask(task, options.onStage);
  };

  function onWorker(slot: Slot, code: string, evaluate: boolean, task: AnalysisTask, options: RunOptions) {
    return new Promise<AnalysisOutcome>((resolve, reject) => {
      const fresh = slot.current === null;
      const worker = slot.current ?? new Worker(code, { eval: evaluate });
      slot.current = worker;
      // Idle, the worker does not keep the process alive; busy, it does (the CLI waits for it).
      worker.ref();
      let ready = !fresh;
      let settled = false;
      const finish = (outcome: () => void, keep: boolean) => {
        if (settled) return;
        settled = true;
        options.signal?.removeEventListener('abort', abort);
        worker.off('message', message);
        worker.off('error', failed);
        worker.off('exit', exited);
        if (keep) worker.unref();
        else {
          if (slot.current === worker) slot.current = null;
          void worker.terminate();
        }
        outcome();
      };
      // A cancel ends the worker at once: the next task starts a new one.
      const abort = () => finish(() => reject(cancelled()), false);
      const message = (m: WorkerMessage) => {
        if (m.type === 'ready') ready = true;
        else if (m.type === 'stage') options.onStage?.(m.stage);
        else if (m.type === 'outcome') finish(() => resolve(m.outcome), true);
        else finish(() => reject(rebuilt(m.error)), true);
      };
      const failed = (error: Error) => {
        // A worker that could not even load its code: the calling thread does the work.
        if (!ready) {
          finish(() => {
            try {
              resolve(inThread(task, options));
            } catch (inner) {
              reject(inner instanceof Error ? inner : new Error(String(inner)));
            }
          }, false);
          return;
        }
        finish(() => reject(error), false);
      };
      const exited = (code: number) =>
        finish(() => reject(new Error(`the analysis worker ended (exit code ${code})`)), false);
      options.signal?.addEventListener('abort', abort, { once: true });
      worker.on('message', message);
      worker.on('error', failed);
      worker.on('exit', exited);
      worker.postMessage(task);
    });
  }

  return async (task, options = {}) => {
    const slot = await acquire();
    try {
      if (options.signal?.aborted) throw cancelled();
      if (!source) return inThread(task, options);
      return await onWorker(slot, source.code, source.eval, task, options);
    } finally {
      release(slot);
    }
  };
}
