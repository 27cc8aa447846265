import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadNodeKey } from '@registration/licensing/node-proof';
import {
  connectionTestResultSchema,
  registerResultSchema,
  registrationStateSchema,
} from '@registration/protocol/bff-api';
import { createLicenseClient } from '../license-client.ts';
import { startForwarder } from '../testing/forwarder.ts';
import { startBff, testClock, type TestBff } from '../testing/bff.ts';
import { freeSlot, startLicenseServer, type RunningLicenseServer } from '../testing/license-server.ts';
import { closedPort } from '../testing/servers.ts';
import { useBffSuite } from '../testing/suite.ts';
import { createPgliteStore } from '../store/pglite-store.ts';
import type { RegistrationStore } from '../store/types.ts';

// Node identity and a state that cannot lie (issue 10): the lease is bound to this node's key, a failed
// Submit never replaces a working configuration, Re-register frees the slot where it was granted, and
// whatever a crash or an unanswered call leaves on a license server is resolved by the next beat.

const clock = testClock();
const suite = useBffSuite();

async function licenseServer(options: Omit<Parameters<typeof startLicenseServer>[0], 'vendor' | 'tls' | 'clock'> = {}): Promise<RunningLicenseServer> {
  const ls = await startLicenseServer({ vendor: suite.vendor, tls: suite.tls, clock, ...options });
  suite.defer(() => ls.close());
  return ls;
}

async function node(options: { nodeId?: string; store?: RegistrationStore; logger?: pino.Logger } = {}): Promise<TestBff> {
  const nodeId = options.nodeId ?? 'node-a';
  const config = suite.config({ nodeId, licenseServerCa: suite.tls.cert });
  const bff = await startBff({ clock, config, ...(options.store ? { store: options.store } : {}), ...(options.logger ? { logger: options.logger } : {}) });
  if (!options.store) suite.defer(() => bff.close());
  return bff;
}

const auth = async () => ({ authorization: `Bearer ${await suite.platform.token('admin', { now: clock() })}`, 'content-type': 'application/json' });

async function submit(bff: TestBff, serverUrl: string, registrationKey?: string) {
  const res = await bff.app.request('/api/registration/private-cloud', {
    method: 'POST',
    headers: await auth(),
    body: JSON.stringify({ serverUrl, ...(registrationKey === undefined ? {} : { registrationKey }) }),
  });
  expect(res.status).toBe(200);
  return registerResultSchema.parse(await res.json());
}

async function state(bff: TestBff) {
  const res = await bff.app.request('/api/registration', { headers: await auth() });
  return registrationStateSchema.parse(await res.json());
}

/** The leases a license server holds: node id → lease id and the node key it is bound to. */
const leases = (ls: RunningLicenseServer) =>
  Object.fromEntries([...ls.store.state.leases.entries()].map(([nodeId, l]) => [nodeId, { leaseId: l.leaseId, nodeKey: l.nodeKey }]));

const keyOf = async (bff: TestBff) => (await bff.store.nodeKey(bff.config.nodeId, () => ({ x: '', d: '' }), clock())).x;

