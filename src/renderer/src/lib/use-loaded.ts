// Data a screen loads from the main process, reloaded after each action that changes it; errors
// of loading and of actions land in one place for the screen to show.
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from './describe-error';

export function useLoaded<T>(fetch: () => Promise<T>, initial: T) {
  const [data, setData] = useState<T>(initial);
  const [error, setError] = useState<string | null>(null);
  const { t, i18n } = useTranslation();
  // Refusals read as sentences in the user's language (a raw main-process message only as a last resort).
  const describe = useRef((e: unknown) => describeError(e, t, i18n.language));
  describe.current = (e: unknown) => describeError(e, t, i18n.language);
  // The latest fetch, without making reload (and the first load) depend on its identity.
  const fetchRef = useRef(fetch);
  fetchRef.current = fetch;
  const reload = useCallback(() => {
    fetchRef.current().then(setData, (e: unknown) => setError(describe.current(e)));
  }, []);
  useEffect(reload, [reload]);

  /** Runs a change, then reloads; a refusal shows as the error. */
  async function act(change: () => Promise<unknown>): Promise<void> {
    setError(null);
    try {
      await change();
      reload();
    } catch (e) {
      setError(describe.current(e));
    }
  }

  return { data, error, reload, act };
}
