import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePhonePageUrl } from '@registration/licensing/challenge';
import { chineseInEnglish, englishInChinese, placeholders, strings } from '@registration/protocol/language-purity';
import { spawnMain } from '../process-harness.ts';
import { privateConfigSchema } from '../store.ts';
import { call, createFixture, manualClock, startServer, T0, TestNode, type Fixture } from '../test-harness.ts';
import { OPERATOR_FILE, OperatorPassword } from './operator-password.ts';
import { CONSOLE_TEXT } from './texts.ts';

let fx: Fixture;
beforeAll(async () => {
  fx = await createFixture();
});
afterAll(async () => {
  await fx.cleanup();
});

const PASSWORD = 'correct horse battery';

/** A browser, as far as the console cares: one cookie, forms posted from the page's own origin. */
function browser(url: string) {
  let cookie: string | null = null;
  const origin = new URL(url).origin;
  const keep = (res: Awaited<ReturnType<typeof call>>) => {
    const set = res.headers['set-cookie'];
    for (const line of Array.isArray(set) ? set : []) {
      const [pair] = line.split(';');
      if (pair === undefined) continue;
      cookie = /=$/.test(pair) || /Max-Age=0/i.test(line) ? null : pair;
    }
    return res;
  };
  const headers = (): Record<string, string> => (cookie === null ? {} : { cookie });
  return {
    get cookie() {
      return cookie;
    },
    async get(path: string) {
      return keep(await call(fx, url, path, { headers: headers() }));
    },
    async post(path: string, form: Record<string, string>, extra: Record<string, string> = {}) {
      const raw = new URLSearchParams(form).toString();
      return keep(
        await call(fx, url, path, {
          method: 'POST',
          raw,
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(raw)), origin, ...headers(), ...extra },
        }),
      );
    },
  };
}

const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

async function signedIn(url: string) {
  const b = browser(url);
  const res = await b.post('/console/sign-in?lang=en', { password: PASSWORD });
  expect(res.status).toBe(303);
  const overview = await b.get('/console?lang=en');
  expect(overview.status).toBe(200);
  return { b, csrf: csrfOf(overview.body as string) };
}

async function serverWithPassword(options: Parameters<typeof startServer>[1]) {
  const s = await startServer(fx, options);
  await new OperatorPassword(join(s.store.path, '..'), () => T0).set(PASSWORD);
  return s;
}

describe('console without a session', () => {
  it('every page redirects to sign-in, every form is 401, downloads give nothing; sign-in itself is open', async () => {
    const s = await serverWithPassword({ bundle: await fx.bundle() });
    try {
      const b = browser(s.url);
      for (const path of ['/console', '/console/leases', '/console/leases/free?node=a&lease=b', '/console/leases/block?node=a&lease=b', '/console/events', '/console/events.csv', '/console/migration', '/console/privateConfig', '/console/nothing-here']) {
        const res = await b.get(path);
        expect(res.status, path).toBe(303);
        expect(res.headers.location, path).toMatch(/^\/console\/sign-in\?lang=/);
        expect(String(res.body), path).not.toContain('leases');
      }
      for (const path of ['/console/leases/free', '/console/leases/block', '/console/leases/unblock', '/console/sign-out']) {
        const res = await b.post(path, { node: 'a', lease: 'b', csrf: 'x' });
        expect(res.status, path).toBe(401);
      }
      const page = await b.get('/console/sign-in?lang=zh-CN');
      expect(page.status).toBe(200);
      expect(page.body).toContain('登录授权服务器控制台');
      expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    } finally {
      await s.stop();
    }
  });

  it('a form posted from another site is refused before anything is checked', async () => {
    const s = await serverWithPassword({ bundle: await fx.bundle() });
    try {
      const res = await browser(s.url).post('/console/sign-in', { password: PASSWORD }, { origin: 'https://evil.example' });
      expect(res.status).toBe(403);
    } finally {
      await s.stop();
    }
  });
});

