// Data a screen loads from the main process, reloaded after each action that changes it; errors
// of loading and of actions land in one place for the screen to show.
import { useCallback, useEffect, useRef, useState } from 'react';

export function useLoaded<T>(fetch: () => Promise<T>, initial: T) {
  const [data, setData] = useState<T>(initial);
  const [error, setError] = useState<string | null>(null);
  // The latest fetch, without making reload (and the first load) depend on its identity.
  const fetchRef = useRef(fetch);
  fetchRef.current = fetch;
  const reload = useCallback(() => {
    fetchRef.current().then(setData, (e: Error) => setError(e.message));
  }, []);
  useEffect(reload, [reload]);

  /** Runs a change, then reloads; a refusal shows as the error. */
  async function act(change: () => Promise<unknown>): Promise<void> {
    setError(null);
    try {
      await change();
      reload();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return { data, error, reload, act };
}
