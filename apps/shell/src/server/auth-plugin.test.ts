import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportJWK, generateKeyPair, jwtVerify, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, loginResponseSchema } from '@registration/protocol/auth';
import { apiErrorSchema } from '@registration/protocol/reason';
import { loadConfigFromFile, type Plugin } from 'vite';
import { createAuthMiddleware } from './auth-plugin.ts';
import { MAX_LOGIN_BODY_BYTES, TOKEN_TTL_MS, createLoginHandler, type AuthHandler } from './login-handler.ts';

const NOW = new Date('2026-11-02T08:00:00.000Z');
let server: Server;
let base: string;
let dir: string;
let publicKey: CryptoKey;
let privateKeyPath: string;

/** Serves a connect-style handler over real HTTP on loopback; anything passed on answers 404. */
async function serve(handler: AuthHandler): Promise<{ server: Server; base: string }> {
  const s = createServer((req, res) =>
    handler(req, res, (err?: unknown) => {
      res.statusCode = err ? 500 : 404;
      res.end(err ? String(err) : 'next');
    }),
  );
  await new Promise<void>((done) => s.listen(0, '127.0.0.1', done));
  return { server: s, base: `http://127.0.0.1:${(s.address() as AddressInfo).port}` };
}

beforeAll(async () => {
  const pair = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  publicKey = pair.publicKey;
  dir = await mkdtemp(join(tmpdir(), 'shell-auth-'));
  privateKeyPath = join(dir, 'platform.secret.jwk.json');
  await writeFile(privateKeyPath, JSON.stringify({ ...(await exportJWK(pair.privateKey)), kid: 'test-platform' }));

  ({ server, base } = await serve(createLoginHandler({ privateKeyPath, now: () => NOW })));
});

afterAll(async () => {
  await new Promise((done) => server.close(done));
  await rm(dir, { recursive: true, force: true });
});

function login(body: string, contentType = 'application/json', at = base) {
  return fetch(`${at}/auth/login`, { method: 'POST', headers: { 'content-type': contentType }, body });
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

describe('authPlugin', () => {
  // Regression: Vite's default config loader bundles vite.config.ts but hands bare imports to Node,
  // which cannot load our workspace packages' TypeScript source; the config failed to load.
  it('lets vite.config.ts load with the default config loader', async () => {
    const file = fileURLToPath(new URL('../../vite.config.ts', import.meta.url));
    const loaded = await loadConfigFromFile({ command: 'serve', mode: 'development' }, file, undefined, 'silent');
    const plugins = (loaded?.config.plugins ?? []).flat() as Plugin[];
    expect(plugins.map((p) => p?.name)).toContain('decision-platform-auth');
    expect(loaded?.config.server).toMatchObject({ strictPort: true, proxy: { '/api': { changeOrigin: false } } });
  });

  it('serves logins through the middleware the plugin installs', async () => {
    const plugin = await serve(createAuthMiddleware({ privateKeyPath }));
    try {
      const res = await login(JSON.stringify({ username: 'admin', password: 'admin' }), 'application/json', plugin.base);
      const body = loginResponseSchema.parse(await res.json());
      const { payload } = await jwtVerify(body.token, publicKey, {
        algorithms: ['EdDSA'],
        issuer: ACCESS_TOKEN_ISSUER,
        audience: ACCESS_TOKEN_AUDIENCE,
      });
      expect(payload.role).toBe('admin');
      expect((await fetch(`${plugin.base}/index.html`)).status).toBe(404);
    } finally {
      await new Promise((done) => plugin.server.close(done));
    }
  });
});
