import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateEd25519KeyPair } from '@registration/licensing/jws';
import { startBff, testClock, testConfig, type TestBff } from '../testing/bff.ts';
import { makePlatform, type Platform } from '../testing/tokens.ts';
import { OPENAPI_PATH } from './openapi.ts';

const clock = testClock();
let platform: Platform;
let bff: TestBff;

beforeAll(async () => {
  platform = await makePlatform();
  const vendor = await generateEd25519KeyPair();
  bff = await startBff({ clock, config: testConfig({ vendorPublicKey: vendor.publicJwk, authPublicKey: platform.publicJwk }) });
});
afterAll(() => bff.close());

async function get(path: string, role: 'admin' | 'viewer' = 'admin') {
  const token = await platform.token(role, { now: clock() });
  return bff.app.request(path, { headers: { authorization: `Bearer ${token}` } });
}

type Doc = {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }>; requestBody?: unknown }>>;
  components: { schemas: Record<string, { type?: string; properties?: Record<string, unknown>; required?: string[] }> };
};

async function documentOf(): Promise<Doc> {
  const res = await get(OPENAPI_PATH);
  expect(res.status).toBe(200);
  return (await res.json()) as Doc;
}

/** Every `$ref` anywhere in `value`. */
function refsIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refsIn(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refsIn(v, out);
    }
  }
  return out;
}

describe(`GET ${OPENAPI_PATH}`, () => {
  it('documents exactly the routes the app has, no more and no fewer', async () => {
    const doc = await documentOf();
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    const real = [...new Set(bff.app.routes.filter((r) => r.method !== 'ALL' && r.path.startsWith('/api/')).map((r) => `${r.method} ${r.path}`))];
    expect(documented.sort()).toEqual(real.sort());
    expect(real.length).toBeGreaterThanOrEqual(11);
  });

  it('is OpenAPI 3.1 whose every $ref resolves to a schema built from the protocol', async () => {
    const doc = await documentOf();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBe('Registration BFF');
    const refs = [...new Set(refsIn(doc.paths).concat(refsIn(doc.components.schemas)))];
    expect(refs.length).toBeGreaterThan(5);
    for (const r of refs) {
      const id = r.replace('#/components/schemas/', '');
      expect(doc.components.schemas[id], r).toBeDefined();
    }
    // The schemas are the protocol's, not a copy: the state has the fields the contract carries.
    const state = doc.components.schemas.RegistrationState!;
    expect(state.type).toBe('object');
    expect(state.required).toEqual(expect.arrayContaining(['status', 'node', 'nodes', 'localContainer', 'now']));
    // Every error answer is the catalogue's shape.
    expect(doc.components.schemas.ApiError?.required).toEqual(expect.arrayContaining(['code', 'name', 'message']));
    const upload = doc.paths['/api/registration/local-container/lic']?.post;
    expect(JSON.stringify(upload?.requestBody)).toContain('multipart/form-data');
    expect(Object.keys(upload?.responses ?? {})).toEqual(expect.arrayContaining(['201', '413', '422']));
  });

  it('matches what the route really answers: the state has exactly the documented properties', async () => {
    const doc = await documentOf();
    const res = await get('/api/registration');
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(Object.keys(doc.components.schemas.RegistrationState?.properties ?? {}).sort());
  });

  it('is for administrators only, like every /api route', async () => {
    expect((await get(OPENAPI_PATH, 'viewer')).status).toBe(403);
    expect((await bff.app.request(OPENAPI_PATH)).status).toBe(401);
  });
});
