import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLeaseChain } from '@registration/licensing/chain';
import { LEASE_TTL_MS } from '@registration/licensing/time';
import { healthSchema, registerResponseSchema, serverInfoSchema } from '@registration/protocol/license-server-api';
import { privateConfigSchema, PRIVATE_CONFIG_FILE } from './store.ts';
import { call, createFixture, manualClock, registerBody, startServer, T0, type Fixture } from './test-harness.ts';

let fx: Fixture;
const servers: { stop(): Promise<void> }[] = [];

beforeAll(async () => {
  fx = await createFixture();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await fx.cleanup();
});

async function server(terms: Parameters<Fixture['bundle']>[0] = {}, clock?: () => Date) {
  const s = await startServer(fx, { bundle: await fx.bundle(terms), ...(clock ? { clock } : {}) });
  servers.push(s);
  return s;
}

function codes(body: { reasons: { code: number }[] }): number[] {
  return body.reasons.map((r) => r.code);
}

describe('register over HTTPS', () => {
  it('grants a lease that verifies vendor → server license → lease, bound to node, nonce and peer', async () => {
    const s = await server();
    const body = registerBody('node-a');
    const res = await call(fx, s.url, '/api/v1/register', { json: body });
    expect(res.status).toBe(200);
    const parsed = registerResponseSchema.parse(res.body);
    if (!parsed.ok) throw new Error('expected a lease');
    const chain = await verifyLeaseChain({
      serverLicense: parsed.serverLicense,
      lease: parsed.lease,
      vendorKey: fx.vendor.publicJwk,
      nodeId: 'node-a',
      nonce: body.nonce,
      now: T0,
    });
    expect(chain.lease).toMatchObject({ nodeId: 'node-a', peer: '127.0.0.1', inUse: 1, maxConnections: 10 });
    expect(Date.parse(chain.lease.expiresAt) - Date.parse(chain.lease.issuedAt)).toBe(LEASE_TTL_MS);
    expect(s.store.state.leases['node-a']?.leaseId).toBe(chain.lease.leaseId);
    // A lease for another node or another nonce is worthless to a replaying client.
    await expect(
      verifyLeaseChain({ serverLicense: parsed.serverLicense, lease: parsed.lease, vendorKey: fx.vendor.publicJwk, nodeId: 'node-a', nonce: registerBody('x').nonce, now: T0 }),
    ).rejects.toThrow(/nonce/);
  });

  it('10000 for a body that is not JSON, 10001 naming the invalid fields', async () => {
    const s = await server();
    const bad = await call(fx, s.url, '/api/v1/register', { raw: '{"nodeId": ' });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ ok: false, reasons: [{ code: 10000, name: 'JSON_PARSER_ERROR' }] });

    const invalid = await call(fx, s.url, '/api/v1/register', { json: registerBody('', { nonce: 'short' }) });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toEqual({
      ok: false,
      reasons: [{ code: 10001, name: 'PARAM_INPUT_ERROR', params: { fields: 'nodeId, nonce' } }],
    });
    const notObject = await call(fx, s.url, '/api/v1/heartbeat', { json: [1, 2] });
    expect(notObject.status).toBe(400);
    expect(notObject.body.reasons[0].params.fields).toBe('nodeId, nonce, productVersion, appName, domain, leaseId');
  });

  it('30000 when the server license has expired', async () => {
    const s = await server({ expiresAt: new Date(T0.getTime() - 1000) });
    const res = await call(fx, s.url, '/api/v1/register', { json: registerBody('n') });
    expect(res.status).toBe(403);
    expect(res.body.reasons).toEqual([
      { code: 30000, name: 'LICENSE_EXPIRED', params: { expiresAt: new Date(T0.getTime() - 1000).toISOString() } },
    ]);
  });

  it('30001 / 30004 / 30005 each with the specifics', async () => {
    const s = await server();
    const version = await call(fx, s.url, '/api/v1/register', { json: registerBody('n', { productVersion: '10.0.5' }) });
    expect(version.status).toBe(403);
    expect(version.body.reasons).toEqual([{ code: 30001, name: 'REPORT_VERSION_ERROR', params: { certified: '11.0', local: '10.0.5' } }]);
    const domain = await call(fx, s.url, '/api/v1/register', { json: registerBody('n', { domain: 'evil.example' }) });
    expect(domain.body.reasons).toEqual([
      { code: 30004, name: 'LICENSE_DOMAIN_ERROR', params: { domain: 'evil.example', allowed: ['localhost'] } },
    ]);
    const app = await call(fx, s.url, '/api/v1/register', { json: registerBody('n', { appName: 'other' }) });
    expect(app.body.reasons).toEqual([{ code: 30005, name: 'LICENSE_APPNAME_ERROR', params: { appName: 'other', allowed: ['webroot'] } }]);
    expect(s.store.state.leases).toEqual({});
  });

  it('30003 checks the TCP peer (127.0.0.1), not anything the body claims', async () => {
    const s = await server({ ipRanges: '10.0.0.0/8' });
    const res = await call(fx, s.url, '/api/v1/register', { json: registerBody('n', { peer: '10.1.2.3', address: '10.1.2.3' }) });
    expect(res.status).toBe(403);
    expect(res.body.reasons).toEqual([{ code: 30003, name: 'LICENSE_IP_ERROR', params: { peer: '127.0.0.1', allowed: '10.0.0.0/8' } }]);
  });

  it('answers every failing reason at once, in catalogue order', async () => {
    const s = await server({ ipRanges: '10.0.0.0/8', expiresAt: new Date(T0.getTime() - 1) });
    const res = await call(fx, s.url, '/api/v1/register', { json: registerBody('n', { productVersion: '9', appName: 'x', domain: 'y' }) });
    expect(codes(res.body)).toEqual([30000, 30001, 30003, 30004, 30005]);
  });

  it('30007 when every slot is taken; a node holding a slot may register again', async () => {
    const s = await server({ maxConnections: 2 });
    for (const node of ['a', 'b']) expect((await call(fx, s.url, '/api/v1/register', { json: registerBody(node) })).status).toBe(200);
    const third = await call(fx, s.url, '/api/v1/register', { json: registerBody('c') });
    expect(third.status).toBe(403);
    expect(third.body.reasons).toEqual([{ code: 30007, name: 'REGISTER_OUT_OF_LIMIT', params: { max: 2, inUse: 2 } }]);
    expect((await call(fx, s.url, '/api/v1/register', { json: registerBody('a') })).status).toBe(200);
    expect(Object.keys(s.store.state.leases).sort()).toEqual(['a', 'b']);
  });
});

