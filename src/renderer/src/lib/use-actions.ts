// Row actions of a list (deactivate, archive, retry …): each call refreshes the queries of its
// area, a refusal shows as the list's error (translated), and a success may say so briefly.
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Input, ProcedureName } from '../../../shared/contract';
import { call } from './api';
import { notifySuccess } from './notify';
import { areaOf, invalidateAreas } from './query';

export interface ActionOptions {
  readonly alsoInvalidates?: readonly string[];
  /** A notice after it worked. */
  readonly success?: string;
}

export function useActions() {
  const client = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  async function run<N extends ProcedureName>(name: N, input: Input<N>, options: ActionOptions = {}): Promise<boolean> {
    setError(null);
    try {
      await call(name, input);
      if (options.success) notifySuccess(options.success);
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      await invalidateAreas(client, [areaOf(name), ...(options.alsoInvalidates ?? [])]);
    }
  }
  return { run, error, dismiss: () => setError(null) };
}

/** After a form saved: the lists of these areas load again. */
export function useInvalidate() {
  const client = useQueryClient();
  return (...areas: string[]) => invalidateAreas(client, areas);
}