describe('node identity', () => {
  it('a node makes its key at first start, keeps it in its store across restarts and binds its lease to it; the key is never logged or answered', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'trace' }, new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
    const store = await createPgliteStore('memory://');
    suite.defer(() => store.close());
    const ls = await licenseServer();
    const first = await node({ store, logger });
    const key = await first.store.nodeKey('node-a', () => ({ x: '', d: '' }), clock());
    expect(() => loadNodeKey({ kty: 'OKP', crv: 'Ed25519', x: key.x, d: key.d })).not.toThrow();
    expect((await submit(first, ls.url)).ok).toBe(true);
    expect(leases(ls)).toEqual({ 'node-a': { leaseId: expect.any(String), nodeKey: key.x } });
    // A restart on the same store: the same key, so the lease is renewed, not conflicting.
    const second = await node({ store, logger });
    expect(await keyOf(second)).toBe(key.x);
    expect(await second.service.renew()).toBe('ok');
    const answered = JSON.stringify(await state(second));
    for (const secret of [key.d, (await second.store.getNode('node-a'))?.leaseKey ?? 'none']) {
      expect(answered).not.toContain(secret);
      expect(lines.join('\n')).not.toContain(secret);
    }
  });

  it('a node with the same NODE_ID but another key (another installation) is refused NODE_IDENTITY_CONFLICT, naming where the lease is held', async () => {
    const ls = await licenseServer();
    const a = await node();
    expect((await submit(a, ls.url)).ok).toBe(true);
    const twin = await node(); // a fresh store: a key of its own
    const result = await submit(twin, ls.url);
    expect(result.failures[0]?.reasons).toEqual([
      { code: 30008, name: 'NODE_IDENTITY_CONFLICT', params: { nodeId: 'node-a', heldBy: '127.0.0.1', since: clock().toISOString() } },
    ]);
    expect(leases(ls)['node-a']?.nodeKey).toBe(await keyOf(a));
  });

  it('a heartbeat the server no longer holds (its state lost the lease) takes the slot back with the node key in the same beat', async () => {
    const ls = await licenseServer();
    const a = await node();
    await submit(a, ls.url);
    const before = leases(ls)['node-a']?.leaseId;
    await ls.store.update((s) => ({ next: { ...s, leases: s.leases.filter(() => false) }, result: undefined }));
    clock.advance(2 * 3600e3);
    expect(await a.service.renew()).toBe('ok');
    const after = leases(ls)['node-a'];
    expect(after?.leaseId).not.toBe(before);
    expect((await a.store.getNode('node-a'))?.leaseId).toBe(after?.leaseId);
    expect((await state(a)).status).toBe('registered');
  });

  it('a slot its operator freed: the node shows 30014 and does not take the slot back by itself; a new Submit registers it again', async () => {
    const ls = await licenseServer();
    const a = await node();
    await submit(a, ls.url);
    const held = leases(ls)['node-a']?.leaseId as string;
    expect(await ls.store.update(freeSlot('node-a', held, clock))).toMatchObject({ ok: true });
    clock.advance(2 * 3600e3);
    expect(await a.service.renew()).toBe('failed');
    const shown = await state(a);
    expect(shown.status).toBe('failed');
    expect(shown.nodes[0]?.reasons).toEqual([{ code: 30014, name: 'LEASE_FREED', params: { nodeId: 'node-a', freedAt: expect.any(String) } }]);
    // Later beats leave the slot to whoever took it.
    clock.advance(2 * 3600e3);
    expect(await a.service.renew()).toBe('idle');
    expect(leases(ls)).toEqual({});
    expect((await submit(a, ls.url)).ok).toBe(true);
    expect(Object.keys(leases(ls))).toEqual(['node-a']);
  });
});

describe('a Submit that fails leaves a working configuration in place', () => {
  it('registered with one server, a Submit to a typo fails and changes nothing; the attempt is shown; Re-register frees the real lease', async () => {
    const ls = await licenseServer();
    const a = await node();
    await submit(a, ls.url);
    const held = leases(ls);
    const typo = `https://127.0.0.1:${await closedPort()}`;
    const result = await submit(a, typo);
    expect(result.ok).toBe(false);
    expect(result.failures[0]?.reasons[0]?.name).toBe('CONNECTION_REFUSED');
    expect(result.state).toMatchObject({ status: 'registered', serverUrl: ls.url, method: 'private-cloud' });
    expect(result.state.lastAttempt).toMatchObject({ serverUrl: typo, by: 'admin', nodeId: 'node-a', reasons: [{ name: 'CONNECTION_REFUSED' }] });
    expect((await a.store.getConfig())?.serverUrl).toBe(ls.url);
    expect(leases(ls)).toEqual(held);
    // The heartbeat renews with the server that granted the lease.
    clock.advance(2 * 3600e3);
    expect(await a.service.renew()).toBe('ok');
    // Re-register goes to the server that granted the lease, not to the last address typed.
    const after = await a.service.deregister('admin');
    expect(after.status).toBe('unregistered');
    expect(after.lastAttempt).toBeNull();
    expect(leases(ls)).toEqual({});
  });

  it('without a working registration a failed Submit becomes the configuration (it keeps trying that server)', async () => {
    const ls = await licenseServer({ activated: false });
    const a = await node();
    const result = await submit(a, ls.url);
    expect(result.failures[0]?.reasons[0]?.name).toBe('SERVER_NOT_ACTIVATED');
    expect(result.state).toMatchObject({ status: 'failed', serverUrl: ls.url, lastAttempt: null });
  });

  it('moving to another server frees the lease at the old one', async () => {
    const old = await licenseServer();
    const next = await licenseServer();
    const a = await node();
    await submit(a, old.url);
    expect(Object.keys(leases(old))).toEqual(['node-a']);
    expect((await submit(a, next.url)).ok).toBe(true);
    expect(leases(old)).toEqual({});
    expect(Object.keys(leases(next))).toEqual(['node-a']);
    expect(await a.store.listIntents('node-a')).toEqual([]);
  });
});

