import { createHash } from 'node:crypto';
import type { ChallengeKeys } from '@registration/licensing/activation-code';
import { challengeState, createChallenge, phonePageUrl } from '@registration/licensing/challenge';
import { lockStatus, resetLockState, type LockStatus } from '@registration/licensing/lockout';
import { attemptVerification } from '@registration/licensing/verify-attempt';
import type { Reason } from '@registration/protocol/reason';
import type { ChallengeRecord, Mutation, PrivateConfig } from './store.ts';

/**
 * QR activation of the license server (issue 3; DESIGN.md §2, §3.1 step 3) as pure state transitions
 * run in the privateConfig writer queue: the lock gate, the compare and the record of the outcome happen
 * in one step, so parallel guesses can never overwrite each other's count.
 */

/**
 * This installation's fingerprint, bound into every code and shown on the vendor's phone page (whose
 * ledger allows one installation per license): a new privateConfig means a new installation.
 */
export function serverFingerprint(state: Pick<PrivateConfig, 'licenseId' | 'instanceId'>): string {
  const digest = createHash('sha256').update(`${state.licenseId}\0${state.instanceId}`).digest('hex');
  return `LS-${digest.slice(0, 16).toUpperCase()}`;
}

/** The QR code's URL for a challenge of this server (its key, and the site the vendor binds the license to). */
export function activationQrUrl(phonePageBase: string, state: PrivateConfig, challenge: ChallengeRecord, site: string): string {
  return phonePageUrl(
    phonePageBase,
    { challengeId: challenge.challengeId, fingerprint: challenge.fingerprint, expiresAt: new Date(challenge.expiresAt) },
    { licenseId: state.licenseId, kind: 'server', challengeKey: challenge.exchangeKey ?? '', site },
  );
}

/**
 * At start-up: binds the activation to this installation's site. A privateConfig activated at another site
 * (copied to another folder or machine) is not activated here until a scan, which the vendor's phone page
 * checks against the site it knows; one from before sites were recorded takes this one.
 */
export function settleSite(site: string, now: Date): Mutation<{ moved: { site: string; activatedAt: string } | null }> {
  return (state) => {
    const recorded = state.activation.site;
    if (recorded === site) return { result: { moved: null } };
    if (recorded === undefined || state.activatedAt === null) {
      return { next: { ...state, activation: { ...state.activation, site } }, result: { moved: null } };
    }
    const movedFrom = { site: recorded, activatedAt: state.activatedAt, at: now.toISOString() };
    return {
      next: { ...state, activatedAt: null, activation: { ...state.activation, site, challenge: null, movedFrom } },
      result: { moved: { site: recorded, activatedAt: state.activatedAt } },
    };
  };
}

/** Whether the page needs a QR scan: never activated, or nodes refused by the restart rule since. */
export function needsScan(state: PrivateConfig): boolean {
  return state.activatedAt === null || Object.keys(state.activation.rescanRequired).length > 0;
}

// A challenge can be answered only while this process holds its key (made here, never written).
function usable(challenge: ChallengeRecord | null, now: Date, keys: ChallengeKeys): challenge is ChallengeRecord {
  return (
    challenge !== null &&
    challenge.usedAt === null &&
    challenge.exchangeKey !== undefined &&
    keys.has(challenge.exchangeKey) &&
    challengeState({ expiresAt: new Date(challenge.expiresAt) }, now) === 'valid'
  );
}

/**
 * The challenge the page shows: the current one while it is unused, alive and answerable by this process,
 * else a fresh one (`fresh: true` is the Refresh button). Refreshing never touches the lock.
 */
export function currentChallenge(now: Date, fresh: boolean, keys: ChallengeKeys): Mutation<ChallengeRecord> {
  return (state) => {
    const current = state.activation.challenge;
    if (!fresh && usable(current, now, keys)) return { result: current };
    const c = createChallenge({ now, fingerprint: serverFingerprint(state) });
    const challenge: ChallengeRecord = {
      challengeId: c.challengeId,
      fingerprint: c.fingerprint,
      issuedAt: c.issuedAt.toISOString(),
      expiresAt: c.expiresAt.toISOString(),
      usedAt: null,
      exchangeKey: keys.create(),
    };
    return { next: { ...state, activation: { ...state.activation, challenge } }, result: challenge };
  };
}

export type ActivationOutcome =
  | { ok: true; activatedAt: string; resumed: string[] }
  | { ok: false; reason: Reason; status: LockStatus };

/**
 * One code typed on the activation page. A right code activates the server (first time), clears the
 * restart rule's refusals, marks the challenge used and resets the count; a wrong one is counted per license.
 */
export function submitActivationCode(input: {
  keys: ChallengeKeys;
  /** The license's public activation key. */
  licenseKey: string;
  challengeId: string | undefined;
  code: unknown;
  now: Date;
}): Mutation<ActivationOutcome> {
  return (state) => {
    const { activation } = state;
    const stored = activation.challenge;
    const secret =
      stored?.exchangeKey === undefined
        ? null
        : input.keys.codeKey(stored.exchangeKey, { licenseId: state.licenseId, kind: 'server', licenseKey: input.licenseKey });
    const result = attemptVerification({
      lock: activation.lock,
      challenge: stored && { ...stored, expiresAt: new Date(stored.expiresAt), usedAt: stored.usedAt === null ? null : new Date(stored.usedAt) },
      ...(input.challengeId === undefined ? {} : { challengeId: input.challengeId }),
      secret,
      code: input.code,
      now: input.now,
    });
    if (result.ok) {
      const at = input.now.toISOString();
      const challenge = stored && { ...stored, usedAt: at };
      const next: PrivateConfig = {
        ...state,
        activatedAt: state.activatedAt ?? at,
        activation: { ...activation, lock: result.lock, challenge, rescanRequired: {} },
      };
      return { next, result: { ok: true, activatedAt: next.activatedAt ?? at, resumed: Object.keys(activation.rescanRequired) } };
    }
    const failure: ActivationOutcome = { ok: false, reason: result.reason, status: lockStatus(result.lock, input.now) };
    if (!result.counted) return { result: failure };
    return { next: { ...state, activation: { ...activation, lock: result.lock } }, result: failure };
  };
}

/** The operator's `reset-lock` command: code entry open again, count cleared. */
export function resetActivationLock(): Mutation<LockStatus> {
  return (state) => {
    const lock = resetLockState();
    return { next: { ...state, activation: { ...state.activation, lock } }, result: lockStatus(lock, new Date()) };
  };
}
