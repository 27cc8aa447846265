import { afterEach, describe, expect, it } from 'vitest';
import type { Grant } from '@registration/protocol/bff-api';
import type { LeasePayload } from '@registration/protocol/license';
import { initialLockState, type LockState } from '@registration/licensing/lockout';
import type { ContainerLicensePayload } from '@registration/protocol/container-license';
import type { ContainerChallengeRecord, ContainerLicenseRecord, NodeRecord, RegistrationStore, TrustedCertificateRecord } from './types.ts';

/** How a store implementation is opened for the shared contract. */
export interface StoreFactory {
  /** A fresh, empty, migrated store. */
  open(): Promise<RegistrationStore>;
  /** `n` stores opened at the same time on ONE fresh database (migrations race); omit if the engine is single-process. */
  openConcurrently?(n: number): Promise<RegistrationStore[]>;
}

const t0 = new Date('2026-11-02T08:00:00.000Z');

const lease: LeasePayload = {
  type: 'lease',
  leaseId: 'lease-1',
  licenseId: 'lic-1',
  nodeId: 'node-a',
  nonce: 'AAAAAAAAAAAAAAAAAAAAAA',
  peer: '127.0.0.1',
  issuedAt: t0.toISOString(),
  expiresAt: new Date(t0.getTime() + 86_400_000).toISOString(),
  maxConnections: 10,
  inUse: 1,
};

const grant: Grant = {
  licenseId: 'lic-1',
  company: 'ACME 有限公司',
  project: null,
  product: 'FineReport',
  productVersion: '11.0',
  features: ['a', 'b'],
  domains: ['localhost'],
  appNames: ['webroot'],
  ipRanges: '127.0.0.1, ::1',
  port: 8081,
  expiresAt: '2027-11-01T00:00:00.000Z',
  maxConnections: 10,
  inUse: 1,
};

function node(overrides: Partial<NodeRecord> = {}): NodeRecord {
  return {
    nodeId: 'node-a',
    address: '127.0.0.1:8080',
    status: 'registered',
    serverUrl: 'https://127.0.0.1:8081',
    lease,
    leaseId: lease.leaseId,
    leaseKey: 'L'.repeat(43),
    grant,
    validUntil: new Date(lease.expiresAt),
    lastSuccessAt: t0,
    failureAt: null,
    reasons: [],
    unreachableSince: null,
    seenAt: t0,
    clockSkewMs: null,
    configAt: null,
    ...overrides,
  };
}

const FP_A = Array.from({ length: 32 }, (_, i) => (i * 7).toString(16).padStart(2, '0').toUpperCase()).join(':');
const FP_B = Array.from({ length: 32 }, (_, i) => (255 - i).toString(16).toUpperCase()).join(':');

function trusted(overrides: Partial<TrustedCertificateRecord> = {}): TrustedCertificateRecord {
  return {
    origin: 'https://172.16.63.131:49155',
    fingerprint: FP_A,
    subject: 'CN=localhost\nO=License Server (self-signed)',
    confirmedBy: 'admin',
    confirmedAt: t0,
    ...overrides,
  };
}

const containerPayload: ContainerLicensePayload = {
  type: 'container',
  licenseId: 'clic-1',
  company: 'ACME 有限公司',
  project: 'Demo Project',
  appName: 'webroot',
  productVersion: '11.0',
  issuedAt: t0.toISOString(),
  expiresAt: '2027-11-01T00:00:00.000Z',
  maxNodes: 3,
  features: ['a'],
  activationKey: 'A'.repeat(43),
};

function containerLic(overrides: Partial<ContainerLicenseRecord> = {}): ContainerLicenseRecord {
  return { lic: 'eyJ.header.sig', license: containerPayload, uploadedAt: t0, uploadedBy: 'admin', ...overrides };
}

function challenge(overrides: Partial<ContainerChallengeRecord> = {}): ContainerChallengeRecord {
  return { challengeId: 'ch-1', licenseId: 'clic-1', fingerprint: 'fp', expiresAt: new Date(t0.getTime() + 300_000), usedAt: null, exchangeKey: 'X'.repeat(43), nodeId: 'node-a', ...overrides };
}

const locked: LockState = { consecutiveFailures: 5, lockouts: 1, lockedUntil: '2026-11-02T08:15:00.000Z', disabled: false };

