import { CATALOGUE, describe, type ErrorName, type Locale } from '@registration/protocol/catalogue';
import type { ApiError, Reason } from '@registration/protocol/reason';
import type { RefusalResponse } from '@registration/protocol/license-server-api';

type RefusalStatus = 400 | 403 | 409;

/** `{ ok: false, reasons }` with the status of the first reason (400 format, 403 licence rules, 409 state). */
export function refusal(reasons: [Reason, ...Reason[]]): { body: RefusalResponse; status: RefusalStatus } {
  const status = CATALOGUE[reasons[0].name].status;
  return { body: { ok: false, reasons }, status: status === 400 || status === 409 ? status : 403 };
}

/** The body of the server's own errors (404, 413, 500): `{ code, name, message }` in the server's language. */
export function apiError(name: ErrorName, locale: Locale): ApiError {
  return { code: CATALOGUE[name].code, name, message: describe(name, locale).explanation };
}
