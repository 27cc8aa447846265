import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SignJWT, importJWK, type CryptoKey, type JWK } from 'jose';
import {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  loginRequestSchema,
  type LoginResponse,
} from '@registration/protocol/auth';
import { CATALOGUE, type ErrorName } from '@registration/protocol/catalogue';
import { DEMO_USERS, authenticate, type DemoUser } from './demo-users.ts';

/** Where the login endpoint lives on the shell's origin. */
export const LOGIN_PATH = '/auth/login';
/** Largest login body accepted; a name and a password fit many times over. */
export const MAX_LOGIN_BODY_BYTES = 4096;
/** Lifetime of an access token: one working day. */
export const TOKEN_TTL_MS = 8 * 60 * 60 * 1000;

export interface AuthOptions {
  /** Path to the platform's private Ed25519 JWK (JSON file). */
  privateKeyPath: string;
  users?: readonly DemoUser[];
  now?: () => Date;
}

/** Connect's `next`: hand the request to the following middleware. */
export type Next = (err?: unknown) => void;
/** Connect-style middleware; also usable directly as a node:http listener with a `next`. */
export type AuthHandler = (req: IncomingMessage, res: ServerResponse, next: Next) => void;

class HttpError extends Error {
  constructor(
    readonly errorName: ErrorName,
    message: string,
    readonly issues?: string[],
  ) {
    super(message);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, err: HttpError): void {
  const { code, status } = CATALOGUE[err.errorName];
  const details = err.issues ? { issues: err.issues } : undefined;
  sendJson(res, status, { code, name: err.errorName, message: err.message, ...(details && { details }) });
}

// Resolves with the body, or rejects with PAYLOAD_TOO_LARGE as soon as the limit is passed.
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const tooLarge = () => new HttpError('PAYLOAD_TOO_LARGE', `Login body exceeds ${limit} bytes`);
    if (Number(req.headers['content-length'] ?? 0) > limit) {
      req.resume(); // discard, so the client can read the answer before the socket closes
      return reject(tooLarge());
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        reject(tooLarge());
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Builds the `POST /auth/login` handler; other requests go to `next`. */
export function createLoginHandler(options: AuthOptions): AuthHandler {
  const users = options.users ?? DEMO_USERS;
  const now = options.now ?? (() => new Date());
  // Loaded on first use so the dev server starts before the demo keys exist;
  // a failed load is not cached, so generating the key later just works.
  let key: Promise<{ key: CryptoKey | Uint8Array; kid?: string }> | undefined;
  const signingKey = () => {
    key ??= readFile(options.privateKeyPath, 'utf8')
      .then(async (text) => {
        const jwk = JSON.parse(text) as JWK;
        return { key: await importJWK(jwk, 'EdDSA'), kid: jwk.kid };
      })
      .catch((cause: unknown) => {
        key = undefined;
        throw new Error(`Cannot load the platform signing key from ${options.privateKeyPath}`, { cause });
      });
    return key;
  };

  async function login(req: IncomingMessage): Promise<LoginResponse> {
    const type = req.headers['content-type'] ?? '';
    // JSON only: a cross-site form cannot send it without a CORS preflight (login CSRF).
    if (!/^application\/json\b/i.test(type)) {
      throw new HttpError('JSON_PARSER_ERROR', 'Content-Type must be application/json');
    }
    const text = await readBody(req, MAX_LOGIN_BODY_BYTES);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new HttpError('JSON_PARSER_ERROR', 'Login body is not valid JSON');
    }
    const parsed = loginRequestSchema.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
      throw new HttpError('PARAM_INPUT_ERROR', 'Invalid login request', issues);
    }
    const user = authenticate(users, parsed.data.username, parsed.data.password);
    if (!user) throw new HttpError('UNAUTHORIZED', 'Wrong user name or password');

    const { key, kid } = await signingKey();
    const issuedAt = now();
    const expiresAt = new Date(issuedAt.getTime() + TOKEN_TTL_MS);
    const token = await new SignJWT({ role: user.role, name: user.username })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', ...(kid && { kid }) })
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setSubject(user.username)
      .setIssuedAt(Math.floor(issuedAt.getTime() / 1000))
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(key);
    return { token, user: { name: user.username, role: user.role }, expiresAt: expiresAt.toISOString() };
  }

  return (req, res, next) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== LOGIN_PATH || req.method !== 'POST') return next();
    login(req).then(
      (body) => sendJson(res, 200, body),
      (err: unknown) => {
        if (err instanceof HttpError) {
          // Do not keep reading an oversized body; close once the answer is out.
          if (err.errorName === 'PAYLOAD_TOO_LARGE') res.setHeader('Connection', 'close');
          return sendError(res, err);
        }
        console.error('[auth] login failed:', err);
        sendError(res, new HttpError('INTERNAL_ERROR', 'Login is unavailable: the platform signing key could not be used'));
      },
    );
  };
}
