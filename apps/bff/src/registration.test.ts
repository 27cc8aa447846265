import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  connectionTestResultSchema,
  registerResultSchema,
  registrationStateSchema,
} from '@registration/protocol/bff-api';
import { startBff, testClock, type TestBff } from './testing/bff.ts';
import { startLicenseServer, type RunningLicenseServer } from './testing/license-server.ts';
import { useBffSuite } from './testing/suite.ts';

const clock = testClock();
const suite = useBffSuite();

async function licenseServer(terms?: Parameters<typeof startLicenseServer>[0]['terms']): Promise<RunningLicenseServer> {
  const ls = await startLicenseServer({ vendor: suite.vendor, tls: suite.tls, clock, ...(terms ? { terms } : {}) });
  suite.defer(() => ls.close());
  return ls;
}

async function node(nodeId = 'node-a'): Promise<TestBff> {
  const config = suite.config({
    nodeId,
    nodeAddress: `127.0.0.1:${nodeId === 'node-a' ? 8080 : 8082}`,
    licenseServerCa: suite.tls.cert,
  });
  const bff = await startBff({ clock, config });
  suite.defer(() => bff.close());
  return bff;
}

// Minted per call against the test clock, so tests that move time still present a valid token.
const auth = async () => ({
  authorization: `Bearer ${await suite.platform.token('admin', { now: clock() })}`,
  'content-type': 'application/json',
});

async function submit(bff: TestBff, serverUrl: string) {
  const res = await bff.app.request('/api/registration/private-cloud', { method: 'POST', headers: await auth(), body: JSON.stringify({ serverUrl }) });
  expect(res.status).toBe(200);
  return registerResultSchema.parse(await res.json());
}

async function deregister(bff: TestBff) {
  const res = await bff.app.request('/api/registration', { method: 'DELETE', headers: await auth() });
  expect(res.status).toBe(200);
  return registrationStateSchema.parse(await res.json());
}

async function state(bff: TestBff) {
  const res = await bff.app.request('/api/registration', { headers: await auth() });
  expect(res.status).toBe(200);
  return registrationStateSchema.parse(await res.json());
}

describe('Private Cloud registration against a real license server', () => {
  it('registers and shows what the license grants', async () => {
    const ls = await licenseServer();
    const bff = await node();
    const result = await submit(bff, `${ls.url}/`);
    expect(result.ok).toBe(true);
    expect(result.failures).toEqual([]);
    expect(result.state).toMatchObject({
      method: 'private-cloud',
      serverUrl: ls.url,
      status: 'registered',
      grant: {
        licenseId: ls.license.licenseId,
        company: 'Demo Company',
        features: ['report', 'dashboard'],
        domains: ['localhost'],
        appNames: ['webroot'],
        port: 8081,
        expiresAt: ls.license.expiresAt,
        maxConnections: 10,
        inUse: 1,
      },
      node: {
        nodeId: 'node-a',
        status: 'registered',
        lastSuccessAt: clock().toISOString(),
        validUntil: new Date(clock().getTime() + 24 * 3600_000).toISOString(),
        reasons: [],
      },
    });
    // The same state survives a fresh read.
    expect(await state(bff)).toEqual(result.state);
    expect((await bff.store.getNode('node-a'))?.lease?.nodeId).toBe('node-a');
  });

  it('stores and returns every reason of a refusal, keeping the address that was tried', async () => {
    const ls = await licenseServer({ ipRanges: '10.0.0.0/8', appNames: ['decision'] });
    const bff = await node();
    const result = await submit(bff, ls.url);
    expect(result.ok).toBe(false);
    const names = result.failures[0]?.reasons.map((r) => r.name);
    expect(names).toEqual(['LICENSE_IP_ERROR', 'LICENSE_APPNAME_ERROR']);
    expect(result.failures[0]?.reasons[0]).toMatchObject({ code: 30003, params: { peer: '127.0.0.1' } });
    const after = await state(bff);
    expect(after).toMatchObject({ status: 'failed', serverUrl: ls.url, method: 'private-cloud', grant: null });
    expect(after.node.failureAt).toBe(clock().toISOString());
    expect(after.node.reasons.map((r) => r.code)).toEqual([30003, 30005]);
  });

  it('frees the slot on Re-register so another node can take it', async () => {
    const ls = await licenseServer({ maxConnections: 1 });
    const [a, b] = await Promise.all([node('node-a'), node('node-b')]);
    expect((await submit(a, ls.url)).ok).toBe(true);
    const full = await submit(b, ls.url);
    expect(full.failures[0]?.reasons).toEqual([
      expect.objectContaining({ code: 30007, name: 'REGISTER_OUT_OF_LIMIT', params: { max: 1, inUse: 1 } }),
    ]);
    const cleared = await deregister(a);
    expect(cleared).toMatchObject({ status: 'unregistered', method: null, serverUrl: null, grant: null });
    expect(cleared.node.reasons).toEqual([]);
    const second = await submit(b, ls.url);
    expect(second.ok).toBe(true);
    expect(second.state.grant).toMatchObject({ maxConnections: 1, inUse: 1 });
  });

  it('clears local state when the license server no longer knows the lease (20000)', async () => {
    const ls = await licenseServer();
    const bff = await node();
    expect((await submit(bff, ls.url)).ok).toBe(true);
    clock.advance(25 * 3600_000); // the server let the lease lapse
    try {
      const cleared = await deregister(bff);
      expect(cleared.status).toBe('unregistered');
      expect(cleared.node.reasons).toEqual([]);
    } finally {
      clock.advance(-25 * 3600_000);
    }
  });

  it('clears local state when the license server is gone, and says the slot could not be freed', async () => {
    const ls = await licenseServer();
    const bff = await node();
    expect((await submit(bff, ls.url)).ok).toBe(true);
    await ls.close();
    const cleared = await deregister(bff);
    expect(cleared).toMatchObject({ status: 'unregistered', method: null });
    expect(cleared.node.reasons).toEqual([
      expect.objectContaining({ name: 'CONNECTION_REFUSED', params: { host: '127.0.0.1', port: ls.port } }),
    ]);
    expect(cleared.node.failureAt).toBe(clock().toISOString());
  });

  it('tests the connection: genuine server, its certificate fingerprint and the latency', async () => {
    const ls = await licenseServer();
    const bff = await node();
    const res = await bff.app.request('/api/registration/private-cloud/test', {
      method: 'POST',
      headers: await auth(),
      body: JSON.stringify({ serverUrl: ls.url }),
    });
    expect(res.status).toBe(200);
    const result = connectionTestResultSchema.parse(await res.json());
    expect(result).toMatchObject({ ok: true, serverUrl: ls.url, reasons: [] });
    expect(result.fingerprint).toBe(new X509Certificate(suite.tls.cert).fingerprint256);
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    // A test changes nothing.
    expect(await bff.store.getConfig()).toBeNull();
  });
});