describe('heartbeat and deregister', () => {
  it('heartbeat renews the same lease for 24 h more; deregister frees the slot; a second deregister is 20000', async () => {
    const clock = manualClock();
    const s = await server({ maxConnections: 1 }, clock.now);
    const first = await call(fx, s.url, '/api/v1/register', { json: registerBody('a') });
    const leaseId = s.store.state.leases.a?.leaseId as string;
    expect(first.status).toBe(200);

    clock.advance(2 * 3600e3);
    const hb = await call(fx, s.url, '/api/v1/heartbeat', { json: { ...registerBody('a'), leaseId } });
    expect(hb.status).toBe(200);
    expect(s.store.state.leases.a).toMatchObject({
      leaseId,
      registeredAt: T0.toISOString(),
      expiresAt: new Date(clock.now().getTime() + LEASE_TTL_MS).toISOString(),
    });

    const wrong = await call(fx, s.url, '/api/v1/deregister', { json: { nodeId: 'a', leaseId: 'not-the-lease' } });
    expect(wrong.status).toBe(409);
    expect(wrong.body).toEqual({ ok: false, reasons: [{ code: 20000, name: 'DO_NOT_NEED_DEACTIVATE', params: { nodeId: 'a' } }] });

    const bye = await call(fx, s.url, '/api/v1/deregister', { json: { nodeId: 'a', leaseId } });
    expect(bye).toMatchObject({ status: 200, body: { ok: true } });
    expect(s.store.state.leases).toEqual({});
    const again = await call(fx, s.url, '/api/v1/deregister', { json: { nodeId: 'a', leaseId } });
    expect(again.status).toBe(409);
    expect(again.body.reasons[0].code).toBe(20000);
    // The freed slot is there for another node.
    expect((await call(fx, s.url, '/api/v1/register', { json: registerBody('b') })).status).toBe(200);
  });

  it('node ids that are names of object built-ins (constructor, toString …) are ordinary ids; "__proto__" is refused 10001', async () => {
    const names = ['constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];
    const s = await server({ maxConnections: names.length });
    for (const nodeId of names) {
      const reg = await call(fx, s.url, '/api/v1/register', { json: registerBody(nodeId) });
      expect(reg.status, `${nodeId}: ${JSON.stringify(reg.body)}`).toBe(200);
      const leaseId = Object.getOwnPropertyDescriptor(s.store.state.leases, nodeId)?.value?.leaseId as string;
      expect(leaseId, nodeId).toMatch(/.+/);
      const hb = await call(fx, s.url, '/api/v1/heartbeat', { json: { ...registerBody(nodeId), leaseId } });
      expect(hb.status, `${nodeId}: ${JSON.stringify(hb.body)}`).toBe(200);
    }
    expect(Object.keys(s.store.state.leases).sort()).toEqual([...names].sort());
    expect(Object.getPrototypeOf(s.store.state.leases)).toBe(Object.prototype); // no prototype was set
    // Full, and a built-in name not registered is refused for the limit only, not for a "rescan".
    const full = await call(fx, s.url, '/api/v1/register', { json: registerBody('propertyIsEnumerable') });
    expect(codes(full.body)).toEqual([30007]);
    // The one key a lease map cannot hold through JSON: refused as an invalid field, nothing stored.
    const proto = await call(fx, s.url, '/api/v1/register', { json: registerBody('__proto__') });
    expect(proto.status).toBe(400);
    expect(proto.body).toEqual({ ok: false, reasons: [{ code: 10001, name: 'PARAM_INPUT_ERROR', params: { fields: 'nodeId' } }] });
    for (const nodeId of names) {
      const leaseId = Object.getOwnPropertyDescriptor(s.store.state.leases, nodeId)?.value?.leaseId as string;
      expect((await call(fx, s.url, '/api/v1/deregister', { json: { nodeId, leaseId } })).status, nodeId).toBe(200);
    }
    expect(Object.keys(s.store.state.leases)).toEqual([]);
  });

  it('a heartbeat for an unknown lease is a fresh registration: granted if a slot is free, else 30007', async () => {
    const s = await server({ maxConnections: 1 });
    const lost = await call(fx, s.url, '/api/v1/heartbeat', { json: { ...registerBody('a'), leaseId: 'forgotten' } });
    expect(lost.status).toBe(200);
    expect(s.store.state.leases.a?.leaseId).not.toBe('forgotten');
    const full = await call(fx, s.url, '/api/v1/heartbeat', { json: { ...registerBody('b'), leaseId: 'forgotten' } });
    expect(full.status).toBe(403);
    expect(codes(full.body)).toEqual([30007]);
  });

  it('a lease expires 24 h after its last renewal: held at 23h59m, freed at 24h01m', async () => {
    const clock = manualClock();
    const s = await server({ maxConnections: 1 }, clock.now);
    expect((await call(fx, s.url, '/api/v1/register', { json: registerBody('a') })).status).toBe(200);

    clock.set(new Date(T0.getTime() + 23 * 3600e3 + 59 * 60e3));
    const early = await call(fx, s.url, '/api/v1/register', { json: registerBody('b') });
    expect(early.status).toBe(403);
    expect(codes(early.body)).toEqual([30007]);
    expect((await call(fx, s.url, '/health')).body.leasesInUse).toBe(1);

    clock.set(new Date(T0.getTime() + 24 * 3600e3 + 60e3));
    expect((await call(fx, s.url, '/health')).body.leasesInUse).toBe(0);
    const late = await call(fx, s.url, '/api/v1/register', { json: registerBody('b') });
    expect(late.status).toBe(200);
    expect(Object.keys(s.store.state.leases)).toEqual(['b']);
  });
});

describe('info, health and HTTP edges', () => {
  it('info identifies a license server; health reports slots', async () => {
    const s = await server({ maxConnections: 3 });
    const info = serverInfoSchema.parse((await call(fx, s.url, '/api/v1/info')).body);
    expect(info).toMatchObject({ service: 'fr-license-server', activated: true });
    await call(fx, s.url, '/api/v1/register', { json: registerBody('a') });
    const health = healthSchema.parse((await call(fx, s.url, '/health')).body);
    expect(health).toMatchObject({ status: 'ok', activated: true, leasesInUse: 1, maxConnections: 3 });
    expect(health.lastWriteAt).toBe(T0.toISOString());
  });

  it('413 over 64 KB, 404 JSON for unknown routes, security headers everywhere', async () => {
    const s = await server();
    const big = await call(fx, s.url, '/api/v1/register', { raw: JSON.stringify({ pad: 'x'.repeat(70 * 1024) }) });
    expect(big.status).toBe(413);
    expect(big.body).toMatchObject({ code: 41300, name: 'PAYLOAD_TOO_LARGE' });
    const missing = await call(fx, s.url, '/api/v2/nothing');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 40400, name: 'NOT_FOUND' });
    expect(missing.headers['x-content-type-options']).toBe('nosniff');
    expect(missing.headers['strict-transport-security']).toContain('max-age=');
  });
});

