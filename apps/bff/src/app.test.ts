import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatSize } from '@registration/protocol/catalogue';
import { apiErrorSchema } from '@registration/protocol/reason';
import { registrationStateSchema } from '@registration/protocol/bff-api';
import { generateEd25519KeyPair } from '@registration/licensing/jws';
import { JSON_BODY_LIMIT_BYTES } from './config.ts';
import { startBff, testClock, testConfig, type TestBff } from './testing/bff.ts';
import { makePlatform, type Platform } from './testing/tokens.ts';
import type { RegistrationStore } from './store/types.ts';

const clock = testClock();
let platform: Platform;
let bff: TestBff;
let admin: string;

beforeAll(async () => {
  platform = await makePlatform();
  const vendor = await generateEd25519KeyPair();
  bff = await startBff({ clock, config: testConfig({ vendorPublicKey: vendor.publicJwk, authPublicKey: platform.publicJwk }) });
  admin = await platform.token('admin', { now: clock() });
});
afterAll(() => bff.close());

/** Every API route the app really has, read from Hono's route table (middleware entries are `ALL`). */
function apiRoutes(app: TestBff['app']) {
  const seen = new Map<string, { method: string; path: string }>();
  for (const r of app.routes) {
    if (r.method === 'ALL' || !r.path.startsWith('/api/')) continue;
    seen.set(`${r.method} ${r.path}`, { method: r.method, path: r.path });
  }
  return [...seen.values()];
}

function call(method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  const init: RequestInit = { method, headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...headers } };
  if (body !== undefined) init.body = body;
  return bff.app.request(path, init);
}

describe('access control on every API route', () => {
  it('finds the routes in the app itself', () => {
    const routes = apiRoutes(bff.app).map((r) => `${r.method} ${r.path}`);
    // Sanity: the table is read, not empty; the assertions below cover whatever it holds.
    expect(routes).toEqual(expect.arrayContaining(['GET /api/registration', 'DELETE /api/registration']));
  });

  it('answers 401 UNAUTHORIZED without a token, with a foreign token, and with an expired one', async () => {
    const stranger = await makePlatform();
    const tokens = {
      none: undefined,
      garbage: 'Bearer not-a-jwt',
      foreignKey: `Bearer ${await stranger.token('admin', { now: clock() })}`,
      expired: `Bearer ${await platform.token('admin', { now: new Date(clock().getTime() - 2 * 3600_000) })}`,
      wrongAudience: `Bearer ${await platform.token('admin', { now: clock(), audience: 'someone-else' })}`,
    };
    for (const { method, path } of apiRoutes(bff.app)) {
      for (const [kind, auth] of Object.entries(tokens)) {
        const res = await call(method, path, auth ? { authorization: auth } : {}, method === 'GET' ? undefined : '{"serverUrl":"https://127.0.0.1:1"}');
        expect(res.status, `${method} ${path} with ${kind}`).toBe(401);
        const body = apiErrorSchema.parse(await res.json());
        expect(body).toMatchObject({ code: 40100, name: 'UNAUTHORIZED' });
      }
    }
  });

  it('refuses a token that was accepted before, once it has expired (verified tokens are remembered, their time is not)', async () => {
    const token = await platform.token('admin', { now: clock() });
    const read = async () => (await call('GET', '/api/registration', { authorization: `Bearer ${token}` })).status;
    expect(await read()).toBe(200);
    expect(await read()).toBe(200); // the remembered verification
    clock.advance(8 * 3600_000 + 1000);
    expect(await read()).toBe(401);
    clock.advance(-(8 * 3600_000 + 1000));
    expect(await read()).toBe(200); // verified afresh
  });

  it('answers 403 FORBIDDEN to a viewer', async () => {
    const viewer = await platform.token('viewer', { now: clock() });
    for (const { method, path } of apiRoutes(bff.app)) {
      const res = await call(method, path, { authorization: `Bearer ${viewer}` }, method === 'GET' ? undefined : '{"serverUrl":"https://127.0.0.1:1"}');
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(apiErrorSchema.parse(await res.json())).toMatchObject({ code: 40300, name: 'FORBIDDEN' });
    }
  });

  it('lets an admin read the state', async () => {
    const res = await call('GET', '/api/registration', { authorization: `Bearer ${admin}` });
    expect(res.status).toBe(200);
    const state = registrationStateSchema.parse(await res.json());
    expect(state).toMatchObject({ status: 'unregistered', method: null, grant: null, product: { version: '11.0.18' } });
    expect(state.node.nodeId).toBe('node-a');
  });
});

