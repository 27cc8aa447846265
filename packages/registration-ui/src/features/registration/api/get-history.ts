import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { historyPageSchema, type HistoryKind, type HistoryPage } from '@registration/protocol/bff-api';
import type { ApiClient } from '../../../lib/api-client.ts';
import { useApiClient } from '../../../lib/api-context.ts';
import { registrationKeys } from './query-keys.ts';

/** What History is filtered by (empty: everything). */
export interface HistoryFilters {
  kind?: HistoryKind;
  node?: string;
}

/** History is read again this often while the page is visible (a node's own events appear by themselves). */
export const HISTORY_POLL_MS = 15_000;
const PAGE_SIZE = 20;

const query = (filters: HistoryFilters) => ({
  ...(filters.kind ? { kind: filters.kind } : {}),
  ...(filters.node ? { node: filters.node } : {}),
});

/** `GET /api/registration/events`: one page, newest first, older than `cursor`. */
export function getHistory(api: ApiClient, filters: HistoryFilters, cursor: string | null, signal?: AbortSignal): Promise<HistoryPage> {
  return api.read(
    () =>
      api.rpc.api.registration.events.$get(
        { query: { ...query(filters), limit: String(PAGE_SIZE), ...(cursor === null ? {} : { cursor }) } },
        { init: { signal: signal ?? null } },
      ),
    historyPageSchema,
  );
}

/** The same as CSV (every match, up to the server's cap), for Export CSV. */
export function getHistoryCsv(api: ApiClient, filters: HistoryFilters): Promise<string> {
  return api.readText(() => api.rpc.api.registration.events.$get({ query: { ...query(filters), format: 'csv' } }));
}

export function historyQueryOptions(api: ApiClient, filters: HistoryFilters) {
  return infiniteQueryOptions({
    // Under ['registration']: an action's invalidation of the registration refreshes History too.
    queryKey: registrationKeys.history(filters),
    queryFn: ({ pageParam, signal }) => getHistory(api, filters, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

/** History pages (Load more appends older ones). */
export function useHistory(filters: HistoryFilters) {
  return useInfiniteQuery({ ...historyQueryOptions(useApiClient(), filters), refetchInterval: HISTORY_POLL_MS, refetchIntervalInBackground: false });
}
