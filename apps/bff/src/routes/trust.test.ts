import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  connectionTestResultSchema,
  registerResultSchema,
  trustedCertificateListSchema,
  trustedCertificateSchema,
  trustRemovedSchema,
  type ConnectionTestResult,
  type RegisterResult,
} from '@registration/protocol/bff-api';
import { apiErrorSchema } from '@registration/protocol/reason';
import { startBff, testClock, type TestBff } from '../testing/bff.ts';
import { caIssued, certOnlyFor, loopbackCert } from '../testing/certs.ts';
import { startLicenseServer, type RunningLicenseServer } from '../testing/license-server.ts';
import { closedPort } from '../testing/servers.ts';
import { useBffSuite } from '../testing/suite.ts';
import { startTlsFront, type TlsFront } from '../testing/tls-front.ts';
import { createPgliteStore } from '../store/pglite-store.ts';
import type { RegistrationStore } from '../store/types.ts';

// Starts at the real time: the openssl-made certificates below are valid from now for two days.
const clock = testClock(new Date());
const suite = useBffSuite();
const fingerprintOf = (pem: string) => new X509Certificate(pem).fingerprint256;

async function licenseServer(): Promise<RunningLicenseServer> {
  const ls = await startLicenseServer({ vendor: suite.vendor, tls: suite.tls, clock });
  suite.defer(() => ls.close());
  return ls;
}

/** The real license server behind an HTTPS endpoint whose certificate the test picks (and swaps). */
async function serverWith(material: { cert: string; key: string }): Promise<TlsFront> {
  const ls = await licenseServer();
  const front = await startTlsFront({ target: ls.url, targetCa: suite.tls.cert, tls: material });
  suite.defer(() => front.close());
  return front;
}

/** A BFF node that trusts only the system CAs and `ca` (LICENSE_SERVER_CA). */
async function node(options: { ca?: string | null; store?: RegistrationStore; nodeId?: string } = {}): Promise<TestBff> {
  const config = suite.config({
    licenseServerCa: options.ca ?? null,
    ...(options.nodeId ? { nodeId: options.nodeId } : {}),
  });
  const bff = await startBff({ clock, config, ...(options.store ? { store: options.store } : {}) });
  if (!options.store) suite.defer(() => bff.close());
  return bff;
}

async function call(bff: TestBff, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, role: 'admin' | 'viewer' = 'admin') {
  const token = await suite.platform.token(role, { now: clock() });
  const res = await bff.app.request(path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as unknown };
}

const TRUST = '/api/registration/private-cloud/trust';

async function testConnection(bff: TestBff, serverUrl: string): Promise<ConnectionTestResult> {
  const res = await call(bff, 'POST', '/api/registration/private-cloud/test', { serverUrl });
  expect(res.status).toBe(200);
  return connectionTestResultSchema.parse(res.body);
}

async function submit(bff: TestBff, serverUrl: string): Promise<RegisterResult> {
  const res = await call(bff, 'POST', '/api/registration/private-cloud', { serverUrl });
  expect(res.status).toBe(200);
  return registerResultSchema.parse(res.body);
}

async function trust(bff: TestBff, serverUrl: string, fingerprint: string) {
  return call(bff, 'POST', TRUST, { serverUrl, fingerprint });
}

