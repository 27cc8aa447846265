import { mutationOptions, useMutation } from '@tanstack/react-query';
import { containerChallengeSchema, type ContainerChallenge } from '@registration/protocol/bff-api';
import type { ApiClient } from '../../../lib/api-client.ts';
import { useApiClient } from '../../../lib/api-context.ts';
import { registrationKeys } from './query-keys.ts';

/** `POST /api/registration/local-container/challenge`: a fresh 5-minute QR replacing the previous one. */
export function requestContainerChallenge(api: ApiClient): Promise<ContainerChallenge> {
  return api.read(() => api.rpc.api.registration['local-container'].challenge.$post(), containerChallengeSchema);
}

// A mutation, not a query: every call makes a new challenge on the server, so it must never be retried or refetched by itself.
export function requestContainerChallengeMutationOptions(api: ApiClient) {
  return mutationOptions({
    mutationKey: [...registrationKeys.all, 'local-container', 'challenge'],
    mutationFn: () => requestContainerChallenge(api),
  });
}

/** The QR step's challenge (first one and Refresh). */
export function useRequestContainerChallenge() {
  return useMutation(requestContainerChallengeMutationOptions(useApiClient()));
}
