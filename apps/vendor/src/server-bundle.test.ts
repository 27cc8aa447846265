import { mkdtemp, rm, stat, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeDocumentUnverified, generateEd25519KeyPair, signDocument } from '@registration/licensing/jws';
import { DOC_TYPES } from '@registration/protocol/license';
import type { ServerBundle } from '@registration/protocol/server-bundle';
import { ChallengeKeys, vendorCode } from '@registration/licensing/activation-code';
import { createChallenge } from '@registration/licensing/challenge';
import { computeVerificationCode } from '@registration/licensing/verification-code';
import { writeServerBundle } from './bundle-file.ts';
import { recordServerBundle, serverBundleRecord } from './issued-record.ts';
import { readRecord } from './records.ts';
import { createVendorKeys, loadVendorKeys, VENDOR_SECRET_FILE, type VendorKeys } from './keys.ts';
import { issueServerBundle, verifyServerBundle, type ServerLicenseTerms } from './server-bundle.ts';

const terms: ServerLicenseTerms = {
  company: 'Acme',
  product: 'FineReport',
  productVersion: '11.0',
  ipRanges: '127.0.0.1, ::1',
  domains: ['localhost'],
  appNames: ['webroot'],
  port: 8081,
  maxConnections: 10,
  features: ['report'],
  expiresAt: new Date('2030-01-01T00:00:00Z'),
};
const issuedAt = new Date('2026-01-01T00:00:00Z');

let dir: string;
let vendor: VendorKeys;
let other: VendorKeys;
let bundle: ServerBundle;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vendor-test-'));
  vendor = await createVendorKeys(join(dir, 'vendor'));
  other = await createVendorKeys(join(dir, 'other'));
  bundle = (await issueServerBundle({ ...terms, vendor, issuedAt })).bundle;
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('vendor keys', () => {
  it('writes the secret 0600, reloads the pair and refuses to overwrite without force', async () => {
    expect((await stat(join(dir, 'vendor', VENDOR_SECRET_FILE))).mode & 0o777).toBe(0o600);
    const loaded = await loadVendorKeys(join(dir, 'vendor'));
    expect(loaded.publicJwk).toEqual(vendor.publicJwk);
    await expect(createVendorKeys(join(dir, 'vendor'))).rejects.toThrow(/already exist/);
    const replaced = await createVendorKeys(join(dir, 'other'), { force: true });
    expect(replaced.publicJwk.x).not.toBe(other.publicJwk.x);
    other = replaced;
  });
});

