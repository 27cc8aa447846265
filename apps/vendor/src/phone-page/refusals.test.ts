import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRecord, writeRecord, type IssuedRecord } from '../records.ts';
import { phonePageFixture, record, shownCode, T0 } from './test-fixture.ts';

let f: Awaited<ReturnType<typeof phonePageFixture>>;
beforeAll(async () => {
  f = await phonePageFixture();
});
afterAll(() => f.close());

describe('phone page: refusals', () => {
  it('410 at exactly the expiry (200 a millisecond before), without binding', async () => {
    f.setNow(T0);
    const { url, challenge } = f.scan('lic-x', 'container', 'project-X');
    f.setNow(new Date(challenge.expiresAt.getTime() - 1));
    const before = await f.get(`${url}?lang=en`);
    expect(before.status).toBe(200);
    expect(before.body).toContain('data-remaining="1"');
    f.setNow(challenge.expiresAt);
    const expired = await f.get(`${url}?lang=en`);
    expect(expired.status).toBe(410);
    expect(expired.body).toContain('Refresh the QR code on the activation/registration page and scan it again');
    expect(shownCode(expired.body)).toBeUndefined();
    f.setNow(T0);
    expect((await f.get(f.scan('lic-c', 'container', 'project-A').url)).status).toBe(200);
    const late = f.scan('lic-c', 'container', 'project-Z');
    f.setNow(late.challenge.expiresAt);
    expect((await f.get(late.url)).body).toContain('请在激活/注册页面刷新二维码');
    expect((await readRecord(f.dir, 'lic-c'))?.binding?.fingerprint).toBe('project-A');
  });

  it('400 for malformed and oversized tokens, with nothing of the token echoed unescaped', async () => {
    f.setNow(T0);
    for (const token of ['not-a-token', 'e30', '%3Cscript%3Ealert(1)%3C%2Fscript%3E', Buffer.from('{"c":1}').toString('base64url')]) {
      const res = await f.get(`${f.url}/a/${token}?lang=en`);
      expect(res.status).toBe(400);
      expect(res.body).toContain('not a valid registration QR code');
      expect(res.body).not.toContain('<script>alert');
    }
    const long = await f.get(`${f.url}/a/${'A'.repeat(2000)}?lang=en`);
    expect(long.status).toBe(400);
    expect(long.body).toContain('too long to be a registration QR code');
  });

  it('400 for a QR whose challenge key is no usable X25519 key (a low-order point), not an error page', async () => {
    f.setNow(T0);
    await writeRecord(f.dir, record('lic-forged', 'container'));
    const { url } = f.scan('lic-forged', 'container', 'project-X');
    const token = JSON.parse(Buffer.from(url.split('/a/')[1] ?? '', 'base64url').toString());
    for (const x of ['A'.repeat(43), `AQ${'A'.repeat(41)}`]) {
      const forged = Buffer.from(JSON.stringify({ ...token, x })).toString('base64url');
      const res = await f.get(`${f.url}/a/${forged}?lang=en`);
      expect(res.status).toBe(400);
      expect(res.body).toContain('not a valid registration QR code');
      expect(shownCode(res.body)).toBeUndefined();
    }
    expect(f.logged).toEqual([]);
    expect((await readRecord(f.dir, 'lic-forged'))?.binding).toBeNull();
    // The same QR code with the key its verifier made: the code, and the binding.
    expect((await f.get(url)).status).toBe(200);
    expect((await readRecord(f.dir, 'lic-forged'))?.binding?.fingerprint).toBe('project-X');
  });

  it('404 for a license the vendor never issued, an unsafe id, or a license of the other kind', async () => {
    f.setNow(T0);
    const cases: [string, IssuedRecord['kind']][] = [['no-such-license', 'container'], ['../issued/lic-c', 'container'], ['lic-s', 'container']];
    for (const [licenseId, kind] of cases) {
      const res = await f.get(f.scan(licenseId, kind, 'project-A').url, { 'accept-language': 'en-US,en;q=0.9' });
      expect(res.status).toBe(404);
      expect(res.body).toContain('Unknown license');
      expect(res.body).toContain(`<code>${licenseId}</code>`);
    }
  });

  it('409 for a license bound to another project or server instance, saying since when and what to do', async () => {
    f.setNow(T0);
    expect((await f.get(f.scan('lic-c', 'container', 'project-A').url)).status).toBe(200);
    expect((await f.get(f.scan('lic-s', 'server', 'LS-0123456789ABCDEF').url)).status).toBe(200);
    f.setNow(new Date(T0.getTime() + 60_000));
    const container = await f.get(f.scan('lic-c', 'container', 'project-B').url, { 'accept-language': 'en' });
    expect(container.status).toBe(409);
    expect(container.body).toContain('This Container.lic is already registered to another project (since <time datetime="2026-03-01T10:00:00.000Z"');
    expect(container.body).toContain('One Container.lic registers one project; ask the vendor to unbind it for a migration');
    const server = await f.get(f.scan('lic-s', 'server', 'LS-FFFFFFFFFFFFFFFF').url);
    expect(server.status).toBe(409);
    expect(server.body).toContain('此授权服务器的授权已在另一个授权服务器实例上激活（自 <time');
    expect(server.body).toContain('2026-03-01 10:00:00 UTC');
    expect((await readRecord(f.dir, 'lic-s'))?.binding?.fingerprint).toBe('LS-0123456789ABCDEF');
  });

  it('409 for the same license server seen from another site (a copy of its privateConfig, or a move), recorded in the ledger', async () => {
    f.setNow(T0);
    const issued = record('lic-site', 'server', { project: undefined });
    await writeRecord(f.dir, issued);
    const scan = f.scan('lic-site', 'server', 'LS-AAAAAAAAAAAAAAAA', '00000000000000aa');
    const first = await f.get(scan.url);
    expect(first.status).toBe(200);
    // A server's code too is the one its verifier computes from the license's public key.
    expect(shownCode(first.body)).toBe(scan.expected(issued.activationKey!.x));
    expect((await readRecord(f.dir, 'lic-site'))?.binding).toMatchObject({ fingerprint: 'LS-AAAAAAAAAAAAAAAA', site: '00000000000000aa' });
    // The same site again (a restart's re-scan): the code.
    expect((await f.get(f.scan('lic-site', 'server', 'LS-AAAAAAAAAAAAAAAA', '00000000000000aa').url)).status).toBe(200);
    for (const lang of ['en', 'zh-CN'] as const) {
      const moved = await f.get(f.scan('lic-site', 'server', 'LS-AAAAAAAAAAAAAAAA', '00000000000000bb').url, { 'accept-language': lang });
      expect(moved.status).toBe(409);
      expect(shownCode(moved.body)).toBeUndefined();
      expect(moved.body).toContain(lang === 'en' ? 'This license server has moved' : '授权服务器的位置变了');
      expect(moved.body).toContain('<code>lic-site</code>');
    }
    const ledger = await readRecord(f.dir, 'lic-site');
    expect(ledger?.binding?.site).toBe('00000000000000aa');
    expect(ledger?.refusedScans.map((r) => [r.why, r.site])).toEqual([['moved', '00000000000000bb'], ['moved', '00000000000000bb']]);
  });

  it('410 for a license of the old format (a shared secret, no activation key): re-issue it', async () => {
    f.setNow(T0);
    const { activationKey: _none, ...old } = record('lic-old', 'container');
    await writeRecord(f.dir, { ...old, activationSecret: 'A'.repeat(43) });
    for (const lang of ['en', 'zh-CN'] as const) {
      const res = await f.get(f.scan('lic-old', 'container', 'project-A').url, { 'accept-language': lang });
      expect(res.status).toBe(410);
      expect(res.body).toContain(lang === 'en' ? 'This license must be re-issued' : '授权需要重新签发');
      expect(res.body).toContain('<code>lic-old</code>');
      expect(shownCode(res.body)).toBeUndefined();
    }
    expect((await readRecord(f.dir, 'lic-old'))?.binding).toBeNull();
  });
});
