import { createMiddleware } from 'hono/factory';
import { HTTPException } from 'hono/http-exception';
import { importJWK, jwtVerify, type CryptoKey } from 'jose';
import {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  accessTokenClaimsSchema,
  type AccessTokenClaims,
} from '@registration/protocol/auth';
import type { Ed25519PublicJwk } from '@registration/protocol/license';
import type { BffEnv } from '../env.ts';

export interface AuthOptions {
  /** The host platform's public key; tokens signed by anything else are refused. */
  publicKey: Ed25519PublicJwk;
  /** Tokens are checked against this clock (tests move it). */
  clock: () => Date;
}

const MAX_VERIFIED_TOKENS = 256;
const BEARER = /^Bearer\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;

/**
 * Admin-only access: a Bearer EdDSA JWT from the host platform. Missing or invalid → 401,
 * a valid token of a non-admin → 403. Both thrown as HTTPException so `onError` answers them.
 */
export function adminAuth(options: AuthOptions) {
  // Imported once; jose caches nothing per call, and a bad key fails at start-up, not per request.
  let key: Promise<CryptoKey | Uint8Array> | undefined;
  const getKey = () => (key ??= importJWK({ ...options.publicKey, alg: 'EdDSA' }, 'EdDSA'));

  // Tokens whose signature and claims checked out, by their exact text: a polling table sends the same
  // token every few seconds, and the same bytes verify the same way. Time is checked on every use.
  const verified = new Map<string, { claims: AccessTokenClaims; exp: number; nbf: number }>();

  return createMiddleware<BffEnv>(async function adminAuth(c, next) {
    const match = BEARER.exec(c.req.header('authorization') ?? '');
    if (!match?.[1]) throw new HTTPException(401, { message: 'missing bearer token' });
    const nowSec = Math.floor(options.clock().getTime() / 1000);
    const cached = verified.get(match[1]);
    // As jose checks them: expired once now ≥ exp, not yet valid while now < nbf.
    let claims = cached && nowSec < cached.exp && cached.nbf <= nowSec ? cached.claims : undefined;
    if (cached && !claims) verified.delete(match[1]);
    if (!claims) try {
      const { payload } = await jwtVerify(match[1], await getKey(), {
        algorithms: ['EdDSA'],
        issuer: ACCESS_TOKEN_ISSUER,
        audience: ACCESS_TOKEN_AUDIENCE,
        currentDate: options.clock(),
        requiredClaims: ['exp', 'sub'],
      });
      claims = accessTokenClaimsSchema.parse(payload);
      if (verified.size >= MAX_VERIFIED_TOKENS) verified.delete(verified.keys().next().value as string);
      verified.set(match[1], { claims, exp: payload.exp ?? 0, nbf: payload.nbf ?? 0 });
    } catch (e) {
      throw new HTTPException(401, { message: `invalid token: ${(e as Error).message}` });
    }
    if (claims.role !== 'admin') throw new HTTPException(403, { message: `role ${claims.role} is not admin` });
    c.set('user', claims);
    await next();
  });
}
