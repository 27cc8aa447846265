import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ISSUED_DIR, readRecord } from '../records.ts';
import { phonePageFixture, shownCode, T0 } from './test-fixture.ts';

let f: Awaited<ReturnType<typeof phonePageFixture>>;
beforeAll(async () => {
  f = await phonePageFixture();
});
afterAll(() => f.close());

describe('phone page: the code', () => {
  it('shows the code the verifier expects, escaped license details, and binds the license on first display', async () => {
    f.setNow(T0);
    const { url, expected } = f.scan('lic-c', 'container', 'project-A');
    const res = await f.get(url);
    expect(res.status).toBe(200);
    // The code the phone shows is the one the verifier holding the QR code's key computes.
    const licenseKey = (await readRecord(f.dir, 'lic-c'))!.activationKey!.x;
    expect(shownCode(res.body)).toMatch(/^\d{6}$/);
    expect(shownCode(res.body)).toBe(expected(licenseKey));
    expect(res.body).toContain('Acme &lt;Ltd&gt; &amp; Co · Sales &quot;Q1&quot;');
    expect(res.body).not.toContain('<Ltd>');
    expect(res.body).toMatch(/<html lang="zh-CN">/);
    expect(res.body).toContain('data-remaining="300"');
    expect(res.body).toContain('name="viewport"');
    expect((await readRecord(f.dir, 'lic-c'))?.binding).toEqual({ fingerprint: 'project-A', boundAt: T0.toISOString() });
    // The same project again (a restart re-scan) still gets its code.
    expect((await f.get(f.scan('lic-c', 'container', 'project-A').url)).status).toBe(200);
  });

  it('sends a CSP that allows exactly its inline style and script (by hash), no caching, and security headers', async () => {
    f.setNow(T0);
    const res = await f.get(f.scan('lic-s', 'server', 'LS-0123456789ABCDEF').url);
    expect(res.status).toBe(200);
    expect(res.body).toContain('<code>LS-0123456789ABCDEF</code>');
    const csp = res.headers.get('content-security-policy') ?? '';
    const sha = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;
    const script = /<script>([\s\S]*?)<\/script>/.exec(res.body)?.[1] ?? '';
    const style = /<style>([\s\S]*?)<\/style>/.exec(res.body)?.[1] ?? '';
    expect(csp).toContain(`script-src ${sha(script)}`);
    expect(csp).toContain(`style-src ${sha(style)}`);
    expect(csp).toContain("default-src 'none'");
    expect(res.body).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });
});

describe('phone page: languages, routes, failures', () => {
  it('zh-CN by default, en by ?lang=en or Accept-Language, ?lang beating the header', async () => {
    f.setNow(T0);
    const { url } = f.scan('lic-c', 'container', 'project-A');
    const lang = async (suffix: string, header?: string) =>
      /<html lang="([^"]+)">/.exec((await f.get(`${url}${suffix}`, header ? { 'accept-language': header } : {})).body)?.[1];
    expect(await lang('')).toBe('zh-CN');
    expect(await lang('?lang=en')).toBe('en');
    expect(await lang('', 'fr-FR, en;q=0.8, zh;q=0.5')).toBe('en');
    expect(await lang('', 'zh-TW,zh;q=0.9,en;q=0.8')).toBe('zh-CN');
    expect(await lang('?lang=zh-CN', 'en')).toBe('zh-CN');
    const en = await f.get(`${url}?lang=en`);
    expect(en.body).toContain('Verification code');
    expect(en.body).toContain('href="?lang=zh-CN"');
    expect(en.headers.get('content-language')).toBe('en');
  });

  it('GET /health answers ok; unknown routes and wrong methods get the 404 page', async () => {
    expect(await (await fetch(`${f.url}/health`)).json()).toEqual({ status: 'ok' });
    const { url } = f.scan('lic-c', 'container', 'project-A');
    for (const res of [await fetch(url, { method: 'POST' }), await fetch(`${f.url}/nope`), await fetch(`${f.url}/a/`)]) {
      expect(res.status).toBe(404);
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(await res.text()).toContain('页面不存在');
    }
  });

  it('500 page (no stack) for a record file that is not a record', async () => {
    await writeFile(join(f.dir, ISSUED_DIR, 'lic-broken.json'), '{ nope');
    f.setNow(T0);
    const res = await f.get(f.scan('lic-broken', 'container', 'project-A').url, { 'accept-language': 'en' });
    expect(res.status).toBe(500);
    expect(res.body).toContain('The code cannot be shown right now');
    expect(res.body).not.toMatch(/RecordError|at .*\.ts/);
    expect(f.logged).toEqual([expect.stringMatching(/^phone page: GET \/a\/\S+ failed$/)]);
  });
});
