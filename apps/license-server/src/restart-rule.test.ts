import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePhonePageUrl } from '@registration/licensing/challenge';
import type { ProjectIdentity } from '@registration/protocol/project-identity';
import type { ServerBundle } from '@registration/protocol/server-bundle';
import type { StateStore } from './store.ts';
import { call, createFixture, manualClock, startServer, T0, TestNode, type Fixture } from './test-harness.ts';

// Issue 3 / manual "Registering After Restarting the Authorization Server" (11.5.11), through real restarts.

let fx: Fixture;
beforeAll(async () => {
  fx = await createFixture();
});
afterAll(async () => {
  await fx.cleanup();
});

const CLUSTER: ProjectIdentity = { kind: 'cluster', configDb: 'db-1', stateServer: 'redis-1', fileServer: 'nfs-1' };

/** A server on a config dir that outlives it; `restart` stops it and starts a new process run on the same state. */
async function restartable(bundle: ServerBundle) {
  const clock = manualClock();
  const configDir = fx.newConfigDir();
  let current = await startServer(fx, { bundle, clock: clock.now, configDir });
  return {
    clock,
    get s() {
      return current;
    },
    async restart() {
      await current.stop();
      current = await startServer(fx, { bundle, clock: clock.now, configDir });
    },
    stop: () => current.stop(),
  };
}

// The nodes of the current test, by id: a heartbeat is proven with the key its register agreed.
const nodes = new Map<string, TestNode>();
const nodeOf = (nodeId: string) => nodes.get(nodeId) ?? nodes.set(nodeId, new TestNode(nodeId)).get(nodeId) as TestNode;

async function register(url: string, nodeId: string, project: ProjectIdentity | undefined, productVersion = '11.5.11') {
  return nodeOf(nodeId).register(fx, url, { facts: { productVersion, ...(project ? { project } : {}) } });
}

async function heartbeat(url: string, nodeId: string, leaseId: string, project: ProjectIdentity | undefined, productVersion = '11.5.11') {
  const node = nodeOf(nodeId);
  const lease = { leaseId, leaseKey: node.lease?.leaseKey ?? Buffer.alloc(32) };
  return node.heartbeat(fx, url, { lease, facts: { productVersion, ...(project ? { project } : {}) } });
}

const leaseOf = (server: { store: StateStore }, nodeId: string) => server.store.state.leases.get(nodeId)?.leaseId ?? '';

