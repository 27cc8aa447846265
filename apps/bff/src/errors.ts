import { CATALOGUE, codeOf, describe, type ErrorName } from '@registration/protocol/catalogue';
import type { ApiError, ReasonParams } from '@registration/protocol/reason';

// Reasons are made in one place (protocol); the BFF's modules take it from here with apiError.
export { reason } from '@registration/protocol/reason';

/** The body of a non-2xx answer: catalogue code/name, the English explanation as message. */
export function apiError(name: ErrorName, params?: ReasonParams, details?: ApiError['details']): ApiError {
  const body: ApiError = { code: codeOf(name), name, message: describe(name, 'en', params).explanation };
  if (details !== undefined) body.details = details;
  return body;
}

/**
 * A failure a handler wants answered with a catalogue entry; `onError` turns it into
 * `{ code, name, message, details? }` with the entry's HTTP status.
 */
export class CatalogueError extends Error {
  constructor(
    readonly errorName: ErrorName,
    readonly params?: ReasonParams,
    readonly details?: ApiError['details'],
  ) {
    super(describe(errorName, 'en', params).explanation);
    this.name = 'CatalogueError';
  }

  get status(): number {
    return CATALOGUE[this.errorName].status;
  }
}
