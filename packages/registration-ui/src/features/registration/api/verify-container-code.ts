import { mutationOptions, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { containerVerifiedSchema, type ContainerVerified, type ContainerVerifyRequest } from '@registration/protocol/bff-api';
import type { ApiClient } from '../../../lib/api-client.ts';
import { useApiClient } from '../../../lib/api-context.ts';
import { registrationKeys } from './query-keys.ts';

/** `POST /api/registration/local-container/verify`: registered, or VERIFY_CODE_ERROR / VERIFY_LOCKED / VERIFY_DISABLED / QR_EXPIRED. */
export function verifyContainerCode(api: ApiClient, input: ContainerVerifyRequest): Promise<ContainerVerified> {
  return api.read(() => api.rpc.api.registration['local-container'].verify.$post({ json: input }), containerVerifiedSchema);
}

export function verifyContainerCodeMutationOptions(api: ApiClient, queryClient: QueryClient) {
  return mutationOptions({
    mutationKey: [...registrationKeys.all, 'local-container', 'verify'],
    mutationFn: (input: ContainerVerifyRequest) => verifyContainerCode(api, input),
    // Right or wrong, the status and the code gate changed.
    onSettled: () => queryClient.invalidateQueries({ queryKey: registrationKeys.all }),
  });
}

/** Submit of the 6-digit code. */
export function useVerifyContainerCode() {
  return useMutation(verifyContainerCodeMutationOptions(useApiClient(), useQueryClient()));
}
