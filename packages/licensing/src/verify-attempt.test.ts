import { describe, expect, it } from 'vitest';
import { reasonSchema } from '@registration/protocol/reason';
import { createChallenge } from './challenge.ts';
import { initialLockState, type LockState } from './lockout.ts';
import { attemptVerification, type StoredChallenge, type VerificationAttemptInput } from './verify-attempt.ts';
import { computeVerificationCode } from './verification-code.ts';

const T0 = new Date('2026-06-01T12:00:00.000Z');
const MIN = 60_000;
const secret = new Uint8Array(32).fill(3);
const challenge = createChallenge({ now: T0, fingerprint: 'project-fp' });
const right = computeVerificationCode({ secret, ...challenge });
const wrong = right === '000000' ? '000001' : '000000';

function attempt(overrides: Partial<VerificationAttemptInput> = {}) {
  const result = attemptVerification({ lock: initialLockState, challenge, secret, code: right, now: T0, ...overrides });
  if (!result.ok) expect(reasonSchema.parse(result.reason)).toEqual(result.reason);
  return result;
}

describe('attemptVerification', () => {
  it('accepts the right code, also typed with spaces or full-width digits, and clears the record', () => {
    const dirty: LockState = { ...initialLockState, consecutiveFailures: 3 };
    expect(attempt({ lock: dirty })).toEqual({ ok: true, lock: initialLockState });
    expect(attempt({ code: `${right.slice(0, 3)} ${right.slice(3)}` }).ok).toBe(true);
    const fullWidth = [...right].map((d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0)).join('');
    expect(attempt({ code: fullWidth }).ok).toBe(true);
  });

  it('counts a wrong code and says how many attempts are left, then locks at the fifth', () => {
    let lock = initialLockState;
    const answers: unknown[] = [];
    for (let i = 0; i < 5; i += 1) {
      const result = attempt({ lock, code: wrong });
      if (result.ok) throw new Error('a wrong code passed');
      expect(result.counted).toBe(true);
      answers.push(result.reason.params);
      lock = result.lock;
    }
    expect(answers).toEqual([
      { attemptsLeft: 4 },
      { attemptsLeft: 3 },
      { attemptsLeft: 2 },
      { attemptsLeft: 1 },
      { until: new Date(T0.getTime() + 15 * MIN).toISOString() },
    ]);
    // Even the right code is not looked at while locked.
    expect(attempt({ lock, code: right })).toMatchObject({ ok: false, counted: false, lock, reason: { name: 'VERIFY_LOCKED' } });
  });

  it('answers the 100th wrong code with VERIFY_DISABLED', () => {
    const lock: LockState = { consecutiveFailures: 99, lockouts: 19, lockedUntil: null, disabled: false };
    const result = attempt({ lock, code: wrong });
    expect(result).toMatchObject({ ok: false, counted: true, reason: { name: 'VERIFY_DISABLED', params: { failures: 100 } } });
    expect(attempt({ lock: result.lock })).toMatchObject({ ok: false, counted: false, reason: { code: 32005 } });
  });

  const used: StoredChallenge = { ...challenge, usedAt: T0 };
  it.each([
    ['no challenge', { challenge: null }],
    ['a used challenge (single use)', { challenge: used }],
    ['an expired challenge', { now: new Date(T0.getTime() + 5 * MIN) }],
    ['an answer to a replaced QR code', { challengeId: 'BBBBBBBBBBBBBBBBBBBBBB' }],
  ])('refuses %s as QR_EXPIRED without counting it', (_, overrides) => {
    expect(attempt({ ...overrides, code: wrong })).toEqual({ ok: false, counted: false, lock: initialLockState, reason: { code: 32006, name: 'QR_EXPIRED' } });
  });

  it.each(['12345', 'abcdef', '', 42, null, '1'.repeat(100)])('refuses malformed input %j without counting it', (code) => {
    expect(attempt({ code })).toMatchObject({ ok: false, counted: false, lock: initialLockState, reason: { name: 'PARAM_INPUT_ERROR' } });
  });
});
