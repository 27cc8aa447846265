import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePhonePageUrl } from '@registration/licensing/challenge';
import { DISABLE_AFTER_FAILURES } from '@registration/licensing/lockout';
import type { ServerBundle } from '@registration/protocol/server-bundle';
import { resetActivationLock } from './activation.ts';
import { call, createFixture, manualClock, PHONE_PAGE_URL, startServer, T0, TestNode, type Fixture } from './test-harness.ts';

let fx: Fixture;
const servers: { stop(): Promise<void> }[] = [];
beforeAll(async () => {
  fx = await createFixture();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await fx.cleanup();
});

type Clock = ReturnType<typeof manualClock>;

async function fresh(options: { clock?: Clock; language?: 'en' | 'zh-CN'; bundle?: ServerBundle; configDir?: string } = {}) {
  const clock = options.clock ?? manualClock();
  const bundle = options.bundle ?? (await fx.bundle());
  const s = await startServer(fx, { bundle, clock: clock.now, activated: false, language: options.language ?? 'en', ...(options.configDir ? { configDir: options.configDir } : {}) });
  servers.push(s);
  return { ...s, clock, bundle };
}

/** What the phone page would show for the QR code the server offers now (a fresh one). */
async function phoneCode(url: string) {
  const res = await call(fx, url, '/license/challenge', { json: {} });
  expect(res.status).toBe(200);
  const scanned = parsePhonePageUrl(res.body.challenge.url);
  const code = fx.phoneCode(res.body.challenge.url);
  return { challengeId: scanned.challengeId as string, code, fingerprint: scanned.fingerprint };
}

const wrong = (code: string) => String((Number(code) + 1) % 1e6).padStart(6, '0');

