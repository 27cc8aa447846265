import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkContainerLicense } from '@registration/licensing/container-checks';
import { decodeDocumentUnverified } from '@registration/licensing/jws';
import { DOC_TYPES } from '@registration/protocol/license';
import { issueContainerLicense, writeContainerLic, type ContainerLicenseTerms } from './container-license.ts';
import { ChallengeKeys, vendorCode } from '@registration/licensing/activation-code';
import { createChallenge } from '@registration/licensing/challenge';
import { computeVerificationCode } from '@registration/licensing/verification-code';
import { containerLicenseRecord, recordContainerLicense } from './issued-record.ts';
import { createVendorKeys, type VendorKeys } from './keys.ts';
import { readRecord } from './records.ts';

const terms: ContainerLicenseTerms = {
  company: 'Acme',
  project: 'Sales reports',
  appName: 'webroot',
  productVersion: '11.0',
  maxNodes: 2,
  features: ['report'],
  expiresAt: new Date('2030-01-01T00:00:00Z'),
};
const issuedAt = new Date('2026-01-01T00:00:00Z');
const local = { productVersion: '11.0.18', appName: 'webroot', project: { name: 'Sales reports' }, nodes: 2 };

let dir: string;
let vendor: VendorKeys;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vendor-container-'));
  vendor = await createVendorKeys(join(dir, 'vendor'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('issueContainerLicense', () => {
  it('signs a Container.lic that the licensing check accepts, with the container typ and a fresh activation key', async () => {
    const { lic, license, activationKey } = await issueContainerLicense({ ...terms, vendor, issuedAt });
    expect(decodeDocumentUnverified(lic).header).toMatchObject({ alg: 'EdDSA', typ: DOC_TYPES.containerLicense, kid: vendor.publicJwk.kid });
    const check = await checkContainerLicense({ jwsText: lic, vendorKey: vendor.publicJwk, local, now: new Date('2026-06-01T00:00:00Z') });
    expect(check).toEqual({ ok: true, license });
    expect(license).toMatchObject({ type: 'container', company: 'Acme', maxNodes: 2, issuedAt: issuedAt.toISOString() });
    // The lic names the public half; the private half goes to the vendor's ledger only.
    expect(license.activationKey).toBe(activationKey.x);
    expect(Buffer.from(activationKey.d, 'base64url')).toHaveLength(32);
    expect(lic).not.toContain(activationKey.d);
    expect(JSON.stringify(decodeDocumentUnverified(lic))).not.toContain(activationKey.d);
    const second = await issueContainerLicense({ ...terms, vendor, issuedAt });
    expect(second.license.activationKey).not.toBe(license.activationKey);
    expect(second.license.licenseId).not.toBe(license.licenseId);
  });

  it('carries the project id when given, and the checks then require it', async () => {
    const { lic } = await issueContainerLicense({ ...terms, vendor, issuedAt, projectFingerprint: 'proj-42' });
    const now = new Date('2026-06-01T00:00:00Z');
    const wrong = await checkContainerLicense({ jwsText: lic, vendorKey: vendor.publicJwk, local, now });
    expect(wrong.ok ? [] : wrong.reasons.map((r) => r.name)).toEqual(['PROJECT_CONTENT_MISMATCH']);
    const right = await checkContainerLicense({ jwsText: lic, vendorKey: vendor.publicJwk, local: { ...local, project: { name: 'Sales reports', id: 'proj-42' } }, now });
    expect(right.ok).toBe(true);
  });

  it('refuses an expiry not after the issue date, and terms the format cannot carry (naming the fields)', async () => {
    await expect(issueContainerLicense({ ...terms, vendor, issuedAt, expiresAt: issuedAt })).rejects.toThrow(/after the issue date/);
    await expect(issueContainerLicense({ ...terms, vendor, issuedAt, maxNodes: 0, appName: '' })).rejects.toThrow(
      /cannot go into a Container.lic: appName, maxNodes/,
    );
  });

  it('writes the file 0600, keeps an existing one unless forced, and records the license unbound', async () => {
    const issued = await issueContainerLicense({ ...terms, vendor, issuedAt });
    const { lic, license } = issued;
    const path = join(dir, 'out', 'Container.lic');
    await writeContainerLic(path, lic);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await readFile(path, 'utf8')).trim()).toBe(lic);
    await expect(writeContainerLic(path, lic)).rejects.toThrow(/already exists; pass --force/);
    await writeContainerLic(path, lic, { force: true });

    await recordContainerLicense(join(dir, 'vendor'), issued);
    expect(await readRecord(join(dir, 'vendor'), license.licenseId)).toEqual({
      licenseId: license.licenseId,
      kind: 'container',
      activationKey: issued.activationKey,
      issuedAt: license.issuedAt,
      company: 'Acme',
      project: 'Sales reports',
      binding: null,
      refusedScans: [],
    });
    expect(await readFile(join(dir, 'vendor', 'issued', `${license.licenseId}.json`), 'utf8')).toContain(issued.activationKey.d);
  });

  it('records only the key pair the lic names, and that pair makes the code a verifier knowing only the lic expects', async () => {
    const issued = await issueContainerLicense({ ...terms, vendor, issuedAt });
    const other = await issueContainerLicense({ ...terms, vendor, issuedAt });
    expect(() => containerLicenseRecord(issued.license, other.activationKey)).toThrow(/not the one the license names/);
    const verifier = new ChallengeKeys();
    const challengeKey = verifier.create();
    const challenge = createChallenge({ now: issuedAt, fingerprint: 'project-A' });
    const context = { licenseId: issued.license.licenseId, kind: 'container' as const };
    const secret = verifier.codeKey(challengeKey, { ...context, licenseKey: issued.license.activationKey });
    expect(secret).not.toBeNull();
    const expected = computeVerificationCode({ secret: secret!, ...challenge });
    expect(vendorCode(containerLicenseRecord(issued.license, issued.activationKey).activationKey!, { ...challenge, ...context, challengeKey })).toBe(expected);
    // Another license's key pair (same terms) makes another code.
    expect(vendorCode(other.activationKey, { ...challenge, ...context, challengeKey })).not.toBe(expected);
  });
});
