import { cp, readdir, readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePhonePageUrl } from '@registration/licensing/challenge';
import { computeVerificationCode } from '@registration/licensing/verification-code';
import { resetActivationLock } from './activation.ts';
import { checkBundle } from './bundle.ts';
import { StartupError } from './messages.ts';
import { call, createFixture, manualClock, startServer, TestNode, type Fixture } from './test-harness.ts';
import { readPrivateConfig } from './store.ts';

// Activation secrets out of the customer's hands (issue 10): nothing in the files a customer is sent or
// keeps computes an activation code; a copied installation is not activated where it wakes up.

let fx: Fixture;
beforeAll(async () => {
  fx = await createFixture();
});
afterAll(async () => {
  await fx.cleanup();
});

/** Every base64url or hex string of 16+ characters in a JSON document: whatever could serve as a key. */
function candidates(json: unknown, found = new Set<string>()): Set<string> {
  if (typeof json === 'string') {
    for (const m of json.matchAll(/[A-Za-z0-9_-]{16,}/g)) found.add(m[0]);
    // A JWS carries its payload base64url-encoded: look inside too.
    for (const part of json.split('.')) {
      try {
        candidates(JSON.parse(Buffer.from(part, 'base64url').toString('utf8')), found);
      } catch {
        // not JSON
      }
    }
  } else if (Array.isArray(json)) json.forEach((v) => candidates(v, found));
  else if (json !== null && typeof json === 'object') Object.values(json).forEach((v) => candidates(v, found));
  return found;
}

describe('what the customer holds computes no code', () => {
  it('1,000 codes derived from bundle.json and privateConfig the way format 1 allowed: 0 accepted; the vendor\'s code: accepted', async () => {
    const clock = manualClock();
    const bundle = await fx.bundle();
    const s = await startServer(fx, { bundle, clock: clock.now, activated: false });
    try {
      const privateConfig: unknown = await readPrivateConfig(s.store.path);
      const keys = [...candidates(bundle), ...candidates(privateConfig)].filter((k) => k.length % 4 !== 1);
      expect(keys.length).toBeGreaterThan(5);
      let accepted = 0;
      let tried = 0;
      while (tried < 1000) {
        for (const secret of keys) {
          if (tried >= 1000) break;
          // Every attempt is really checked: a fresh QR, the lock reset and the per-minute cap moved past,
          // as someone editing privateConfig and waiting would have it.
          await s.store.update(resetActivationLock());
          clock.advance(60_000);
          const offered = await call(fx, s.url, '/license/challenge', { json: {} });
          const scanned = parsePhonePageUrl(offered.body.challenge.url);
          let code: string;
          try {
            code = computeVerificationCode({ secret, ...scanned });
          } catch {
            code = computeVerificationCode({ secret: Buffer.from(secret, 'utf8'), ...scanned });
          }
          const res = await call(fx, s.url, '/license/activate', { json: { challengeId: scanned.challengeId, code } });
          tried += 1;
          if (res.status === 200) accepted += 1;
          else expect(['VERIFY_CODE_ERROR'], JSON.stringify(res.body.reasons)).toContain(res.body.reasons[0].name);
        }
      }
      expect({ tried, accepted }).toEqual({ tried: 1000, accepted: 0 });
      // The same loop with the vendor's phone page code succeeds: the attempts above could have.
      clock.advance(60_000);
      const offered = await call(fx, s.url, '/license/challenge', { json: {} });
      const right = await call(fx, s.url, '/license/activate', {
        json: { challengeId: parsePhonePageUrl(offered.body.challenge.url).challengeId, code: fx.phoneCode(offered.body.challenge.url) },
      });
      expect(right.status).toBe(200);
      // Nothing the server wrote holds the challenge's private key, nor the license's.
      const written = await readFile(s.store.path, 'utf8');
      expect(written).not.toMatch(/"d"\s*:/);
      expect(JSON.stringify(bundle)).not.toContain(fx.activationKey(bundle).d);
    } finally {
      await s.stop();
    }
  }, 120_000);

  it('a QR code shown before a restart cannot be answered after it (its key lived in that process only); a fresh one is shown', async () => {
    const clock = manualClock();
    const bundle = await fx.bundle();
    const configDir = fx.newConfigDir();
    const first = await startServer(fx, { bundle, clock: clock.now, configDir, activated: false });
    const offered = await call(fx, first.url, '/license/challenge', { json: {} });
    const url = offered.body.challenge.url as string;
    await first.stop();
    const second = await startServer(fx, { bundle, clock: clock.now, configDir, activated: false });
    try {
      const late = await call(fx, second.url, '/license/activate', { json: { challengeId: parsePhonePageUrl(url).challengeId, code: fx.phoneCode(url) } });
      expect(late.status).toBe(422);
      expect(late.body.reasons[0].name).toBe('QR_EXPIRED');
      expect(second.store.state.activation.lock.consecutiveFailures).toBe(0); // not counted
      const page = await call(fx, second.url, '/license/activation');
      expect(page.body.challenge.url).not.toBe(url);
      const ok = await call(fx, second.url, '/license/activate', {
        json: { challengeId: page.body.challenge.challengeId, code: fx.phoneCode(page.body.challenge.url) },
      });
      expect(ok.status).toBe(200);
    } finally {
      await second.stop();
    }
  });
});

describe('a copied installation', () => {
  it('privateConfig and bundle copied to another folder start NOT activated (no slots granted); the QR code names the new site', async () => {
    const bundle = await fx.bundle();
    const originalDir = fx.newConfigDir();
    const original = await startServer(fx, { bundle, configDir: originalDir });
    const originalSite = original.store.state.activation.site;
    expect(originalSite).toMatch(/^[0-9a-f]{16}$/);
    expect((await new TestNode('a').register(fx, original.url)).status).toBe(200);
    await original.stop();

    const copyDir = fx.newConfigDir();
    await cp(originalDir, copyDir, { recursive: true, filter: (src) => !src.endsWith('.lock') });
    expect(await readdir(copyDir)).toContain('privateConfig');
    const copy = await startServer(fx, { bundle, configDir: copyDir, activated: false });
    try {
      expect(copy.store.state.activatedAt).toBeNull();
      expect(copy.store.state.activation.movedFrom).toMatchObject({ site: originalSite });
      const refused = await new TestNode('b').register(fx, copy.url);
      expect(refused.body.reasons[0].name).toBe('SERVER_NOT_ACTIVATED');
      const offered = await call(fx, copy.url, '/license/activation');
      const scanned = parsePhonePageUrl(offered.body.challenge.url);
      // Same installation (fingerprint), another site: what the vendor's phone page refuses as a copy.
      expect(scanned.fingerprint).toBe(offered.body.fingerprint);
      expect(scanned.site).toBe(copy.store.state.activation.site);
      expect(scanned.site).not.toBe(originalSite);
    } finally {
      await copy.stop();
    }
    // The original, back in its own folder, is still activated.
    const back = await startServer(fx, { bundle, configDir: originalDir, activated: false });
    try {
      expect(back.store.state.activatedAt).not.toBeNull();
    } finally {
      await back.stop();
    }
  });

  it('a bundle of format 1 (which carried its activation secret) is refused at start with what to do', async () => {
    const issued = await fx.bundle();
    const old = { ...issued, version: 1, activationSecret: 'A'.repeat(43) };
    const error = await checkBundle(old, '/srv/ls/bundle.json').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StartupError);
    expect((error as StartupError).render('en')).toMatch(/bundle format 1, which carries its activation secret.*re-issue/);
    expect((error as StartupError).render('zh-CN')).toContain('/srv/ls/bundle.json');
  });
});