describe('resuming after a license-server restart', () => {
  it('a cluster resumes when at most one of config DB, state server and file server changed; two changed → scan again', async () => {
    const srv = await restartable(await fx.bundle({ productVersion: '11.5' }));
    try {
      expect((await register(srv.s.url, 'a', CLUSTER)).status).toBe(200);
      expect((await register(srv.s.url, 'b', CLUSTER)).status).toBe(200);
      const [leaseA, leaseB] = [leaseOf(srv.s, 'a'), leaseOf(srv.s, 'b')];
      await srv.restart();
      srv.clock.advance(3600e3);

      const oneChanged = await heartbeat(srv.s.url, 'a', leaseA, { ...CLUSTER, fileServer: 'nfs-2' });
      expect(oneChanged.status).toBe(200);
      expect(leaseOf(srv.s, 'a')).toBe(leaseA); // the same lease, kept: no new slot, no scan

      const twoChanged = await heartbeat(srv.s.url, 'b', leaseB, { ...CLUSTER, configDb: 'db-2', stateServer: 'redis-2' });
      expect(twoChanged.status).toBe(403);
      expect(twoChanged.body.reasons).toEqual([
        { code: 31014, name: 'PROJECT_RESCAN_REQUIRED', params: { rule: 'configDb, stateServer changed (two or more)', activationUrl: `${srv.s.url}/license/qrcode` } },
      ]);
      expect(srv.s.store.state.leases.get('b')).toBeUndefined();
      // It stays refused, also as a fresh registration, until someone scans the QR code again.
      expect((await register(srv.s.url, 'b', CLUSTER)).body.reasons[0].name).toBe('PROJECT_RESCAN_REQUIRED');
      const page = String((await call(fx, srv.s.url, '/license/qrcode')).body);
      expect(page).toContain('<code>b</code>');
      expect(page).toContain('<svg'); // the page offers the QR code again
    } finally {
      await srv.stop();
    }
  });

  it('a standalone project with an external config DB resumes only if it is unchanged; the built-in DB always scans again', async () => {
    const bundle = await fx.bundle({ productVersion: '11.5' });
    const srv = await restartable(bundle);
    try {
      const external: ProjectIdentity = { kind: 'standalone-external-db', configDb: 'mysql://cfg' };
      for (const [node, project] of [['same', external], ['moved', external], ['builtin', { kind: 'standalone-builtin-db' }], ['old', external]] as const) {
        expect((await register(srv.s.url, node, project, node === 'old' ? '11.5.10' : '11.5.11')).status).toBe(200);
      }
      const leases = Object.fromEntries(['same', 'moved', 'builtin', 'old'].map((n) => [n, leaseOf(srv.s, n)]));
      // Before any restart a heartbeat is a plain renewal, whatever the project says.
      expect((await heartbeat(srv.s.url, 'builtin', leases.builtin ?? '', { kind: 'standalone-builtin-db' })).status).toBe(200);
      await srv.restart();

      expect((await heartbeat(srv.s.url, 'same', leases.same ?? '', external)).status).toBe(200);
      const moved = await heartbeat(srv.s.url, 'moved', leases.moved ?? '', { ...external, configDb: 'mysql://other' });
      expect(moved.body.reasons[0].params.rule).toBe('external configuration database changed');
      const builtin = await heartbeat(srv.s.url, 'builtin', leases.builtin ?? '', { kind: 'standalone-builtin-db' });
      expect(builtin.body.reasons[0].params.rule).toMatch(/built-in configuration database always scans again/);
      const old = await heartbeat(srv.s.url, 'old', leases.old ?? '', external, '11.5.10');
      expect(old.body.reasons[0].params.rule).toBe('product version 11.5.10 is older than 11.5.11');
      expect(Object.keys(srv.s.store.state.activation.rescanRequired).sort()).toEqual(['builtin', 'moved', 'old']);

      // One scan on the activation page lets every waiting node register again by itself.
      const challenge = await call(fx, srv.s.url, '/license/challenge', { json: {} });
      const scanned = parsePhonePageUrl(challenge.body.challenge.url);
      const code = fx.phoneCode(challenge.body.challenge.url);
      const scan = await call(fx, srv.s.url, '/license/activate', { json: { challengeId: scanned.challengeId, code } });
      expect(scan.status).toBe(200);
      expect(scan.body.rescanRequired).toEqual([]);
      expect(srv.s.store.state.activatedAt).toBe(T0.toISOString()); // the first activation is kept
      for (const node of ['builtin', 'moved', 'old']) expect((await register(srv.s.url, node, external)).status).toBe(200);
    } finally {
      await srv.stop();
    }
  });

  it('a server image obtained before 2026-05-20 always needs the scan after a restart', async () => {
    const clock = manualClock(new Date('2026-05-25T00:00:00Z'));
    const configDir = fx.newConfigDir();
    const early = await fx.bundle({ productVersion: '11.5' }, { issuedAt: new Date('2026-05-19T12:00:00Z') });
    let s = await startServer(fx, { bundle: early, clock: clock.now, configDir });
    expect((await register(s.url, 'n', CLUSTER)).status).toBe(200);
    const lease = leaseOf(s, 'n');
    await s.stop();
    s = await startServer(fx, { bundle: early, clock: clock.now, configDir });
    const res = await heartbeat(s.url, 'n', lease, CLUSTER);
    expect(res.body.reasons[0].params.rule).toBe('license server image was obtained before 2026-05-20');
    await s.stop();
  });
});