describe('heartbeat durability', () => {
  it('a renewal is written behind and is in privateConfig once the server has stopped', async () => {
    const clock = manualClock();
    const configDir = fx.newConfigDir();
    const s = await startServer(fx, { bundle: await fx.bundle(), configDir, clock: clock.now });
    let stopped = false;
    try {
      await call(fx, s.url, '/api/v1/register', { json: registerBody('a') });
      const leaseId = s.store.state.leases.a?.leaseId as string;
      // The register was durable before it was answered.
      expect(privateConfigSchema.parse(JSON.parse(await readFile(join(configDir, PRIVATE_CONFIG_FILE), 'utf8'))).leases.a?.leaseId).toBe(leaseId);
      clock.advance(2 * 3600e3);
      const hb = await call(fx, s.url, '/api/v1/heartbeat', { json: { ...registerBody('a'), leaseId } });
      expect(hb.status).toBe(200);
      await s.stop();
      stopped = true;
      const onDisk = privateConfigSchema.parse(JSON.parse(await readFile(join(configDir, PRIVATE_CONFIG_FILE), 'utf8')));
      expect(onDisk.leases.a).toMatchObject({ leaseId, expiresAt: new Date(clock.now().getTime() + LEASE_TTL_MS).toISOString() });
    } finally {
      if (!stopped) await s.stop();
    }
  });
});
