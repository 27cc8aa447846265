import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLeaseChain } from '@registration/licensing/chain';
import { LEASE_TTL_MS } from '@registration/licensing/time';
import { healthSchema, registerResponseSchema, serverInfoSchema } from '@registration/protocol/license-server-api';
import { readPrivateConfig, type PrivateConfigFile, PRIVATE_CONFIG_FILE } from './store.ts';
import { call, createFixture, manualClock, proven, registerBody, startServer, T0, TestNode, type Fixture, type TestLease } from './test-harness.ts';

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
    const res = await call(fx, s.url, '/api/v1/register', proven('register', body));
    expect(res.status).toBe(200);
    const parsed = registerResponseSchema.parse(res.body);
    if (!parsed.ok) throw new Error('expected a lease');
    const chain = await verifyLeaseChain({
      serverLicense: parsed.serverLicense,
      lease: parsed.lease,
      vendorKey: fx.vendor.publicJwk,
      nodeId: 'node-a',
      nonce: body.nonce,
      nodeKey: body.nodeKey,
      now: T0,
    });
    expect(chain.lease).toMatchObject({ nodeId: 'node-a', peer: '127.0.0.1', inUse: 1, maxConnections: 10, nodeKey: body.nodeKey });
    expect(chain.lease.exchangeKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(chain.lease.expiresAt) - Date.parse(chain.lease.issuedAt)).toBe(LEASE_TTL_MS);
    expect(s.store.state.leases.get('node-a')?.leaseId).toBe(chain.lease.leaseId);
    // A lease for another node or another nonce is worthless to a replaying client.
    await expect(
      verifyLeaseChain({ serverLicense: parsed.serverLicense, lease: parsed.lease, vendorKey: fx.vendor.publicJwk, nodeId: 'node-a', nonce: registerBody('x').nonce, nodeKey: body.nodeKey, now: T0 }),
    ).rejects.toThrow(/nonce/);
    // …and so is one bound to another node's key.
    await expect(
      verifyLeaseChain({ serverLicense: parsed.serverLicense, lease: parsed.lease, vendorKey: fx.vendor.publicJwk, nodeId: 'node-a', nonce: body.nonce, nodeKey: registerBody('x').nodeKey, now: T0 }),
    ).rejects.toThrow(/another node key/);
  });

  it('10000 for a body that is not JSON, 10001 naming the invalid fields', async () => {
    const s = await server();
    const bad = await call(fx, s.url, '/api/v1/register', { raw: '{"nodeId": ', headers: proven('register', {}).headers });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ ok: false, reasons: [{ code: 10000, name: 'JSON_PARSER_ERROR' }] });

    const invalid = await call(fx, s.url, '/api/v1/register', proven('register', registerBody('', { nonce: 'short' }), new TestNode('x').key));
    expect(invalid.status).toBe(400);
    expect(invalid.body).toEqual({
      ok: false,
      reasons: [{ code: 10001, name: 'PARAM_INPUT_ERROR', params: { fields: 'nodeId, nonce' } }],
    });
    const notObject = await call(fx, s.url, '/api/v1/heartbeat', { ...proven('heartbeat', [1, 2], Buffer.alloc(32)) });
    expect(notObject.status).toBe(400);
    expect(notObject.body.reasons[0].params.fields).toBe('nodeId, nonce, time, productVersion, appName, domain, leaseId');
    expect(s.store.state.leases.size).toBe(0);
  });

  it('30000 when the server license has expired', async () => {
    const s = await server({ expiresAt: new Date(T0.getTime() - 1000) });
    const res = await new TestNode('n').register(fx, s.url);
    expect(res.status).toBe(403);
    expect(res.body.reasons).toEqual([
      { code: 30000, name: 'LICENSE_EXPIRED', params: { expiresAt: new Date(T0.getTime() - 1000).toISOString() } },
    ]);
  });

  it('30001 / 30004 / 30005 each with the specifics', async () => {
    const s = await server();
    const n = new TestNode('n');
    const version = await n.register(fx, s.url, { facts: { productVersion: '10.0.5' } });
    expect(version.status).toBe(403);
    expect(version.body.reasons).toEqual([{ code: 30001, name: 'REPORT_VERSION_ERROR', params: { certified: '11.0', local: '10.0.5' } }]);
    const domain = await n.register(fx, s.url, { facts: { domain: 'evil.example' } });
    expect(domain.body.reasons).toEqual([
      { code: 30004, name: 'LICENSE_DOMAIN_ERROR', params: { domain: 'evil.example', allowed: ['localhost'] } },
    ]);
    const app = await n.register(fx, s.url, { facts: { appName: 'other' } });
    expect(app.body.reasons).toEqual([{ code: 30005, name: 'LICENSE_APPNAME_ERROR', params: { appName: 'other', allowed: ['webroot'] } }]);
    expect(s.store.state.leases.size).toBe(0);
  });

  it('30003 checks the TCP peer (127.0.0.1), not anything the body claims', async () => {
    const s = await server({ ipRanges: '10.0.0.0/8' });
    const res = await call(fx, s.url, '/api/v1/register', proven('register', registerBody('n', { peer: '10.1.2.3', address: '10.1.2.3' })));
    expect(res.status).toBe(403);
    expect(res.body.reasons).toEqual([{ code: 30003, name: 'LICENSE_IP_ERROR', params: { peer: '127.0.0.1', allowed: '10.0.0.0/8' } }]);
  });

  it('answers every failing reason at once, in catalogue order', async () => {
    const s = await server({ ipRanges: '10.0.0.0/8', expiresAt: new Date(T0.getTime() - 1) });
    const res = await new TestNode('n').register(fx, s.url, { facts: { productVersion: '9', appName: 'x', domain: 'y' } });
    expect(codes(res.body)).toEqual([30000, 30001, 30003, 30004, 30005]);
  });

  it('30007 when every slot is taken; a node holding a slot may register again', async () => {
    const s = await server({ maxConnections: 2 });
    const a = new TestNode('a');
    expect((await a.register(fx, s.url)).status).toBe(200);
    expect((await new TestNode('b').register(fx, s.url)).status).toBe(200);
    const third = await new TestNode('c').register(fx, s.url);
    expect(third.status).toBe(403);
    expect(third.body.reasons).toEqual([{ code: 30007, name: 'REGISTER_OUT_OF_LIMIT', params: { max: 2, inUse: 2 } }]);
    const firstLease = a.lease?.leaseId;
    expect((await a.register(fx, s.url)).status).toBe(200);
    expect(s.store.state.leases.ids().sort()).toEqual(['a', 'b']);
    // The same key replaced its own lease: a new lease (and lease key), the same first registration.
    expect(s.store.state.leases.get('a')).toMatchObject({ leaseId: a.lease?.leaseId, registeredAt: T0.toISOString() });
    expect(a.lease?.leaseId).not.toBe(firstLease);
  });
});

