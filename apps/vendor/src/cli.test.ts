import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, inProcess } from './cli/test-process.ts';
import { readRecord } from './records.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vendor-cli-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const issueFlags = (vendorDir: string, out: string) => [
  'issue-server', '--vendor-dir', vendorDir, '--out', out, '--company', 'Acme Ltd', '--ip-ranges', '127.0.0.1, ::1',
  '--domains', 'localhost,example.com', '--app-names', 'webroot', '--product', 'FineReport', '--product-version', '11.0',
  '--max-connections', '10', '--features', 'report,bi', '--port', '8081', '--days', '365',
];

describe('vendor CLI (real process)', () => {
  it('keygen → issue-server → verify → print', async () => {
    const vendorDir = join(dir, 'vendor');
    const keygen = await cli('keygen', '--out', vendorDir);
    expect(keygen.stderr).toBe('');
    expect(keygen.code).toBe(0);
    expect((await stat(join(vendorDir, 'vendor.secret.jwk.json'))).mode & 0o777).toBe(0o600);

    const again = await cli('keygen', '--out', vendorDir);
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toMatch(/^error: vendor keys already exist .*--force/);

    const bundlePath = join(dir, 'bundle.json');
    const issue = await cli(...issueFlags(vendorDir, bundlePath));
    expect(issue.stderr).toBe('');
    expect(issue.code).toBe(0);
    expect((await stat(bundlePath)).mode & 0o777).toBe(0o600);
    const bundle = JSON.parse(await readFile(bundlePath, 'utf8'));
    expect(bundle).toMatchObject({ format: 'fr-license-server-bundle', version: 2 });
    expect(bundle).not.toHaveProperty('activationSecret');
    // The vendor keeps the private half of the license's activation key; the bundle names only the public half.
    const license = JSON.parse(Buffer.from(bundle.serverLicense.split('.')[1], 'base64url').toString());
    const ledger = await readRecord(vendorDir, license.licenseId);
    expect(ledger).toMatchObject({ kind: 'server', company: 'Acme Ltd', activationKey: { x: license.activationKey }, binding: null });
    expect(await readFile(bundlePath, 'utf8')).not.toContain(ledger?.activationKey?.d ?? 'missing');
    expect(issue.stdout).not.toContain(ledger?.activationKey?.d ?? 'missing');
    expect(issue.stdout).toContain(`recorded in ${join(vendorDir, 'issued')}`);

    const verify = await cli('verify', bundlePath, '--vendor-public', join(vendorDir, 'vendor.public.jwk.json'));
    expect(verify.stderr).toBe('');
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/^OK /);
    expect(verify.stdout).toContain('Acme Ltd');

    const print = await cli('print', bundlePath);
    expect(print.code).toBe(0);
    expect(print.stdout).toMatch(/max connections\s+10/);
    expect(print.stdout).toMatch(/domains\s+localhost, example.com/);
    expect(print.stdout).not.toContain(bundle.serverPrivateKey.d);
  });

  it('verify fails with exit 1 and one line for another vendor and for a tampered bundle', async () => {
    const [a, b] = [join(dir, 'a'), join(dir, 'b')];
    expect((await cli('keygen', '--out', a)).code).toBe(0);
    expect((await cli('keygen', '--out', b)).code).toBe(0);
    const bundlePath = join(dir, 'a-bundle.json');
    expect((await cli(...issueFlags(a, bundlePath))).code).toBe(0);

    const foreign = await cli('verify', bundlePath, '--vendor-public', join(b, 'vendor.public.jwk.json'));
    expect(foreign.code).toBe(1);
    expect(foreign.stderr).toBe('error: the bundle was issued with another vendor key\n');

    const bundle = JSON.parse(await readFile(bundlePath, 'utf8'));
    const [h, p, s] = bundle.serverLicense.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const tampered = join(dir, 'tampered.json');
    const forged = Buffer.from(JSON.stringify({ ...claims, ipRanges: '*' })).toString('base64url');
    await writeFile(tampered, JSON.stringify({ ...bundle, serverLicense: `${h}.${forged}.${s}` }));
    const result = await cli('verify', tampered, '--vendor-public', join(a, 'vendor.public.jwk.json'));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: server license refused: signature does not verify\n$/);
  });

  it('rejects bad arguments with a one-line message naming the flag, no stack trace', async () => {
    const real = await cli('issue-server', '--out', 'x.json', '--max-connections', 'ten');
    expect(real.code).toBe(1);
    expect(real.stderr).toBe('error: --vendor-dir is required\n');

    const vendorDir = join(dir, 'vendor');
    const flags = issueFlags(vendorDir, join(dir, 'x.json'));
    const cases: [string[], RegExp][] = [
      [flags.map((f) => (f === '10' ? 'ten' : f)), /^error: --max-connections must be a whole number$/],
      [[...flags, '--expires', '2030-01-01'], /^error: --expires or --days: give exactly one of them$/],
      [flags.map((f) => (f === '127.0.0.1, ::1' ? '300.1.1.1' : f)), /^error: --ip-ranges: /],
      [['issue-server', '--out', 'x.json'], /^error: --vendor-dir is required$/],
      [['keygen', '--bogus'], /^error: Unknown option '--bogus'/],
      [['frobnicate'], /^error: unknown command "frobnicate"/],
      [['verify', join(dir, 'nope.json'), '--vendor-public', join(vendorDir, 'vendor.public.jwk.json')], /does not exist$/],
    ];
    // In-process for speed; the same runCli is what the real process above runs.
    const results = await Promise.all(cases.map(([args]) => inProcess(args)));
    results.forEach((result, index) => {
      expect(result.code).toBe(1);
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(cases[index]![1]);
    });
  });

  it('prints usage for --help', async () => {
    const help = await inProcess(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('issue-server --vendor-dir');
    for (const command of ['issue-container --vendor-dir', 'unbind <licenseId> --vendor-dir', 'serve --vendor-dir']) {
      expect(help.stdout).toContain(command);
    }
  });
});
