import { describe, expect, it } from 'vitest';
import { PHONE_PAGE_TOKEN_MAX } from '@registration/protocol/phone-page';
import { computeVerificationCode } from './verification-code.ts';
import {
  CHALLENGE_TTL_MS,
  challengeState,
  createChallenge,
  parsePhonePageToken,
  parsePhonePageUrl,
  phonePageUrl,
  PhonePageTokenError,
} from './challenge.ts';

const NOW = new Date('2026-06-01T12:00:00.250Z');
const zeros = () => new Uint8Array(16);
const challenge = createChallenge({ now: NOW, fingerprint: 'project-fp', random: zeros });
const extra = { licenseId: 'lic-0001', kind: 'container', challengeKey: 'K'.repeat(43) } as const;
const b64 = (value: string) => Buffer.from(value, 'utf8').toString('base64url');

function errorKind(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(PhonePageTokenError);
    return (error as PhonePageTokenError).kind;
  }
  throw new Error('expected a PhonePageTokenError');
}

describe('createChallenge', () => {
  it('lives 5 minutes, in whole seconds, with a 128-bit base64url id', () => {
    expect(CHALLENGE_TTL_MS).toBe(300_000);
    expect(challenge).toEqual({
      challengeId: 'AAAAAAAAAAAAAAAAAAAAAA',
      fingerprint: 'project-fp',
      issuedAt: NOW,
      expiresAt: new Date('2026-06-01T12:05:00.000Z'),
    });
  });

  it('draws fresh ids from the system random source by default', () => {
    const ids = new Set(Array.from({ length: 50 }, () => createChallenge({ now: NOW, fingerprint: 'f' }).challengeId));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('refuses a random source that gives fewer than 16 bytes', () => {
    expect(() => createChallenge({ now: NOW, fingerprint: 'f', random: () => new Uint8Array(8) })).toThrow(RangeError);
  });
});

describe('challengeState', () => {
  it.each([
    ['2026-06-01T12:00:00.250Z', 'valid'],
    ['2026-06-01T12:04:59.999Z', 'valid'],
    ['2026-06-01T12:05:00.000Z', 'expired'],
    ['2026-06-01T13:00:00.000Z', 'expired'],
  ])('at %s → %s', (at, state) => {
    expect(challengeState(challenge, new Date(at))).toBe(state);
  });

  it('treats an unreadable expiry as expired', () => {
    expect(challengeState({ expiresAt: new Date(Number.NaN) }, NOW)).toBe('expired');
  });
});

describe('phonePageUrl / parsePhonePageUrl', () => {
  it('round-trips the challenge through the QR payload', () => {
    const url = phonePageUrl('http://192.168.1.20:8090', challenge, extra);
    expect(url).toMatch(/^http:\/\/192\.168\.1\.20:8090\/a\/[A-Za-z0-9_-]+$/);
    // Still short enough to scan easily from a screen (the challenge key is most of it).
    expect(url.length).toBeLessThan(300);
    expect(parsePhonePageUrl(url)).toEqual({
      challengeId: challenge.challengeId,
      fingerprint: 'project-fp',
      expiresAt: challenge.expiresAt,
      licenseId: 'lic-0001',
      kind: 'container',
      challengeKey: 'K'.repeat(43),
    });
    const server = parsePhonePageUrl(phonePageUrl('http://x', challenge, { ...extra, kind: 'server', site: '0123456789abcdef' }));
    expect(server).toMatchObject({ kind: 'server', site: '0123456789abcdef' });
  });

  it('lets the phone page compute the same code as the verifier holding the stored challenge', () => {
    const secret = new Uint8Array(32).fill(7);
    const fresh = createChallenge({ now: new Date('2026-06-01T12:00:00.999Z'), fingerprint: '工程-甲' });
    const scanned = parsePhonePageUrl(phonePageUrl('http://127.0.0.1:8090', fresh, extra));
    expect(computeVerificationCode({ secret, ...scanned })).toBe(computeVerificationCode({ secret, ...fresh }));
  });

  it.each([
    ['https://vendor.example.com/', 'https://vendor.example.com/a/'],
    ['https://vendor.example.com/activate/', 'https://vendor.example.com/activate/a/'],
    ['https://vendor.example.com/activate', 'https://vendor.example.com/activate/a/'],
  ])('base %s → %s<token>', (base, prefix) => {
    const url = phonePageUrl(base, challenge, { licenseId: 'lic-9', kind: 'server', challengeKey: 'K'.repeat(43) });
    expect(url.startsWith(prefix)).toBe(true);
    expect(parsePhonePageUrl(url).kind).toBe('server');
  });

  it.each([
    ['a non-http base', 'ftp://vendor.example.com', extra],
    ['a base with a query', 'https://vendor.example.com/?x=1', extra],
    ['an empty license id', 'https://vendor.example.com', { ...extra, licenseId: '' }],
    ['an unknown kind', 'https://vendor.example.com', { ...extra, kind: 'cloud' as 'server' }],
  ])('refuses %s', (_, base, bad) => {
    expect(() => phonePageUrl(base, challenge, bad)).toThrow(TypeError);
  });

  it('accepts a trailing slash after the token', () => {
    expect(parsePhonePageUrl(`${phonePageUrl('http://x', challenge, extra)}/`).challengeId).toBe(challenge.challengeId);
  });

  const valid = { c: 'AAAAAAAAAAAAAAAAAAAAAA', f: 'fp', e: 1_780_000_000, l: 'lic', k: 'server', x: 'K'.repeat(43) };
  it.each([
    ['not text', 42, 'malformed'],
    ['not a URL', 'hello', 'malformed'],
    ['another path', 'https://vendor.example.com/b/abc', 'malformed'],
    ['no token', 'https://vendor.example.com/a/', 'malformed'],
    ['a token that is not base64url', 'https://vendor.example.com/a/%E4%BD%A0', 'malformed'],
    ['a token that is not JSON', `https://v/a/${b64('{nope')}`, 'malformed'],
    ['a token that is not UTF-8', `https://v/a/${Buffer.from([0xff, 0xfe, 0x7b]).toString('base64url')}`, 'malformed'],
    ['a JSON array', `https://v/a/${b64('[]')}`, 'malformed'],
    ['a short challenge id', `https://v/a/${b64(JSON.stringify({ ...valid, c: 'AAAA' }))}`, 'malformed'],
    ['a fractional expiry', `https://v/a/${b64(JSON.stringify({ ...valid, e: 1.5 }))}`, 'malformed'],
    ['a missing license id', `https://v/a/${b64(JSON.stringify({ ...valid, l: undefined }))}`, 'malformed'],
    ['an unknown kind', `https://v/a/${b64(JSON.stringify({ ...valid, k: 'cloud' }))}`, 'malformed'],
    ['a NUL in the fingerprint', `https://v/a/${b64(JSON.stringify({ ...valid, f: 'a\0b' }))}`, 'malformed'],
    ['no challenge key', `https://v/a/${b64(JSON.stringify({ ...valid, x: undefined }))}`, 'malformed'],
    ['a site that is not 16 hex digits', `https://v/a/${b64(JSON.stringify({ ...valid, s: 'x' }))}`, 'malformed'],
    ['an oversized URL', `https://v/a/${'A'.repeat(3000)}`, 'oversized'],
  ])('refuses %s as %s', (_, url, kind) => {
    expect(errorKind(() => parsePhonePageUrl(url))).toBe(kind);
  });

  it('refuses oversized and malformed bare tokens too', () => {
    expect(errorKind(() => parsePhonePageToken('A'.repeat(PHONE_PAGE_TOKEN_MAX + 1)))).toBe('oversized');
    expect(errorKind(() => parsePhonePageToken('a.b'))).toBe('malformed');
    expect(parsePhonePageToken(b64(JSON.stringify(valid))).expiresAt).toEqual(new Date(1_780_000_000_000));
  });
});
