import type { Reason } from '@registration/protocol/reason';

/**
 * `api`: the BFF answered a catalogue error (reasons say which); `network`: no answer reached the
 * browser; `invalid-response`: an answer the protocol schemas reject (never rendered as is).
 */
export type ApiFailureKind = 'api' | 'network' | 'invalid-response';

/** A failed BFF call, reduced to what the UI may show: catalogue reasons or a client-side kind. */
export class ApiRequestError extends Error {
  constructor(
    readonly kind: ApiFailureKind,
    readonly status: number | null,
    readonly reasons: Reason[],
    options?: { cause?: unknown },
  ) {
    super(`registration API call failed (${kind}${status === null ? '' : ` ${status}`})`, options);
    this.name = 'ApiRequestError';
  }
}

/** Any thrown value as an ApiRequestError, so screens only ever handle one shape. */
export function toApiRequestError(err: unknown): ApiRequestError {
  return err instanceof ApiRequestError ? err : new ApiRequestError('invalid-response', null, [], { cause: err });
}