describe('activation page and gate', () => {
  it('refuses registrations with 30010 naming the page until a right code is typed, then keeps the activation across a restart', async () => {
    const s = await fresh();
    const refused = await new TestNode('node-a').register(fx, s.url);
    expect(refused.status).toBe(403);
    expect(refused.body.reasons).toEqual([{ code: 30010, name: 'SERVER_NOT_ACTIVATED', params: { activationUrl: `${s.url}/license/qrcode` } }]);
    expect((await call(fx, s.url, '/health')).body.activated).toBe(false);

    const { challengeId, code, fingerprint } = await phoneCode(s.url);
    expect(fingerprint).toMatch(/^LS-[0-9A-F]{16}$/);
    const ok = await call(fx, s.url, '/license/activate', { json: { challengeId, code } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ ok: true, activated: true, activatedAt: T0.toISOString(), needsScan: false, challenge: null });
    expect((await new TestNode('node-a').register(fx, s.url)).status).toBe(200);

    // Single use: the same challenge and code again is a stale QR, and is not counted.
    const replay = await call(fx, s.url, '/license/activate', { json: { challengeId, code } });
    expect(replay.body.reasons[0].name).toBe('QR_EXPIRED');
    expect(s.store.state.activation.lock.consecutiveFailures).toBe(0);

    const dir = s.store.path.replace(/\/privateConfig$/, '');
    await s.stop();
    servers.splice(servers.indexOf(s), 1);
    const again = await fresh({ bundle: s.bundle, configDir: dir, clock: s.clock });
    expect((await call(fx, again.url, '/health')).body.activated).toBe(true);
    expect((await new TestNode('node-b').register(fx, again.url)).status).toBe(200);
  });

  it('serves the page in the --language with a QR code, a countdown, the code form and a strict CSP', async () => {
    const s = await fresh({ language: 'zh-CN' });
    const res = await call(fx, s.url, '/license/qrcode');
    expect(res.status).toBe(200);
    const html = String(res.body);
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('授权服务器激活');
    expect(html).toMatch(/<svg[^>]*viewBox/);
    expect(html).toContain('inputmode="numeric"');
    expect(html).toContain('autocomplete="one-time-code"');
    const link = /<a href="([^"]+)">/.exec(html)?.[1]?.replace(/&amp;/g, '&');
    expect(link?.startsWith(`${PHONE_PAGE_URL}/a/`)).toBe(true);
    expect(parsePhonePageUrl(link).expiresAt.getTime()).toBe(T0.getTime() + 5 * 60_000);
    expect(res.headers['content-security-policy']).toMatch(/default-src 'none'; style-src 'nonce-[^']+'; script-src 'nonce-/);
    // Reloading the page keeps the QR code it shows; only Refresh replaces it.
    expect(String((await call(fx, s.url, '/license/qrcode')).body)).toContain(link?.replace(/&/g, '&amp;') ?? 'missing');
  });

  it('accepts the form from the page itself and refuses a cross-site form', async () => {
    const s = await fresh();
    const { challengeId, code } = await phoneCode(s.url);
    const form = `challengeId=${challengeId}&code=${code.slice(0, 3)}%20${code.slice(3)}`;
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    const foreign = await call(fx, s.url, '/license/activate', { raw: form, headers: { ...headers, origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    expect(s.store.state.activatedAt).toBeNull();
    const own = await call(fx, s.url, '/license/activate', { raw: form, headers: { ...headers, origin: s.url } });
    expect(own.status).toBe(200);
    expect(String(own.body)).toContain('Activated. Report servers can register now.');
    expect(s.store.state.activatedAt).toBe(T0.toISOString());
  });

  it('a QR code expires after 5 minutes; a late code is not counted', async () => {
    const s = await fresh();
    const { challengeId, code } = await phoneCode(s.url);
    s.clock.advance(5 * 60_000);
    const late = await call(fx, s.url, '/license/activate', { json: { challengeId, code } });
    expect(late.status).toBe(422);
    expect(late.body.reasons[0].name).toBe('QR_EXPIRED');
    expect(late.body.challenge.challengeId).not.toBe(challengeId); // the page moves on to a fresh QR
    expect(s.store.state.activation.lock.consecutiveFailures).toBe(0);
  });
});

describe('wrong codes lock per license', () => {
  it('locks after 5 wrong codes for 15 minutes whatever the QR or address, doubles, and stops at 100 until reset-lock', async () => {
    const s = await fresh();
    const guess = async (from = '127.0.0.1') => {
      const { challengeId, code } = await phoneCode(s.url); // a refresh before every guess
      return call(fx, s.url, '/license/activate', { json: { challengeId, code: wrong(code) }, localAddress: from });
    };
    for (let i = 1; i <= 4; i++) {
      const res = await guess(`127.0.0.${i + 1}`);
      expect(res.status).toBe(422);
      expect(res.body.reasons[0]).toMatchObject({ name: 'VERIFY_CODE_ERROR', params: { attemptsLeft: 5 - i } });
    }
    const fifth = await guess('127.0.0.9');
    expect(fifth.status).toBe(423);
    expect(fifth.body.reasons[0]).toMatchObject({ name: 'VERIFY_LOCKED', params: { until: new Date(T0.getTime() + 15 * 60_000).toISOString() } });

    // Even the right code is refused while locked, and does not extend the lock.
    const right = await phoneCode(s.url);
    const blocked = await call(fx, s.url, '/license/activate', { json: right });
    expect(blocked.status).toBe(423);
    expect(s.store.state.activatedAt).toBeNull();
    const page = String((await call(fx, s.url, '/license/qrcode')).body);
    expect(page).toContain('data-lock="locked"');
    expect(page).toMatch(/<input id="code"[^>]* disabled[ >]/);

    s.clock.advance(15 * 60_000);
    for (let i = 0; i < 4; i++) expect((await guess()).status).toBe(422);
    expect((await guess()).body.reasons[0].params.until).toBe(new Date(s.clock.now().getTime() + 30 * 60_000).toISOString());

    // Up to 100 in a row: code entry stops until the operator resets it.
    const lock = s.store.state.activation.lock;
    await s.store.update((state) => ({ next: { ...state, activation: { ...state.activation, lock: { ...lock, consecutiveFailures: DISABLE_AFTER_FAILURES - 1, lockedUntil: null } } }, result: null }));
    const last = await guess();
    expect(last.body.reasons[0]).toMatchObject({ name: 'VERIFY_DISABLED', params: { failures: DISABLE_AFTER_FAILURES } });
    s.clock.advance(48 * 3600e3);
    expect((await call(fx, s.url, '/license/activate', { json: await phoneCode(s.url) })).body.reasons[0].name).toBe('VERIFY_DISABLED');
    await s.store.update(resetActivationLock());
    expect((await call(fx, s.url, '/license/activate', { json: await phoneCode(s.url) })).status).toBe(200);
  });
});