describe('CORS for hosts on another origin (ALLOWED_ORIGINS)', () => {
  const listed = 'http://localhost:5173';
  const preflight = (origin: string, method = 'POST') =>
    bff.app.request('/api/registration/private-cloud', {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization,content-type' },
    });

  it('answers a preflight from a listed origin before auth: 204, its origin echoed, Authorization and Content-Type allowed, no credentials', async () => {
    const res = await preflight(listed);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(listed);
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase().split(',')).toEqual(['authorization', 'content-type']);
    expect(res.headers.get('access-control-allow-methods')).toContain('DELETE');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(res.headers.get('vary')).toContain('Origin');
  });

  it('gives an unlisted origin no Access-Control-Allow-Origin, on the preflight and on the request', async () => {
    const res = await preflight('https://evil.example');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const get = await call('GET', '/api/registration', { origin: 'https://evil.example', authorization: `Bearer ${admin}` });
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
    expect(get.headers.get('vary')).toContain('Origin');
  });

  it('echoes a listed origin on real answers, errors included, and exposes the request id to the page', async () => {
    const ok = await call('GET', '/api/registration', { origin: listed, authorization: `Bearer ${admin}` });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(listed);
    expect(ok.headers.get('access-control-expose-headers')?.toLowerCase()).toContain('x-request-id');
    // A 401 the page must be able to read (to call onUnauthorized) carries the header too.
    const refused = await call('GET', '/api/registration', { origin: listed });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe(listed);
  });

  it('leaves routes outside /api without CORS', async () => {
    const res = await call('GET', '/healthz', { origin: listed });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('edges of the app', () => {
  it('serves /healthz without a token, with security headers and a request id', async () => {
    const res = await call('GET', '/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', nodeId: 'node-a' });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('x-request-id')).toMatch(/.+/);
  });

  it('answers unknown routes with the catalogue NOT_FOUND', async () => {
    const res = await call('GET', '/nope');
    expect(res.status).toBe(404);
    expect(apiErrorSchema.parse(await res.json())).toMatchObject({ code: 40400, name: 'NOT_FOUND' });
    const api = await call('GET', '/api/nope', { authorization: `Bearer ${admin}` });
    expect(api.status).toBe(404);
  });

  it('refuses a cross-site form POST (csrf) before anything else happens', async () => {
    const res = await bff.app.request('/api/registration/private-cloud', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'https://evil.example',
        authorization: `Bearer ${admin}`,
      },
      body: 'serverUrl=https%3A%2F%2Fevil.example',
    });
    expect(res.status).toBe(403);
    const body = apiErrorSchema.parse(await res.json());
    expect(body).toMatchObject({ name: 'FORBIDDEN' });
    expect(body.details?.issues?.[0]).toMatch(/cross-site/);
    // …and nothing was recorded.
    expect(await bff.store.getConfig()).toBeNull();
  });

  it('lets the same form POST from an allowed origin through to validation', async () => {
    const res = await bff.app.request('/api/registration/private-cloud', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost:5173', authorization: `Bearer ${admin}` },
      body: 'serverUrl=x',
    });
    expect(res.status).toBe(400);
  });

  it('lets a DELETE from a script through csrf (no Origin, no Content-Type: forms cannot send DELETE)', async () => {
    const res = await bff.app.request('/api/registration', { method: 'DELETE', headers: { authorization: `Bearer ${admin}` } });
    expect(res.status).toBe(200);
  });

  it('answers 413 PAYLOAD_TOO_LARGE over the body limit', async () => {
    const big = JSON.stringify({ serverUrl: `https://a.example/${'x'.repeat(JSON_BODY_LIMIT_BYTES)}` });
    const res = await call('POST', '/api/registration/private-cloud', { authorization: `Bearer ${admin}` }, big);
    expect(res.status).toBe(413);
    const body = apiErrorSchema.parse(await res.json());
    expect(body).toMatchObject({ code: 41300, name: 'PAYLOAD_TOO_LARGE' });
    expect(body.message).toContain(`the limit of ${formatSize(JSON_BODY_LIMIT_BYTES)}`); // as people read sizes
  });

  it('answers 400 PARAM_INPUT_ERROR with every issue for an invalid body', async () => {
    for (const body of ['{"serverUrl":"ftp://x"}', '{}', '[1]']) {
      const res = await call('POST', '/api/registration/private-cloud/test', { authorization: `Bearer ${admin}` }, body);
      expect(res.status, body).toBe(400);
      const err = apiErrorSchema.parse(await res.json());
      expect(err).toMatchObject({ code: 10001, name: 'PARAM_INPUT_ERROR' });
      expect(err.details?.issues?.length).toBeGreaterThan(0);
    }
    const malformed = await call('POST', '/api/registration/private-cloud', { authorization: `Bearer ${admin}` }, '{"serverUrl":');
    expect(malformed.status).toBe(400);
    expect(apiErrorSchema.parse(await malformed.json())).toMatchObject({ name: 'PARAM_INPUT_ERROR' });
  });

  it('answers 500 INTERNAL_ERROR with only the request id when something breaks', async () => {
    // A store whose disk fails: the one thing this test fakes is the failure itself.
    const broken = new Proxy(bff.store, {
      get(target, prop, receiver) {
        if (prop === 'listNodes') return () => Promise.reject(new Error('disk on fire at /var/secret/path'));
        const v = Reflect.get(target, prop, receiver) as unknown;
        return typeof v === 'function' ? v.bind(target) : v;
      },
    }) as RegistrationStore;
    const failing = await startBff({ clock, config: bff.config, store: broken });
    const res = await failing.app.request('/api/registration', { headers: { authorization: `Bearer ${admin}` } });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('disk on fire');
    expect(text).not.toContain('/var/secret');
    const body = apiErrorSchema.parse(JSON.parse(text));
    expect(body.name).toBe('INTERNAL_ERROR');
    expect(body.message).toContain(res.headers.get('x-request-id') ?? 'missing');
  });
});
