import { challengeState, parsePhonePageToken, PhonePageTokenError, type PhonePageChallenge } from '@registration/licensing/challenge';
import { computeVerificationCode } from '@registration/licensing/verification-code';
import { bind, isSafeLicenseId, readRecord, type Binding, type IssuedRecord } from '../records.ts';

/** What a scan comes to: the code, or the one reason it cannot be shown. */
export type ScanOutcome =
  | { state: 'code'; code: string; record: IssuedRecord; challenge: PhonePageChallenge; remainingSeconds: number }
  | { state: 'expired'; challenge: PhonePageChallenge }
  | { state: 'malformed' | 'oversized' }
  | { state: 'unknown'; licenseId: string }
  | { state: 'bound'; record: IssuedRecord; binding: Binding };

/**
 * Turns a QR token into a page state, in the order that touches the ledger least: a bad or expired
 * token never reaches the records, and the code is computed before binding so a record whose secret
 * cannot make a code (a thrown TypeError, answered 500) binds nothing.
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

  const code = computeVerificationCode({
    secret: record.activationSecret,
    challengeId: challenge.challengeId,
    fingerprint: challenge.fingerprint,
    expiresAt: challenge.expiresAt,
  });
  const bound = await bind(vendorDir, licenseId, challenge.fingerprint, now);
  if (!bound.ok) {
    return bound.reason === 'already-bound'
      ? { state: 'bound', record: bound.record, binding: bound.binding }
      : { state: 'unknown', licenseId };
  }
  const remainingSeconds = Math.ceil((challenge.expiresAt.getTime() - now.getTime()) / 1000);
  return { state: 'code', code, record: bound.record, challenge, remainingSeconds };
}
