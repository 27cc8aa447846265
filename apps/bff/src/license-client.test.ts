import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  connectionTestResultSchema,
  registerResultSchema,
  type ConnectionTestResult,
  type RegisterResult,
} from '@registration/protocol/bff-api';
import { DEFAULT_TRANSPORT } from './license-client/transport.ts';
import { diagnose } from './license-client/diagnose.ts';
import { startBff, testClock, testConfig, type TestBff } from './testing/bff.ts';
import { certOnlyFor } from './testing/certs.ts';
import { startForwarder, tamperJws } from './testing/forwarder.ts';
import { makeVendor, startLicenseServer, type RunningLicenseServer } from './testing/license-server.ts';
import type { VendorKeys } from '../../vendor/src/keys.ts';
import { closedPort, listenHttp, listenHttps, listenSilent, sendJson, type LoopbackServer } from './testing/servers.ts';
import { useBffSuite } from './testing/suite.ts';

const clock = testClock();
const suite = useBffSuite();

function track<T extends LoopbackServer>(server: T): T {
  suite.defer(() => server.close());
  return server;
}

async function licenseServer(by: VendorKeys = suite.vendor): Promise<RunningLicenseServer> {
  return track(await startLicenseServer({ vendor: by, tls: suite.tls, clock }));
}

async function node(options: { ca?: string | null; connectTimeoutMs?: number } = {}): Promise<TestBff> {
  const config = testConfig({
    vendorPublicKey: suite.vendor.publicJwk,
    authPublicKey: suite.platform.publicJwk,
    licenseServerCa: options.ca === undefined ? suite.tls.cert : options.ca,
  });
  const bff = await startBff({ clock, config, ...(options.connectTimeoutMs ? { connectTimeoutMs: options.connectTimeoutMs } : {}) });
  suite.defer(() => bff.close());
  return bff;
}

async function post(bff: TestBff, path: string, serverUrl: string): Promise<unknown> {
  const token = await suite.platform.token('admin', { now: clock() });
  const res = await bff.app.request(path, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ serverUrl }),
  });
  expect(res.status).toBe(200);
  return res.json();
}

const submit = async (bff: TestBff, url: string): Promise<RegisterResult> =>
  registerResultSchema.parse(await post(bff, '/api/registration/private-cloud', url));
const testConnection = async (bff: TestBff, url: string): Promise<ConnectionTestResult> =>
  connectionTestResultSchema.parse(await post(bff, '/api/registration/private-cloud/test', url));

/** Submits to `url` and checks that it failed with exactly `name`, recorded as such; returns the reason. */
async function refusedWith(bff: TestBff, url: string, name: string) {
  const result = await submit(bff, url);
  expect(result.ok).toBe(false);
  const reasons = result.failures[0]?.reasons ?? [];
  expect(reasons.map((r) => r.name)).toEqual([name]);
  expect(result.state.status).toBe('failed');
  expect(result.state.node.reasons).toEqual(reasons);
  expect(result.state.grant).toBeNull();
  return reasons[0]!;
}

describe('trust: only suite.vendor → server license → lease, bound to this request', () => {
  it('refuses a license server whose bundle another suite.vendor issued', async () => {
    const other = await licenseServer(await makeVendor());
    const bff = await node();
    const reason = await refusedWith(bff, other.url, 'SERVER_LICENSE_UNTRUSTED');
    expect(reason.code).toBe(31011);
    const test = await testConnection(bff, other.url);
    expect(test.ok).toBe(false);
    expect(test.reasons.map((r) => r.name)).toEqual(['SERVER_LICENSE_UNTRUSTED']);
  });

  it('refuses a lease whose content was changed on the way', async () => {
    const ls = await licenseServer();
    const proxy = track(
      await startForwarder({
        target: ls.url,
        targetCa: suite.tls.cert,
        tls: suite.tls,
        rewrites: { answer: (b) => (typeof b.lease === 'string' ? { ...b, lease: tamperJws(b.lease, (p) => (p.maxConnections = 9999)) } : b) },
      }),
    );
    const bff = await node();
    const reason = await refusedWith(bff, proxy.url, 'LEASE_INVALID');
    expect(String(reason.params?.detail)).toMatch(/signature/);
  });

  it('refuses a genuine lease that answers another request (nonce mismatch)', async () => {
    const ls = await licenseServer();
    const proxy = track(
      await startForwarder({
        target: ls.url,
        targetCa: suite.tls.cert,
        tls: suite.tls,
        rewrites: { request: (b) => ({ ...b, nonce: 'AAAAAAAAAAAAAAAAAAAAAA' }) },
      }),
    );
    const bff = await node();
    const reason = await refusedWith(bff, proxy.url, 'LEASE_INVALID');
    expect(reason.params?.detail).toBe('nonce mismatch');
  });
});

