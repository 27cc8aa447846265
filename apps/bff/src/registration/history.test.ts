import { describe, expect, it } from 'vitest';
import { historyPageSchema, type HistoryEvent } from '@registration/protocol/bff-api';
import { startBff, testClock, type TestBff } from '../testing/bff.ts';
import { freeSlot, startLicenseServer } from '../testing/license-server.ts';
import { closedPort } from '../testing/servers.ts';
import { useBffSuite } from '../testing/suite.ts';
import { beatTransition } from './history.ts';
import type { NodeRecord } from '../store/types.ts';

// Issue 11 §2: the registration history — administrators' actions with who and the outcome, and what a
// node did by itself — through the real routes on PGlite, against a real license server over HTTPS.

const clock = testClock();
const suite = useBffSuite();

async function node(nodeId = 'node-a'): Promise<TestBff> {
  const bff = await startBff({ clock, config: suite.config({ nodeId, licenseServerCa: suite.tls.cert }) });
  suite.defer(() => bff.close());
  return bff;
}

const headers = async (name = 'Ada Admin') => ({
  authorization: `Bearer ${await suite.platform.token('admin', { now: clock(), name })}`,
  'content-type': 'application/json',
});

async function request(bff: TestBff, method: string, path: string, body?: unknown, name?: string) {
  return bff.app.request(path, { method, headers: await headers(name), ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
}

async function events(bff: TestBff, query = ''): Promise<{ events: HistoryEvent[]; nextCursor: string | null }> {
  const res = await request(bff, 'GET', `/api/registration/events${query}`);
  expect(res.status).toBe(200);
  return historyPageSchema.parse(await res.json());
}

describe('registration history', () => {
  it('lists a refused Submit, a Submit, and a Re-register, newest first, with who and the reasons', async () => {
    const ls = await startLicenseServer({ vendor: suite.vendor, tls: suite.tls, clock });
    suite.defer(() => ls.close());
    const unreachable = `https://127.0.0.1:${await closedPort()}`;
    const a = await node();
    expect((await request(a, 'POST', '/api/registration/private-cloud', { serverUrl: unreachable })).status).toBe(200);
    clock.advance(1000);
    expect((await request(a, 'POST', '/api/registration/private-cloud/test', { serverUrl: ls.url })).status).toBe(200);
    clock.advance(1000);
    expect((await request(a, 'POST', '/api/registration/private-cloud', { serverUrl: ls.url }, 'Bo Builder')).status).toBe(200);
    clock.advance(1000);
    expect((await request(a, 'DELETE', '/api/registration')).status).toBe(200);

    const page = await events(a);
    expect(page.events.map((e) => [e.kind, e.outcome, e.actor])).toEqual([
      ['re-register', 'ok', 'Ada Admin'],
      ['submit', 'ok', 'Bo Builder'],
      ['test-connection', 'ok', 'Ada Admin'],
      ['submit', 'refused', 'Ada Admin'],
    ]);
    const refused = page.events[3] as HistoryEvent;
    expect(refused.params).toEqual({ method: 'private-cloud', serverUrl: unreachable });
    expect(refused.reasons.map((r) => r.name)).toEqual(['CONNECTION_REFUSED']);
    expect(refused.nodeId).toBe('node-a');
    expect(page.nextCursor).toBeNull();

    // Pages and filters.
    const first = await events(a, '?limit=2');
    expect(first.events.map((e) => e.kind)).toEqual(['re-register', 'submit']);
    const second = await events(a, `?limit=2&cursor=${first.nextCursor}`);
    expect(second.events.map((e) => e.kind)).toEqual(['test-connection', 'submit']);
    expect(second.nextCursor).toBeNull();
    expect((await events(a, '?kind=submit')).events).toHaveLength(2);
    expect((await events(a, `?from=${encodeURIComponent(new Date(clock().getTime() - 1500).toISOString())}`)).events.map((e) => e.kind)).toEqual(['re-register', 'submit']);
    expect((await request(a, 'GET', '/api/registration/events?kind=nonsense')).status).toBe(400);

    const csv = await request(a, 'GET', '/api/registration/events?format=csv');
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('time,node,by,action,outcome,codes,details');
    expect(lines.at(-1)).toMatch(/,node-a,Ada Admin,submit,refused,31002,method=private-cloud; serverUrl=https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('records what a node does by itself: refused at a heartbeat (its slot freed), never an admin', async () => {
    const ls = await startLicenseServer({ vendor: suite.vendor, tls: suite.tls, clock });
    suite.defer(() => ls.close());
    const a = await node();
    await request(a, 'POST', '/api/registration/private-cloud', { serverUrl: ls.url });
    const lease = ls.store.state.leases.get('node-a')?.leaseId as string;
    await ls.store.update(freeSlot('node-a', lease, clock));
    clock.advance(2 * 3600e3);
    await a.service.renew();
    const [latest] = (await events(a)).events;
    expect(latest).toMatchObject({ kind: 'refused-by-server', actor: null, outcome: 'refused', params: { serverUrl: ls.url } });
    expect(latest?.reasons.map((r) => r.code)).toEqual([30014]);
  });

  it('is for administrators only', async () => {
    const a = await node();
    const viewer = await suite.platform.token('viewer', { now: clock() });
    expect((await a.app.request('/api/registration/events', { headers: { authorization: `Bearer ${viewer}` } })).status).toBe(403);
    expect((await a.app.request('/api/registration/events')).status).toBe(401);
  });
});

describe('beatTransition', () => {
  const row = (status: NodeRecord['status'], reasons: NodeRecord['reasons'] = []) => ({ status, reasons, serverUrl: 'https://ls:1' }) as NodeRecord;
  it('names what changed, and nothing when the state stayed', () => {
    expect(beatTransition(row('registered'), row('registered'), 'private-cloud')).toBeNull();
    expect(beatTransition(row('degraded'), row('registered'), 'private-cloud')?.kind).toBe('renewed-after-outage');
    expect(beatTransition(row('failed'), row('registered'), 'private-cloud')?.kind).toBe('renewed-after-outage');
    expect(beatTransition(row('registered'), row('degraded'), 'private-cloud')?.kind).toBe('unreachable');
    expect(beatTransition(row('degraded'), row('failed', [{ code: 31013, name: 'HEARTBEAT_LAPSED', params: {} }]), 'private-cloud')?.kind).toBe('lapsed');
    expect(beatTransition(row('registered'), row('failed', [{ code: 30014, name: 'LEASE_FREED', params: {} }]), 'private-cloud')?.kind).toBe('refused-by-server');
    expect(beatTransition(row('verification-needed'), row('registered'), 'local-container')?.kind).toBe('joined-verification');
    expect(beatTransition(null, row('registered'), 'private-cloud')).toBeNull();
  });
});