describe('server bundle', () => {
  it('issues a bundle that verifies with the vendor key (roundtrip)', async () => {
    const { license } = await verifyServerBundle(bundle, vendor.publicJwk);
    expect(license).toMatchObject({ type: 'license-server', company: 'Acme', maxConnections: 10, port: 8081 });
    expect(license.expiresAt).toBe('2030-01-01T00:00:00.000Z');
    expect(license.licenseId).toMatch(/^[0-9a-f-]{36}$/);
    expect(decodeDocumentUnverified(bundle.serverLicense).header).toMatchObject({ alg: 'EdDSA', typ: DOC_TYPES.serverLicense });
  });

  it('gives every bundle its own license id and server key', async () => {
    const { bundle: second } = await issueServerBundle({ ...terms, vendor, issuedAt });
    const a = await verifyServerBundle(bundle, vendor.publicJwk);
    const b = await verifyServerBundle(second, vendor.publicJwk);
    expect(a.license.licenseId).not.toBe(b.license.licenseId);
    expect(a.license.serverKey.x).not.toBe(b.license.serverKey.x);
  });

  it('refuses a bundle from another vendor', async () => {
    const { bundle: foreign } = await issueServerBundle({ ...terms, vendor: other, issuedAt });
    await expect(verifyServerBundle(foreign, vendor.publicJwk)).rejects.toThrow(/another vendor key/);
    // Even when the embedded vendor key is swapped for the trusted one, the signature gives it away.
    const disguised = { ...foreign, vendorPublicKey: vendor.publicJwk };
    await expect(verifyServerBundle(disguised, vendor.publicJwk)).rejects.toThrow(/signature/);
  });

  it('refuses a tampered server license', async () => {
    const [header, payload, signature] = bundle.serverLicense.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    claims.maxConnections = 10_000;
    const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    await expect(verifyServerBundle({ ...bundle, serverLicense: forged }, vendor.publicJwk)).rejects.toThrow(/signature/);
  });

  it('refuses a bundle whose private key is not the certified server key', async () => {
    const stranger = await generateEd25519KeyPair();
    const swapped = { ...bundle, serverPrivateKey: { ...stranger.privateJwk, kty: 'OKP', crv: 'Ed25519' } };
    await expect(verifyServerBundle(swapped, vendor.publicJwk)).rejects.toThrow(/not the key/);
    // A copied `x` does not help: the public key is derived from `d`.
    const copiedX = { ...swapped, serverPrivateKey: { ...swapped.serverPrivateKey, x: bundle.serverPrivateKey.x } };
    await expect(verifyServerBundle(copiedX, vendor.publicJwk)).rejects.toThrow(/not the key/);
  });

  it('names only the public half of a fresh activation key: the bundle holds no private key material of it, the ledger does', async () => {
    const issued = await issueServerBundle({ ...terms, vendor, issuedAt });
    const { license } = await verifyServerBundle(issued.bundle, vendor.publicJwk);
    expect(license.activationKey).toBe(issued.activationKey.x);
    expect(Buffer.from(issued.activationKey.d, 'base64url')).toHaveLength(32);
    // The bundle file as the customer gets it, and the signed license in it, decoded.
    const path = join(dir, 'activation', 'bundle.json');
    await writeServerBundle(path, issued.bundle);
    const file = await readFile(path, 'utf8');
    expect(file).not.toContain(issued.activationKey.d);
    expect(JSON.stringify(decodeDocumentUnverified(issued.bundle.serverLicense))).not.toContain(issued.activationKey.d);
    expect(file).not.toMatch(/activationSecret/);
    // The ledger keeps both halves.
    await recordServerBundle(join(dir, 'ledger'), issued);
    const ledger = await readRecord(join(dir, 'ledger'), license.licenseId);
    expect(ledger).toMatchObject({ kind: 'server', activationKey: issued.activationKey, binding: null, refusedScans: [] });
    expect(await readFile(join(dir, 'ledger', 'issued', `${license.licenseId}.json`), 'utf8')).toContain(issued.activationKey.d);
    // And they are one key pair: a verifier that knows only the license expects the code the vendor computes.
    const verifier = new ChallengeKeys();
    const challengeKey = verifier.create();
    const challenge = createChallenge({ now: issuedAt, fingerprint: 'LS-0123456789ABCDEF' });
    const context = { licenseId: license.licenseId, kind: 'server' as const };
    const secret = verifier.codeKey(challengeKey, { ...context, licenseKey: license.activationKey });
    expect(secret).not.toBeNull();
    expect(vendorCode(ledger!.activationKey!, { ...challenge, ...context, challengeKey })).toBe(computeVerificationCode({ secret: secret!, ...challenge }));
  });

  it('refuses to record a bundle with an activation key the license does not name', async () => {
    const other = await issueServerBundle({ ...terms, vendor, issuedAt });
    expect(() => serverBundleRecord(bundle, other.activationKey)).toThrow(/not the one the license names/);
    await expect(recordServerBundle(join(dir, 'ledger'), { bundle, activationKey: other.activationKey })).rejects.toThrow(/not the one/);
  });

  it('refuses a document of another type signed by the vendor', async () => {
    const { payload } = decodeDocumentUnverified(bundle.serverLicense);
    const lease = await signDocument(payload as object, vendor.privateJwk, DOC_TYPES.lease);
    await expect(verifyServerBundle({ ...bundle, serverLicense: lease }, vendor.publicJwk)).rejects.toThrow(/type/);
  });

  it('refuses to issue with unparsable IP ranges or an expiry in the past', async () => {
    await expect(issueServerBundle({ ...terms, vendor, ipRanges: '1.2.3' })).rejects.toThrow(/ip-ranges/);
    await expect(
      issueServerBundle({ ...terms, vendor, issuedAt, expiresAt: new Date('2025-01-01T00:00:00Z') }),
    ).rejects.toThrow(/after the issue date/);
  });

  it('never writes the vendor secret into the bundle', async () => {
    const text = JSON.stringify(bundle);
    expect(text).not.toContain(vendor.privateJwk.d);
    expect(JSON.parse(await readFile(join(dir, 'vendor', 'vendor.public.jwk.json'), 'utf8'))).not.toHaveProperty('d');
  });
});
