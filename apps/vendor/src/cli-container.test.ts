import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkContainerLicense } from '@registration/licensing/container-checks';
import { cli, inProcess } from './cli/test-process.ts';
import { loadVendorPublicKey } from './keys.ts';
import { bind, readRecord, writeRecord } from './records.ts';

let dir: string;
let vendorDir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vendor-cli-container-'));
  vendorDir = join(dir, 'vendor');
  expect((await inProcess(['keygen', '--out', vendorDir])).code).toBe(0);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const issueFlags = (out: string) => [
  'issue-container', '--vendor-dir', vendorDir, '--out', out, '--company', 'Acme Ltd', '--project', 'Sales reports',
  '--app-names', 'webroot', '--product-version', '11.0', '--max-nodes', '2', '--features', 'report,bi', '--days', '365',
];

describe('vendor issue-container and unbind (real process)', () => {
  it('issues a Container.lic the licensing check accepts, records it, and unbind frees its project', async () => {
    const lic = join(dir, 'Container.lic');
    const issued = await cli(...issueFlags(lic));
    expect(issued.stderr).toBe('');
    expect(issued.code).toBe(0);
    expect((await stat(lic)).mode & 0o777).toBe(0o600);
    const check = await checkContainerLicense({
      jwsText: await readFile(lic),
      vendorKey: await loadVendorPublicKey(join(vendorDir, 'vendor.public.jwk.json')),
      local: { productVersion: '11.0.18', appName: 'webroot', project: { name: 'Sales reports' }, nodes: 2 },
      now: new Date(),
    });
    if (!check.ok) throw new Error(JSON.stringify(check.reasons));
    const { licenseId, activationKey } = check.license;
    expect(check.license).toMatchObject({ company: 'Acme Ltd', maxNodes: 2, features: ['report', 'bi'] });
    expect(issued.stdout).toMatch(/max nodes\s+2/);
    // The ledger holds the private half of the lic's activation key; neither the lic nor the output does.
    const ledger = await readRecord(vendorDir, licenseId);
    expect(ledger).toMatchObject({ kind: 'container', activationKey: { x: activationKey }, project: 'Sales reports', binding: null });
    const d = ledger?.activationKey?.d ?? 'missing';
    expect(await readFile(lic, 'utf8')).not.toContain(d);
    expect(Buffer.from((await readFile(lic, 'utf8')).split('.')[1] ?? '', 'base64url').toString()).not.toContain(d);
    expect(issued.stdout).not.toContain(d);

    const again = await cli(...issueFlags(lic));
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^error: .*Container\.lic already exists; pass --force to replace it\n$/);

    await bind(vendorDir, licenseId, 'project-A', new Date('2026-05-01T08:00:00Z'));
    const unbound = await cli('unbind', licenseId, '--vendor-dir', vendorDir);
    expect(unbound.stderr).toBe('');
    expect(unbound.code).toBe(0);
    expect(unbound.stdout).toContain(
      `unbound Container.lic ${licenseId} (Acme Ltd / Sales reports): freed its project fingerprint project-A, bound since 2026-05-01T08:00:00.000Z`,
    );
    expect((await readRecord(vendorDir, licenseId))?.binding).toBeNull();
    const twice = await inProcess(['unbind', licenseId, '--vendor-dir', vendorDir]);
    expect(twice).toMatchObject({ code: 0, stdout: expect.stringContaining('was not bound; nothing to free') });
  });

  it('unbind of a license server names the site it was bound at and the newest scans the ledger refused', async () => {
    const t = (minute: number) => new Date(Date.UTC(2026, 4, 1, 8, minute)).toISOString();
    await writeRecord(vendorDir, {
      licenseId: 'lic-server',
      kind: 'server',
      activationKey: { x: 'X'.repeat(43), d: 'D'.repeat(43) },
      issuedAt: t(0),
      company: 'Acme Ltd',
      binding: { fingerprint: 'LS-1', boundAt: t(1), site: 'aaaaaaaaaaaaaaaa' },
      refusedScans: [
        ...Array.from({ length: 6 }, (_, i) => ({ at: t(2 + i), why: 'bound' as const, fingerprint: `LS-${i + 2}` })),
        { at: t(9), why: 'moved', fingerprint: 'LS-1', site: 'bbbbbbbbbbbbbbbb' },
      ],
    });
    const unbound = await inProcess(['unbind', 'lic-server', '--vendor-dir', vendorDir]);
    expect(unbound).toMatchObject({ code: 0, stderr: '' });
    const lines = unbound.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`unbound license-server license lic-server (Acme Ltd): freed its license server fingerprint LS-1 at site aaaaaaaaaaaaaaaa, bound since ${t(1)}`);
    // The newest five refusals, then how many more the record keeps.
    expect(lines.slice(1)).toEqual([
      `  refused ${t(4)}: another installation (LS-4)`,
      `  refused ${t(5)}: another installation (LS-5)`,
      `  refused ${t(6)}: another installation (LS-6)`,
      `  refused ${t(7)}: another installation (LS-7)`,
      `  refused ${t(9)}: the same installation from another site (LS-1 at site bbbbbbbbbbbbbbbb)`,
      `  … 2 earlier refused scans in ${join(vendorDir, 'issued', 'lic-server.json')}`,
      'the next QR scan binds it to the license server that scans it',
    ]);
    expect((await readRecord(vendorDir, 'lic-server'))?.binding).toBeNull();
  });

  it('refuses bad arguments and unknown or unsafe license ids with one line, exit 1', async () => {
    const flags = issueFlags(join(dir, 'x.lic'));
    const without = (flag: string) => flags.filter((f, i) => f !== flag && flags[i - 1] !== flag);
    const cases: [string[], RegExp][] = [
      [without('--project'), /^error: --project is required$/],
      [without('--app-names'), /^error: --app-name is required$/],
      [flags.map((f) => (f === 'webroot' ? 'webroot,decision' : f)), /^error: --app-name: a Container.lic certifies exactly one app name$/],
      [flags.map((f) => (f === '2' ? '0' : f)), /^error: --max-nodes /],
      [[...flags, '--expires', '2030-01-01'], /^error: --expires or --days: give exactly one of them$/],
      [['unbind', 'no-such-license', '--vendor-dir', vendorDir], /^error: no license no-such-license in .*issued$/],
      [['unbind', '../vendor.secret.jwk', '--vendor-dir', vendorDir], /^error: license id is not a safe file name$/],
      [['unbind', '--vendor-dir', vendorDir], /^error: unbind takes exactly one license id$/],
      [['unbind', 'x'], /^error: --vendor-dir is required$/],
    ];
    for (const [args, expected] of cases) {
      const result = await inProcess(args);
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr.trim()).toMatch(expected);
    }
  });
});