/** The behaviour every RegistrationStore must show; run by each implementation's test file. */
export function storeContract(name: string, factory: StoreFactory): void {
  describe(`${name} store contract`, () => {
    const opened: RegistrationStore[] = [];
    const open = async () => {
      const s = await factory.open();
      opened.push(s);
      return s;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    });

    it('starts empty', async () => {
      const s = await open();
      expect(await s.getConfig()).toBeNull();
      expect(await s.getNode('node-a')).toBeNull();
      expect(await s.listNodes()).toEqual([]);
    });

    it('keeps one cluster-wide configuration row', async () => {
      const s = await open();
      await s.setConfig({ method: 'private-cloud', serverUrl: 'https://a:1', updatedAt: t0, updatedBy: 'admin' });
      const later = new Date(t0.getTime() + 1000);
      await s.setConfig({ method: 'private-cloud', serverUrl: 'https://b:2', updatedAt: later, updatedBy: 'root' });
      expect(await s.getConfig()).toEqual({
        method: 'private-cloud',
        serverUrl: 'https://b:2',
        updatedAt: later,
        updatedBy: 'root',
        registrationKey: null,
      });
      // The license server's registration key travels with the configuration.
      await s.setConfig({ method: 'private-cloud', serverUrl: 'https://b:2', updatedAt: later, updatedBy: 'root', registrationKey: 'k'.repeat(20) });
      expect((await s.getConfig())?.registrationKey).toBe('k'.repeat(20));
      await s.clearConfig();
      expect(await s.getConfig()).toBeNull();
      await s.clearConfig(); // idempotent
    });

    it('round-trips a node with its lease, grant, reasons and times', async () => {
      const s = await open();
      const n = node();
      await s.upsertNode(n);
      expect(await s.getNode('node-a')).toEqual(n);
    });

    it('replaces a node in place and lists nodes by id', async () => {
      const s = await open();
      await s.upsertNode(node({ nodeId: 'node-b' }));
      await s.upsertNode(node());
      const failed = node({
        status: 'failed',
        lease: null,
        leaseId: null,
        leaseKey: null,
        grant: null,
        validUntil: null,
        failureAt: new Date(t0.getTime() + 5000),
        reasons: [
          { code: 30003, name: 'LICENSE_IP_ERROR', params: { peer: '10.0.0.1', allowed: '127.0.0.1' } },
          { code: 30005, name: 'LICENSE_APPNAME_ERROR', params: { appName: 'x', allowed: ['webroot'] } },
        ],
        unreachableSince: new Date(t0.getTime() + 3000),
      });
      await s.upsertNode(failed);
      const nodes = await s.listNodes();
      expect(nodes.map((n) => n.nodeId)).toEqual(['node-a', 'node-b']);
      expect(nodes[0]).toEqual(failed);
    });

    it('writes liveness and skew without touching the outcome, and keeps the configuration an outcome answered', async () => {
      const s = await open();
      const configAt = new Date(t0.getTime() + 1000);
      await s.upsertNode(node({ configAt }));
      await s.touchNode('node-a', new Date(t0.getTime() + 9000), -90_500.4);
      expect(await s.getNode('node-a')).toEqual(node({ configAt, seenAt: new Date(t0.getTime() + 9000), clockSkewMs: -90_500 }));
      // A write without configAt (a liveness-only or follow-up write) keeps the stored one; the skew stays too.
      await s.upsertNode(node({ status: 'degraded', configAt: undefined }));
      expect(await s.getNode('node-a')).toMatchObject({ status: 'degraded', configAt, clockSkewMs: -90_500 });
      await s.touchNode('node-unknown', t0, 0); // no row: nothing to update, no error
      expect((await s.listNodes()).map((n) => n.nodeId)).toEqual(['node-a']);
    });

    it('lists nodes without lease and grant when asked, everything else the same', async () => {
      const s = await open();
      await s.upsertNode(node());
      expect(await s.listNodes({ withoutLeaseAndGrant: true })).toEqual([node({ lease: null, grant: null, leaseKey: null })]);
    });

    it("makes a node's key once: every later call, and a concurrent first one, answers the stored key", async () => {
      const s = await open();
      let made = 0;
      const make = () => {
        made += 1;
        return { x: String.fromCharCode(64 + made).repeat(43), d: 'd'.repeat(43) };
      };
      const [first, second] = await Promise.all([s.nodeKey('node-a', make, t0), s.nodeKey('node-a', make, t0)]);
      expect(first).toEqual(second);
      expect(first).toMatchObject({ nodeId: 'node-a', d: 'd'.repeat(43), createdAt: t0 });
      expect(await s.nodeKey('node-a', make, new Date(t0.getTime() + 1))).toEqual(first);
      expect((await s.nodeKey('node-b', make, t0)).x).not.toBe(first.x);
    });

    it('keeps intents per node and server, oldest first, and clears them one by one', async () => {
      const s = await open();
      await s.setIntent({ nodeId: 'node-a', kind: 'held', serverUrl: 'https://b:2', startedAt: new Date(t0.getTime() + 1) });
      await s.setIntent({ nodeId: 'node-a', kind: 'deregister', serverUrl: 'https://a:1', startedAt: t0 });
      await s.setIntent({ nodeId: 'node-b', kind: 'held', serverUrl: 'https://a:1', startedAt: t0 });
      expect((await s.listIntents('node-a')).map((i) => [i.kind, i.serverUrl])).toEqual([['deregister', 'https://a:1'], ['held', 'https://b:2']]);
      // The same server again replaces the intent (a Re-register's unanswered deregister becomes `held`).
      await s.setIntent({ nodeId: 'node-a', kind: 'held', serverUrl: 'https://a:1', startedAt: t0 });
      expect((await s.listIntents('node-a'))[0]).toEqual({ nodeId: 'node-a', kind: 'held', serverUrl: 'https://a:1', startedAt: t0 });
      await s.clearIntent('node-a', 'https://a:1');
      expect((await s.listIntents('node-a')).map((i) => i.serverUrl)).toEqual(['https://b:2']);
      expect(await s.listIntents('node-b')).toHaveLength(1);
    });

    it('keeps the last failed attempt apart from the configuration until it is cleared', async () => {
      const s = await open();
      expect(await s.getAttempt()).toBeNull();
      const attempt = { serverUrl: 'https://typo:1', attemptedAt: t0, attemptedBy: 'admin', nodeId: 'node-a', reasons: [{ code: 31001, name: 'CONNECTION_DNS' as const, params: { host: 'typo' } }] };
      await s.setAttempt(attempt);
      expect(await s.getAttempt()).toEqual(attempt);
      await s.setAttempt({ ...attempt, serverUrl: 'https://other:2' });
      expect((await s.getAttempt())?.serverUrl).toBe('https://other:2');
      await s.setAttempt(null);
      expect(await s.getAttempt()).toBeNull();
    });

    it("answers the database's own clock", async () => {
      const s = await open();
      expect(Math.abs((await s.now()).getTime() - Date.now())).toBeLessThan(60_000);
    });

    it('reads a verification lock without locking, the initial one when none was written', async () => {
      const s = await open();
      expect(await s.readVerificationLock('clic-9')).toEqual(initialLockState);
      const locked = { consecutiveFailures: 5, lockouts: 1, lockedUntil: t0.toISOString(), disabled: false };
      await s.setVerificationLock('clic-9', locked, t0);
      expect(await s.readVerificationLock('clic-9')).toEqual(locked);
    });

    it('commits every write of a transaction together', async () => {
      const s = await open();
      await s.transaction(async (tx) => {
        await tx.setConfig({ method: 'private-cloud', serverUrl: 'https://a:1', updatedAt: t0, updatedBy: 'admin' });
        await tx.upsertNode(node());
      });
      expect(await s.getConfig()).not.toBeNull();
      expect(await s.getNode('node-a')).not.toBeNull();
    });

    it('leaves nothing behind when a transaction fails half-way', async () => {
      const s = await open();
      await s.upsertNode(node({ status: 'unregistered', lease: null, leaseId: null, grant: null }));
      const attempt = s.transaction(async (tx) => {
        await tx.setConfig({ method: 'private-cloud', serverUrl: 'https://a:1', updatedAt: t0, updatedBy: 'admin' });
        await tx.upsertNode(node());
        throw new Error('boom after two writes');
      });
      await expect(attempt).rejects.toThrow('boom after two writes');
      expect(await s.getConfig()).toBeNull();
      expect((await s.getNode('node-a'))?.status).toBe('unregistered');
    });

    it('keeps one confirmed certificate per origin: round-trip, re-confirm replaces, forget removes', async () => {
      const s = await open();
      expect(await s.getTrustedCertificate('https://172.16.63.131:49155')).toBeNull();
      expect(await s.listTrustedCertificates()).toEqual([]);
      const first = trusted();
      await s.trustCertificate(first);
      await s.trustCertificate(trusted({ origin: 'https://10.0.0.5:8081', confirmedBy: 'root' }));
      expect(await s.getTrustedCertificate(first.origin)).toEqual(first);
      const renewed = trusted({ fingerprint: FP_B, subject: 'CN=license.example', confirmedBy: 'root', confirmedAt: new Date(t0.getTime() + 60_000) });
      await s.trustCertificate(renewed);
      expect(await s.getTrustedCertificate(first.origin)).toEqual(renewed);
      expect((await s.listTrustedCertificates()).map((c) => c.origin)).toEqual(['https://10.0.0.5:8081', first.origin]);
      expect(await s.forgetCertificate(first.origin)).toBe(true);
      expect(await s.forgetCertificate(first.origin)).toBe(false);
      expect(await s.getTrustedCertificate(first.origin)).toBeNull();
      expect(await s.listTrustedCertificates()).toHaveLength(1);
    });

    it('refuses a fingerprint that is not SHA-256 colon hex, storing nothing', async () => {
      const s = await open();
      await expect(s.trustCertificate(trusted({ fingerprint: 'ab:cd' }))).rejects.toThrow();
      await expect(s.trustCertificate(trusted({ fingerprint: FP_A.toLowerCase() }))).rejects.toThrow();
      expect(await s.listTrustedCertificates()).toEqual([]);
    });

    it('keeps one Container.lic; a new lic replaces it and drops the old challenge', async () => {
      const s = await open();
      expect(await s.getContainerLicense()).toBeNull();
      expect(await s.getContainerChallenge()).toBeNull();
      await s.setContainerLicense(containerLic());
      expect(await s.getContainerLicense()).toEqual(containerLic());
      await s.setContainerChallenge(challenge());
      expect(await s.getContainerChallenge()).toEqual(challenge());
      const second = containerLic({ lic: 'other', license: { ...containerPayload, licenseId: 'clic-2' }, uploadedBy: 'root' });
      await s.setContainerLicense(second);
      expect(await s.getContainerLicense()).toEqual(second);
      expect(await s.getContainerChallenge()).toBeNull();
    });

    it('replaces the challenge and uses it at most once', async () => {
      const s = await open();
      await s.setContainerChallenge(challenge());
      await s.setContainerChallenge(challenge({ challengeId: 'ch-2' }));
      const at = new Date(t0.getTime() + 1000);
      expect(await s.useContainerChallenge('ch-1', at)).toBe(false);
      expect(await s.useContainerChallenge('ch-2', at)).toBe(true);
      expect(await s.useContainerChallenge('ch-2', at)).toBe(false);
      expect(await s.getContainerChallenge()).toEqual(challenge({ challengeId: 'ch-2', usedAt: at }));
    });

    it('keeps the verification lock per license; a failed transaction keeps the old one', async () => {
      const s = await open();
      expect(await s.transaction((tx) => tx.lockVerification('clic-1'))).toEqual(initialLockState);
      await s.transaction(async (tx) => {
        await tx.lockVerification('clic-1');
        await tx.setVerificationLock('clic-1', locked, t0);
      });
      expect(await s.transaction((tx) => tx.lockVerification('clic-1'))).toEqual(locked);
      expect(await s.transaction((tx) => tx.lockVerification('clic-2'))).toEqual(initialLockState);
      const attempt = s.transaction(async (tx) => {
        await tx.setVerificationLock('clic-1', initialLockState, t0);
        throw new Error('boom after the write');
      });
      await expect(attempt).rejects.toThrow('boom after the write');
      expect(await s.transaction((tx) => tx.lockVerification('clic-1'))).toEqual(locked);
    });

    if (factory.openConcurrently) {
      const openPair = factory.openConcurrently.bind(factory);
      it('serialises verification-lock updates between nodes (no lost count)', async () => {
        const stores = await openPair(2);
        opened.push(...stores);
        const [a, b] = stores;
        // 10 increments from each node, interleaved: every one must count.
        const bump = (s: RegistrationStore) =>
          s.transaction(async (tx) => {
            const st = await tx.lockVerification('clic-1');
            await tx.setVerificationLock('clic-1', { ...st, consecutiveFailures: st.consecutiveFailures + 1 }, t0);
          });
        await Promise.all(Array.from({ length: 20 }, (_, i) => bump(i % 2 === 0 ? a! : b!)));
        expect((await a!.transaction((tx) => tx.lockVerification('clic-1'))).consecutiveFailures).toBe(20);
        await a!.setContainerLicense(containerLic());
        expect(await b!.getContainerLicense()).toEqual(containerLic());
      });
    }

    if (factory.openConcurrently) {
      const openConcurrently = factory.openConcurrently.bind(factory);
      it('migrates once when several nodes start at the same time', async () => {
        const stores = await openConcurrently(4);
        opened.push(...stores);
        const [first, second] = stores;
        await first!.upsertNode(node());
        expect((await second!.getNode('node-a'))?.leaseId).toBe('lease-1');
      });

      it('shares confirmed certificates between nodes (cluster-wide)', async () => {
        const stores = await openConcurrently(2);
        opened.push(...stores);
        const [a, b] = stores;
        await a!.trustCertificate(trusted());
        expect(await b!.getTrustedCertificate(trusted().origin)).toEqual(trusted());
        expect(await b!.forgetCertificate(trusted().origin)).toBe(true);
        expect(await a!.getTrustedCertificate(trusted().origin)).toBeNull();
      });
    }
  });
}
