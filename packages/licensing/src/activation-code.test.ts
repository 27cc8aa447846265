import { describe, expect, it } from 'vitest';
import { ChallengeKeys, codeKey, createActivationKeyPair, vendorCode } from './activation-code.ts';
import { createChallenge, parsePhonePageUrl, phonePageUrl } from './challenge.ts';
import { computeVerificationCode } from './verification-code.ts';

const NOW = new Date('2026-12-01T08:00:00.000Z');

function issued() {
  const pair = createActivationKeyPair();
  return { x: pair.publicX, d: pair.privateD };
}

describe('activation codes from an X25519 agreement', () => {
  it('the vendor (license key) and the verifier (challenge key in memory) compute the same code from the QR code', () => {
    const license = issued();
    const keys = new ChallengeKeys();
    const challenge = createChallenge({ now: NOW, fingerprint: 'LS-0123456789ABCDEF' });
    const challengeKey = keys.create();
    const url = phonePageUrl('http://vendor.example', challenge, { licenseId: 'lic-1', kind: 'server', challengeKey, site: '0123456789abcdef' });
    const onPhone = vendorCode(license, parsePhonePageUrl(url));
    const secret = keys.codeKey(challengeKey, { licenseId: 'lic-1', kind: 'server', licenseKey: license.x });
    expect(secret).not.toBeNull();
    expect(computeVerificationCode({ secret: secret ?? Buffer.alloc(0), ...challenge })).toBe(onPhone);
    expect(onPhone).toMatch(/^\d{6}$/);
  });

  it('another license key, another license id or another kind gives another code key', () => {
    const license = issued();
    const keys = new ChallengeKeys();
    const challengeKey = keys.create();
    const base = { licenseId: 'lic-1', kind: 'container' as const, licenseKey: license.x };
    const right = keys.codeKey(challengeKey, base);
    for (const other of [{ licenseKey: issued().x }, { licenseId: 'lic-2' }, { kind: 'server' as const }]) {
      expect(keys.codeKey(challengeKey, { ...base, ...other })?.equals(right ?? Buffer.alloc(0))).toBe(false);
    }
  });

  it('without the challenge key (a restart) or the vendor key, the public values give nothing', () => {
    const license = issued();
    const keys = new ChallengeKeys(2);
    const first = keys.create();
    keys.create();
    keys.create();
    // Only the newest challenges stay answerable; a restarted process holds none.
    expect(keys.codeKey(first, { licenseId: 'l', kind: 'server', licenseKey: license.x })).toBeNull();
    expect(new ChallengeKeys().codeKey(first, { licenseId: 'l', kind: 'server', licenseKey: license.x })).toBeNull();
    // A key pair of one's own agrees on another secret with the same public keys.
    const mine = createActivationKeyPair();
    const guessed = codeKey(mine.privateKey, first, { licenseId: 'l', kind: 'server', challengeKey: first, licenseKey: license.x });
    const real = codeKey(createActivationKeyPair().privateKey, first, { licenseId: 'l', kind: 'server', challengeKey: first, licenseKey: license.x });
    expect(guessed.equals(real)).toBe(false);
  });

  it('a used challenge key is forgotten', () => {
    const keys = new ChallengeKeys();
    const k = keys.create();
    expect(keys.has(k)).toBe(true);
    keys.forget(k);
    expect(keys.has(k)).toBe(false);
  });
});
