import { createMiddleware } from 'hono/factory';
import { HTTPException } from 'hono/http-exception';
import { importJWK, jwtVerify, type CryptoKey } from 'jose';
import {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  accessTokenClaimsSchema,
} from '@registration/protocol/auth';
import type { Ed25519PublicJwk } from '@registration/protocol/license';
import type { BffEnv } from '../env.ts';

export interface AuthOptions {
  /** The host platform's public key; tokens signed by anything else are refused. */
  publicKey: Ed25519PublicJwk;
  /** Tokens are checked against this clock (tests move it). */
  clock: () => Date;
}

const BEARER = /^Bearer\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;

/**
 * Admin-only access: a Bearer EdDSA JWT from the host platform. Missing or invalid → 401,
 * a valid token of a non-admin → 403. Both thrown as HTTPException so `onError` answers them.
 */
export function adminAuth(options: AuthOptions) {
  // Imported once; jose caches nothing per call, and a bad key fails at start-up, not per request.
  let key: Promise<CryptoKey | Uint8Array> | undefined;
  const getKey = () => (key ??= importJWK({ ...options.publicKey, alg: 'EdDSA' }, 'EdDSA'));

  return createMiddleware<BffEnv>(async function adminAuth(c, next) {
    const match = BEARER.exec(c.req.header('authorization') ?? '');
    if (!match?.[1]) throw new HTTPException(401, { message: 'missing bearer token' });
    let claims;
    try {
      const { payload } = await jwtVerify(match[1], await getKey(), {
        algorithms: ['EdDSA'],
        issuer: ACCESS_TOKEN_ISSUER,
        audience: ACCESS_TOKEN_AUDIENCE,
        currentDate: options.clock(),
        requiredClaims: ['exp', 'sub'],
      });
      claims = accessTokenClaimsSchema.parse(payload);
    } catch (e) {
      throw new HTTPException(401, { message: `invalid token: ${(e as Error).message}` });
    }
    if (claims.role !== 'admin') throw new HTTPException(403, { message: `role ${claims.role} is not admin` });
    c.set('user', claims);
    await next();
  });
}
