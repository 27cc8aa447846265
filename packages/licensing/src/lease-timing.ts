import { LEASE_TTL_MS } from './time.ts';

/**
 * The 24-hour rule and the heartbeat schedule (DESIGN.md §3.1 step 5, issue 3), for both sides:
 * a node is registered while its last successful answer is younger than 24 h; the license server frees
 * a slot whose lease (issuedAt + 24 h) has run out.
 */

/** First retry after a failed heartbeat; each further failure doubles it, up to the normal interval. */
export const FIRST_RETRY_MS = 60_000;
/** Normal heartbeats are spread ±10 % so that a cluster's nodes do not beat in step. */
export const HEARTBEAT_JITTER = 0.1;

/** A node's view of its registration. */
export interface NodeRegistrationHealth {
  /** registered: last attempt answered; degraded: server unreachable but still valid; failed: ≥ 24 h of silence. */
  status: 'registered' | 'degraded' | 'failed';
  /** lastSuccessAt + 24 h: when the registration fails without another successful answer. */
  validUntil: Date;
  /** When the silence began (first failure since the last success, else the last success); null if not unreachable. */
  unreachableSince: Date | null;
}

export interface NodeRegistrationInput {
  /** The last successful register/heartbeat answer. */
  lastSuccessAt: Date;
  /** The last attempt, successful or not; a later time than lastSuccessAt means it failed. */
  lastAttemptAt: Date | null;
  /** The first failed attempt after the last success, if the caller keeps it (for "unreachable since"). */
  firstFailureAt?: Date | null;
  now: Date;
}

/** Registered, degraded or failed, by the node's own clock. Valid strictly before lastSuccessAt + 24 h. */
export function nodeRegistrationHealth(input: NodeRegistrationInput): NodeRegistrationHealth {
  const success = input.lastSuccessAt.getTime();
  const validUntil = new Date(success + LEASE_TTL_MS);
  const lastFailed = input.lastAttemptAt !== null && input.lastAttemptAt.getTime() > success;
  const firstFailure = input.firstFailureAt ?? null;
  const since = firstFailure !== null && firstFailure.getTime() > success ? firstFailure : input.lastSuccessAt;
  // An unreadable time must not keep a registration alive: the negated comparison fails closed.
  if (!(input.now.getTime() < validUntil.getTime())) return { status: 'failed', validUntil, unreachableSince: since };
  if (lastFailed) return { status: 'degraded', validUntil, unreachableSince: since };
  return { status: 'registered', validUntil, unreachableSince: null };
}

function unitInterval(value: number): number {
  return Number.isFinite(value) ? Math.min(Math.max(value, 0), 1 - Number.EPSILON) : 0;
}

/**
 * Milliseconds until the next heartbeat. No failures: the interval ±10 % (`jitter` in [0,1) picks where).
 * After n failures: 1 min · 2^(n-1), capped at the interval, minus up to 10 % jitter, so a retry is sooner
 * at first and never later than the interval. Out-of-range input is clamped, never thrown at a loop.
 */
export function nextHeartbeatDelay(input: { consecutiveFailures: number; intervalMs: number; jitter: number }): number {
  const interval = Number.isFinite(input.intervalMs) && input.intervalMs > 0 ? input.intervalMs : FIRST_RETRY_MS;
  const jitter = unitInterval(input.jitter);
  const failures = Number.isFinite(input.consecutiveFailures) ? Math.max(0, Math.floor(input.consecutiveFailures)) : 0;
  if (failures === 0) return Math.round(interval * (1 - HEARTBEAT_JITTER + 2 * HEARTBEAT_JITTER * jitter));
  const backoff = FIRST_RETRY_MS * 2 ** Math.min(failures - 1, 30);
  return Math.round(Math.min(backoff, interval) * (1 - HEARTBEAT_JITTER * jitter));
}

/** Server side: a lease whose expiry is not after `now` (or unreadable) no longer holds its slot. */
export function serverLeaseExpired(lease: { expiresAt: string | Date }, now: Date): boolean {
  const expires = typeof lease.expiresAt === 'string' ? Date.parse(lease.expiresAt) : lease.expiresAt.getTime();
  return !(now.getTime() < expires);
}
