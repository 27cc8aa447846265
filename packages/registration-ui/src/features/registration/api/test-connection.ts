import { mutationOptions, useMutation } from '@tanstack/react-query';
import {
  connectionTestResultSchema,
  type ConnectionTestResult,
  type PrivateCloudRequest,
} from '@registration/protocol/bff-api';
import type { ApiClient } from '../../../lib/api-client.ts';
import { useApiClient } from '../../../lib/api-context.ts';
import { registrationKeys } from './query-keys.ts';

/** `POST /api/registration/private-cloud/test`: diagnosis only, the registration is not touched. */
export function testConnection(api: ApiClient, input: PrivateCloudRequest): Promise<ConnectionTestResult> {
  return api.read(() => api.rpc.api.registration['private-cloud'].test.$post({ json: input }), connectionTestResultSchema);
}

// A mutation because it is a POST the user triggers, not cached data; it changes nothing on the
// server, so unlike the other mutations it does not invalidate ['registration'].
export function testConnectionMutationOptions(api: ApiClient) {
  return mutationOptions({
    mutationKey: [...registrationKeys.all, 'test-connection'],
    mutationFn: (input: PrivateCloudRequest) => testConnection(api, input),
  });
}

/** Test Connection in Register Now. */
export function useTestConnection() {
  return useMutation(testConnectionMutationOptions(useApiClient()));
}
