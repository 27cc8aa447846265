import { keepPreviousData, queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import { registrationStateSchema, type RegistrationState } from '@registration/protocol/bff-api';
import type { ApiClient } from '../../../lib/api-client.ts';
import { useApiClient } from '../../../lib/api-context.ts';
import { ApiRequestError } from '../../../lib/api-error.ts';
import { registrationKeys } from './query-keys.ts';

/**
 * How often the registration state is read again while the page is visible, so that the node table
 * shows a change on any node within 5 s (a node writes its row at least every 5 s; a poll every 3 s).
 */
export const REGISTRATION_POLL_MS = 3_000;

/** `GET /api/registration`: version info, status, grant and every node. */
export function getRegistration(api: ApiClient, signal?: AbortSignal): Promise<RegistrationState> {
  return api.read(() => api.rpc.api.registration.$get(undefined, { init: { signal: signal ?? null } }), registrationStateSchema);
}

export function registrationStateQueryOptions(api: ApiClient) {
  return queryOptions({
    queryKey: registrationKeys.state(),
    queryFn: ({ signal }) => getRegistration(api, signal),
  });
}

/** No answer or a 5xx: worth another try (the app's default rule, see app/query-client.ts). */
function isTransient(error: unknown): boolean {
  return error instanceof ApiRequestError && (error.kind === 'network' || (error.status ?? 0) >= 500);
}

/**
 * The registration state of this report server (cluster-wide view from the answering node), read
 * again every REGISTRATION_POLL_MS while the page is visible (paused in a background tab). A poll
 * keeps the data on screen while it runs (no loading flash), and once there is data a poll that gets
 * no answer is retried longer (about 30 s) before the query reports an error, so that a node restart
 * or a short network blip does not replace the page, and its open dialogs, by an error view.
 */
export function useRegistrationState() {
  const client = useQueryClient();
  return useQuery({
    ...registrationStateQueryOptions(useApiClient()),
    refetchInterval: REGISTRATION_POLL_MS,
    refetchIntervalInBackground: false,
    // The key never changes today, so the data stays during a refetch anyway; this keeps it so if
    // the key ever gets parameters.
    placeholderData: keepPreviousData,
    retry: (failures, error) =>
      isTransient(error) && failures < (client.getQueryData(registrationKeys.state()) === undefined ? 2 : 5),
  });
}
