import { describe, expect, it } from 'vitest';
import {
  initialLockState,
  lockDurationMs,
  lockStateSchema,
  lockStatus,
  recordFailure,
  recordSuccess,
  resetLockState,
  type LockState,
} from './lockout.ts';

const T0 = new Date('2026-06-01T12:00:00.000Z');
const MIN = 60_000;

/** An injected clock that only moves when told to. */
function clock(start = T0) {
  let t = start.getTime();
  return { now: () => new Date(t), advance: (ms: number) => (t += ms) };
}

function fail(state: LockState, now: Date, times: number): LockState {
  let s = state;
  for (let i = 0; i < times; i += 1) s = recordFailure(s, now);
  return s;
}

describe('lockout', () => {
  it('4 wrong → 1 left; 5th → locked 15 min; still locked at 14:59, open at 15:00 with 5 attempts', () => {
    const c = clock();
    let s = fail(initialLockState, c.now(), 4);
    // The page can say how long the coming lock lasts: 15 minutes for the first.
    expect(lockStatus(s, c.now())).toEqual({ kind: 'open', attemptsLeft: 1, nextLockMs: 15 * MIN });
    s = recordFailure(s, c.now());
    expect(lockStatus(s, c.now())).toEqual({ kind: 'locked', until: new Date(T0.getTime() + 15 * MIN) });
    c.advance(14 * MIN + 59_000);
    expect(lockStatus(s, c.now()).kind).toBe('locked');
    c.advance(1000);
    expect(lockStatus(s, c.now())).toEqual({ kind: 'open', attemptsLeft: 5, nextLockMs: 30 * MIN }); // the next one doubles
    expect(lockStateSchema.parse(s)).toEqual(s);
  });

  it('ignores guesses while locked: not counted, lock not extended', () => {
    const c = clock();
    const locked = fail(initialLockState, c.now(), 5);
    c.advance(10 * MIN);
    expect(fail(locked, c.now(), 50)).toBe(locked);
  });

  it('after a lock opens the next 5 wrong codes lock for 30 minutes', () => {
    const c = clock();
    let s = fail(initialLockState, c.now(), 5);
    c.advance(15 * MIN);
    s = fail(s, c.now(), 4);
    expect(lockStatus(s, c.now())).toMatchObject({ kind: 'open', attemptsLeft: 1 });
    s = recordFailure(s, c.now());
    expect(s.consecutiveFailures).toBe(10);
    expect(lockStatus(s, c.now())).toEqual({ kind: 'locked', until: new Date(c.now().getTime() + 30 * MIN) });
  });

  it('escalates 15, 30, 60, … minutes, capped at 24 h, and disables at 100 wrong codes in a row', () => {
    const c = clock();
    let s = initialLockState;
    const locks: number[] = [];
    for (let round = 1; round <= 19; round += 1) {
      s = fail(s, c.now(), 5);
      const status = lockStatus(s, c.now());
      if (status.kind !== 'locked') throw new Error(`round ${round}: expected a lock, got ${status.kind}`);
      locks.push((status.until.getTime() - c.now().getTime()) / MIN);
      c.advance(status.until.getTime() - c.now().getTime());
    }
    expect(locks).toEqual([15, 30, 60, 120, 240, 480, 960, ...Array<number>(12).fill(1440)]);
    expect(s.consecutiveFailures).toBe(95);
    expect(lockStatus(s, c.now())).toMatchObject({ kind: 'open', attemptsLeft: 5 });
    s = fail(s, c.now(), 5);
    expect(lockStatus(s, c.now())).toEqual({ kind: 'disabled', failures: 100 });
    c.advance(365 * 24 * 60 * MIN);
    expect(lockStatus(s, c.now()).kind).toBe('disabled');
    expect(recordFailure(s, c.now())).toBe(s);
    expect(recordSuccess(s)).toBe(s);
    expect(lockStatus(resetLockState(), c.now())).toMatchObject({ kind: 'open', attemptsLeft: 5 });
  });

  it('a right code resets failures and lockouts, so the next lock is 15 minutes again', () => {
    const c = clock();
    let s = fail(initialLockState, c.now(), 5);
    c.advance(15 * MIN);
    s = fail(s, c.now(), 3);
    s = recordSuccess(s);
    expect(s).toEqual(initialLockState);
    s = fail(s, c.now(), 5);
    expect(lockStatus(s, c.now())).toEqual({ kind: 'locked', until: new Date(c.now().getTime() + 15 * MIN) });
  });

  it.each([
    [1, 15],
    [2, 30],
    [3, 60],
    [7, 960],
    [8, 1440],
    [50, 1440],
    [0, 15],
  ])('lock %d lasts %d minutes', (lockout, minutes) => {
    expect(lockDurationMs(lockout)).toBe(minutes * MIN);
  });

  it('fails closed on a record it cannot read or that already reached 100', () => {
    const unreadable = { ...initialLockState, consecutiveFailures: 5, lockedUntil: 'soon' };
    const status = lockStatus(unreadable, T0);
    expect(status).toEqual({ kind: 'locked', until: new Date(T0.getTime() + 24 * 60 * MIN) });
    expect(lockStatus({ ...initialLockState, consecutiveFailures: 100 }, T0)).toEqual({ kind: 'disabled', failures: 100 });
    expect(lockStateSchema.safeParse(unreadable).success).toBe(false);
    expect(lockStateSchema.safeParse({ ...initialLockState, consecutiveFailures: -1 }).success).toBe(false);
  });
});
