// The one data layer of the screens: TanStack Query over `call`. A query's key is the procedure
// and its input, so a newer search never shows an older answer; a change invalidates the queries
// of its area (and of any others it names), so every list refreshes after an action.
import {
  keepPreviousData,
  QueryClient,
  useMutation,
  useQuery,
  useQueryClient,
  type UseMutationResult,
  type UseQueryResult,
} from '@tanstack/react-query';
import type { Input, Output, ProcedureName } from '../../../shared/contract';
import { call } from './api';

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      // The main process answers locally: a refusal will not change by asking again.
      queries: { retry: false, refetchOnWindowFocus: false, staleTime: 10_000 },
      mutations: { retry: false },
    },
  });
}

/** `customers.update` → `customers`: the area whose queries a change makes stale. */
export const areaOf = (name: string): string => name.slice(0, name.indexOf('.'));

/** Marks every query of these areas stale (their screens load them again). */
export function invalidateAreas(client: QueryClient, areas: Iterable<string>): Promise<void> {
  const stale = new Set(areas);
  return client.invalidateQueries({ predicate: (query) => stale.has(areaOf(String(query.queryKey[0]))) });
}

export interface ProcedureQueryOptions {
  readonly enabled?: boolean;
  /** Keep showing the last page while the next one loads (lists that page or search). */
  readonly keepPrevious?: boolean;
  /** Ask again every so many milliseconds (a state that changes by itself: an update's download). */
  readonly refetchInterval?: number;
}

export function useProcedure<N extends ProcedureName>(
  name: N,
  input: Input<N>,
  { enabled = true, keepPrevious = false, refetchInterval }: ProcedureQueryOptions = {},
): UseQueryResult<Output<N>> {
  return useQuery({
    queryKey: [name, input],
    queryFn: () => call(name, input),
    enabled,
    ...(keepPrevious && { placeholderData: keepPreviousData }),
    ...(refetchInterval !== undefined && { refetchInterval }),
  });
}

export interface ChangeOptions {
  /** Areas besides the procedure's own whose queries are stale afterwards (`users` after `roles.delete`). */
  readonly alsoInvalidates?: readonly string[];
}

export function useChange<N extends ProcedureName>(
  name: N,
  { alsoInvalidates = [] }: ChangeOptions = {},
): UseMutationResult<Output<N>, Error, Input<N>> {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: Input<N>) => call(name, input),
    onSettled: () => invalidateAreas(client, [areaOf(name), ...alsoInvalidates]),
  });
}
