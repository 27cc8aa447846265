import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { registrationStateSchema, type RegistrationState } from '@registration/protocol/bff-api';
import { createPgliteStore } from '../store/pglite-store.ts';
import type { RegistrationStore } from '../store/types.ts';
import { startBff, testClock, type TestBff, type TestClock } from '../testing/bff.ts';
import { startLicenseServer } from '../testing/license-server.ts';
import { manualTimer } from '../testing/manual-timer.ts';
import { useBffSuite } from '../testing/suite.ts';
import { startHeartbeat } from './heartbeat.ts';
import { NODE_LIVENESS_INTERVAL_MS, STALE_AFTER_MISSED } from './node-record.ts';

// Liveness, staleness and clock skew of cluster nodes, with injected clocks: the store's clock (the
// database's in production) and each node's own, which may run ahead or behind it.
const suite = useBffSuite();
const storeClock = testClock();

async function sharedStore(): Promise<RegistrationStore> {
  const store = await createPgliteStore('memory://');
  suite.defer(() => store.close());
  return store;
}

/** A node whose clock is `offsetMs` off the store's. */
async function node(store: RegistrationStore, nodeId: string, offsetMs = 0): Promise<TestBff> {
  const clock = (() => new Date(storeClock().getTime() + offsetMs)) as TestClock;
  const config = suite.config({
    nodeId,
    nodeAddress: `${nodeId}:8080`,
    licenseServerCa: suite.tls.cert,
  });
  return startBff({ clock, storeClock, config, store });
}

async function state(bff: TestBff): Promise<RegistrationState> {
  const token = await suite.platform.token('admin', { now: storeClock() });
  const res = await bff.app.request('/api/registration', { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return registrationStateSchema.parse(await res.json());
}

const row = (s: RegistrationState, id: string) => s.nodes.find((n) => n.nodeId === id);

describe('state reads', () => {
  it('concurrent reads share one trip to the store, but never one that began before a write on this node', async () => {
    const store = await sharedStore();
    const a = await node(store, 'node-a');
    const first = a.service.state();
    expect(a.service.state()).toBe(first);
    a.service.wrote();
    const second = a.service.state();
    expect(second).not.toBe(first);
    await Promise.all([first, second]);
    expect(a.service.state()).not.toBe(second); // finished reads are not reused either
  });
});

describe('cluster liveness', () => {
  it('measures each node against the store clock: 90 s ahead is reported as such, and still live', async () => {
    const store = await sharedStore();
    const a = await node(store, 'node-a');
    const b = await node(store, 'node-b', 90_000);
    for (const n of [a, b]) {
      await n.service.renew(); // writes the row
      await n.service.touch();
    }
    const s = await state(a);
    expect(row(s, 'node-a')?.clockSkewMs).toBe(0);
    expect(row(s, 'node-b')?.clockSkewMs).toBe(90_000);
    // Its seenAt is 90 s "in the future", yet on the store's clock it is just now: not stale, and a node
    // 90 s behind is not stale either.
    const c = await node(store, 'node-c', -90_000);
    await c.service.renew();
    await c.service.touch();
    expect(row(await state(a), 'node-c')?.status).toBe('unregistered');
    expect(row(await state(b), 'node-c')?.clockSkewMs).toBe(-90_000);
  });

  it('a node that stops writing its liveness is stale after six missed intervals, on every other node; itself never', async () => {
    const store = await sharedStore();
    const a = await node(store, 'node-a');
    const b = await node(store, 'node-b', -45_000); // a late clock must not make b look stale early
    for (const n of [a, b]) {
      await n.service.renew();
      await n.service.touch();
    }
    const limit = STALE_AFTER_MISSED * NODE_LIVENESS_INTERVAL_MS;
    storeClock.advance(limit);
    await a.service.touch();
    expect(row(await state(a), 'node-b')?.status).toBe('unregistered');
    storeClock.advance(1);
    await a.service.touch();
    const s = await state(a);
    expect(row(s, 'node-b')?.status).toBe('stale');
    expect(row(s, 'node-a')?.status).toBe('unregistered');
    // Node b's own view of itself is never stale: it is the one answering.
    expect((await state(b)).node.status).toBe('unregistered');
    // It writes again: live on node a at once.
    await b.service.touch();
    expect(row(await state(a), 'node-b')?.status).toBe('unregistered');
  });

  it('a configuration submitted on one node is followed by the others at their next liveness write (not at the 2-hour renewal), once', async () => {
    const ls = await startLicenseServer({ vendor: suite.vendor, tls: suite.tls, clock: storeClock, terms: { maxConnections: 1 } });
    suite.defer(() => ls.close());
    const store = await sharedStore();
    const a = await node(store, 'node-a');
    const b = await node(store, 'node-b');
    const timer = manualTimer();
    const beat = startHeartbeat({ service: b.service, intervalMs: 7_200_000, livenessIntervalMs: 5_000, logger: pino({ level: 'silent' }), timer: timer.timer });
    suite.defer(() => beat.stop());
    await beat.settled(); // b's first beat: nothing configured yet
    await a.service.touch();
    expect(await b.service.touch()).toBe(false); // nothing changed

    const result = await a.service.registerPrivateCloud(ls.url, 'admin');
    expect(result.ok).toBe(true); // b has not tried yet and a submit here does not wait (submitWaitMs 0 in tests)
    expect(await b.service.touch()).toBe(true);
    // The liveness timer fires: b beats at once, not in 2 hours.
    const liveness = timer.scheduled.filter((t) => t.ms === 5_000 && !t.cleared).at(-1);
    liveness?.fn();
    let s = await state(a);
    for (let i = 0; i < 100 && row(s, 'node-b')?.status !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 20)); // the beat runs over real HTTPS; bounded poll
      s = await state(a);
    }
    expect(row(s, 'node-b')).toMatchObject({ status: 'failed', reasons: [{ code: 30007 }] });
    expect(await b.service.touch()).toBe(false); // it answered this configuration; no beat storm
  });
});
