import { importJWK, SignJWT, type JWK } from 'jose';
import { generateEd25519KeyPair } from '@registration/licensing/jws';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, type Role } from '@registration/protocol/auth';
import type { Ed25519PublicJwk } from '@registration/protocol/license';

/** The host platform's token signer, as the shell's login would sign. */
export interface Platform {
  publicJwk: Ed25519PublicJwk;
  token(role: Role, options?: { now?: Date; ttlSeconds?: number; issuer?: string; audience?: string; name?: string }): Promise<string>;
}

export async function makePlatform(): Promise<Platform> {
  const { publicJwk, privateJwk } = await generateEd25519KeyPair();
  return {
    publicJwk,
    token: (role, o = {}) => signToken(privateJwk, role, o),
  };
}

async function signToken(
  privateJwk: JWK,
  role: Role,
  o: { now?: Date; ttlSeconds?: number; issuer?: string; audience?: string; name?: string },
): Promise<string> {
  const key = await importJWK({ ...privateJwk, alg: 'EdDSA' }, 'EdDSA');
  const iat = Math.floor((o.now ?? new Date()).getTime() / 1000);
  return new SignJWT({ role, name: o.name ?? role })
    .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' })
    .setSubject(role)
    .setIssuer(o.issuer ?? ACCESS_TOKEN_ISSUER)
    .setAudience(o.audience ?? ACCESS_TOKEN_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (o.ttlSeconds ?? 3600))
    .sign(key);
}
