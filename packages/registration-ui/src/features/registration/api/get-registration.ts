import { queryOptions, useQuery } from '@tanstack/react-query';
import { registrationStateSchema, type RegistrationState } from '@registration/protocol/bff-api';
import type { ApiClient } from '../../../lib/api-client.ts';
import { useApiClient } from '../../../lib/api-context.ts';
import { registrationKeys } from './query-keys.ts';

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

/** The registration state of this report server (cluster-wide view from the answering node). */
export function useRegistrationState() {
  return useQuery(registrationStateQueryOptions(useApiClient()));
}