describe('sign-in', () => {
  it('sets an HttpOnly, Secure, SameSite=Strict host cookie; sign-out ends the session', async () => {
    const s = await serverWithPassword({ bundle: await fx.bundle() });
    try {
      const b = browser(s.url);
      const res = await b.post('/console/sign-in', { password: PASSWORD });
      const setCookie = String(res.headers['set-cookie']);
      expect(setCookie).toMatch(/^__Host-ls-console=[A-Za-z0-9_-]{43};/);
      expect(setCookie).toMatch(/HttpOnly/);
      expect(setCookie).toMatch(/Secure/);
      expect(setCookie).toMatch(/SameSite=Strict/);
      expect(setCookie).toMatch(/Path=\//);
      const overview = await b.get('/console');
      expect(overview.status).toBe(200);
      // A form without the session's token changes nothing.
      expect((await b.post('/console/sign-out', { csrf: 'wrong' })).status).toBe(403);
      expect((await b.post('/console/sign-out', { csrf: csrfOf(overview.body as string) })).status).toBe(200);
      expect((await b.get('/console')).status).toBe(303);
    } finally {
      await s.stop();
    }
  });

  it('brute force: 5 wrong passwords lock sign-in (the right one is refused too), the lock ends on time; attempts per address are throttled', async () => {
    const clock = manualClock();
    const s = await serverWithPassword({ bundle: await fx.bundle(), clock: clock.now, signInPerMinute: 0 });
    try {
      const b = browser(s.url);
      const answers: number[] = [];
      for (let i = 0; i < 5; i += 1) answers.push((await b.post('/console/sign-in?lang=en', { password: `guess ${i} wrong` })).status);
      expect(answers).toEqual([401, 401, 401, 401, 423]);
      const locked = await b.post('/console/sign-in?lang=en', { password: PASSWORD });
      expect(locked.status).toBe(423);
      expect(locked.body).toContain('sign-in is locked until');
      expect(b.cookie).toBeNull();
      const stored = JSON.parse(await readFile(join(s.store.path, '..', OPERATOR_FILE), 'utf8')) as { lock: { lockedUntil: string } };
      expect(stored.lock.lockedUntil).toBe(new Date(T0.getTime() + 15 * 60_000).toISOString());
      clock.advance(15 * 60_000);
      expect((await b.post('/console/sign-in', { password: PASSWORD })).status).toBe(303);
    } finally {
      await s.stop();
    }
    const limited = await serverWithPassword({ bundle: await fx.bundle(), signInPerMinute: 3 });
    try {
      const b = browser(limited.url);
      const answers: number[] = [];
      for (let i = 0; i < 4; i += 1) answers.push((await b.post('/console/sign-in', { password: PASSWORD })).status);
      expect(answers).toEqual([303, 303, 303, 429]);
    } finally {
      await limited.stop();
    }
  });

  it('the person who activates sets the password from the activation page (one use); without it nobody signs in', async () => {
    const s = await startServer(fx, { bundle: await fx.bundle(), activated: false });
    try {
      const b = browser(s.url);
      const notSet = await b.post('/console/sign-in?lang=en', { password: PASSWORD });
      expect(notSet.status).toBe(401);
      expect(notSet.body).toContain('No operator password is set yet');
      const status = await call(fx, s.url, '/license/activation');
      const url = status.body.challenge.url as string;
      const activated = await b.post('/license/activate?lang=en', { challengeId: parsePhonePageUrl(url).challengeId, code: fx.phoneCode(url) });
      expect(activated.status).toBe(200);
      const link = /href="(\/console\/setup\?token=[^"&]+)&amp;lang=en" id="setup-link"/.exec(activated.body as string)?.[1];
      expect(link).toBeDefined();
      expect((await b.get(link as string)).status).toBe(200);
      const token = decodeURIComponent((link as string).split('token=')[1] as string);
      const short = await b.post('/console/setup?lang=en', { token, newPassword: 'short', confirmPassword: 'short' });
      expect(short.status).toBe(400);
      expect(short.body).toContain('at least 10 characters');
      expect((await b.post('/console/setup', { token, newPassword: PASSWORD, confirmPassword: PASSWORD })).status).toBe(200);
      expect((await b.post('/console/setup', { token, newPassword: 'another password', confirmPassword: 'another password' })).status).toBe(403);
      expect((await b.post('/console/sign-in', { password: PASSWORD })).status).toBe(303);
    } finally {
      await s.stop();
    }
  });
});

