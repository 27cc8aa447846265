import { mutationOptions, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { registrationStateSchema, type RegistrationState } from '@registration/protocol/bff-api';
import type { ApiClient } from '../../../lib/api-client.ts';
import { useApiClient } from '../../../lib/api-context.ts';
import { ApiRequestError } from '../../../lib/api-error.ts';
import { getRegistration } from './get-registration.ts';
import { registrationKeys } from './query-keys.ts';

/** `DELETE /api/registration`: deregisters (frees the slot on the license server); answers the new state. */
export function deregister(api: ApiClient): Promise<RegistrationState> {
  return api.read(() => api.rpc.api.registration.$delete(), registrationStateSchema);
}

export function deregisterMutationOptions(api: ApiClient, queryClient: QueryClient) {
  return mutationOptions({
    mutationKey: [...registrationKeys.all, 'deregister'],
    mutationFn: async () => {
      try {
        return await deregister(api);
      } catch (err) {
        // 20000: already not registered (our view was stale) — the goal of Re-register is reached.
        const nothingToUnbind = err instanceof ApiRequestError && err.reasons[0]?.name === 'DO_NOT_NEED_DEACTIVATE';
        if (nothingToUnbind) return getRegistration(api);
        throw err;
      }
    },
    onSuccess: async (state) => {
      queryClient.setQueryData(registrationKeys.state(), state);
      await queryClient.invalidateQueries({ queryKey: registrationKeys.all });
    },
  });
}

/** Re-register's first step. */
export function useDeregister() {
  return useMutation(deregisterMutationOptions(useApiClient(), useQueryClient()));
}
