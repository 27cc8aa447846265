import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  connectionTestResultSchema,
  registerResultSchema,
  type ConnectionTestResult,
  type RegisterResult,
} from '@registration/protocol/bff-api';
import { DEFAULT_TRANSPORT, TimeoutError } from './license-client/transport.ts';
import { diagnose } from './license-client/diagnose.ts';
import { startBff, testClock, type TestBff } from './testing/bff.ts';
import { certOnlyFor, loopbackCert } from './testing/certs.ts';
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

async function node(options: { ca?: string | null; connectTimeoutMs?: number; totalTimeoutMs?: number } = {}): Promise<TestBff> {
  const config = suite.config({
    licenseServerCa: options.ca === undefined ? suite.tls.cert : options.ca,
  });
  const bff = await startBff({
    clock,
    config,
    ...(options.connectTimeoutMs ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
    ...(options.totalTimeoutMs ? { totalTimeoutMs: options.totalTimeoutMs } : {}),
  });
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

  it('refuses a genuine lease that answers another request (nonce mismatch): a relay replaying an earlier grant', async () => {
    const ls = await licenseServer();
    let recorded: unknown = null;
    const proxy = track(
      await startForwarder({
        target: ls.url,
        targetCa: suite.tls.cert,
        tls: suite.tls,
        // The first grant passes and is kept; every later one is answered with it.
        rewrites: { answer: (b) => (typeof b.lease !== 'string' ? b : recorded === null ? ((recorded = b.lease), b) : { ...b, lease: recorded }) },
      }),
    );
    const bff = await node();
    expect((await submit(bff, proxy.url)).ok).toBe(true);
    await bff.service.deregister('admin');
    const reason = await refusedWith(bff, proxy.url, 'LEASE_INVALID');
    expect(reason.params?.detail).toBe('lease.nonce');
  });

  it('a relay that changes a request gets it refused by the license server (the proof covers every byte)', async () => {
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
    const reason = await refusedWith(bff, proxy.url, 'NODE_PROOF_INVALID');
    expect(reason.params?.detail).toBe('proof.register');
  });
});

