import { describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { vendorCode } from '@registration/licensing/activation-code';
import { computeVerificationCode } from '@registration/licensing/verification-code';
import { parsePhonePageUrl } from '@registration/licensing/challenge';
import { projectFingerprint } from '@registration/licensing/container-checks';
import {
  containerChallengeSchema,
  containerLicAcceptedSchema,
  containerVerifiedSchema,
  registrationStateSchema,
} from '@registration/protocol/bff-api';
import { CONTAINER_LIC_MAX_BYTES } from '@registration/protocol/container-license';
import { apiErrorSchema, reasonSchema } from '@registration/protocol/reason';
import { z } from 'zod';
import type { ActivationKey } from '../../../vendor/src/issued-record.ts';
import { issueContainerLicense, type ContainerLicenseTerms } from '../../../vendor/src/container-license.ts';
import { issueServerBundle } from '../../../vendor/src/server-bundle.ts';
import { startBff, testClock, type TestBff } from '../testing/bff.ts';
import { demoTerms } from '../testing/license-server.ts';
import { useBffSuite } from '../testing/suite.ts';
import { blankNode } from '../registration/node-record.ts';
import { createPgliteStore } from '../store/pglite-store.ts';
import { resetLock } from '../reset-lock.ts';
import type { RegistrationStore } from '../store/types.ts';

const clock = testClock();
const suite = useBffSuite();
const ORIGIN = 'http://localhost:5173';
const BASE = '/api/registration/local-container';
const DAY = 86_400_000;

function terms(overrides: Partial<ContainerLicenseTerms> = {}): ContainerLicenseTerms {
  return {
    company: 'ACME 有限公司',
    project: 'Demo Project',
    appName: 'webroot',
    productVersion: '11.0',
    maxNodes: 2,
    features: ['report', 'dashboard'],
    expiresAt: new Date(clock().getTime() + 365 * DAY),
    ...overrides,
  };
}

async function lic(overrides: Partial<ContainerLicenseTerms> = {}, issuedAt?: Date) {
  return issueContainerLicense({ vendor: suite.vendor, issuedAt: issuedAt ?? new Date(clock().getTime() - 60_000), ...terms(overrides) });
}

async function node(options: { store?: RegistrationStore; nodeId?: string } = {}): Promise<TestBff> {
  const config = suite.config({
    phonePageUrl: 'http://127.0.0.1:8090',
    projectName: 'Demo Project',
    ...(options.nodeId ? { nodeId: options.nodeId, nodeAddress: `127.0.0.1:${options.nodeId.length}` } : {}),
  });
  const bff = await startBff({ clock, config, ...(options.store ? { store: options.store } : {}) });
  if (!options.store) suite.defer(() => bff.close());
  return bff;
}

/** One in-memory store for several BFF instances: the nodes of a cluster, or one node before and after a restart. */
async function sharedStore(): Promise<RegistrationStore> {
  const store = await createPgliteStore('memory://');
  suite.defer(() => store.close());
  return store;
}

/** Two nodes on one store; a lic uploaded through node-a and a QR challenge for it. */
async function twoNodesWithChallenge() {
  const store = await sharedStore();
  const a = await node({ store, nodeId: 'node-a' });
  const b = await node({ store, nodeId: 'node-b' });
  const issued = await lic();
  await upload(a, issued.lic);
  const ch = containerChallengeSchema.parse((await post(a, '/challenge')).body);
  return { a, b, issued, ch };
}

async function upload(bff: TestBff, content: string | Uint8Array<ArrayBuffer>, opts: { field?: string; filename?: string } = {}) {
  const token = await suite.platform.token('admin', { now: clock() });
  const form = new FormData();
  form.append(opts.field ?? 'file', new Blob([content]), opts.filename ?? 'Container.lic');
  const res = await bff.app.request(`${BASE}/lic`, { method: 'POST', headers: { authorization: `Bearer ${token}`, origin: ORIGIN }, body: form });
  return { status: res.status, body: (await res.json()) as unknown };
}

async function post(bff: TestBff, path: string, body?: unknown) {
  const token = await suite.platform.token('admin', { now: clock() });
  const res = await bff.app.request(`${BASE}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, origin: ORIGIN, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as unknown };
}

const reasonsOf = (body: unknown) => z.object({ details: z.object({ reasons: z.array(reasonSchema) }) }).parse(body).details.reasons;

async function state(bff: TestBff) {
  const token = await suite.platform.token('admin', { now: clock() });
  const res = await bff.app.request('/api/registration', { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return registrationStateSchema.parse(await res.json());
}

/** The code the vendor phone page would show for the QR in `url`, with the lic's activation key pair from the vendor's ledger. */
function phoneCode(url: string, activationKey: ActivationKey): string {
  return vendorCode(activationKey, parsePhonePageUrl(url));
}

const wrongOf = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('POST /api/registration/local-container/lic', () => {
  it('accepts a vendor-issued lic, stores it and answers the grant preview', async () => {
    const bff = await node();
    const issued = await lic();
    const res = await upload(bff, `\uFEFF${issued.lic}\n`);
    expect(res.status).toBe(201);
    const { grant } = containerLicAcceptedSchema.parse(res.body);
    expect(grant).toMatchObject({ licenseId: issued.license.licenseId, company: 'ACME 有限公司', project: 'Demo Project', appNames: ['webroot'], maxConnections: 2 });
    const stored = await bff.store.getContainerLicense();
    expect(stored?.lic).toBe(issued.lic);
    expect(stored?.license).toEqual(issued.license);
  });

  it('answers every reason of a refused lic with its specifics and stores nothing', async () => {
    const bff = await node();
    // Three live nodes against a lic for one.
    for (const id of ['node-b', 'node-c']) await bff.store.upsertNode({ ...blankNode({ nodeId: id, address: `${id}:8080` }, clock()), status: 'registered' });
    const expired = await lic(
      { expiresAt: new Date(clock().getTime() - DAY), productVersion: '10.0', appName: 'other', project: 'Other Project', maxNodes: 1 },
      new Date(clock().getTime() - 30 * DAY),
    );
    const res = await upload(bff, expired.lic);
    expect(res.status).toBe(422);
    const reasons = reasonsOf(res.body);
    expect(reasons.map((r) => r.name)).toEqual([
      'LICENSE_EXPIRED',
      'REPORT_VERSION_ERROR',
      'LICENSE_APPNAME_ERROR',
      'PROJECT_CONTENT_MISMATCH',
      'CLUSTER_NODES_EXCEEDED',
    ]);
    expect(reasons[0]?.params).toEqual({ expiresAt: expired.license.expiresAt });
    expect(reasons[1]?.params).toMatchObject({ certified: '10.0', local: '11.0.18' });
    expect(reasons[4]?.params).toEqual({ max: 1, nodes: 3 });
    expect(await bff.store.getContainerLicense()).toBeNull();
  });

  it('refuses a license-server bundle as LIC_TYPE_MISMATCH and a tampered lic as content error', async () => {
    const bff = await node();
    const { bundle } = await issueServerBundle({ vendor: suite.vendor, issuedAt: new Date(clock().getTime() - 60_000), ...demoTerms(clock()) });
    const mismatch = await upload(bff, JSON.stringify(bundle));
    expect(mismatch.status).toBe(422);
    expect(apiErrorSchema.parse(mismatch.body).name).toBe('LIC_TYPE_MISMATCH');

    const issued = await lic();
    const [h, p, s] = issued.lic.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = [h, Buffer.from(JSON.stringify({ ...payload, maxNodes: 10_000 })).toString('base64url'), s].join('.');
    const tampered = await upload(bff, forged);
    expect(tampered.status).toBe(422);
    expect(reasonsOf(tampered.body)).toEqual([expect.objectContaining({ name: 'LICENSE_CONTENT_ERROR' })]);
    expect(await bff.store.getContainerLicense()).toBeNull();
  });

  it('refuses a file over 64 KB with 413 and takes one just under it through the checks', async () => {
    const bff = await node();
    const big = await upload(bff, 'x'.repeat(CONTAINER_LIC_MAX_BYTES + 1));
    expect(big.status).toBe(413);
    expect(apiErrorSchema.parse(big.body)).toMatchObject({ name: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining('64 KB') });
    const huge = await upload(bff, 'x'.repeat(CONTAINER_LIC_MAX_BYTES * 4));
    expect(huge.status).toBe(413);
    const justUnder = await upload(bff, 'x'.repeat(CONTAINER_LIC_MAX_BYTES - 10));
    expect(justUnder.status).toBe(422);
    expect(apiErrorSchema.parse(justUnder.body).name).toBe('LICENSE_CONTENT_ERROR');
  });

  it('answers 400 for a body without the file field or not multipart', async () => {
    const bff = await node();
    const noField = await upload(bff, 'abc', { field: 'other' });
    expect(noField.status).toBe(400);
    expect(apiErrorSchema.parse(noField.body).name).toBe('PARAM_INPUT_ERROR');
    const json = await post(bff, '/lic', { file: 'abc' });
    expect(json.status).toBe(400);
    expect(apiErrorSchema.parse(json.body).name).toBe('PARAM_INPUT_ERROR');
  });
});

describe('challenge and verify', () => {
  it('a QR for the stored lic, the phone page code registers this node with the lic grant', async () => {
    const bff = await node();
    const none = await post(bff, '/challenge');
    expect(none.status).toBe(409);
    expect(none.body).toMatchObject({ name: 'CONTAINER_LIC_MISSING', code: 32007 });
    const issued = await lic();
    expect((await upload(bff, issued.lic)).status).toBe(201);
    const res = await post(bff, '/challenge');
    expect(res.status).toBe(201);
    const ch = containerChallengeSchema.parse(res.body);
    expect(ch.svg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    expect(ch.url.startsWith('http://127.0.0.1:8090/a/')).toBe(true);
    const parsed = parsePhonePageUrl(ch.url);
    expect(parsed).toMatchObject({ challengeId: ch.challengeId, licenseId: issued.license.licenseId, kind: 'container', fingerprint: projectFingerprint({ name: 'Demo Project' }) });
    expect(Date.parse(ch.expiresAt) - clock().getTime()).toBeLessThanOrEqual(300_000);

    const ok = await post(bff, '/verify', { challengeId: ch.challengeId, code: phoneCode(ch.url, issued.activationKey) });
    expect(ok.status).toBe(200);
    expect(containerVerifiedSchema.parse(ok.body).grant.licenseId).toBe(issued.license.licenseId);
    const s = await state(bff);
    expect(s).toMatchObject({ method: 'local-container', status: 'registered' });
    expect(s.grant?.company).toBe('ACME 有限公司');
    // Single use: the same code again is a stale QR.
    const again = await post(bff, '/verify', { challengeId: ch.challengeId, code: phoneCode(ch.url, issued.activationKey) });
    expect(apiErrorSchema.parse(again.body).name).toBe('QR_EXPIRED');

    // Regression: the heartbeat loop once took any method but Private Cloud for "not configured" and
    // unregistered a node verified by QR at its next beat.
    clock.advance(2 * 3600e3);
    expect(await bff.service.renew()).toBe('idle');
    expect(await state(bff)).toMatchObject({ method: 'local-container', status: 'registered' });
  });

  it('an expired QR is refused without counting; a refreshed one works', async () => {
    const bff = await node();
    const issued = await lic();
    await upload(bff, issued.lic);
    const ch = containerChallengeSchema.parse((await post(bff, '/challenge')).body);
    clock.advance(5 * 60_000 + 1000);
    const late = await post(bff, '/verify', { code: phoneCode(ch.url, issued.activationKey) });
    expect(late.status).toBe(422);
    expect(apiErrorSchema.parse(late.body).name).toBe('QR_EXPIRED');
    const fresh = containerChallengeSchema.parse((await post(bff, '/challenge')).body);
    expect((await post(bff, '/verify', { code: phoneCode(fresh.url, issued.activationKey) })).status).toBe(200);
  });

  it('wrong codes count down, the fifth locks, and the lock holds on a second BFF on the same store', async () => {
    const { a, b, issued } = await twoNodesWithChallenge();
    // Each node checks codes for the QR codes it made (their keys live in its memory; cluster.test.ts
    // covers a code typed on one node for another node's QR code): the count is per license, in the store.
    const wrongHere = async (bff: TestBff) => wrongOf(phoneCode(containerChallengeSchema.parse((await post(bff, '/challenge')).body).url, issued.activationKey));
    const left: unknown[] = [];
    for (const [i, bff] of [a, b, a, b].entries()) {
      const res = await post(bff, '/verify', { code: await wrongHere(bff) });
      expect(res.status, `attempt ${i + 1}`).toBe(422);
      const body = apiErrorSchema.parse(res.body);
      expect(body.name).toBe('VERIFY_CODE_ERROR');
      left.push(reasonsOf(res.body)[0]?.params?.attemptsLeft);
    }
    expect(left).toEqual([4, 3, 2, 1]);
    const fifth = await post(b, '/verify', { code: await wrongHere(b) });
    expect(fifth.status).toBe(423);
    const until = reasonsOf(fifth.body)[0]?.params?.until;
    expect(until).toBe(new Date(clock().getTime() + 15 * 60_000).toISOString());
    // Locked on both nodes, even for the right code and a fresh QR.
    for (const bff of [a, b]) {
      const fresh = containerChallengeSchema.parse((await post(bff, '/challenge')).body);
      const res = await post(bff, '/verify', { code: phoneCode(fresh.url, issued.activationKey) });
      expect(res.status).toBe(423);
      expect(apiErrorSchema.parse(res.body).name).toBe('VERIFY_LOCKED');
    }
    clock.advance(15 * 60_000);
    const reopened = containerChallengeSchema.parse((await post(a, '/challenge')).body);
    expect((await post(a, '/verify', { code: phoneCode(reopened.url, issued.activationKey) })).status).toBe(200);
  });

  it('a code for a QR code made before this process started (its key is gone) is QR_EXPIRED, not counted', async () => {
    const store = await sharedStore();
    const first = await node({ store });
    const issued = await lic();
    await upload(first, issued.lic);
    const ch = containerChallengeSchema.parse((await post(first, '/challenge')).body);
    const second = await node({ store }); // the same node id, a new process: another memory
    const res = await post(second, '/verify', { challengeId: ch.challengeId, code: phoneCode(ch.url, issued.activationKey) });
    expect(res.status).toBe(422);
    expect(apiErrorSchema.parse(res.body).name).toBe('QR_EXPIRED');
    expect((await state(second)).localContainer?.gate).toEqual({ kind: 'open', attemptsLeft: 5 });
  });

  it('at most 10 codes a minute are checked on a node, whatever the lock (an operator resetting it cannot guess fast)', async () => {
    const bff = await node();
    const issued = await lic();
    await upload(bff, issued.lic);
    const names: string[] = [];
    for (let i = 0; i < 11; i += 1) {
      // The lock reset each time, as someone editing the store would.
      await bff.store.setVerificationLock(issued.license.licenseId, { consecutiveFailures: 0, lockouts: 0, lockedUntil: null, disabled: false }, clock());
      const ch = containerChallengeSchema.parse((await post(bff, '/challenge')).body);
      names.push(apiErrorSchema.parse((await post(bff, '/verify', { code: wrongOf(phoneCode(ch.url, issued.activationKey)) })).body).name);
    }
    expect(names).toEqual([...Array(10).fill('VERIFY_CODE_ERROR'), 'RATE_LIMITED']);
    clock.advance(60_000);
    const ch = containerChallengeSchema.parse((await post(bff, '/challenge')).body);
    expect((await post(bff, '/verify', { code: phoneCode(ch.url, issued.activationKey) })).status).toBe(200);
  });

  it('a restart keeps the lic and asks for the QR scan again (no upload); the state shows the gate', async () => {
    const store = await sharedStore();
    const first = await node({ store });
    const issued = await lic();
    await upload(first, issued.lic);
    const ch1 = containerChallengeSchema.parse((await post(first, '/challenge')).body);
    await post(first, '/verify', { code: wrongOf(phoneCode(ch1.url, issued.activationKey)) });
    expect((await post(first, '/verify', { code: phoneCode(ch1.url, issued.activationKey) })).status).toBe(200);
    expect(await state(first)).toMatchObject({ status: 'registered', localContainer: { gate: { kind: 'open', attemptsLeft: 5 } } });

    clock.advance(60_000);
    const restartedAt = clock().toISOString();
    const second = await node({ store }); // the same node id, a new process run
    const s = await state(second);
    expect(s).toMatchObject({ method: 'local-container', status: 'verification-needed', grant: null });
    expect(s.node.reasons).toEqual([{ code: 32008, name: 'CONTAINER_VERIFICATION_NEEDED', params: { since: restartedAt } }]);
    expect(s.localContainer).toMatchObject({ grant: { licenseId: issued.license.licenseId, maxConnections: 2 }, uploadedBy: 'admin' });
    // Its beats do not register it by themselves: no other node holds the verification.
    expect(await second.service.renew()).toBe('idle');
    expect((await state(second)).status).toBe('verification-needed');

    const ch = containerChallengeSchema.parse((await post(second, '/challenge')).body);
    const wrong = await post(second, '/verify', { challengeId: ch.challengeId, code: wrongOf(phoneCode(ch.url, issued.activationKey)) });
    expect(reasonsOf(wrong.body)[0]?.params).toEqual({ attemptsLeft: 4 });
    expect((await state(second)).localContainer?.gate).toEqual({ kind: 'open', attemptsLeft: 4 });
    expect((await post(second, '/verify', { challengeId: ch.challengeId, code: phoneCode(ch.url, issued.activationKey) })).status).toBe(200);
    expect(await state(second)).toMatchObject({ status: 'registered', node: { reasons: [] }, grant: { licenseId: issued.license.licenseId } });
  });

  it('the state shows a lock with its opening time to every node', async () => {
    const { a, b, issued } = await twoNodesWithChallenge();
    for (let i = 0; i < 5; i++) {
      const bff = i % 2 ? b : a;
      const ch = containerChallengeSchema.parse((await post(bff, '/challenge')).body);
      await post(bff, '/verify', { code: wrongOf(phoneCode(ch.url, issued.activationKey)) });
    }
    const until = new Date(clock().getTime() + 15 * 60_000).toISOString();
    for (const bff of [a, b]) expect((await state(bff)).localContainer?.gate).toEqual({ kind: 'locked', until });
    clock.advance(15 * 60_000);
    expect((await state(b)).localContainer?.gate).toEqual({ kind: 'open', attemptsLeft: 5 });
  });

  it("an operator's reset-lock opens a disabled code entry at once", async () => {
    const bff = await node();
    expect(await resetLock(bff.store, clock())).toBeNull(); // no lic: nothing to reset
    const issued = await lic();
    await upload(bff, issued.lic);
    await bff.store.setVerificationLock(issued.license.licenseId, { consecutiveFailures: 100, lockouts: 20, lockedUntil: null, disabled: true }, clock());
    expect((await state(bff)).localContainer?.gate).toEqual({ kind: 'disabled', failures: 100 });
    expect(await resetLock(bff.store, clock())).toEqual({ licenseId: issued.license.licenseId });
    expect((await state(bff)).localContainer?.gate).toEqual({ kind: 'open', attemptsLeft: 5 });
  });

  it('in a cluster, other nodes join a verification held by a live node, up to the lic\'s node count', async () => {
    const store = await sharedStore();
    const a = await node({ store, nodeId: 'node-a' });
    const issued = await lic({ maxNodes: 2 });
    await upload(a, issued.lic);
    const ch = containerChallengeSchema.parse((await post(a, '/challenge')).body);
    expect((await post(a, '/verify', { code: phoneCode(ch.url, issued.activationKey) })).status).toBe(200);

    const b = await node({ store, nodeId: 'node-b' });
    // Before node-a has written its row since node-b started, node-b cannot tell it is alive: it waits.
    expect(await b.service.renew()).toBe('idle');
    expect((await state(b)).status).toBe('verification-needed');
    clock.advance(5_000);
    await a.service.renew(); // node-a's liveness, written after node-b's start
    expect(await b.service.renew()).toBe('ok');
    expect(await state(b)).toMatchObject({ status: 'registered', grant: { licenseId: issued.license.licenseId } });

    const c = await node({ store, nodeId: 'node-c' });
    clock.advance(5_000);
    await a.service.renew();
    expect(await c.service.renew()).toBe('failed');
    const sc = await state(c);
    expect(sc.status).toBe('failed');
    expect(sc.node.reasons).toEqual([{ code: 32002, name: 'CLUSTER_NODES_EXCEEDED', params: { max: 2, nodes: 3 } }]);
    expect(sc.nodes.map((n) => [n.nodeId, n.status]).sort()).toEqual([
      ['node-a', 'registered'],
      ['node-b', 'registered'],
      ['node-c', 'failed'],
    ]);

    // Every node restarts: nobody holds the verification any more, so each one waits for a QR scan.
    const again = [await node({ store, nodeId: 'node-a' }), await node({ store, nodeId: 'node-b' })];
    clock.advance(5_000);
    for (const bff of again) expect(await bff.service.renew()).toBe('idle');
    for (const bff of again) expect((await state(bff)).status).toBe('verification-needed');
  });

  it('a verified node whose lic expires fails with LICENSE_EXPIRED at its next beat', async () => {
    const bff = await node();
    const issued = await lic({ expiresAt: new Date(clock().getTime() + DAY) });
    await upload(bff, issued.lic);
    const ch = containerChallengeSchema.parse((await post(bff, '/challenge')).body);
    expect((await post(bff, '/verify', { code: phoneCode(ch.url, issued.activationKey) })).status).toBe(200);
    clock.advance(DAY);
    expect(await bff.service.renew()).toBe('failed');
    const s = await state(bff);
    expect(s.status).toBe('failed');
    expect(s.node.reasons[0]).toMatchObject({ name: 'LICENSE_EXPIRED', params: { expiresAt: issued.license.expiresAt } });
  });

  it('rejects a malformed verify body with 400', async () => {
    const bff = await node();
    const res = await post(bff, '/verify', { code: 123456 });
    expect(res.status).toBe(400);
    expect(apiErrorSchema.parse(res.body).name).toBe('PARAM_INPUT_ERROR');
  });
});

describe('what the customer holds computes no code', () => {
  it('1,000 codes derived from Container.lic and the BFF\'s data files the way the old format allowed: 0 accepted; the vendor\'s code: accepted', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'bff-secrets-'));
    const store = await createPgliteStore(dir);
    suite.defer(() => rm(dir, { recursive: true, force: true }));
    const bff = await node({ store });
    const issued = await lic();
    await upload(bff, issued.lic);
    await post(bff, '/challenge'); // a challenge on disk too, as someone reading the files would find it
    await store.close().catch(() => undefined);
    // Everything on disk at the customer's: the lic, and every file of the store (PGlite's own pages).
    const texts = [issued.lic, JSON.stringify(issued.license)];
    for (const file of await readdir(dir, { recursive: true, withFileTypes: true })) {
      if (file.isFile()) texts.push((await readFile(path.join(file.parentPath, file.name))).toString('latin1'));
    }
    const candidates = new Set<string>();
    for (const text of texts) for (const m of text.matchAll(/[A-Za-z0-9_-]{16,171}/g)) if (m[0].length % 4 !== 1) candidates.add(m[0]);
    expect(candidates.size).toBeGreaterThan(10);

    const live = await node({ store: await createPgliteStore(dir) });
    suite.defer(() => live.store.close()); // before the folder goes (deferred clean-ups run in reverse)
    let tried = 0;
    let accepted = 0;
    for (const secret of [...candidates].slice(0, 1000)) {
      // Every attempt really checked: the lock reset and the per-minute cap moved past.
      await live.store.setVerificationLock(issued.license.licenseId, { consecutiveFailures: 0, lockouts: 0, lockedUntil: null, disabled: false }, clock());
      if (tried % 10 === 0) clock.advance(60_000);
      const ch = containerChallengeSchema.parse((await post(live, '/challenge')).body);
      const c = parsePhonePageUrl(ch.url);
      const code = computeVerificationCode({ secret: Buffer.from(secret, 'utf8'), challengeId: c.challengeId, fingerprint: c.fingerprint, expiresAt: c.expiresAt });
      const res = await post(live, '/verify', { challengeId: ch.challengeId, code });
      tried += 1;
      if (res.status === 200) accepted += 1;
      else expect(apiErrorSchema.parse(res.body).name).toBe('VERIFY_CODE_ERROR');
    }
    expect(tried).toBeGreaterThanOrEqual(Math.min(1000, candidates.size));
    expect(accepted).toBe(0);
    clock.advance(60_000);
    const ch = containerChallengeSchema.parse((await post(live, '/challenge')).body);
    expect((await post(live, '/verify', { code: phoneCode(ch.url, issued.activationKey) })).status).toBe(200);
    expect(texts.join('')).not.toContain(issued.activationKey.d);
  }, 120_000);
});