describe('leases', () => {
  it('free this slot: the node hears 30014 at its next heartbeat, a replacement takes the slot, the events and the CSV hold it all', async () => {
    const s = await serverWithPassword({ bundle: await fx.bundle({ maxConnections: 1 }) });
    try {
      const dead = new TestNode('node-dead');
      expect((await dead.register(fx, s.url)).status).toBe(200);
      const { b, csrf } = await signedIn(s.url);
      const leases = await b.get('/console/leases?lang=en');
      expect(leases.body).toContain('node-dead');
      expect(leases.body).toContain('127.0.0.1');
      const leaseId = dead.lease?.leaseId as string;
      const confirm = await b.get(`/console/leases/free?node=node-dead&lease=${leaseId}&lang=en`);
      expect(confirm.body).toContain('Free the slot of node node-dead (127.0.0.1)?');
      const freed = await b.post('/console/leases/free?lang=en', { csrf, node: 'node-dead', lease: leaseId });
      expect(freed.status).toBe(200);
      expect(freed.body).toContain('The slot of node-dead is free.');
      // Freeing it again (an old page) changes nothing and says why.
      expect((await b.post('/console/leases/free?lang=en', { csrf, node: 'node-dead', lease: leaseId })).status).toBe(409);

      const beat = await dead.heartbeat(fx, s.url);
      expect(beat.status).toBe(409);
      expect(beat.body.reasons).toEqual([{ code: 30014, name: 'LEASE_FREED', params: { nodeId: 'node-dead', freedAt: T0.toISOString() } }]);
      const replacement = new TestNode('node-new');
      expect((await replacement.register(fx, s.url)).status).toBe(200);
      expect((await dead.register(fx, s.url)).body.reasons.map((r: { code: number }) => r.code)).toEqual([30007]);

      const events = await b.get('/console/events?lang=en');
      for (const text of ['registered', 'slot freed', 'refused', '30014', 'node-new']) expect(events.body).toContain(text);
      const csv = await b.get('/console/events.csv');
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      const lines = String(csv.body).replace(/^\uFEFF/, '').trim().split('\r\n');
      expect(lines[0]).toBe('time,event,node,address,codes,details');
      const kinds = lines.slice(1).map((l) => l.split(',').slice(1, 3).join(' '));
      expect(kinds).toEqual(expect.arrayContaining(['registered node-dead', 'freed node-dead', 'refused node-dead', 'registered node-new']));
      const onlyRefusals = await b.get('/console/events.csv?kind=refused&node=node-dead');
      expect(String(onlyRefusals.body).trim().split('\r\n').slice(1).every((l) => l.includes(',refused,node-dead,'))).toBe(true);
    } finally {
      await s.stop();
    }
  });

  it('block: the node id and its key are refused 30015 until unblocked', async () => {
    const s = await serverWithPassword({ bundle: await fx.bundle({ maxConnections: 3 }) });
    try {
      const node = new TestNode('node-b');
      expect((await node.register(fx, s.url)).status).toBe(200);
      const { b, csrf } = await signedIn(s.url);
      expect((await b.post('/console/leases/block?lang=en', { csrf, node: 'node-b', lease: node.lease?.leaseId as string })).status).toBe(200);
      expect((await node.heartbeat(fx, s.url)).body.reasons[0]).toMatchObject({ code: 30015, name: 'NODE_BLOCKED', params: { nodeId: 'node-b', blockedAt: T0.toISOString() } });
      expect((await node.register(fx, s.url)).body.reasons[0].code).toBe(30015);
      expect((await b.get('/console/leases?lang=en')).body).toContain('Blocked nodes');
      expect((await b.post('/console/leases/unblock?lang=en', { csrf, node: 'node-b' })).status).toBe(200);
      expect((await node.register(fx, s.url)).status).toBe(200);
    } finally {
      await s.stop();
    }
  });

  it('migration: privateConfig downloads as the state, one JSON document', async () => {
    const s = await serverWithPassword({ bundle: await fx.bundle() });
    try {
      await new TestNode('node-m').register(fx, s.url);
      const { b } = await signedIn(s.url);
      const res = await b.get('/console/privateConfig');
      expect(res.headers['content-disposition']).toBe('attachment; filename="privateConfig"');
      const file = privateConfigSchema.parse(res.body);
      expect(Object.keys(file.leases)).toEqual(['node-m']);
      expect(JSON.stringify(res.body)).not.toContain('scrypt');
    } finally {
      await s.stop();
    }
  });
});

describe('console texts', () => {
  it('are in one language each, with the same placeholders', () => {
    const zh = strings(CONSOLE_TEXT['zh-CN']);
    const en = strings(CONSOLE_TEXT.en);
    expect(englishInChinese(zh)).toEqual([]);
    expect(chineseInEnglish(en)).toEqual([]);
    const byKey = new Map(zh);
    expect(en.map(([key]) => key)).toEqual(zh.map(([key]) => key));
    for (const [key, text] of en) expect([key, placeholders(byKey.get(key) ?? '')]).toEqual([key, placeholders(text)]);
  });
});

describe('license-server operator-password (real process)', () => {
  const run = async (cwd: string, input: string, language: 'en' | 'zh-CN' = 'en') => {
    const main = spawnMain(['operator-password', '--language', language], { cwd });
    main.child.stdin.end(input);
    const code = await main.exited;
    return { code, stdout: main.output().stdout, stderr: main.output().stderr };
  };

  it('sets the password from stdin, opens a locked sign-in again, and refuses a short or mismatched one', async () => {
    const cwd = await mkdtemp(join(fx.dir, 'op-'));
    const short = await run(cwd, 'short\nshort\n', 'zh-CN');
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('未设置运维密码：少于 10 个字符');
    const mismatch = await run(cwd, `${PASSWORD}\nsomething else entirely\n`);
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toContain('the two entries are not the same');

    const password = new OperatorPassword(join(cwd, 'config'), () => T0);
    const done = await run(cwd, `${PASSWORD}\n${PASSWORD}\n`);
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toContain('The operator password is set');
    expect((await stat(password.path)).mode & 0o777).toBe(0o600);
    for (let i = 0; i < 5; i += 1) await password.check('wrong password');
    expect((await password.lock()).kind).toBe('locked');
    expect((await run(cwd, 'a new password\na new password\n')).code).toBe(0);
    expect(await password.check('a new password')).toEqual({ ok: true });
  });
});
