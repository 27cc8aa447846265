import { beforeAll, describe, expect, it } from 'vitest';
import { DOC_TYPES, type LeasePayload } from '@registration/protocol/license';
import { ChainError, verifyLeaseChain, type LeaseChainInput } from './chain.ts';
import { generateEd25519KeyPair, signDocument } from './jws.ts';
import { leasePayload, NODE_KEY_X, NOW, serverLicensePayload } from './test-fixtures.ts';

type KeyPair = Awaited<ReturnType<typeof generateEd25519KeyPair>>;
let vendor: KeyPair;
let otherVendor: KeyPair;
let server: KeyPair;
let impostor: KeyPair;
let serverLicense: string;

beforeAll(async () => {
  [vendor, otherVendor, server, impostor] = await Promise.all([
    generateEd25519KeyPair('vendor'),
    generateEd25519KeyPair('other-vendor'),
    generateEd25519KeyPair('server'),
    generateEd25519KeyPair('impostor'),
  ]);
  serverLicense = await signDocument(serverLicensePayload(server.publicJwk), vendor.privateJwk, DOC_TYPES.serverLicense);
});

const lease = (overrides: Partial<LeasePayload> = {}, key = server.privateJwk, typ: string = DOC_TYPES.lease) =>
  signDocument(leasePayload(overrides), key, typ);

async function input(overrides: Partial<LeaseChainInput> = {}): Promise<LeaseChainInput> {
  return {
    serverLicense,
    lease: await lease(),
    vendorKey: vendor.publicJwk,
    nodeId: 'node-a',
    nonce: leasePayload().nonce,
    nodeKey: NODE_KEY_X,
    now: NOW,
    ...overrides,
  };
}

async function chainError(promise: Promise<unknown>): Promise<{ stage: string; detail: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ChainError);
  const { stage, detail } = error as ChainError;
  return { stage, detail };
}

describe('verifyLeaseChain', () => {
  it('accepts vendor → server license → lease for this node and nonce', async () => {
    const result = await verifyLeaseChain(await input());
    expect(result.license.licenseId).toBe('lic-0001');
    expect(result.lease).toEqual(leasePayload());
  });

  it('rejects a lease signed by a server key the license does not certify', async () => {
    const forged = await lease({}, impostor.privateJwk);
    expect(await chainError(verifyLeaseChain(await input({ lease: forged })))).toEqual({
      stage: 'lease',
      detail: 'document.signature.server',
    });
  });

  it('rejects a server license signed by another vendor, even with a matching lease', async () => {
    const foreign = await signDocument(serverLicensePayload(impostor.publicJwk), otherVendor.privateJwk, DOC_TYPES.serverLicense);
    const matching = await lease({}, impostor.privateJwk);
    expect(await chainError(verifyLeaseChain(await input({ serverLicense: foreign, lease: matching })))).toEqual({
      stage: 'server-license',
      detail: 'document.signature.vendor',
    });
  });

  it('rejects a lease answering another request (nonce mismatch), same length or not', async () => {
    const nonce = leasePayload().nonce;
    const sameLength = `${nonce.slice(0, -1)}X`;
    for (const other of [sameLength, `${nonce}-longer`, '']) {
      expect(await chainError(verifyLeaseChain(await input({ nonce: other })))).toEqual({ stage: 'lease', detail: 'lease.nonce' });
    }
  });

  it('rejects a lease for another node', async () => {
    expect(await chainError(verifyLeaseChain(await input({ nodeId: 'node-b' })))).toEqual({
      stage: 'lease',
      detail: 'lease.otherNode',
    });
  });

  it('rejects a lease bound to another node key, and names a lease bound to none (an older server) apart', async () => {
    expect(await chainError(verifyLeaseChain(await input({ nodeKey: 'M'.repeat(43) })))).toEqual({ stage: 'lease', detail: 'lease.otherKey' });
    const { nodeKey: _none, ...unbound } = leasePayload();
    const old = await signDocument(unbound, server.privateJwk, DOC_TYPES.lease);
    expect(await chainError(verifyLeaseChain(await input({ lease: old })))).toEqual({ stage: 'unbound', detail: 'lease.unbound' });
  });

  it('rejects a lease for another license', async () => {
    const other = await lease({ licenseId: 'lic-9999' });
    expect(await chainError(verifyLeaseChain(await input({ lease: other })))).toEqual({
      stage: 'lease',
      detail: 'lease.otherLicense',
    });
  });

  it('rejects a lease at and after its expiry, accepts it a millisecond before', async () => {
    const expiresAt = new Date(leasePayload().expiresAt);
    for (const now of [expiresAt, new Date(expiresAt.getTime() + 1)]) {
      expect(await chainError(verifyLeaseChain(await input({ now })))).toEqual({ stage: 'lease', detail: 'lease.expired' });
    }
    await expect(verifyLeaseChain(await input({ now: new Date(expiresAt.getTime() - 1) }))).resolves.toBeDefined();
  });

  it('rejects a lease presented as the server license, and a server license presented as a lease', async () => {
    // Typ confusion with genuine signatures: the vendor key did sign a lease-typed document.
    const vendorSignedLease = await lease({}, vendor.privateJwk);
    expect(await chainError(verifyLeaseChain(await input({ serverLicense: vendorSignedLease })))).toEqual({
      stage: 'server-license',
      detail: 'document.type',
    });
    const serverSignedLicense = await signDocument(serverLicensePayload(server.publicJwk), server.privateJwk, DOC_TYPES.serverLicense);
    expect(await chainError(verifyLeaseChain(await input({ lease: serverSignedLicense })))).toEqual({
      stage: 'lease',
      detail: 'document.type',
    });
  });

  it('rejects a container license where a server license belongs', async () => {
    const container = await signDocument(serverLicensePayload(server.publicJwk), vendor.privateJwk, DOC_TYPES.containerLicense);
    expect(await chainError(verifyLeaseChain(await input({ serverLicense: container })))).toMatchObject({ stage: 'server-license' });
  });

  it('reports garbage in either slot at its stage', async () => {
    expect(await chainError(verifyLeaseChain(await input({ serverLicense: 'garbage' })))).toEqual({
      stage: 'server-license',
      detail: 'document.malformed',
    });
    expect(await chainError(verifyLeaseChain(await input({ lease: 'a.b.c' })))).toMatchObject({ stage: 'lease' });
  });
});
