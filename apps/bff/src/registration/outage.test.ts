import { mkdtemp, rm } from 'node:fs/promises';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { nextHeartbeatDelay } from '@registration/licensing/lease-timing';
import { registrationStateSchema } from '@registration/protocol/bff-api';
import { healthSchema } from '@registration/protocol/license-server-api';
import { createLicenseServerApp } from '../../../license-server/src/app.ts';
import { checkBundle } from '../../../license-server/src/bundle.ts';
import { startHttpsServer } from '../../../license-server/src/https-server.ts';
import { settleSite } from '../../../license-server/src/activation.ts';
import { installationSite } from '../../../license-server/src/site.ts';
import { StateStore } from '../../../license-server/src/store.ts';
import { activateStore, PHONE_PAGE_URL } from '../../../license-server/src/test-harness.ts';
import { issueServerBundle } from '../../../vendor/src/server-bundle.ts';
import { DEFAULT_TRANSPORT, httpsJson } from '../license-client/transport.ts';
import { createPgliteStore } from '../store/pglite-store.ts';
import type { BffConfig } from '../config.ts';
import { projectIdentity } from '../project-identity.ts';
import { startBff, testClock, type TestBff } from '../testing/bff.ts';
import { manualTimer } from '../testing/manual-timer.ts';
import { demoTerms } from '../testing/license-server.ts';
import { useBffSuite } from '../testing/suite.ts';
import { startHeartbeat } from './heartbeat.ts';

// The 24-hour rule and outages on the BFF side (DESIGN.md §3.1 step 5): a real license server over HTTPS
// on 127.0.0.1 that the test stops and starts again on the same port with the same config dir, an
// injected clock shared by both sides, and a heartbeat timer fired by hand. No sleeps.

const MIN = 60_000;
const HOUR = 60 * MIN;
const INTERVAL = 2 * HOUR;
const clock = testClock();
const suite = useBffSuite();
const silent = pino({ level: 'silent' });

/**
 * A license server that can be stopped and started again like a restarted process: same bundle, same
 * port, same config dir (so its leases and activation survive). The harness in ../testing starts a fresh
 * server on a fresh port and dir each time, which is not a restart.
 */
