import { CompactSign, importJWK, type CryptoKey } from 'jose';
import { DOC_TYPES, type LeasePayload } from '@registration/protocol/license';
import type { Ed25519PrivateJwk } from '@registration/protocol/server-bundle';

/**
 * Signs leases with the server key, importing that key once. `signDocument` from licensing imports the
 * JWK on every call, which was half the CPU of a heartbeat; the output is the same JWS (EdDSA, header
 * `{ alg, typ, kid }`) and the tests check it with licensing's `verifyLeaseChain`.
 */
export function createLeaseSigner(privateJwk: Ed25519PrivateJwk): (payload: LeasePayload) => Promise<string> {
  const { kty, crv, x, d, kid } = privateJwk;
  let key: Promise<CryptoKey | Uint8Array> | undefined;
  const header = kid === undefined ? { alg: 'EdDSA', typ: DOC_TYPES.lease } : { alg: 'EdDSA', typ: DOC_TYPES.lease, kid };
  const encoder = new TextEncoder();
  return async (payload) => {
    key ??= importJWK({ kty, crv, x, d }, 'EdDSA');
    return new CompactSign(encoder.encode(JSON.stringify(payload))).setProtectedHeader(header).sign(await key);
  };
}