describe('what a crash or an unanswered call leaves behind is resolved by the next beat', () => {
  it('a lease granted at a server the configuration does not name (a crash before the store write) is freed', async () => {
    const ls = await licenseServer();
    const other = await licenseServer();
    const a = await node();
    await submit(a, ls.url);
    // The node had asked `other` for a lease and stopped before storing the answer: the server holds one.
    await a.store.setIntent({ nodeId: 'node-a', kind: 'held', serverUrl: other.url, startedAt: clock() });
    const key = await a.store.nodeKey('node-a', () => ({ x: '', d: '' }), clock());
    const client = createLicenseClient({ vendorKey: suite.vendor.publicJwk, ca: suite.tls.cert, trusted: null, clock });
    const facts = { nodeId: 'node-a', productVersion: '11.0.18', appName: 'webroot', domain: 'localhost', project: { kind: 'standalone-builtin-db' as const } };
    const granted = await client.register(other.url, facts, { key: loadNodeKey({ kty: 'OKP', crv: 'Ed25519', x: key.x, d: key.d }) });
    expect(granted.ok).toBe(true);
    expect(Object.keys(leases(other))).toEqual(['node-a']);
    expect(await a.service.renew()).toBe('ok');
    expect(leases(other)).toEqual({});
    expect(await a.store.listIntents('node-a')).toEqual([]);
    expect(Object.keys(leases(ls))).toEqual(['node-a']);
  });

  it('a lease granted by the configured server that the row never stored is replaced by the beat (the same key), not doubled', async () => {
    const ls = await licenseServer({ terms: { maxConnections: 1 } });
    const a = await node();
    await submit(a, ls.url);
    // The row lost its lease (a crash right after the server replaced it): the node only knows it registered.
    const row = await a.store.getNode('node-a');
    if (!row) throw new Error('no row');
    await a.store.upsertNode({ ...row, status: 'unregistered', lease: null, leaseId: null, leaseKey: null, grant: null });
    expect(await a.service.renew()).toBe('ok');
    expect(Object.keys(leases(ls))).toEqual(['node-a']);
    expect((await a.store.getNode('node-a'))?.leaseId).toBe(leases(ls)['node-a']?.leaseId);
  });

  it('a Re-register interrupted before its store write is completed at the next beat', async () => {
    const ls = await licenseServer();
    const a = await node();
    await submit(a, ls.url);
    clock.advance(1000);
    await a.store.setIntent({ nodeId: 'node-a', kind: 'deregister', serverUrl: ls.url, startedAt: clock() });
    expect(await a.service.renew()).toBe('idle');
    expect(leases(ls)).toEqual({});
    expect(await a.store.getConfig()).toBeNull();
    expect((await state(a)).status).toBe('unregistered');
  });

  it('a Re-register whose server does not answer keeps freeing the lease at later beats', async () => {
    const ls = await licenseServer();
    const relayed = await startForwarder({ target: ls.url, targetCa: suite.tls.cert, tls: suite.tls, rewrites: {} });
    const a = await node();
    await submit(a, relayed.url);
    await relayed.close(); // the server is out of reach
    const after = await a.service.deregister('admin');
    expect(after.status).toBe('unregistered');
    expect(after.node.reasons[0]?.name).toBe('CONNECTION_REFUSED');
    expect((await a.store.listIntents('node-a')).map((i) => i.kind)).toEqual(['held']);
    expect(Object.keys(leases(ls))).toEqual(['node-a']);
    // Reachable again (the same address): the next beat frees it.
    const back = await startForwarder({ target: ls.url, targetCa: suite.tls.cert, tls: suite.tls, rewrites: {}, port: relayed.port });
    suite.defer(() => back.close());
    await a.service.renew();
    expect(leases(ls)).toEqual({});
    expect(await a.store.listIntents('node-a')).toEqual([]);
  });
});

