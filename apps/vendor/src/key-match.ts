import { createPrivateKey, createPublicKey } from 'node:crypto';
import type { Ed25519PublicJwk } from '@registration/protocol/license';
import type { Ed25519PrivateJwk } from '@registration/protocol/server-bundle';

/**
 * True when `privateJwk` really is the secret half of `publicJwk`. The public key is derived from `d`
 * rather than trusting the JWK's own `x`, which a tampered file could copy from any other key.
 */
export function privateKeyMatches(privateJwk: Ed25519PrivateJwk, publicJwk: Ed25519PublicJwk): boolean {
  try {
    const { kty, crv, x, d } = privateJwk;
    const derived = createPublicKey(createPrivateKey({ key: { kty, crv, x, d }, format: 'jwk' })).export({
      format: 'jwk',
    });
    return derived.x === publicJwk.x && x === publicJwk.x;
  } catch {
    return false;
  }
}
