import { createPrivateKey, sign } from 'node:crypto';
import { DOC_TYPES, type LeasePayload } from '@registration/protocol/license';
import type { Ed25519PrivateJwk } from '@registration/protocol/server-bundle';

/**
 * Signs leases with the server key, imported once as a node:crypto KeyObject.
 *
 * The output is the JWS compact serialisation jose's `CompactSign` (and licensing's `signDocument`) makes:
 * `b64url(JSON header { alg: 'EdDSA', typ, kid? }) . b64url(JSON payload) . b64url(Ed25519 signature over
 * the first two parts)`. Ed25519 is deterministic, so it is the same string byte for byte
 * (lease-signer.test.ts checks that and verifies it with licensing's `verifyLeaseChain`). jose goes through
 * WebCrypto, whose promise job, ArrayBuffer transfer and base64 helpers cost about a fifth of a heartbeat's
 * CPU; a one-shot `sign(null, data, key)` is a plain synchronous OpenSSL call.
 */
export function createLeaseSigner(privateJwk: Ed25519PrivateJwk): (payload: LeasePayload) => Promise<string> {
  const { kty, crv, x, d, kid } = privateJwk;
  const header = kid === undefined ? { alg: 'EdDSA', typ: DOC_TYPES.lease } : { alg: 'EdDSA', typ: DOC_TYPES.lease, kid };
  const encodedHeader = Buffer.from(JSON.stringify(header), 'utf8').toString('base64url');
  let key: ReturnType<typeof createPrivateKey> | undefined;
  return async (payload) => {
    // Imported on first use, as before: a bad key fails the first signature, not the server's start.
    key ??= createPrivateKey({ key: { kty, crv, x, d }, format: 'jwk' });
    const signingInput = `${encodedHeader}.${Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url')}`;
    const signature = sign(null, Buffer.from(signingInput, 'ascii'), key);
    return `${signingInput}.${signature.toString('base64url')}`;
  };
}