async function restartableLicenseServer(terms: Parameters<typeof demoTerms>[1] = {}) {
  const { bundle, activationKey } = await issueServerBundle({ vendor: suite.vendor, issuedAt: new Date(clock().getTime() - MIN), ...demoTerms(clock(), terms) });
  const loaded = await checkBundle(bundle, 'in-memory bundle');
  const dir = await mkdtemp(path.join(tmpdir(), 'bff-ls-restart-'));
  let port = 0;
  let running: { store: StateStore; close(): Promise<void> } | null = null;
  const ls = {
    get url() {
      return `https://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    async start() {
      const store = await StateStore.open({ dir, licenseId: loaded.license.licenseId, now: clock });
      const site = await installationSite(dir, {});
      await store.update(settleSite(site, clock()));
      // Activated once, as an admin with a phone would; a restart finds the activation in privateConfig.
      if (store.state.activatedAt === null) await activateStore(store, activationKey, clock);
      const app = createLicenseServerApp({ bundle: loaded, store, clock, logger: silent, language: 'en', phonePageUrl: PHONE_PAGE_URL, site });
      const server = await startHttpsServer({ app, host: '127.0.0.1', port, tls: suite.tls });
      port = server.port;
      running = {
        store,
        close: async () => {
          await server.close(0);
          await store.close();
        },
      };
    },
    async stop() {
      await running?.close();
      running = null;
    },
    /** The QR scan on the activation page (the real code check), as an admin with a phone does it. */
    async rescan() {
      if (!running) throw new Error('the license server is stopped');
      await activateStore(running.store, activationKey, clock);
    },
    async leasesInUse(): Promise<number> {
      const answer = await httpsJson(new URL('/health', ls.url), 'GET', undefined, { ...DEFAULT_TRANSPORT, ca: suite.tls.cert });
      return healthSchema.parse(JSON.parse(answer.text)).leasesInUse;
    },
  };
  suite.defer(async () => {
    await ls.stop();
    await rm(dir, { recursive: true, force: true });
  });
  await ls.start();
  return ls;
}

async function node(nodeId = 'node-a', extra: Partial<BffConfig> = {}): Promise<TestBff> {
  const config = suite.config({
    ...extra,
    nodeId,
    nodeAddress: `${nodeId}:8080`,
    licenseServerCa: suite.tls.cert,
  });
  const bff = await startBff({ clock, config });
  suite.defer(() => bff.close());
  return bff;
}

/** GET /api/registration as the module does, with an admin token minted on the test clock. */
async function getState(bff: TestBff) {
  const token = await suite.platform.token('admin', { now: clock() });
  const res = await bff.app.request('/api/registration', { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return registrationStateSchema.parse(await res.json());
}


const iso = (d: Date) => d.toISOString();

describe('the 24-hour rule on the BFF', () => {
  it('stays valid (degraded) at 23 h 59 m of silence and fails with HEARTBEAT_LAPSED at 24 h 01 m', async () => {
    const ls = await restartableLicenseServer();
    const a = await node();
    const t0 = clock();
    expect((await a.service.registerPrivateCloud(ls.url, 'admin')).ok).toBe(true);
    await ls.stop();

    clock.advance(2 * HOUR);
    const firstFailure = clock();
    expect(await a.service.renew()).toBe('failed');
    clock.set(new Date(t0.getTime() + 23 * HOUR + 59 * MIN));
    expect(await a.service.renew()).toBe('failed');

    const valid = await getState(a);
    expect(valid).toMatchObject({ status: 'degraded', serverUrl: ls.url });
    expect(valid.grant).not.toBeNull();
    expect(valid.node).toMatchObject({
      status: 'degraded',
      lastSuccessAt: iso(t0),
      unreachableSince: iso(firstFailure),
      validUntil: iso(new Date(t0.getTime() + 24 * HOUR)),
    });
    expect(valid.node.reasons.map((r) => r.name)).toEqual(['CONNECTION_REFUSED']);
    expect((await a.store.getNode('node-a'))?.leaseId).not.toBeNull();

    // 24 h 01 m: already failed when read, before any heartbeat rewrote the row.
    clock.set(new Date(t0.getTime() + 24 * HOUR + MIN));
    const read = await getState(a);
    expect(read.status).toBe('failed');
    expect(read.grant).toBeNull();
    expect(read.node.reasons.map((r) => r.name)).toEqual(['HEARTBEAT_LAPSED', 'CONNECTION_REFUSED']);

    expect(await a.service.renew()).toBe('failed');
    const lapsed = await getState(a);
    expect(lapsed).toMatchObject({ status: 'failed', grant: null, serverUrl: ls.url });
    expect(lapsed.node).toMatchObject({
      status: 'failed',
      lastSuccessAt: iso(t0),
      failureAt: iso(new Date(t0.getTime() + 24 * HOUR)),
      unreachableSince: iso(firstFailure),
      validUntil: null,
    });
    expect(lapsed.node.reasons[0]).toEqual({
      code: 31013,
      name: 'HEARTBEAT_LAPSED',
      params: { since: iso(firstFailure), serverUrl: ls.url, lastSuccessAt: iso(t0) },
    });
    expect(lapsed.node.reasons.slice(1).map((r) => r.name)).toEqual(['CONNECTION_REFUSED']);
    expect(await a.store.getNode('node-a')).toMatchObject({ status: 'failed', lease: null, leaseId: null, grant: null });

    // Later attempts that still reach nobody keep the lapse (time and reason) first.
    clock.advance(2 * HOUR);
    expect(await a.service.renew()).toBe('failed');
    const still = await getState(a);
    expect(still.node.failureAt).toBe(iso(new Date(t0.getTime() + 24 * HOUR)));
    expect(still.node.reasons[0]).toEqual(lapsed.node.reasons[0]);
  });

  it('fails at exactly 24 h: valid strictly before lastSuccessAt + 24 h', async () => {
    const ls = await restartableLicenseServer();
    const a = await node();
    const t0 = clock();
    await a.service.registerPrivateCloud(ls.url, 'admin');
    await ls.stop();
    clock.set(new Date(t0.getTime() + 24 * HOUR - 1));
    await a.service.renew();
    expect((await getState(a)).status).toBe('degraded');
    clock.set(new Date(t0.getTime() + 24 * HOUR));
    await a.service.renew();
    expect((await getState(a)).node.reasons[0]?.name).toBe('HEARTBEAT_LAPSED');
  });

  it('a lapsed node registers again by itself once its server is back (the configuration still names it)', async () => {
    const ls = await restartableLicenseServer();
    const a = await node();
    const t0 = clock();
    await a.service.registerPrivateCloud(ls.url, 'admin');
    const firstLease = (await a.store.getNode('node-a'))?.leaseId;
    await ls.stop();
    clock.set(new Date(t0.getTime() + 25 * HOUR));
    await a.service.renew();
    expect((await getState(a)).node.reasons[0]?.name).toBe('HEARTBEAT_LAPSED');

    await ls.start(); // same port, same config dir: the old lease is there but has run out on the server too
    clock.advance(MIN);
    expect(await a.service.renew()).toBe('ok');
    const back = await getState(a);
    expect(back).toMatchObject({ status: 'registered', serverUrl: ls.url });
    expect(back.node).toMatchObject({ status: 'registered', reasons: [], failureAt: null, unreachableSince: null, lastSuccessAt: iso(clock()) });
    expect(back.grant).not.toBeNull();
    expect((await a.store.getNode('node-a'))?.leaseId).not.toBe(firstLease);
    expect(await ls.leasesInUse()).toBe(1);
  });

  it('a node that was itself down for more than 24 h drops its dead lease and registers afresh in one beat', async () => {
    const ls = await restartableLicenseServer();
    const a = await node();
    const t0 = clock();
    await a.service.registerPrivateCloud(ls.url, 'admin');
    const firstLease = (await a.store.getNode('node-a'))?.leaseId;
    clock.set(new Date(t0.getTime() + 30 * HOUR)); // no beat at all meanwhile, the server stayed up
    expect((await getState(a)).node.reasons[0]?.name).toBe('HEARTBEAT_LAPSED');
    expect(await a.service.renew()).toBe('ok');
    const back = await a.store.getNode('node-a');
    expect(back).toMatchObject({ status: 'registered', reasons: [], lastSuccessAt: clock() });
    expect(back?.leaseId).not.toBe(firstLease);
    expect(await ls.leasesInUse()).toBe(1);
  });
});

/** A node registered at `serverUrl` with its heartbeat loop running on a hand-fired timer (exact delays, random 0). */
async function beatingNode(serverUrl: string, extra: Partial<BffConfig> = {}) {
  const a = await node('node-a', extra);
  expect((await a.service.registerPrivateCloud(serverUrl, 'admin')).ok).toBe(true);
  const { timer, scheduled, pending } = manualTimer();
  const heartbeat = startHeartbeat({ service: a.service, intervalMs: INTERVAL, logger: silent, timer, random: () => 0 });
  suite.defer(() => heartbeat.stop());
  await heartbeat.settled();
  const lastSuccess = clock();
  /** Moves the clock to the next scheduled beat and runs it. */
  const fire = async () => {
    const next = pending();
    clock.set(new Date(scheduled.slice(0, -1).reduce((t, s) => t + s.ms, lastSuccess.getTime()) + next.ms));
    next.fn();
    await heartbeat.settled();
  };
  /**
   * Five hours without the server from now on: fires every beat that falls inside (bounded), checking the
   * node stays degraded and valid until lastSuccess + 24 h; leaves the clock at the end of the outage.
   */
  const outage = async () => {
    const end = clock().getTime() + 5 * HOUR;
    const nextAt = () => scheduled.reduce((t, s) => t + s.ms, lastSuccess.getTime());
    let firstFailure: Date | null = null;
    for (let i = 0; i < 20 && nextAt() < end; i++) {
      await fire();
      firstFailure ??= clock();
      const s = await getState(a);
      expect(s.status).toBe('degraded');
      expect(s.grant).not.toBeNull();
      expect(s.node).toMatchObject({ unreachableSince: iso(firstFailure), validUntil: iso(new Date(lastSuccess.getTime() + 24 * HOUR)) });
    }
    clock.set(new Date(end));
  };
  return { a, scheduled, pending, fire, outage };
}

const NORMAL = nextHeartbeatDelay({ consecutiveFailures: 0, intervalMs: INTERVAL, jitter: 0 });

/** A loopback TCP relay in front of the server: the network path, cut and restored on the same port. */
async function networkPath(targetPort: number) {
  let port = 0;
  let server: net.Server | null = null;
  const sockets = new Set<net.Socket>();
  const relay = {
    get url() {
      return `https://127.0.0.1:${port}`;
    },
    async up() {
      const s = net.createServer((client) => {
        const upstream = net.connect(targetPort, '127.0.0.1');
        for (const sock of [client, upstream]) {
          sockets.add(sock);
          sock.on('close', () => sockets.delete(sock));
          sock.on('error', () => sock.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(port, '127.0.0.1', () => resolve());
      });
      port = (s.address() as AddressInfo).port;
      server = s;
    },
    async down() {
      const s = server;
      server = null;
      if (!s) return;
      for (const sock of sockets) sock.destroy();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };
  suite.defer(() => relay.down());
  await relay.up();
  return relay;
}

describe('an outage of the license server', () => {
  it('5 hours unreachable: retries 1, 2, 4 … min capped at 2 h, renews its lease with no admin action, beats every ~2 h again', async () => {
    const ls = await restartableLicenseServer();
    const link = await networkPath(ls.port);
    const { a, scheduled, pending, fire, outage } = await beatingNode(link.url);
    const leaseId = (await a.store.getNode('node-a'))?.leaseId;
    expect(pending().ms).toBe(NORMAL);

    await link.down();
    await outage();
    expect(scheduled.map((s) => s.ms / MIN)).toEqual([NORMAL / MIN, 1, 2, 4, 8, 16, 32, 64, 120]);

    // Reachable again after 5 hours, same address; nobody touches the console.
    await link.up();
    await fire();
    const back = await getState(a);
    expect(back).toMatchObject({ status: 'registered', serverUrl: link.url });
    expect(back.node).toMatchObject({ status: 'registered', reasons: [], failureAt: null, unreachableSince: null, lastSuccessAt: iso(clock()) });
    expect(back.grant).not.toBeNull();
    expect((await a.store.getNode('node-a'))?.leaseId).toBe(leaseId); // the same lease, renewed
    expect(await ls.leasesInUse()).toBe(1);
    expect(pending().ms).toBe(NORMAL);
    expect(pending().ms).toBeGreaterThanOrEqual(0.9 * INTERVAL);
    expect(pending().ms).toBeLessThanOrEqual(1.1 * INTERVAL);
  });

  it('5 hours with the license server stopped and restarted on the same port and config dir: the restart rule, then back by itself', async () => {
    const ls = await restartableLicenseServer();
    const { a, scheduled, pending, fire, outage } = await beatingNode(ls.url);
    const leaseId = (await a.store.getNode('node-a'))?.leaseId;

    await ls.stop();
    await outage();
    expect(scheduled.map((s) => s.ms / MIN)).toEqual([NORMAL / MIN, 1, 2, 4, 8, 16, 32, 64, 120]);

    // Restarted: this node (11.0.18, built-in configuration database, no project identity reported) is not
    // one that may resume without a QR scan (DESIGN.md §3.1 step 8), so the server refuses it until the scan.
    await ls.start();
    await fire();
    const refused = await getState(a);
    expect(refused.status).toBe('failed');
    expect(refused.node.reasons.map((r) => r.name)).toEqual(['PROJECT_RESCAN_REQUIRED']);
    expect(pending().ms).toBe(120 * MIN); // still a failure: retried, never later than the interval

    // The admin scans the QR code on the license server's page; nothing is done in the console.
    await ls.rescan();
    await fire();
    const back = await getState(a);
    expect(back).toMatchObject({ status: 'registered', serverUrl: ls.url });
    expect(back.node).toMatchObject({ status: 'registered', reasons: [], failureAt: null, unreachableSince: null, lastSuccessAt: iso(clock()) });
    expect((await a.store.getNode('node-a'))?.leaseId).not.toBe(leaseId); // the restart rule dropped the old lease
    expect(await ls.leasesInUse()).toBe(1);
    expect(pending().ms).toBe(NORMAL);
  });

  it('a cluster node of 11.5.11 whose services stayed the same resumes after the restart without any scan', async () => {
    const ls = await restartableLicenseServer({ productVersion: '11.5' });
    const project = projectIdentity({ configDb: 'postgres://cfg.internal/fr', stateServer: 'redis://state:6379', fileServer: 'sftp://files' });
    const { a, scheduled, fire, outage } = await beatingNode(ls.url, { product: { name: 'FineReport', version: '11.5.11', buildDate: '2026-11-01' }, project });
    const leaseId = (await a.store.getNode('node-a'))?.leaseId;

    await ls.stop();
    await outage();
    expect(scheduled.length).toBeGreaterThan(5);
    await ls.start();
    await fire();
    const back = await getState(a);
    expect(back.node).toMatchObject({ status: 'registered', reasons: [] });
    expect((await a.store.getNode('node-a'))?.leaseId).toBe(leaseId); // resumed: the same lease, no scan
  });

  it('spreads normal beats over ±10 % of the interval and backs off after a beat that throws', async () => {
    const ls = await restartableLicenseServer();
    const store = await createPgliteStore('memory://');
    let closed = false;
    suite.defer(async () => {
      if (!closed) await store.close();
    });
    const config = suite.config({ licenseServerCa: suite.tls.cert });
    const a = await startBff({ clock, config, store });
    await a.service.registerPrivateCloud(ls.url, 'admin');
    const jitters = [0, 0.999, 0.5];
    const { timer, scheduled, pending } = manualTimer();
    const heartbeat = startHeartbeat({ service: a.service, intervalMs: INTERVAL, logger: silent, timer, random: () => jitters.shift() ?? 0 });
    suite.defer(() => heartbeat.stop());
    await heartbeat.settled();
    for (let i = 0; i < 2; i++) {
      const next = pending();
      clock.advance(next.ms);
      next.fn();
      await heartbeat.settled();
    }
    expect(scheduled.map((s) => s.ms)).toEqual([0.9 * INTERVAL, Math.round(INTERVAL * (0.9 + 0.2 * 0.999)), INTERVAL]);

    // The store goes away under the loop: renew throws, and the loop retries after a minute instead of 2 h.
    await store.close();
    closed = true;
    const next = pending();
    clock.advance(next.ms);
    next.fn();
    await heartbeat.settled();
    expect(pending().ms).toBe(MIN);
  });
});
