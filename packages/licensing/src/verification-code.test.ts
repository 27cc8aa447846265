import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  codesEqual,
  computeVerificationCode,
  dynamicTruncate,
  hmacOtp,
  normaliseCodeInput,
  secretBytes,
} from './verification-code.ts';

const counter = (n: number) => {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(BigInt(n));
  return bytes;
};

describe('RFC 4226 Appendix D (HMAC-SHA-1, secret "12345678901234567890")', () => {
  const secret = Buffer.from('12345678901234567890', 'ascii');
  it.each([
    [0, 1284755224, '755224'],
    [1, 1094287082, '287082'],
    [2, 137359152, '359152'],
    [3, 1726969429, '969429'],
    [4, 1640338314, '338314'],
    [5, 868254676, '254676'],
    [6, 1918287922, '287922'],
    [7, 82162583, '162583'],
    [8, 673399871, '399871'],
    [9, 645520489, '520489'],
  ])('count %d → truncated %d → HOTP %s', (count, truncated, hotp) => {
    expect(dynamicTruncate(createHmac('sha1', secret).update(counter(count)).digest())).toBe(truncated);
    expect(hmacOtp('sha1', secret, counter(count), 6)).toBe(hotp);
  });
});

describe('RFC 6238 Appendix B (TOTP, HMAC-SHA-256, 8 digits): the SHA-256 path truncates the same way', () => {
  const secret = Buffer.from('12345678901234567890123456789012', 'ascii');
  it.each([
    [59, '46119246'],
    [1111111109, '68084774'],
    [1111111111, '67062674'],
    [1234567890, '91819424'],
    [2000000000, '90698825'],
    [20000000000, '77737706'],
  ])('time %d → %s', (time, totp) => {
    expect(hmacOtp('sha256', secret, counter(Math.floor(time / 30)), 8)).toBe(totp);
  });
});

describe('computeVerificationCode (fixed vectors, cross-checked with Python hmac)', () => {
  const secret = Uint8Array.from({ length: 32 }, (_, i) => i);
  const secretText = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8';
  const ascii32 = Buffer.from('12345678901234567890123456789012', 'ascii');
  it.each([
    [secret, 'AAAAAAAAAAAAAAAAAAAAAA', 'project:demo', '2026-06-01T12:05:00.000Z', '530855'],
    [secret, 'q8Xr3Jm0bH1m2KqjV4t9cw', 'lic-0001:server', '2026-06-01T12:05:00.000Z', '278276'],
    [secret, 'q8Xr3Jm0bH1m2KqjV4t9cw', 'lic-0001:server', '2026-06-01T12:05:01.000Z', '037730'],
    [ascii32, 'challenge-1', '工程-甲', '2030-01-01T00:00:00.000Z', '686968'],
    [ascii32, 'challenge-1', '工程-乙', '2030-01-01T00:00:00.000Z', '924242'],
  ])('%#: → %s', (key, challengeId, fingerprint, expiresAt, code) => {
    expect(computeVerificationCode({ secret: key, challengeId, fingerprint, expiresAt: new Date(expiresAt) })).toBe(code);
  });

  it('takes the secret as base64url text too, and counts expiry in whole seconds like the QR', () => {
    const base = { challengeId: 'AAAAAAAAAAAAAAAAAAAAAA', fingerprint: 'project:demo' };
    const withMs = computeVerificationCode({ ...base, secret: secretText, expiresAt: new Date('2026-06-01T12:05:00.999Z') });
    expect(withMs).toBe('530855');
    expect(secretBytes(secretText)).toEqual(Buffer.from(secret));
  });

  it.each([
    ['a short secret', { secret: new Uint8Array(15) }],
    ['a secret that is not base64url', { secret: 'not base64url!' }],
    ['an impossible base64url length', { secret: 'A'.repeat(41) }],
    ['an invalid date', { expiresAt: new Date(Number.NaN) }],
    ['an empty fingerprint', { fingerprint: '' }],
    ['a NUL in the fingerprint', { fingerprint: 'a\0b' }],
    ['a NUL in the challenge id', { challengeId: 'a\0b' }],
    ['an overlong fingerprint', { fingerprint: 'f'.repeat(129) }],
  ])('refuses %s with a TypeError', (_, override) => {
    const input = { secret, challengeId: 'c', fingerprint: 'f', expiresAt: new Date(0), ...override };
    expect(() => computeVerificationCode(input)).toThrow(TypeError);
  });
});

describe('codesEqual', () => {
  it.each([
    ['123456', '123456', true],
    ['012345', '012345', true],
    ['123456', '123457', false],
    ['123456', '12345', false],
    ['123456', '1234567', false],
    ['12345a', '12345a', false],
    ['', '', false],
    ['１２３４５６', '１２３４５６', false],
    [' 123456', ' 123456', false],
  ])('%j vs %j → %s', (a, b, expected) => {
    expect(codesEqual(a, b)).toBe(expected);
    expect(codesEqual(b, a)).toBe(expected);
  });

  it('is false, not a throw, for values that are not strings at run time', () => {
    expect(codesEqual(123456 as unknown as string, '123456')).toBe(false);
    expect(codesEqual(undefined as unknown as string, '123456')).toBe(false);
  });
});

describe('normaliseCodeInput', () => {
  it.each([
    ['123456', '123456'],
    [' 123 456 ', '123456'],
    ['123-456', '123456'],
    ['１２３４５６', '123456'],
    ['123\u3000456', '123456'],
    ['12345', null],
    ['1234567', null],
    ['12345x', null],
    ['1'.repeat(65), null],
    [123456, null],
  ])('%j → %j', (input, expected) => {
    expect(normaliseCodeInput(input)).toBe(expected);
  });
});
