import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLeaseChain } from '@registration/licensing/chain';
import { decodeDocumentUnverified, generateEd25519KeyPair, signDocument } from '@registration/licensing/jws';
import { DOC_TYPES, type LeasePayload } from '@registration/protocol/license';
import { ed25519PrivateJwkSchema } from '@registration/protocol/server-bundle';
import { checkBundle } from './bundle.ts';
import { createLeaseSigner } from './lease-signer.ts';
import { createFixture, T0, type Fixture } from './test-harness.ts';

let fx: Fixture;
beforeAll(async () => {
  fx = await createFixture();
});
afterAll(async () => {
  await fx.cleanup();
});

function payload(overrides: Partial<LeasePayload> = {}): LeasePayload {
  return {
    type: 'lease',
    leaseId: '5f0c6f1e-2d1a-4f7e-9a59-2b1f0d3c4e5a',
    licenseId: 'lic-1',
    nodeId: 'node-a',
    nonce: 'AAAAAAAAAAAAAAAAAAAAAA',
    peer: '127.0.0.1',
    issuedAt: T0.toISOString(),
    expiresAt: new Date(T0.getTime() + 864e5).toISOString(),
    maxConnections: 10,
    inUse: 1,
    nodeKey: 'K'.repeat(43),
    ...overrides,
  };
}

describe('createLeaseSigner', () => {
  it('makes the same JWS as jose (licensing signDocument) byte for byte, with and without kid', async () => {
    for (const kid of [undefined, 'server-key-1']) {
      const { privateJwk } = await generateEd25519KeyPair(kid);
      const sign = createLeaseSigner(ed25519PrivateJwkSchema.parse(privateJwk));
      // Non-ASCII text and several payloads through one signer: the key is imported once and reused.
      for (const p of [payload(), payload({ nodeId: '节点-ü-😀', nonce: 'nonce-with-"quotes"-and-\\' }), payload({ inUse: 0 })]) {
        const ours = await sign(p);
        const jose = await signDocument(p, privateJwk, DOC_TYPES.lease);
        expect(ours).toBe(jose);
        expect(decodeDocumentUnverified(ours)).toEqual({
          header: kid === undefined ? { alg: 'EdDSA', typ: DOC_TYPES.lease } : { alg: 'EdDSA', typ: DOC_TYPES.lease, kid },
          payload: p,
        });
      }
    }
  });

  it('signs leases that verifyLeaseChain accepts for the bundle, node and nonce, and no other nonce', async () => {
    const loaded = await checkBundle(await fx.bundle(), 'test bundle');
    const sign = createLeaseSigner(loaded.bundle.serverPrivateKey);
    const p = payload({ licenseId: loaded.license.licenseId, nonce: 'n0nce-n0nce-n0nce-1' });
    const lease = await sign(p);
    const chain = await verifyLeaseChain({ serverLicense: loaded.bundle.serverLicense, lease, vendorKey: fx.vendor.publicJwk, nodeId: 'node-a', nonce: p.nonce, nodeKey: 'K'.repeat(43), now: T0 });
    expect(chain.lease).toEqual(p);
    await expect(
      verifyLeaseChain({ serverLicense: loaded.bundle.serverLicense, lease, vendorKey: fx.vendor.publicJwk, nodeId: 'node-a', nonce: 'n0nce-n0nce-n0nce-2', nodeKey: 'K'.repeat(43), now: T0 }),
    ).rejects.toThrow(/nonce/);
    // A changed payload byte breaks the signature.
    const [h, b, s] = lease.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...p, inUse: 2 })).toString('base64url')}.${s}`;
    expect(b).not.toBe(forged.split('.')[1]);
    await expect(
      verifyLeaseChain({ serverLicense: loaded.bundle.serverLicense, lease: forged, vendorKey: fx.vendor.publicJwk, nodeId: 'node-a', nonce: p.nonce, nodeKey: 'K'.repeat(43), now: T0 }),
    ).rejects.toThrow(/signature/);
  });
});
