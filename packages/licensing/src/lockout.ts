import { z } from 'zod';

/**
 * The verification-code lock (issue 3, DESIGN.md §2) as a pure reducer over a record the store keeps
 * per license (not per challenge, tab, node or client address).
 *
 * `lockStatus` is the gate: call it first and check the code only when it is 'open'. A guess made while
 * locked or disabled is never counted and never extends the lock (recordFailure ignores it), so the
 * caller must not even compute the code then. Apply gate → compare → record in one store transaction
 * (row lock or compare-and-set), or parallel guesses on several nodes can overwrite each other's count.
 */

/** Wrong codes in a row that lock verification. */
export const LOCK_AFTER_FAILURES = 5;
/** The first lock; each further lock doubles it. */
export const FIRST_LOCK_MS = 15 * 60_000;
/** The longest lock. */
export const MAX_LOCK_MS = 24 * 3600e3;
/** Wrong codes in a row after which code entry stays off until an operator resets it. */
export const DISABLE_AFTER_FAILURES = 100;

/** The persisted lock record. */
export const lockStateSchema = z.object({
  consecutiveFailures: z.number().int().min(0),
  lockouts: z.number().int().min(0),
  lockedUntil: z.iso.datetime({ offset: true }).nullable(),
  disabled: z.boolean(),
});
export type LockState = z.infer<typeof lockStateSchema>;

/** Nobody has guessed wrong yet. */
export const initialLockState: LockState = Object.freeze({
  consecutiveFailures: 0,
  lockouts: 0,
  lockedUntil: null,
  disabled: false,
});

/** Whether a code may be checked now, and what to tell the user. */
export type LockStatus =
  | { kind: 'open'; attemptsLeft: number; nextLockMs: number }
  | { kind: 'locked'; until: Date }
  | { kind: 'disabled'; failures: number };

/** The gate: 'open' (with attempts left before the next lock), 'locked' (until when) or 'disabled'. */
export function lockStatus(state: LockState, now: Date): LockStatus {
  if (state.disabled || state.consecutiveFailures >= DISABLE_AFTER_FAILURES) {
    return { kind: 'disabled', failures: state.consecutiveFailures };
  }
  if (state.lockedUntil !== null) {
    const until = Date.parse(state.lockedUntil);
    // An unreadable lock fails closed: locked for the longest time from now, until a success or reset.
    if (Number.isNaN(until)) return { kind: 'locked', until: new Date(now.getTime() + MAX_LOCK_MS) };
    if (now.getTime() < until) return { kind: 'locked', until: new Date(until) };
  }
  const toNextLock = LOCK_AFTER_FAILURES - (state.consecutiveFailures % LOCK_AFTER_FAILURES);
  return {
    kind: 'open',
    attemptsLeft: Math.min(toNextLock, DISABLE_AFTER_FAILURES - state.consecutiveFailures),
    // How long the lock after these attempts will last, so that a page can say so (15 min, then 30, …).
    nextLockMs: lockDurationMs(Math.floor(state.consecutiveFailures / LOCK_AFTER_FAILURES) + 1),
  };
}

/** How long the n-th lock (1-based) lasts: 15 min, 30, 60, … capped at 24 h. */
export function lockDurationMs(lockout: number): number {
  const doublings = Math.max(0, Math.min(lockout - 1, 16));
  return Math.min(FIRST_LOCK_MS * 2 ** doublings, MAX_LOCK_MS);
}

/**
 * The record after a wrong code. Every 5th consecutive failure locks (escalating); the 100th disables.
 * Unchanged if the gate was not open: a guess while locked or disabled counts for nothing.
 */
export function recordFailure(state: LockState, now: Date): LockState {
  if (lockStatus(state, now).kind !== 'open') return state;
  const consecutiveFailures = state.consecutiveFailures + 1;
  if (consecutiveFailures >= DISABLE_AFTER_FAILURES) {
    return { consecutiveFailures, lockouts: state.lockouts, lockedUntil: null, disabled: true };
  }
  if (consecutiveFailures % LOCK_AFTER_FAILURES === 0) {
    const lockouts = state.lockouts + 1;
    const lockedUntil = new Date(now.getTime() + lockDurationMs(lockouts)).toISOString();
    return { consecutiveFailures, lockouts, lockedUntil, disabled: false };
  }
  return { ...state, consecutiveFailures };
}

/** The record after a right code: failures and lockouts start over. A disabled record stays disabled. */
export function recordSuccess(state: LockState): LockState {
  return state.disabled ? state : initialLockState;
}

/** The operator's reset command: code entry is open again with a clean record. */
export function resetLockState(): LockState {
  return initialLockState;
}
