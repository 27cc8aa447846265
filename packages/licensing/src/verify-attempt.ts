import { reason, type Reason } from '@registration/protocol/reason';
import { challengeState, type Challenge } from './challenge.ts';
import { lockStatus, recordFailure, recordSuccess, type LockState, type LockStatus } from './lockout.ts';
import { codesEqual, computeVerificationCode, normaliseCodeInput } from './verification-code.ts';

/**
 * One code submission, decided in the order both uses (license-server activation page and Local
 * Container in the BFF) must follow: lock gate → challenge → input → constant-time compare → record.
 * The caller loads `lock` and `challenge`, and in the same transaction stores `result.lock` and, when
 * `ok`, marks the challenge used (single use) and records the activation/registration.
 */

/** The stored challenge of a license, with when it was used (null = unused). */
export type StoredChallenge = Pick<Challenge, 'challengeId' | 'fingerprint' | 'expiresAt'> & { usedAt?: Date | null };

export interface VerificationAttemptInput {
  /** The persisted lock record of this license. */
  lock: LockState;
  /** The license's current challenge, or null when there is none. */
  challenge: StoredChallenge | null;
  /** The challenge the person answers (the QR on their screen), if the client sends it. */
  challengeId?: string;
  /**
   * The HMAC key of the stored challenge's code (`activation-code.ts`), or null when this process does not
   * hold that challenge's key (it restarted since): the QR code is then answered like an expired one.
   */
  secret: Uint8Array | string | null;
  /** What the person typed, unchecked. */
  code: unknown;
  now: Date;
}

/** ok → store `lock` and mark the challenge used; otherwise store `lock` and answer `reason`. */
export type VerificationAttemptResult =
  | { ok: true; lock: LockState }
  | { ok: false; lock: LockState; reason: Reason; counted: boolean };


/** The catalogue reason for a closed gate (VERIFY_LOCKED / VERIFY_DISABLED), or null when open. */
export function lockReason(status: LockStatus): Reason | null {
  if (status.kind === 'locked') return reason('VERIFY_LOCKED', { until: status.until.toISOString() });
  if (status.kind === 'disabled') return reason('VERIFY_DISABLED', { failures: status.failures });
  return null;
}

/**
 * Decides one submission. Only a well-formed code for a live challenge while the gate is open is
 * counted; a locked/disabled gate, a stale QR or malformed input leaves the record as it was.
 */
export function attemptVerification(input: VerificationAttemptInput): VerificationAttemptResult {
  const { lock, challenge, now } = input;
  const closed = lockReason(lockStatus(lock, now));
  if (closed) return { ok: false, lock, reason: closed, counted: false };

  const stale =
    challenge === null ||
    (challenge.usedAt ?? null) !== null ||
    challengeState(challenge, now) !== 'valid' ||
    (input.challengeId !== undefined && input.challengeId !== challenge.challengeId) ||
    input.secret === null;
  if (stale || input.secret === null) return { ok: false, lock, reason: reason('QR_EXPIRED'), counted: false };

  const typed = normaliseCodeInput(input.code);
  if (typed === null) return { ok: false, lock, reason: reason('PARAM_INPUT_ERROR', { fields: 'code' }), counted: false };

  const expected = computeVerificationCode({ secret: input.secret, ...challenge });
  if (codesEqual(typed, expected)) return { ok: true, lock: recordSuccess(lock) };

  const next = recordFailure(lock, now);
  const status = lockStatus(next, now);
  const why = lockReason(status) ?? reason('VERIFY_CODE_ERROR', { attemptsLeft: status.kind === 'open' ? status.attemptsLeft : 0 });
  return { ok: false, lock: next, reason: why, counted: true };
}
