import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDocument } from '@registration/licensing/jws';
import {
  canonicalReceiptLeases,
  DESTROY_RECEIPT_FORMAT,
  type DestroyReceiptFile,
  type DestroyReceiptPayload,
  type ReceiptLease,
} from '@registration/protocol/destroy-receipt';
import { DOC_TYPES } from '@registration/protocol/license';
import { canonicalMachineFacts, MACHINE_INFO_FORMAT, type MachineFacts, type MachineInfoFile } from '@registration/protocol/machine-info';
import type { ServerBundle } from '@registration/protocol/server-bundle';
import { runCli } from './cli.ts';
import { createVendorKeys, VENDOR_PUBLIC_FILE, type VendorKeys } from './keys.ts';
import { ReceiptError, verifyDestroyReceipt } from './receipt.ts';
import { BundleError, issueServerBundle, verifyServerBundle, type ServerLicenseTerms } from './server-bundle.ts';

// Receipts are built here exactly as `license-server destroy` builds them (same protocol schemas and
// signing), without importing the license server: the vendor side must stand on the protocol alone.

const terms: ServerLicenseTerms = {
  company: 'Acme Ltd',
  project: 'Reports',
  product: 'FineReport',
  productVersion: '11.0',
  ipRanges: '127.0.0.1',
  domains: [],
  appNames: [],
  port: 8081,
  maxConnections: 10,
  features: [],
  expiresAt: new Date('2030-01-01T00:00:00Z'),
};
const issuedAt = new Date('2026-01-01T00:00:00Z');
const DESTROYED_AT = '2026-06-01T10:00:00.000Z';

let dir: string;
let vendor: VendorKeys;
let otherVendor: VendorKeys;
let bundle: ServerBundle;
let otherBundle: ServerBundle;
let licenseId: string;

const LEASES: ReceiptLease[] = ['node-a', 'node-b'].map((nodeId, i) => ({
  nodeId,
  leaseId: `lease-${i}`,
  peer: `10.0.0.${i + 1}`,
  registeredAt: '2026-06-01T00:00:00.000Z',
  renewedAt: '2026-06-01T08:00:00.000Z',
  expiresAt: '2026-06-02T08:00:00.000Z',
}));

const digest = (leases: ReceiptLease[]) => createHash('sha256').update(canonicalReceiptLeases(leases)).digest('hex');

async function receipt(options: { bundle?: ServerBundle; signWith?: ServerBundle; payload?: Partial<DestroyReceiptPayload>; typ?: string; leases?: ReceiptLease[] } = {}): Promise<DestroyReceiptFile> {
  const b = options.bundle ?? bundle;
  const leases = options.leases ?? LEASES;
  const payload: DestroyReceiptPayload = {
    type: 'destroy-receipt',
    licenseId: JSON.parse(Buffer.from(b.serverLicense.split('.')[1] as string, 'base64url').toString()).licenseId,
    instanceId: 'c0ffee00-0000-4000-8000-000000000001',
    fingerprint: 'LS-0123456789ABCDEF',
    activatedAt: '2026-05-01T00:00:00.000Z',
    destroyedAt: DESTROYED_AT,
    leasesInUse: leases.length,
    leasesDigest: digest(leases),
    ...options.payload,
  };
  const jws = await signDocument(payload, (options.signWith ?? b).serverPrivateKey, options.typ ?? DOC_TYPES.destroyReceipt);
  return { format: DESTROY_RECEIPT_FORMAT, version: 1, serverLicense: b.serverLicense, receipt: jws, leases };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vendor-receipt-'));
  vendor = await createVendorKeys(join(dir, 'vendor'));
  otherVendor = await createVendorKeys(join(dir, 'other-vendor'));
  bundle = (await issueServerBundle({ ...terms, vendor, issuedAt })).bundle;
  otherBundle = (await issueServerBundle({ ...terms, vendor, issuedAt })).bundle;
  licenseId = (await verifyServerBundle(bundle, vendor.publicJwk)).license.licenseId;
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function refusal(file: unknown): Promise<string> {
  const error = await verifyDestroyReceipt(file, vendor.publicJwk).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ReceiptError);
  return (error as ReceiptError).message;
}

