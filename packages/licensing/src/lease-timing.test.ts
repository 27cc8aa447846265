import { describe, expect, it } from 'vitest';
import { nextHeartbeatDelay, nodeRegistrationHealth, serverLeaseExpired } from './lease-timing.ts';
import { HEARTBEAT_INTERVAL_MS, leaseExpiry } from './time.ts';

const T0 = new Date('2026-06-01T00:00:00.000Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const at = (ms: number) => new Date(T0.getTime() + ms);

describe('nodeRegistrationHealth', () => {
  // Columns: last attempt (ms after the last success at T0; 0 = that success; null = none), now, status.
  it.each([
    ['just answered', 0, 0, 'registered'],
    ['answered 3 h ago, nothing tried since', 0, 3 * HOUR, 'registered'],
    ['last attempt failed 5 h into an outage', 5 * HOUR, 5 * HOUR, 'degraded'],
    ['23 h 59 m of silence', 23 * HOUR + 59 * MIN, 23 * HOUR + 59 * MIN, 'degraded'],
    ['exactly 24 h of silence', 24 * HOUR, 24 * HOUR, 'failed'],
    ['24 h 01 m of silence', 24 * HOUR + MIN, 24 * HOUR + MIN, 'failed'],
    ['24 h 01 m with nobody trying', null, 24 * HOUR + MIN, 'failed'],
  ] as const)('%s → %s', (_, lastAttempt, now, status) => {
    const lastAttemptAt = lastAttempt === null ? null : at(lastAttempt);
    const health = nodeRegistrationHealth({ lastSuccessAt: T0, lastAttemptAt, now: at(now) });
    expect(health.status).toBe(status);
    expect(health.validUntil).toEqual(at(24 * HOUR));
    expect(health.unreachableSince).toEqual(status === 'registered' ? null : T0);
  });

  it('says since when the server is unreachable when the first failure is known', () => {
    const health = nodeRegistrationHealth({ lastSuccessAt: T0, lastAttemptAt: at(6 * HOUR), firstFailureAt: at(2 * HOUR), now: at(6 * HOUR) });
    expect(health).toEqual({ status: 'degraded', validUntil: at(24 * HOUR), unreachableSince: at(2 * HOUR) });
  });

  it('recovers once an answer comes back after a 5-hour outage', () => {
    const health = nodeRegistrationHealth({ lastSuccessAt: at(5 * HOUR), lastAttemptAt: at(5 * HOUR), firstFailureAt: at(2 * HOUR), now: at(5 * HOUR + MIN) });
    expect(health).toEqual({ status: 'registered', validUntil: at(29 * HOUR), unreachableSince: null });
  });

  it('fails closed on an unreadable time', () => {
    expect(nodeRegistrationHealth({ lastSuccessAt: new Date(Number.NaN), lastAttemptAt: null, now: T0 }).status).toBe('failed');
  });
});

describe('nextHeartbeatDelay', () => {
  it('backs off 1, 2, 4, … minutes after failures, capped at the 2-hour interval', () => {
    const delays = Array.from({ length: 10 }, (_, i) =>
      nextHeartbeatDelay({ consecutiveFailures: i + 1, intervalMs: HEARTBEAT_INTERVAL_MS, jitter: 0 }) / MIN,
    );
    expect(delays).toEqual([1, 2, 4, 8, 16, 32, 64, 120, 120, 120]);
  });

  it('reaches a server back after a 5-hour outage within one interval, and within 24 h in any case', () => {
    let t = 0;
    let failures = 0;
    const outageEnd = 5 * HOUR;
    for (let i = 0; i < 100 && t < outageEnd; i += 1) {
      failures += 1;
      t += nextHeartbeatDelay({ consecutiveFailures: failures, intervalMs: HEARTBEAT_INTERVAL_MS, jitter: 0.99 });
    }
    expect(t).toBeGreaterThanOrEqual(outageEnd);
    expect(t - outageEnd).toBeLessThanOrEqual(HEARTBEAT_INTERVAL_MS);
  });

  it('keeps normal heartbeats within the interval ±10 % and retries never above the interval', () => {
    for (let i = 0; i <= 1000; i += 1) {
      const jitter = i === 1000 ? 0.9999999999 : i / 1000;
      const normal = nextHeartbeatDelay({ consecutiveFailures: 0, intervalMs: HEARTBEAT_INTERVAL_MS, jitter });
      expect(normal).toBeGreaterThanOrEqual(0.9 * HEARTBEAT_INTERVAL_MS);
      expect(normal).toBeLessThanOrEqual(1.1 * HEARTBEAT_INTERVAL_MS);
      for (const failures of [1, 5, 8, 50]) {
        const retry = nextHeartbeatDelay({ consecutiveFailures: failures, intervalMs: HEARTBEAT_INTERVAL_MS, jitter });
        expect(retry).toBeGreaterThan(0);
        expect(retry).toBeLessThanOrEqual(HEARTBEAT_INTERVAL_MS);
      }
    }
    expect(nextHeartbeatDelay({ consecutiveFailures: 0, intervalMs: 1000, jitter: 0 })).toBe(900);
    expect(nextHeartbeatDelay({ consecutiveFailures: 0, intervalMs: 1000, jitter: 0.5 })).toBe(1000);
  });

  it('caps retries at a short test interval too', () => {
    expect(nextHeartbeatDelay({ consecutiveFailures: 1, intervalMs: 5000, jitter: 0 })).toBe(5000);
  });

  it.each([
    [{ consecutiveFailures: Number.NaN, intervalMs: HEARTBEAT_INTERVAL_MS, jitter: 0.5 }, HEARTBEAT_INTERVAL_MS],
    [{ consecutiveFailures: 0, intervalMs: HEARTBEAT_INTERVAL_MS, jitter: Number.NaN }, 0.9 * HEARTBEAT_INTERVAL_MS],
    [{ consecutiveFailures: 0, intervalMs: HEARTBEAT_INTERVAL_MS, jitter: 7 }, 1.1 * HEARTBEAT_INTERVAL_MS],
    [{ consecutiveFailures: -3, intervalMs: HEARTBEAT_INTERVAL_MS, jitter: -1 }, 0.9 * HEARTBEAT_INTERVAL_MS],
    [{ consecutiveFailures: 1e9, intervalMs: HEARTBEAT_INTERVAL_MS, jitter: 0 }, HEARTBEAT_INTERVAL_MS],
    [{ consecutiveFailures: 0, intervalMs: Number.NaN, jitter: 0.5 }, MIN],
  ])('clamps out-of-range input %j instead of throwing', (input, expected) => {
    expect(nextHeartbeatDelay(input)).toBe(Math.round(expected));
  });
});

describe('serverLeaseExpired', () => {
  const lease = { expiresAt: leaseExpiry(T0).toISOString() };
  it.each([
    [23 * HOUR + 59 * MIN, false],
    [24 * HOUR - 1, false],
    [24 * HOUR, true],
    [24 * HOUR + MIN, true],
  ])('%d ms after the last heartbeat → expired %s', (elapsed, expired) => {
    expect(serverLeaseExpired(lease, at(elapsed))).toBe(expired);
    expect(serverLeaseExpired({ expiresAt: new Date(lease.expiresAt) }, at(elapsed))).toBe(expired);
  });

  it('treats an unreadable expiry as expired', () => {
    expect(serverLeaseExpired({ expiresAt: 'tomorrow' }, T0)).toBe(true);
  });
});
