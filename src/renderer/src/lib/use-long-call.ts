// A long operation the user can watch and stop: progress from the main process, a cancel that
// reaches it, and the outcome (done, cancelled, or an error message).
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ProgressEvent } from '../../../shared/contract/bridge';
import { isCancelled } from '../../../shared/errors';
import { describeError } from './describe-error';

export function useLongCall() {
  const { t, i18n } = useTranslation();
  const [progress, setProgress] = useState<ProgressEvent | null>(null);
  const [running, setRunning] = useState(false);
  const [cancelled, setCancelled] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const controller = useRef<AbortController | null>(null);

  async function run<T>(
    work: (options: { onProgress: (p: ProgressEvent) => void; signal: AbortSignal }) => Promise<T>,
  ): Promise<T | null> {
    controller.current = new AbortController();
    setRunning(true);
    setCancelled(false);
    setError(null);
    setProgress(null);
    try {
      return await work({ onProgress: setProgress, signal: controller.current.signal });
    } catch (e) {
      if (isCancelled(e)) setCancelled(true);
      else setError(describeError(e, t, i18n.language));
      return null;
    } finally {
      setRunning(false);
      controller.current = null;
    }
  }

  return { run, running, progress, cancelled, error, cancel: () => controller.current?.abort() };
}