describe('verifyDestroyReceipt', () => {
  it('accepts the chain vendor → server license → receipt → lease list and returns the facts', async () => {
    const verified = await verifyDestroyReceipt(await receipt(), vendor.publicJwk);
    expect(verified.license).toMatchObject({ licenseId, company: 'Acme Ltd' });
    expect(verified.receipt).toMatchObject({ licenseId, destroyedAt: DESTROYED_AT, leasesInUse: 2 });
    expect(verified.leases.map((l) => l.nodeId)).toEqual(['node-a', 'node-b']);
  });

  it('refuses a receipt whose signed payload was edited', async () => {
    const file = await receipt();
    const [h, p, s] = file.receipt.split('.');
    const claims = JSON.parse(Buffer.from(p as string, 'base64url').toString());
    const edited = Buffer.from(JSON.stringify({ ...claims, destroyedAt: '2027-01-01T00:00:00.000Z' })).toString('base64url');
    expect(await refusal({ ...file, receipt: `${h}.${edited}.${s}` })).toMatch(/not signed by the server key that license .* certifies: signature does not verify/);
  });

  it('refuses a lease list changed after signing (a lease removed, or a peer edited)', async () => {
    const file = await receipt();
    expect(await refusal({ ...file, leases: file.leases.slice(1) })).toBe('the lease list was changed after the receipt was signed');
    expect(await refusal({ ...file, leases: [{ ...LEASES[0], peer: '10.9.9.9' }, LEASES[1]] })).toBe('the lease list was changed after the receipt was signed');
    const unrecorded = await receipt({ payload: { leasesInUse: null, leasesDigest: null }, leases: [] });
    expect(await refusal({ ...unrecorded, leases: LEASES })).toBe('the receipt lists leases its signature does not cover');
  });

  it('refuses a foreign receipt: signed by another server key, or naming another license', async () => {
    expect(await refusal(await receipt({ signWith: otherBundle }))).toMatch(/^the receipt is not signed by the server key that license .* certifies: signature does not verify$/);
    expect(await refusal(await receipt({ payload: { licenseId: 'someone-else' } }))).toBe(`the receipt is for license someone-else, but the server license beside it is ${licenseId}`);
  });

  it('refuses a server license from another vendor, another document type, and what is not a receipt', async () => {
    const foreignVendor = (await issueServerBundle({ ...terms, vendor: otherVendor, issuedAt })).bundle;
    expect(await refusal(await receipt({ bundle: foreignVendor }))).toMatch(/^the server license in the receipt is not one this vendor key signed: signature does not verify$/);
    // A lease signed by the same server key must never pass for a receipt.
    expect(await refusal(await receipt({ typ: DOC_TYPES.lease }))).toMatch(/document type fr-lease\+jws is not fr-destroy-receipt\+jws/);
    expect(await refusal({ format: 'fr-license-server-bundle' })).toMatch(/^not a destroy receipt \(format/);
  });
});

describe('vendor verify-receipt (CLI)', () => {
  async function cli(...args: string[]) {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const code = await runCli(args, { stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l) });
    return { code, stdout: stdout.join('\n'), stderr };
  }

  it('prints license id, company, destroy time and leases for a good receipt; exit 1 with one line otherwise', async () => {
    const good = join(dir, 'receipt.fr');
    await writeFile(good, JSON.stringify(await receipt()));
    const pub = join(dir, 'vendor', VENDOR_PUBLIC_FILE);
    const ok = await cli('verify-receipt', good, '--vendor-public', pub);
    expect(ok.stderr).toEqual([]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(new RegExp(`^OK ${good}: destroy receipt signed by license-server key \\S+, which vendor key \\S+ certifies\n`));
    expect(ok.stdout).toContain(`  license id       ${licenseId}\n  company          Acme Ltd\n  project          Reports\n`);
    expect(ok.stdout).toContain(`  destroyed at     ${DESTROYED_AT}\n  leases in use    2\n    node-a  10.0.0.1  lease lease-0`);

    const tampered = join(dir, 'tampered.fr');
    const file = await receipt();
    await writeFile(tampered, JSON.stringify({ ...file, leases: file.leases.slice(1) }));
    const bad = await cli('verify-receipt', tampered, '--vendor-public', pub);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toEqual(['error: the lease list was changed after the receipt was signed']);

    const wrongVendor = await cli('verify-receipt', good, '--vendor-public', join(dir, 'other-vendor', VENDOR_PUBLIC_FILE));
    expect(wrongVendor.stderr).toEqual(['error: the server license in the receipt is not one this vendor key signed: signature does not verify']);
    const missing = await cli('verify-receipt', good);
    expect(missing.stderr).toEqual(['error: --vendor-public is required']);
    const absent = await cli('verify-receipt', join(dir, 'nope.fr'), '--vendor-public', pub);
    expect(absent.stderr).toEqual([`error: ${join(dir, 'nope.fr')} does not exist`]);
  });
});

describe('issue-server --machine-info (legacy machine-bound mode)', () => {
  const facts: MachineFacts = { hostname: 'ls-a', platform: 'linux', arch: 'x64', machineId: '0123456789abcdef0123456789abcdef', macs: ['00:1a:2b:3c:4d:5e'] };
  const rif: MachineInfoFile = {
    format: MACHINE_INFO_FORMAT,
    version: 1,
    collectedAt: '2026-05-01T00:00:00.000Z',
    ...facts,
    digest: createHash('sha256').update(canonicalMachineFacts(facts)).digest('hex'),
  };

  it('binds the signed server license to the digest of the MachineInfo.rif', async () => {
    const { bundle: bound } = await issueServerBundle({ ...terms, vendor, issuedAt, machineInfo: rif });
    expect((await verifyServerBundle(bound, vendor.publicJwk)).license.machineInfoHash).toBe(rif.digest);
    expect((await verifyServerBundle(bundle, vendor.publicJwk)).license.machineInfoHash).toBeUndefined();
  });

  it('refuses a MachineInfo.rif whose facts were edited after its digest was computed', async () => {
    await expect(issueServerBundle({ ...terms, vendor, issuedAt, machineInfo: { ...rif, hostname: 'other' } })).rejects.toThrow(BundleError);
    const path = join(dir, 'MachineInfo.rif');
    await writeFile(path, JSON.stringify({ ...rif, macs: ['00:1a:2b:3c:4d:99'] }));
    const stderr: string[] = [];
    const code = await runCli(
      ['issue-server', '--vendor-dir', join(dir, 'vendor'), '--out', join(dir, 'bound.json'), '--company', 'Acme', '--ip-ranges', '127.0.0.1', '--product-version', '11.0',
        '--max-connections', '1', '--days', '30', '--machine-info', path],
      { stdout: () => undefined, stderr: (l) => stderr.push(l) },
    );
    expect(code).toBe(1);
    expect(stderr).toEqual(['error: the MachineInfo.rif digest does not match the machine facts in it (edited?); ask for a freshly generated file']);
    await writeFile(path, '{"format":"fr-machine-info"}');
    const notRif = await runCli(
      ['issue-server', '--vendor-dir', join(dir, 'vendor'), '--out', join(dir, 'bound.json'), '--company', 'Acme', '--ip-ranges', '127.0.0.1', '--product-version', '11.0',
        '--max-connections', '1', '--days', '30', '--machine-info', path],
      { stdout: () => undefined, stderr: (l) => stderr.push(l) },
    );
    expect(notRif).toBe(1);
    expect(stderr[1]).toMatch(/^error: --machine-info: .*MachineInfo\.rif is not a MachineInfo\.rif \(hostname, platform, arch, machineId, macs\)$/);
  });
});
