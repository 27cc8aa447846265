import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { healthSchema } from '@registration/protocol/license-server-api';
import { DEFAULT_TRANSPORT, httpsJson } from '../license-client/transport.ts';
import { createPgliteStore } from '../store/pglite-store.ts';
import type { RegistrationStore } from '../store/types.ts';
import { startBff, testClock, type TestBff } from '../testing/bff.ts';
import { manualTimer } from '../testing/manual-timer.ts';
import { startLicenseServer, type RunningLicenseServer } from '../testing/license-server.ts';
import { startHeartbeat } from './heartbeat.ts';
import { useBffSuite } from '../testing/suite.ts';

const HOUR = 3600_000;
const clock = testClock();
const suite = useBffSuite();

async function licenseServer(maxConnections = 10): Promise<RunningLicenseServer> {
  const ls = await startLicenseServer({ vendor: suite.vendor, tls: suite.tls, clock, terms: { maxConnections } });
  suite.defer(() => ls.close());
  return ls;
}

async function node(nodeId: string, store?: RegistrationStore): Promise<TestBff> {
  const config = suite.config({
    nodeId,
    nodeAddress: `${nodeId}:8080`,
    licenseServerCa: suite.tls.cert,
  });
  const bff = await startBff({ clock, config, ...(store ? { store } : {}) });
  if (!store) suite.defer(() => bff.close());
  return bff;
}

async function leasesInUse(ls: RunningLicenseServer): Promise<number> {
  const answer = await httpsJson(new URL('/health', ls.url), 'GET', undefined, { ...DEFAULT_TRANSPORT, ca: suite.tls.cert });
  return healthSchema.parse(JSON.parse(answer.text)).leasesInUse;
}


describe('heartbeat loop', () => {
  it('beats at once, then every interval, and stops cleanly', async () => {
    const ls = await licenseServer();
    const a = await node('node-a');
    await a.service.registerPrivateCloud(ls.url, 'admin');
    const { timer, scheduled } = manualTimer();
    // random 0.5 is the middle of the ±10 % jitter range: exactly the interval.
    const heartbeat = startHeartbeat({ service: a.service, intervalMs: 2 * HOUR, logger: pino({ level: 'silent' }), timer, random: () => 0.5 });
    await heartbeat.settled();
    expect(scheduled.map((s) => s.ms)).toEqual([2 * HOUR]);
    const firstBeat = await a.store.getNode('node-a');
    clock.advance(2 * HOUR);
    scheduled[0]?.fn();
    await heartbeat.settled();
    expect(scheduled.map((s) => s.ms)).toEqual([2 * HOUR, 2 * HOUR]);
    expect((await a.store.getNode('node-a'))?.lastSuccessAt).toEqual(clock());
    expect(firstBeat?.lastSuccessAt?.getTime()).toBe(clock().getTime() - 2 * HOUR);
    await heartbeat.stop();
    expect(scheduled[1]?.cleared).toBe(true);
  });
});

describe('renewal', () => {
  it('renews the lease it holds, keeping the lease id', async () => {
    const ls = await licenseServer();
    const a = await node('node-a');
    await a.service.registerPrivateCloud(ls.url, 'admin');
    const before = await a.store.getNode('node-a');
    clock.advance(2 * HOUR);
    await a.service.renew();
    const after = await a.store.getNode('node-a');
    expect(after).toMatchObject({ status: 'registered', leaseId: before?.leaseId, lastSuccessAt: clock() });
    expect(after?.validUntil).toEqual(new Date(clock().getTime() + 24 * HOUR));
  });

  it('keeps the lease and records since when the server is unreachable', async () => {
    const ls = await licenseServer();
    const a = await node('node-a');
    await a.service.registerPrivateCloud(ls.url, 'admin');
    await ls.close();
    clock.advance(2 * HOUR);
    const since = clock();
    await a.service.renew();
    clock.advance(2 * HOUR);
    await a.service.renew();
    const state = await a.service.state();
    expect(state.status).toBe('degraded');
    expect(state.grant).not.toBeNull();
    expect(state.node).toMatchObject({ status: 'degraded', unreachableSince: since.toISOString() });
    expect(state.node.reasons.map((r) => r.name)).toEqual(['CONNECTION_REFUSED']);
  });

  it('registers by itself once the refusal is gone (a slot was freed)', async () => {
    const ls = await licenseServer(1);
    const [a, b] = await Promise.all([node('node-a'), node('node-b')]);
    await b.service.registerPrivateCloud(ls.url, 'admin');
    expect((await a.service.registerPrivateCloud(ls.url, 'admin')).ok).toBe(false);
    await b.service.deregister('admin');
    await a.service.renew();
    expect((await a.service.state()).status).toBe('registered');
  });

  it('follows a cluster-wide Re-register: every node frees its own slot', async () => {
    const ls = await licenseServer();
    const shared = await createPgliteStore('memory://');
    suite.defer(() => shared.close());
    const [a, b] = [await node('node-a', shared), await node('node-b', shared)];
    await a.service.registerPrivateCloud(ls.url, 'admin');
    await b.service.renew(); // node-b finds the cluster configuration and registers itself
    expect((await b.service.state()).status).toBe('registered');
    expect((await a.service.state()).nodes.map((n) => [n.nodeId, n.status])).toEqual([
      ['node-a', 'registered'],
      ['node-b', 'registered'],
    ]);
    expect(await leasesInUse(ls)).toBe(2);
    await a.service.deregister('admin');
    expect(await leasesInUse(ls)).toBe(1);
    await b.service.renew();
    expect(await leasesInUse(ls)).toBe(0);
    expect((await b.store.getNode('node-b'))?.status).toBe('unregistered');
  });
});
