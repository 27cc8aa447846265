import { mutationOptions, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { registerResultSchema, type PrivateCloudRequest, type RegisterResult } from '@registration/protocol/bff-api';
import type { ApiClient } from '../../../lib/api-client.ts';
import { useApiClient } from '../../../lib/api-context.ts';
import { registrationKeys } from './query-keys.ts';

/** `POST /api/registration/private-cloud`: a refusal is an answer (`ok: false` + every node's reasons). */
export function registerPrivateCloud(api: ApiClient, input: PrivateCloudRequest): Promise<RegisterResult> {
  return api.read(() => api.rpc.api.registration['private-cloud'].$post({ json: input }), registerResultSchema);
}

export function registerPrivateCloudMutationOptions(api: ApiClient, queryClient: QueryClient) {
  return mutationOptions({
    mutationKey: [...registrationKeys.all, 'register', 'private-cloud'],
    mutationFn: (input: PrivateCloudRequest) => registerPrivateCloud(api, input),
    onSuccess: async (result) => {
      // The answer carries the new state: show it at once, then refetch everything registration.
      queryClient.setQueryData(registrationKeys.state(), result.state);
      await queryClient.invalidateQueries({ queryKey: registrationKeys.all });
    },
  });
}

/** Submit of Register Now > Private Cloud. */
export function useRegisterPrivateCloud() {
  return useMutation(registerPrivateCloudMutationOptions(useApiClient(), useQueryClient()));
}
