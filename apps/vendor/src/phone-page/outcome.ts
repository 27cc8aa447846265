import { challengeState, parsePhonePageToken, PhonePageTokenError, type PhonePageChallenge } from '@registration/licensing/challenge';
import { activationPrivateKey, vendorCode } from '@registration/licensing/activation-code';
import { bind, isSafeLicenseId, readRecord, type Binding, type IssuedRecord } from '../records.ts';

/** What a scan comes to: the code, or the one reason it cannot be shown. */
export type ScanOutcome =
  | { state: 'code'; code: string; record: IssuedRecord; challenge: PhonePageChallenge; remainingSeconds: number }
  | { state: 'expired'; challenge: PhonePageChallenge }
  | { state: 'malformed' | 'oversized' }
  | { state: 'unknown'; licenseId: string }
  /** Issued before activation keys: the license must be re-issued. */
  | { state: 'reissue'; licenseId: string }
  /** Bound to another installation (`bound`), or this one seen at another site (`moved`: a copy, or a move). */
  | { state: 'bound' | 'moved'; record: IssuedRecord; binding: Binding };

/**
 * Turns a QR token into a page state, in the order that touches the ledger least: a bad or expired
 * token never reaches the records, and the code is computed before binding so a record whose activation
 * key cannot make a code (a thrown TypeError, answered 500) or a QR code whose challenge key cannot
 * (malformed) binds nothing.
 */
export async function resolveScan(vendorDir: string, token: string, now: Date): Promise<ScanOutcome> {
  let challenge: PhonePageChallenge;
  try {
    challenge = parsePhonePageToken(token);
  } catch (error) {
    if (error instanceof PhonePageTokenError) return { state: error.kind };
    throw error;
  }
  if (challengeState(challenge, now) === 'expired') return { state: 'expired', challenge };

  const { licenseId } = challenge;
  // An id that cannot name a record was never issued by this vendor.
  if (!isSafeLicenseId(licenseId)) return { state: 'unknown', licenseId };
  const record = await readRecord(vendorDir, licenseId);
  // A server license's id in a Local Container QR (or the reverse) is not a license of that kind.
  if (record === null || record.kind !== challenge.kind) return { state: 'unknown', licenseId };

  if (record.activationKey === undefined) return { state: 'reissue', licenseId };

  // The ledger's key first: one that is no X25519 key is the vendor's fault (a TypeError, answered 500)…
  activationPrivateKey(record.activationKey.x, record.activationKey.d);
  let code: string;
  try {
    code = vendorCode(record.activationKey, challenge);
  } catch (error) {
    // …so a TypeError here is the QR code's key: no X25519 key, or a low-order point — no verifier made it.
    if (error instanceof TypeError) return { state: 'malformed' };
    throw error;
  }
  const bound = await bind(vendorDir, licenseId, challenge.fingerprint, now, challenge.kind === 'server' ? challenge.site : undefined);
  if (!bound.ok) {
    if (bound.reason === 'unknown-license') return { state: 'unknown', licenseId };
    return { state: bound.reason === 'moved' ? 'moved' : 'bound', record: bound.record, binding: bound.binding };
  }
  const remainingSeconds = Math.ceil((challenge.expiresAt.getTime() - now.getTime()) / 1000);
  return { state: 'code', code, record: bound.record, challenge, remainingSeconds };
}