describe('connection diagnosis', () => {
  it('names a refused port', async () => {
    const port = await closedPort();
    const bff = await node();
    const reason = await refusedWith(bff, `https://127.0.0.1:${port}`, 'CONNECTION_REFUSED');
    expect(reason.params).toEqual({ host: '127.0.0.1', port });
    expect((await bff.store.getNode('node-a'))?.unreachableSince).toEqual(clock());
  });

  it('recognises a plain HTTP server behind an https:// address, and an http:// address', async () => {
    const web = track(await listenHttp((_req, res) => sendJson(res, 200, { hello: 'world' })));
    const bff = await node();
    const reason = await refusedWith(bff, `https://127.0.0.1:${web.port}`, 'PLAIN_HTTP');
    expect(reason.params).toEqual({ host: '127.0.0.1', port: web.port });
    const test = await testConnection(bff, web.url);
    expect(test.reasons.map((r) => r.name)).toEqual(['PLAIN_HTTP']);
  });

  it('refuses a certificate nobody vouches for and shows its fingerprint', async () => {
    const ls = await licenseServer();
    const bff = await node({ ca: null });
    const reason = await refusedWith(bff, ls.url, 'TLS_UNTRUSTED');
    const fingerprint = new X509Certificate(suite.tls.cert).fingerprint256;
    expect(reason.params).toEqual({ detail: 'self-signed certificate', fingerprint });
    const test = await testConnection(bff, ls.url);
    expect(test).toMatchObject({ ok: false, fingerprint });
  });

  it('names the host a trusted certificate does not cover', async () => {
    const other = certOnlyFor('license.example.test');
    const server = track(await listenHttps(other, (_req, res) => sendJson(res, 200, {})));
    const bff = await node({ ca: other.cert });
    const reason = await refusedWith(bff, server.url, 'TLS_HOSTNAME_MISMATCH');
    expect(reason.params).toEqual({ host: '127.0.0.1', altNames: ['license.example.test'] });
  });

  it('tells that something else answers at the address', async () => {
    const paths: string[] = [];
    const server = track(
      await listenHttps(suite.tls, (req, res) => {
        paths.push(req.url ?? '');
        sendJson(res, 200, {});
      }),
    );
    const bff = await node();
    const reason = await refusedWith(bff, server.url, 'NOT_A_LICENSE_SERVER');
    expect(reason.params?.serverUrl).toBe(server.url);
    const test = await testConnection(bff, server.url);
    expect(test.reasons.map((r) => r.name)).toEqual(['NOT_A_LICENSE_SERVER']);
    expect(test.fingerprint).toBe(new X509Certificate(suite.tls.cert).fingerprint256);
    expect(paths).toEqual(['/api/v1/register', '/api/v1/info']);
  });

  it('treats an HTML error page as not a license server', async () => {
    const server = track(
      await listenHttps(suite.tls, (_req, res) => {
        res.writeHead(404, { 'content-type': 'text/html' });
        res.end('<h1>Not Found</h1>');
      }),
    );
    const bff = await node();
    const reason = await refusedWith(bff, server.url, 'NOT_A_LICENSE_SERVER');
    expect(reason.params?.detail).toMatch(/not JSON/);
  });

  it('gives up on a server that accepts but never answers', async () => {
    const silent = track(await listenSilent());
    const bff = await node({ connectTimeoutMs: 300 });
    const reason = await refusedWith(bff, `https://127.0.0.1:${silent.port}`, 'CONNECTION_TIMEOUT');
    expect(reason.params).toEqual({ host: '127.0.0.1', port: silent.port, timeoutMs: 300 });
  });

  it('maps resolver failures to CONNECTION_DNS (no real lookup: network stays on loopback)', async () => {
    const url = new URL('https://license.invalid:8081');
    for (const code of ['ENOTFOUND', 'EAI_AGAIN']) {
      const err = Object.assign(new Error(`getaddrinfo ${code} license.invalid`), { code });
      const d = await diagnose(err, url, DEFAULT_TRANSPORT);
      expect(d.reason).toEqual({ code: 31001, name: 'CONNECTION_DNS', params: { host: 'license.invalid' } });
    }
    const other = await diagnose(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), url, DEFAULT_TRANSPORT);
    expect(other.reason).toMatchObject({ name: 'CONNECTION_FAILED', params: { serverUrl: 'https://license.invalid:8081' } });
  });
});
