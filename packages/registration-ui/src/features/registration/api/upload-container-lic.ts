import { mutationOptions, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { containerLicAcceptedSchema, type ContainerLicAccepted } from '@registration/protocol/bff-api';
import type { ApiClient } from '../../../lib/api-client.ts';
import { useApiClient } from '../../../lib/api-context.ts';
import { registrationKeys } from './query-keys.ts';

/** Path of the upload (multipart, field `file`); not through `hc` because fetch reports no upload progress. */
export const CONTAINER_LIC_PATH = '/api/registration/local-container/lic';

export interface UploadLicInput {
  file: File;
  onProgress?: (fraction: number) => void;
}

/** `POST /api/registration/local-container/lic`: 201 with the grant, or every refusal reason (nothing stored). */
export function uploadContainerLic(api: ApiClient, { file, onProgress }: UploadLicInput): Promise<ContainerLicAccepted> {
  const form = new FormData();
  form.append('file', file, file.name);
  return api.upload(CONTAINER_LIC_PATH, form, containerLicAcceptedSchema, onProgress);
}

export function uploadContainerLicMutationOptions(api: ApiClient, queryClient: QueryClient) {
  return mutationOptions({
    mutationKey: [...registrationKeys.all, 'local-container', 'lic'],
    mutationFn: (input: UploadLicInput) => uploadContainerLic(api, input),
    // The stored lic (and its code gate) is part of the state.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: registrationKeys.all }),
  });
}

/** Upload lic in Register Now > Local Container. */
export function useUploadContainerLic() {
  return useMutation(uploadContainerLicMutationOptions(useApiClient(), useQueryClient()));
}