describe('connection diagnosis', () => {
  it('names a refused port', async () => {
    const port = await closedPort();
    const bff = await node();
    const reason = await refusedWith(bff, `https://127.0.0.1:${port}`, 'CONNECTION_REFUSED');
    expect(reason.params).toEqual({ host: '127.0.0.1', port });
    expect((await bff.store.getNode('node-a'))?.unreachableSince).toEqual(clock());
    const test = await testConnection(bff, `https://127.0.0.1:${port}`);
    expect(test).toMatchObject({ ok: false, reasons: [{ name: 'CONNECTION_REFUSED' }], trust: null, certificate: null, latencyMs: null });
  });

  it('recognises a plain HTTP server behind an https:// address, and an http:// address', async () => {
    const web = track(await listenHttp((_req, res) => sendJson(res, 200, { hello: 'world' })));
    const bff = await node();
    const reason = await refusedWith(bff, `https://127.0.0.1:${web.port}`, 'PLAIN_HTTP');
    expect(reason.params).toEqual({ host: '127.0.0.1', port: web.port });
    const test = await testConnection(bff, web.url);
    expect(test.reasons.map((r) => r.name)).toEqual(['PLAIN_HTTP']);
    const behindHttps = await testConnection(bff, `https://127.0.0.1:${web.port}`);
    expect(behindHttps).toMatchObject({ ok: false, reasons: [{ name: 'PLAIN_HTTP' }], trust: null, certificate: null });
  });

  it('refuses a certificate nobody vouches for and shows it: fingerprint, names, validity', async () => {
    const own = await loopbackCert(clock()); // valid on the test clock
    const ls = track(await startLicenseServer({ vendor: suite.vendor, tls: own, clock }));
    const bff = await node({ ca: null });
    const reason = await refusedWith(bff, ls.url, 'TLS_UNTRUSTED');
    const x = new X509Certificate(own.cert);
    const fingerprint = x.fingerprint256;
    expect(reason.params).toEqual({
      detail: 'tls.selfSigned',
      fingerprint,
      subject: 'CN=localhost, O=License Server (self-signed)',
      issuer: 'CN=localhost, O=License Server (self-signed)',
      validFrom: new Date(x.validFrom).toISOString(),
      validTo: new Date(x.validTo).toISOString(),
      altNames: ['localhost', '127.0.0.1', '0:0:0:0:0:0:0:1'],
    });
    const test = await testConnection(bff, ls.url);
    expect(test).toMatchObject({ ok: false, fingerprint, trust: 'untrusted', confirmed: null, certificate: { fingerprint, validNow: true } });
  });

  it('names the host a trusted certificate does not cover', async () => {
    const other = certOnlyFor('license.example.test');
    const server = track(await listenHttps(other, (_req, res) => sendJson(res, 200, {})));
    const bff = await node({ ca: other.cert });
    const reason = await refusedWith(bff, server.url, 'TLS_HOSTNAME_MISMATCH');
    expect(reason.params).toEqual({ host: '127.0.0.1', altNames: ['license.example.test'] });
    const test = await testConnection(bff, server.url);
    // The CA vouches for the certificate, not for this address: nothing an administrator should confirm.
    expect(test).toMatchObject({ ok: false, trust: 'ca', certificate: { coversHost: false, altNames: ['license.example.test'] } });
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
    expect(test.trust).toBe('ca');
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
    expect(reason.params?.detail).toBe('answer.notJson');
  });

  it('gives up on a server that accepts but never answers', async () => {
    const silent = track(await listenSilent());
    const bff = await node({ connectTimeoutMs: 300 });
    const reason = await refusedWith(bff, `https://127.0.0.1:${silent.port}`, 'CONNECTION_TIMEOUT');
    expect(reason.params).toEqual({ host: '127.0.0.1', port: silent.port, timeoutMs: 300 });
    const test = await testConnection(bff, `https://127.0.0.1:${silent.port}`);
    expect(test).toMatchObject({ ok: false, trust: null, certificate: null, fingerprint: null });
  });

  it('gives up on an HTTPS server that completes the handshake but never answers, still naming its certificate', async () => {
    const mute = track(await listenHttps(suite.tls, () => undefined));
    const bff = await node({ totalTimeoutMs: 400 });
    const reason = await refusedWith(bff, mute.url, 'CONNECTION_TIMEOUT');
    expect(reason.params).toEqual({ host: '127.0.0.1', port: mute.port, timeoutMs: 400 });
    const test = await testConnection(bff, mute.url);
    expect(test).toMatchObject({ ok: false, trust: 'ca', fingerprint: new X509Certificate(suite.tls.cert).fingerprint256 });
  });

  it('names a host name that does not resolve (a real lookup of a reserved .invalid name)', async () => {
    const bff = await node();
    const reason = await refusedWith(bff, 'https://nonexistent.invalid:8081', 'CONNECTION_DNS');
    expect(reason).toEqual({ code: 31001, name: 'CONNECTION_DNS', params: { host: 'nonexistent.invalid' } });
    const test = await testConnection(bff, 'https://nonexistent.invalid:8081');
    expect(test).toMatchObject({ ok: false, trust: null, certificate: null });
  });

  it('maps resolver failures to CONNECTION_DNS (no real lookup: network stays on loopback)', async () => {
    const url = new URL('https://license.invalid:8081');
    for (const code of ['ENOTFOUND', 'EAI_AGAIN']) {
      const err = Object.assign(new Error(`getaddrinfo ${code} license.invalid`), { code });
      const d = diagnose(err, url, DEFAULT_TRANSPORT);
      expect(d.reason).toEqual({ code: 31001, name: 'CONNECTION_DNS', params: { host: 'license.invalid' } });
    }
    // A resolver that never answers is a name problem too, not a slow license server.
    const hung = diagnose(new TimeoutError('lookup', 5000), url, DEFAULT_TRANSPORT);
    expect(hung.reason).toEqual({ code: 31001, name: 'CONNECTION_DNS', params: { host: 'license.invalid' } });
    const other = diagnose(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), url, DEFAULT_TRANSPORT);
    expect(other.reason).toMatchObject({ name: 'CONNECTION_FAILED', params: { serverUrl: 'https://license.invalid:8081' } });
  });
});