describe('a self-signed license server certificate confirmed by an administrator', () => {
  it('is untrusted at first, with everything needed to decide shown', async () => {
    const material = await loopbackCert(clock());
    const server = await serverWith(material);
    const bff = await node();
    const test = await testConnection(bff, server.url);
    const fingerprint = fingerprintOf(material.cert);
    expect(fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(test).toMatchObject({ ok: false, trust: 'untrusted', fingerprint, confirmed: null });
    expect(test.reasons.map((r) => r.name)).toEqual(['TLS_UNTRUSTED']);
    expect(test.certificate).toMatchObject({
      subject: 'CN=localhost, O=License Server (self-signed)',
      issuer: 'CN=localhost, O=License Server (self-signed)',
      altNames: ['localhost', '127.0.0.1', '0:0:0:0:0:0:0:1'],
      fingerprint,
      coversHost: true,
      validNow: true,
    });
    expect(Date.parse(test.certificate?.validTo ?? '')).toBeGreaterThan(clock().getTime());

    // A submit says the same, with the certificate in the reason's specifics (for the failure pop-up).
    const result = await submit(bff, server.url);
    expect(result.ok).toBe(false);
    const reason = result.failures[0]?.reasons[0];
    expect(reason).toMatchObject({ code: 31005, name: 'TLS_UNTRUSTED', params: { detail: 'tls.selfSigned', fingerprint } });
    expect(reason?.params).toMatchObject({ subject: test.certificate?.subject, validTo: test.certificate?.validTo });
  });

  it('registers once its fingerprint is confirmed, and says who confirmed it', async () => {
    const material = await loopbackCert(clock());
    const server = await serverWith(material);
    const bff = await node();
    const fingerprint = fingerprintOf(material.cert);

    const res = await trust(bff, server.url, fingerprint.toLowerCase()); // any case: normalised
    expect(res.status).toBe(201);
    const stored = trustedCertificateSchema.parse(res.body);
    expect(stored).toEqual({
      origin: server.url,
      fingerprint,
      subject: 'CN=localhost, O=License Server (self-signed)',
      confirmedBy: 'admin',
      confirmedAt: clock().toISOString(),
    });

    const test = await testConnection(bff, server.url);
    expect(test).toMatchObject({ ok: true, trust: 'confirmed', reasons: [], confirmed: stored });
    const result = await submit(bff, server.url);
    expect(result.ok).toBe(true);
    expect(result.state.status).toBe('registered');

    const list = trustedCertificateListSchema.parse((await call(bff, 'GET', TRUST)).body);
    expect(list.certificates).toEqual([stored]);
  });

  it('refuses the server after its certificate was replaced (changed), until the new one is confirmed', async () => {
    const first = await loopbackCert(clock());
    const server = await serverWith(first);
    const bff = await node();
    expect((await trust(bff, server.url, fingerprintOf(first.cert))).status).toBe(201);
    expect((await submit(bff, server.url)).ok).toBe(true);

    clock.advance(3_600_000);
    const second = await loopbackCert(clock());
    server.setCertificate(second);
    const test = await testConnection(bff, server.url);
    expect(test).toMatchObject({ ok: false, trust: 'changed', fingerprint: fingerprintOf(second.cert) });
    expect(test.confirmed?.fingerprint).toBe(fingerprintOf(first.cert));
    const changed = test.reasons[0];
    expect(changed).toMatchObject({
      code: 31008,
      name: 'TLS_CERT_CHANGED',
      params: {
        fingerprint: fingerprintOf(second.cert),
        confirmedFingerprint: fingerprintOf(first.cert),
        confirmedBy: 'admin',
        confirmedAt: new Date(clock().getTime() - 3_600_000).toISOString(),
      },
    });

    // The heartbeat path refuses it too: a submit now fails, nothing is sent to the impostor.
    const refused = await submit(bff, server.url);
    expect(refused.ok).toBe(false);
    expect(refused.failures[0]?.reasons.map((r) => r.name)).toEqual(['TLS_CERT_CHANGED']);

    // Re-confirming the new fingerprint replaces the old confirmation.
    expect((await trust(bff, server.url, fingerprintOf(second.cert))).status).toBe(201);
    expect((await submit(bff, server.url)).ok).toBe(true);
    const list = trustedCertificateListSchema.parse((await call(bff, 'GET', TRUST)).body);
    expect(list.certificates.map((c) => c.fingerprint)).toEqual([fingerprintOf(second.cert)]);
  });

  it('stores nothing for a fingerprint the server does not present (409)', async () => {
    const material = await loopbackCert(clock());
    const server = await serverWith(material);
    const bff = await node();
    const wrong = fingerprintOf((await loopbackCert(clock())).cert);
    const res = await trust(bff, server.url, wrong);
    expect(res.status).toBe(409);
    const body = apiErrorSchema.parse(res.body);
    expect(body).toMatchObject({ code: 31020, name: 'TLS_FINGERPRINT_MISMATCH' });
    expect(body.details?.reasons?.[0]?.params).toEqual({ serverUrl: server.url, expected: wrong, presented: fingerprintOf(material.cert) });
    expect(await bff.store.listTrustedCertificates()).toEqual([]);
    expect((await testConnection(bff, server.url)).trust).toBe('untrusted');
  });

  it('refuses a confirmed certificate once it has expired, and will not confirm an expired one', async () => {
    const material = await loopbackCert(clock());
    const server = await serverWith(material);
    const bff = await node();
    expect((await trust(bff, server.url, fingerprintOf(material.cert))).status).toBe(201);
    const validTo = new X509Certificate(material.cert).validTo;
    clock.set(new Date(Date.parse(validTo) + 86_400_000));
    try {
      const test = await testConnection(bff, server.url);
      expect(test).toMatchObject({ ok: false, trust: 'confirmed' });
      expect(test.certificate?.validNow).toBe(false);
      expect(test.reasons[0]).toMatchObject({ code: 31009, name: 'TLS_CERT_EXPIRED', params: { validTo: new Date(validTo).toISOString() } });
      await bff.store.forgetCertificate(server.url);
      const res = await trust(bff, server.url, fingerprintOf(material.cert));
      expect(res.status).toBe(502);
      expect(apiErrorSchema.parse(res.body).name).toBe('TLS_CERT_EXPIRED');
      expect(await bff.store.listTrustedCertificates()).toEqual([]);
    } finally {
      clock.set(new Date());
    }
  });

  it('pins the exact certificate to the origin even when its names do not cover the address', async () => {
    // The manuals' situation: the built-in certificate names only localhost, the admin types an IP.
    const material = certOnlyFor('license.example.test');
    // openssl dates the certificate from the real second it made it, which may be after the (fixed)
    // test clock: bring the clock there, or the certificate reads as not yet valid (TLS_CERT_EXPIRED).
    clock.set(new Date());
    const server = await serverWith(material);
    const bff = await node();
    const before = await testConnection(bff, server.url);
    expect(before).toMatchObject({ trust: 'untrusted', certificate: { coversHost: false, altNames: ['license.example.test'] } });
    expect((await trust(bff, server.url, fingerprintOf(material.cert))).status).toBe(201);
    expect(await testConnection(bff, server.url)).toMatchObject({ ok: true, trust: 'confirmed' });
    // The pin belongs to that origin only: the same server under another address is not trusted.
    const other = server.url.replace('127.0.0.1', 'localhost');
    expect((await testConnection(bff, other)).trust).toBe('untrusted');
  });

  it('forgets a confirmation on DELETE; the certificate is untrusted again', async () => {
    const material = await loopbackCert(clock());
    const server = await serverWith(material);
    const bff = await node();
    expect((await trust(bff, server.url, fingerprintOf(material.cert))).status).toBe(201);
    const removed = await call(bff, 'DELETE', TRUST, { serverUrl: `${server.url}/` });
    expect(removed.status).toBe(200);
    expect(trustRemovedSchema.parse(removed.body)).toEqual({ origin: server.url, removed: true });
    expect(trustRemovedSchema.parse((await call(bff, 'DELETE', TRUST, { serverUrl: server.url })).body).removed).toBe(false);
    expect((await testConnection(bff, server.url)).trust).toBe('untrusted');
  });

  it('is cluster-wide: a confirmation made through one node lets another node register', async () => {
    const material = await loopbackCert(clock());
    const server = await serverWith(material);
    const shared = await createPgliteStore('memory://');
    suite.defer(() => shared.close());
    const a = await node({ store: shared, nodeId: 'node-a' });
    const b = await node({ store: shared, nodeId: 'node-b' });
    expect((await trust(a, server.url, fingerprintOf(material.cert))).status).toBe(201);
    expect(await testConnection(b, server.url)).toMatchObject({ ok: true, trust: 'confirmed' });
    expect((await submit(b, server.url)).ok).toBe(true);
  });
});

describe('certificates a CA vouches for', () => {
  it('need no confirmation when they chain to LICENSE_SERVER_CA', async () => {
    const issued = caIssued(['127.0.0.1', 'localhost']);
    const server = await serverWith(issued);
    const bff = await node({ ca: issued.ca });
    const test = await testConnection(bff, server.url);
    expect(test).toMatchObject({ ok: true, trust: 'ca', confirmed: null, certificate: { issuer: 'CN=Test Private CA', coversHost: true } });
    expect((await submit(bff, server.url)).ok).toBe(true);
    expect(await bff.store.listTrustedCertificates()).toEqual([]);
    // The same certificate without the CA configured is just untrusted.
    const plain = await node();
    expect((await testConnection(plain, server.url)).trust).toBe('untrusted');
  });

  it('still name the host they cover: a CA certificate for another name is a mismatch', async () => {
    const issued = caIssued(['license.example.test']);
    const server = await serverWith(issued);
    const bff = await node({ ca: issued.ca });
    const test = await testConnection(bff, server.url);
    expect(test).toMatchObject({ ok: false, trust: 'ca' });
    expect(test.reasons[0]).toEqual({ code: 31004, name: 'TLS_HOSTNAME_MISMATCH', params: { host: '127.0.0.1', altNames: ['license.example.test'] } });
  });
});

describe('the trust route itself', () => {
  it('validates its body (400) and names an unreachable server (502) without storing anything', async () => {
    const bff = await node();
    const bad = await call(bff, 'POST', TRUST, { serverUrl: 'https://127.0.0.1:1', fingerprint: 'AB:CD' });
    expect(bad.status).toBe(400);
    expect(apiErrorSchema.parse(bad.body)).toMatchObject({ name: 'PARAM_INPUT_ERROR', details: { issues: [expect.stringMatching(/^fingerprint:/)] } });
    const port = await closedPort();
    const down = await trust(bff, `https://127.0.0.1:${port}`, fingerprintOf(suite.tls.cert));
    expect(down.status).toBe(502);
    expect(apiErrorSchema.parse(down.body)).toMatchObject({ name: 'CONNECTION_REFUSED', details: { reasons: [{ params: { port } }] } });
    expect(await bff.store.listTrustedCertificates()).toEqual([]);
  });

  it('is for administrators only, and a cross-site form cannot reach it', async () => {
    const bff = await node();
    const viewer = await call(bff, 'POST', TRUST, { serverUrl: 'https://127.0.0.1:1', fingerprint: fingerprintOf(suite.tls.cert) }, 'viewer');
    expect(viewer.status).toBe(403);
    const token = await suite.platform.token('admin', { now: clock() });
    const res = await bff.app.request(TRUST, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain', origin: 'https://evil.example' },
      body: JSON.stringify({ serverUrl: 'https://127.0.0.1:1', fingerprint: fingerprintOf(suite.tls.cert) }),
    });
    expect(res.status).toBe(403);
    expect(await bff.store.listTrustedCertificates()).toEqual([]);
  });
});