describe('refusals that point somewhere', () => {
  it('an activation URL a relay rewrote is replaced by the configured server\'s own page', async () => {
    const ls = await licenseServer({ activated: false });
    const relay = await startForwarder({
      target: ls.url,
      targetCa: suite.tls.cert,
      tls: suite.tls,
      rewrites: { answer: (b) => JSON.parse(JSON.stringify(b).replaceAll(ls.url, 'https://evil.example:443')) as Record<string, unknown> },
    });
    suite.defer(() => relay.close());
    const a = await node();
    const result = await submit(a, relay.url);
    expect(result.failures[0]?.reasons).toEqual([{ code: 30010, name: 'SERVER_NOT_ACTIVATED', params: { activationUrl: `${relay.url}/license/qrcode` } }]);
    // The genuine server names itself, and that is kept as it is.
    const direct = await node({ nodeId: 'node-b' });
    expect((await submit(direct, ls.url)).failures[0]?.reasons[0]?.params).toEqual({ activationUrl: `${ls.url}/license/qrcode` });
  });
});

describe('the registration key', () => {
  it('Test Connection says the server wants one; a Submit without it is refused; with it every node registers; it is never answered', async () => {
    const KEY = 'reg-key-0123456789abcdef';
    const ls = await licenseServer({ registrationKey: KEY });
    const store = await createPgliteStore('memory://');
    suite.defer(() => store.close());
    const a = await node({ store });
    const test = await a.app.request('/api/registration/private-cloud/test', { method: 'POST', headers: await auth(), body: JSON.stringify({ serverUrl: ls.url }) });
    expect(connectionTestResultSchema.parse(await test.json())).toMatchObject({ ok: true, registrationKeyRequired: true });
    expect((await submit(a, ls.url)).failures[0]?.reasons).toEqual([{ code: 30012, name: 'REGISTRATION_KEY_REQUIRED' }]);
    expect((await submit(a, ls.url, 'wrong-key-0123456789abc')).failures[0]?.reasons).toEqual([{ code: 30013, name: 'REGISTRATION_KEY_INVALID' }]);
    const ok = await submit(a, ls.url, `  ${KEY}\n`);
    expect(ok.ok).toBe(true);
    expect(ok.state.registrationKeyStored).toBe(true);
    expect(JSON.stringify(ok.state)).not.toContain(KEY);
    // Another node of the cluster registers with the stored key; a re-submit to the same server needs no retyping.
    const b = await node({ nodeId: 'node-b', store });
    expect(await b.service.renew()).toBe('ok');
    expect(Object.keys(leases(ls)).sort()).toEqual(['node-a', 'node-b']);
    expect((await submit(a, ls.url)).ok).toBe(true);
    // A malformed key is refused by the BFF before anything is sent.
    const bad = await a.app.request('/api/registration/private-cloud', { method: 'POST', headers: await auth(), body: JSON.stringify({ serverUrl: ls.url, registrationKey: 'short' }) });
    expect(bad.status).toBe(400);
  });
});
