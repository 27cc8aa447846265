import { mutationOptions, useMutation } from '@tanstack/react-query';
import { trustedCertificateSchema, type TrustedCertificate, type TrustRequest } from '@registration/protocol/bff-api';
import type { ApiClient } from '../../../lib/api-client.ts';
import { useApiClient } from '../../../lib/api-context.ts';
import { registrationKeys } from './query-keys.ts';

/**
 * `POST /api/registration/private-cloud/trust`: confirms the certificate fingerprint the license server
 * presents now (the BFF checks it still does); cluster-wide.
 */
export function trustCertificate(api: ApiClient, input: TrustRequest): Promise<TrustedCertificate> {
  return api.read(() => api.rpc.api.registration['private-cloud'].trust.$post({ json: input }), trustedCertificateSchema);
}

// Changes nothing the registration state shows, so like Test Connection it invalidates nothing.
export function trustCertificateMutationOptions(api: ApiClient) {
  return mutationOptions({
    mutationKey: [...registrationKeys.all, 'trust-certificate'],
    mutationFn: (input: TrustRequest) => trustCertificate(api, input),
  });
}

/** "Trust this certificate" in Register Now. */
export function useTrustCertificate() {
  return useMutation(trustCertificateMutationOptions(useApiClient()));
}
