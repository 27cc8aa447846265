import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, jwtVerify, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, loginResponseSchema } from '@registration/protocol/auth';
import { apiErrorSchema } from '@registration/protocol/reason';
import { MAX_LOGIN_BODY_BYTES, TOKEN_TTL_MS, createLoginHandler } from './auth-plugin.ts';

const NOW = new Date('2026-11-02T08:00:00.000Z');
let server: Server;
let base: string;
let dir: string;
let publicKey: CryptoKey;

beforeAll(async () => {
  const pair = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  publicKey = pair.publicKey;
  dir = await mkdtemp(join(tmpdir(), 'shell-auth-'));
  const privateKeyPath = join(dir, 'platform.secret.jwk.json');
  await writeFile(privateKeyPath, JSON.stringify({ ...(await exportJWK(pair.privateKey)), kid: 'test-platform' }));

  const handler = createLoginHandler({ privateKeyPath, now: () => NOW });
  server = createServer((req, res) =>
    handler(req, res, () => {
      res.statusCode = 404;
      res.end('next');
    }),
  );
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((done) => server.close(done));
  await rm(dir, { recursive: true, force: true });
});

function login(body: string, contentType = 'application/json') {
  return fetch(`${base}/auth/login`, { method: 'POST', headers: { 'content-type': contentType }, body });
}

async function expectError(res: Response, status: number, name: string) {
  expect(res.status).toBe(status);
  const body = apiErrorSchema.parse(await res.json());
  expect(body.name).toBe(name);
  return body;
}

describe('POST /auth/login', () => {
  it('signs an EdDSA access token for admin that verifies with the platform public key', async () => {
    const res = await login(JSON.stringify({ username: 'admin', password: 'admin' }));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = loginResponseSchema.parse(await res.json());
    expect(body.user).toEqual({ name: 'admin', role: 'admin' });
    expect(body.expiresAt).toBe(new Date(NOW.getTime() + TOKEN_TTL_MS).toISOString());

    const { payload, protectedHeader } = await jwtVerify(body.token, publicKey, {
      algorithms: ['EdDSA'],
      issuer: ACCESS_TOKEN_ISSUER,
      audience: ACCESS_TOKEN_AUDIENCE,
      currentDate: NOW,
    });
    expect(protectedHeader).toMatchObject({ alg: 'EdDSA', kid: 'test-platform' });
    expect(payload).toMatchObject({ sub: 'admin', role: 'admin', name: 'admin' });
    expect(payload.exp! - payload.iat!).toBe(8 * 60 * 60);
  });

  it('gives viewer the viewer role', async () => {
    const res = await login(JSON.stringify({ username: 'viewer', password: 'viewer' }));
    const body = loginResponseSchema.parse(await res.json());
    expect(body.user.role).toBe('viewer');
    const { payload } = await jwtVerify(body.token, publicKey, {
      algorithms: ['EdDSA'],
      issuer: ACCESS_TOKEN_ISSUER,
      audience: ACCESS_TOKEN_AUDIENCE,
      currentDate: NOW,
    });
    expect(payload).toMatchObject({ sub: 'viewer', role: 'viewer' });
  });

  it('answers 401 UNAUTHORIZED for a wrong password and for an unknown user', async () => {
    const wrong = await expectError(
      await login(JSON.stringify({ username: 'admin', password: 'viewer' })),
      401,
      'UNAUTHORIZED',
    );
    expect(wrong.code).toBe(40100);
    expect(wrong.message).toMatch(/password/);
    await expectError(await login(JSON.stringify({ username: 'root', password: 'admin' })), 401, 'UNAUTHORIZED');
  });

  it('answers 400 for bad JSON, a non-JSON content type and missing fields', async () => {
    const bad = await expectError(await login('{"username":'), 400, 'JSON_PARSER_ERROR');
    expect(bad.code).toBe(10000);
    await expectError(await login('username=admin&password=admin', 'application/x-www-form-urlencoded'), 400, 'JSON_PARSER_ERROR');
    const missing = await expectError(await login(JSON.stringify({ username: 'admin' })), 400, 'PARAM_INPUT_ERROR');
    expect(missing.details?.issues?.join(' ')).toMatch(/password/);
  });

  it('answers 413 for a body over 4 KB, declared or streamed', async () => {
    const big = JSON.stringify({ username: 'admin', password: 'x'.repeat(MAX_LOGIN_BODY_BYTES) });
    const declared = await expectError(await login(big), 413, 'PAYLOAD_TOO_LARGE');
    expect(declared.code).toBe(41300);

    // Chunked, without Content-Length: the limit must hold while streaming too.
    const streamed = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${base}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' } });
      req.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.write(big.slice(0, 3000));
      req.end(big.slice(3000));
    });
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.body)).toMatchObject({ name: 'PAYLOAD_TOO_LARGE' });
  });

  it('leaves other paths and methods to the next middleware', async () => {
    expect((await fetch(`${base}/auth/login`)).status).toBe(404);
    expect((await fetch(`${base}/auth/other`, { method: 'POST' })).status).toBe(404);
  });
});