describe('heartbeat and deregister', () => {
  it('heartbeat renews the same lease for 24 h more; deregister frees the slot; a second deregister is 20000', async () => {
    const clock = manualClock();
    const s = await server({ maxConnections: 1 }, clock.now);
    const a = new TestNode('a');
    expect((await a.register(fx, s.url)).status).toBe(200);
    const lease = a.lease;
    if (!lease) throw new Error('no lease');

    clock.advance(2 * 3600e3);
    const hb = await a.heartbeat(fx, s.url);
    expect(hb.status).toBe(200);
    expect(s.store.state.leases.get('a')).toMatchObject({
      leaseId: lease.leaseId,
      registeredAt: T0.toISOString(),
      expiresAt: new Date(clock.now().getTime() + LEASE_TTL_MS).toISOString(),
    });

    const wrong = await a.deregister(fx, s.url, { lease: { ...lease, leaseId: 'not-the-lease' } });
    expect(wrong.status).toBe(409);
    expect(wrong.body).toEqual({ ok: false, reasons: [{ code: 20000, name: 'DO_NOT_NEED_DEACTIVATE', params: { nodeId: 'a' } }] });

    const bye = await a.deregister(fx, s.url);
    expect(bye).toMatchObject({ status: 200, body: { ok: true } });
    expect(s.store.state.leases.size).toBe(0);
    const again = await a.deregister(fx, s.url, { lease });
    expect(again.status).toBe(409);
    expect(again.body.reasons[0].code).toBe(20000);
    // The freed slot is there for another node.
    expect((await new TestNode('b').register(fx, s.url)).status).toBe(200);
  });

  it('node ids that are names of object built-ins (constructor, toString …) are ordinary ids; "__proto__" is refused 10001', async () => {
    const names = ['constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];
    const s = await server({ maxConnections: names.length });
    const nodes = names.map((nodeId) => new TestNode(nodeId));
    for (const node of nodes) {
      const reg = await node.register(fx, s.url);
      expect(reg.status, `${node.nodeId}: ${JSON.stringify(reg.body)}`).toBe(200);
      const leaseId = s.store.state.leases.get(node.nodeId)?.leaseId as string;
      expect(leaseId, node.nodeId).toBe(node.lease?.leaseId);
      const hb = await node.heartbeat(fx, s.url);
      expect(hb.status, `${node.nodeId}: ${JSON.stringify(hb.body)}`).toBe(200);
    }
    expect(s.store.state.leases.ids().sort()).toEqual([...names].sort());
    expect(Object.getPrototypeOf(s.store.state.leases.toRecord())).toBe(Object.prototype); // no prototype was set
    // Full, and a built-in name not registered is refused for the limit only, not for a "rescan".
    const full = await new TestNode('propertyIsEnumerable').register(fx, s.url);
    expect(codes(full.body)).toEqual([30007]);
    // The one key a lease map cannot hold through JSON: refused as an invalid field, nothing stored.
    const proto = await new TestNode('__proto__').register(fx, s.url);
    expect(proto.status).toBe(400);
    expect(proto.body).toEqual({ ok: false, reasons: [{ code: 10001, name: 'PARAM_INPUT_ERROR', params: { fields: 'nodeId' } }] });
    for (const node of nodes) expect((await node.deregister(fx, s.url)).status, node.nodeId).toBe(200);
    expect(s.store.state.leases.ids()).toEqual([]);
  });

  it('a heartbeat for a lease the server does not hold is LEASE_NOT_HELD (the node registers again), taking no slot', async () => {
    const s = await server({ maxConnections: 1 });
    const lost = await new TestNode('a').heartbeat(fx, s.url, { lease: { leaseId: 'forgotten', leaseKey: Buffer.alloc(32, 7) } });
    expect(lost.status).toBe(409);
    expect(lost.body.reasons).toEqual([{ code: 30011, name: 'LEASE_NOT_HELD', params: { nodeId: 'a' } }]);
    expect(s.store.state.leases.size).toBe(0);
  });

  it('a lease expires 24 h after its last renewal: held at 23h59m, freed at 24h01m', async () => {
    const clock = manualClock();
    const s = await server({ maxConnections: 1 }, clock.now);
    expect((await new TestNode('a').register(fx, s.url)).status).toBe(200);

    clock.set(new Date(T0.getTime() + 23 * 3600e3 + 59 * 60e3));
    const b = new TestNode('b');
    const early = await b.register(fx, s.url);
    expect(early.status).toBe(403);
    expect(codes(early.body)).toEqual([30007]);
    expect((await call(fx, s.url, '/health')).body.leasesInUse).toBe(1);

    clock.set(new Date(T0.getTime() + 24 * 3600e3 + 60e3));
    expect((await call(fx, s.url, '/health')).body.leasesInUse).toBe(0);
    const late = await b.register(fx, s.url);
    expect(late.status).toBe(200);
    expect(s.store.state.leases.ids()).toEqual(['b']);
  });
});

describe('node identity: only the holder of a node\'s key acts for it', () => {
  it('a register with another key for a live node id is NODE_IDENTITY_CONFLICT naming the holder; nothing changes', async () => {
    const s = await server({ maxConnections: 3 });
    const real = new TestNode('node-1');
    expect((await real.register(fx, s.url)).status).toBe(200);
    const before = s.store.state.leases.toRecord();
    const impostor = new TestNode('node-1', {}, new TestNode('someone-else').key);
    const res = await impostor.register(fx, s.url);
    expect(res.status).toBe(409);
    expect(res.body.reasons).toEqual([
      { code: 30008, name: 'NODE_IDENTITY_CONFLICT', params: { nodeId: 'node-1', heldBy: '127.0.0.1', since: T0.toISOString() } },
    ]);
    expect(s.store.state.leases.toRecord()).toEqual(before);
    expect((await real.heartbeat(fx, s.url)).status).toBe(200);
  });

  it('heartbeats and deregistrations that do not prove the lease key change nothing (NODE_PROOF_INVALID)', async () => {
    const s = await server();
    const real = new TestNode('node-1');
    await real.register(fx, s.url);
    const lease = real.lease;
    if (!lease) throw new Error('no lease');
    const before = s.store.state.leases.toRecord();
    // Knowing the lease id is not enough: the key that proves it never left the node and the server.
    const guessed = { leaseId: lease.leaseId, leaseKey: Buffer.alloc(32, 1) };
    const other = new TestNode('node-1', {}, new TestNode('mallory').key);
    const hb = await other.heartbeat(fx, s.url, { lease: guessed });
    expect(hb.status).toBe(403);
    expect(hb.body.reasons[0]).toMatchObject({ code: 30009, name: 'NODE_PROOF_INVALID' });
    for (const attempt of [
      await other.deregister(fx, s.url, { lease: guessed }),
      await other.deregister(fx, s.url, { byKey: true }),
      await call(fx, s.url, '/api/v1/deregister', proven('deregister', { nodeId: 'node-1', leaseId: lease.leaseId, nonce: 'n'.repeat(22), time: new Date().toISOString() }, other.key)),
    ]) {
      expect(attempt.status).toBe(403);
      expect(attempt.body.reasons[0]).toMatchObject({ code: 30009, name: 'NODE_PROOF_INVALID' });
    }
    // A proof made for one operation does not serve another: a heartbeat's MAC on a deregister.
    const hbBody = { nodeId: 'node-1', nonce: 'h'.repeat(22), time: new Date().toISOString(), productVersion: '11.0.18', appName: 'webroot', domain: 'localhost', leaseId: lease.leaseId };
    const moved = await call(fx, s.url, '/api/v1/deregister', { raw: JSON.stringify(hbBody), headers: proven('heartbeat', hbBody, lease.leaseKey).headers });
    expect(moved.status).toBe(403);
    expect(s.store.state.leases.toRecord()).toEqual(before);
    expect((await real.heartbeat(fx, s.url)).status).toBe(200);
  });

  it('a recorded heartbeat or deregistration played again is refused; a newer one is accepted', async () => {
    const s = await server();
    const real = new TestNode('node-1');
    await real.register(fx, s.url);
    const lease = real.lease;
    if (!lease) throw new Error('no lease');
    const body = { nodeId: 'node-1', nonce: 'r'.repeat(22), time: new Date(Date.now() + 60_000).toISOString(), productVersion: '11.0.18', appName: 'webroot', domain: 'localhost', leaseId: lease.leaseId };
    const recorded = proven('heartbeat', body, lease.leaseKey);
    expect((await call(fx, s.url, '/api/v1/heartbeat', recorded)).status).toBe(200);
    const replay = await call(fx, s.url, '/api/v1/heartbeat', recorded);
    expect(replay.status).toBe(403);
    expect(replay.body.reasons[0].params.detail).toBe('proof.replay');
    // An older request (made before the last accepted one) is refused too.
    const older = await real.heartbeat(fx, s.url, { time: new Date(Date.now() - 60_000) });
    expect(older.status).toBe(403);
    expect((await real.heartbeat(fx, s.url, { time: new Date(Date.now() + 120_000) })).status).toBe(200);
  });

  it('the same key takes its slot back without knowing its lease (a crash between grant and store) or frees it by key', async () => {
    const s = await server({ maxConnections: 1 });
    const node = new TestNode('node-1');
    await node.register(fx, s.url);
    const lost = node.lease;
    node.lease = null; // the node crashed before it stored the answer
    const again = await node.register(fx, s.url);
    expect(again.status).toBe(200);
    expect((node.lease as TestLease | null)?.leaseId).not.toBe(lost?.leaseId);
    expect(s.store.state.leases.ids()).toEqual(['node-1']);
    // The old lease's key proves nothing any more.
    expect((await node.heartbeat(fx, s.url, { lease: lost ?? undefined })).body.reasons[0].code).toBe(30011);
    node.lease = null;
    expect((await node.deregister(fx, s.url, { byKey: true })).status).toBe(200);
    expect(s.store.state.leases.size).toBe(0);
  });

  it('a register signed with another key than it names, or from a client without node keys, is refused', async () => {
    const s = await server();
    const body = registerBody('node-1');
    const forged = await call(fx, s.url, '/api/v1/register', proven('register', body, new TestNode('mallory').key));
    expect(forged.status).toBe(403);
    expect(forged.body.reasons[0]).toMatchObject({ code: 30009, name: 'NODE_PROOF_INVALID' });
    const old = await call(fx, s.url, '/api/v1/register', { json: { nodeId: 'n', nonce: 'o'.repeat(22), productVersion: '11.0.18', appName: 'webroot', domain: 'localhost' } });
    expect(old.status).toBe(400);
    expect(old.body.reasons).toEqual([{ code: 10002, name: 'CLIENT_PROTOCOL_OUTDATED', params: { missing: 'x-fr-node-proof' } }]);
    for (const path of ['/api/v1/heartbeat', '/api/v1/deregister']) {
      const res = await call(fx, s.url, path, { json: { nodeId: 'n', leaseId: 'l', nonce: 'o'.repeat(22) } });
      expect(res.body.reasons[0].code, path).toBe(10002);
    }
    expect(s.store.state.leases.size).toBe(0);
  });
});

describe('info, health and HTTP edges', () => {
  it('info identifies a license server; health reports slots', async () => {
    const s = await server({ maxConnections: 3 });
    const info = serverInfoSchema.parse((await call(fx, s.url, '/api/v1/info')).body);
    expect(info).toMatchObject({ service: 'fr-license-server', activated: true, nodeProof: true, registrationKeyRequired: false });
    await new TestNode('a').register(fx, s.url);
    const health = healthSchema.parse((await call(fx, s.url, '/health')).body);
    expect(health).toMatchObject({ status: 'ok', activated: true, leasesInUse: 1, maxConnections: 3 });
    expect(health.lastWriteAt).toBe(T0.toISOString());
  });

  it('413 over 64 KB, 404 JSON for unknown routes, security headers everywhere', async () => {
    const s = await server();
    const big = await call(fx, s.url, '/api/v1/register', { raw: JSON.stringify({ pad: 'x'.repeat(70 * 1024) }), headers: { 'content-type': 'application/json' } });
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
      const a = new TestNode('a');
      await a.register(fx, s.url);
      const leaseId = s.store.state.leases.get('a')?.leaseId as string;
      // The register was durable before it was answered.
      expect((await readPrivateConfig(join(configDir, PRIVATE_CONFIG_FILE)) as PrivateConfigFile).leases.a?.leaseId).toBe(leaseId);
      clock.advance(2 * 3600e3);
      const hb = await a.heartbeat(fx, s.url);
      expect(hb.status).toBe(200);
      await s.stop();
      stopped = true;
      const onDisk = (await readPrivateConfig(join(configDir, PRIVATE_CONFIG_FILE)) as PrivateConfigFile);
      expect(onDisk.leases.a).toMatchObject({ leaseId, expiresAt: new Date(clock.now().getTime() + LEASE_TTL_MS).toISOString() });
    } finally {
      if (!stopped) await s.stop();
    }
  });
});
