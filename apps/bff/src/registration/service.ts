import type {
  ConnectionTestResult,
  RegisterResult,
  RegistrationState,
  RegistrationStatus,
} from '@registration/protocol/bff-api';
import type { Logger } from 'pino';
import type { BffConfig } from '../config.ts';
import { generateNodeKey, loadNodeKey } from '@registration/licensing/node-proof';
import type { NodeSigningKey } from '@registration/licensing/node-requests';
import type { LicenseClient, NodeIdentity } from '../license-client/types.ts';
import type { NodeRecord, RegistrationStore } from '../store/types.ts';
import { containerGrant, createLocalContainerService, type LocalContainerService } from '../local-container/service.ts';
import { reason } from '../errors.ts';
import {
  blankNode,
  failedNode,
  hasLapsed,
  isStale,
  NODE_LIVENESS_INTERVAL_MS,
  lapsedNode,
  toNodeState,
  verifiedNode,
  type Self,
} from './node-record.ts';
import { beatTransition, createHistory, type History } from './history.ts';
import { createPrivateCloud, type RenewOutcome } from './private-cloud.ts';

/**
 * What one heartbeat achieved, for the loop's schedule: `ok` — a lease was granted or renewed;
 * `failed` — an attempt was made and failed (the loop backs off); `idle` — nothing to renew.
 */
export type { RenewOutcome };

/** The registration use cases behind the routes, plus the heartbeat's renewal. */
export interface RegistrationService {
  state(): Promise<RegistrationState>;
  /** Submit: register every node at `serverUrl` (with the server's registration key, when it wants one). */
  registerPrivateCloud(serverUrl: string, by: string, registrationKey?: string | null): Promise<RegisterResult>;
  testConnection(serverUrl: string): Promise<ConnectionTestResult>;
  deregister(by: string): Promise<RegistrationState>;
  /** One heartbeat of this node: renew, (re)register, or follow a cluster-wide deregistration. */
  renew(): Promise<RenewOutcome>;
  /**
   * Once per process start, before the first request: makes this node's key on its first start; a node
   * verified by Local Container in an earlier run needs its QR code scanned again (the lic is kept) unless
   * another live node holds the verification.
   */
  boot(): Promise<void>;
  /** Upload, QR challenge and code of Local Container; the code's write takes its turn on this node's row. */
  localContainer: LocalContainerService;
  /**
   * The liveness write (every few seconds): this node is alive, and how far its clock is from the store's.
   * True when this node should beat now: the cluster configuration changed since it last acted on it (a
   * submit or Re-register on another node), or it waits to join a Local Container verification.
   */
  touch(): Promise<boolean>;
  /** Something on this node changed the store (a request did): later state reads start afresh. */
  wrote(): void;
  /** The registration history: recorded by the routes (administrators' actions) and by `renew` (the node's own). */
  history: History;
}

export interface ServiceDeps {
  store: RegistrationStore;
  clock: () => Date;
  licenseClient: LicenseClient;
  logger: Logger;
  config: BffConfig;
  /** The store's clock, the reference for clock skew and staleness (default: the database's `now()`). */
  storeClock?: () => Promise<Date>;
}

/** `https://h:1/` and `https://h:1` are the same server; keep one spelling in the store. */
export function normalizeServerUrl(serverUrl: string): string {
  const u = new URL(serverUrl.trim());
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
}

export function createRegistrationService(deps: ServiceDeps): RegistrationService {
  const { store, clock, licenseClient, logger, config } = deps;
  const self: Self = { nodeId: config.nodeId, address: config.nodeAddress };
  const identity: NodeIdentity = {
    nodeId: config.nodeId,
    productVersion: config.product.version,
    appName: config.appName,
    domain: config.domain,
    project: config.project,
  };

  // This node's key, made on its first start and kept in the store; never logged, never sent.
  let signing: Promise<NodeSigningKey> | null = null;
  const signingKey = (): Promise<NodeSigningKey> => {
    signing ??= store.nodeKey(config.nodeId, () => generateNodeKey(), clock()).then((k) => loadNodeKey({ kty: 'OKP', crv: 'Ed25519', x: k.x, d: k.d }));
    // A failed read is tried again at the next use.
    signing.catch(() => {
      signing = null;
    });
    return signing;
  };
  const privateCloud = createPrivateCloud({ store, clock, licenseClient, logger, self, identity, signingKey });

  // Submit, Re-register and the heartbeat all read-modify-write this node's row: one at a time.
  let queue: Promise<unknown> = Promise.resolve();
  function serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = queue.then(fn, fn).finally(wrote);
    queue = run.catch(() => undefined);
    return run;
  }

  // Writes on this node so far: a read of the state may be shared by concurrent requests only while no
  // write happened since it started, so an answer never predates a write its caller has already seen finish.
  let generation = 0;
  function wrote() {
    generation += 1;
  }

  const current = async (): Promise<NodeRecord> => (await store.getNode(self.nodeId)) ?? blankNode(self, clock());
  const livenessMs = config.livenessIntervalMs ?? NODE_LIVENESS_INTERVAL_MS;
  const storeClock = deps.storeClock ?? (() => store.now());
  // This node's clock minus the store's, as last measured; the store's clock is then read without a query.
  let ownSkewMs = 0;
  const storeNow = () => new Date(clock().getTime() - ownSkewMs);
  const stale = (n: NodeRecord, at: Date) => n.nodeId !== self.nodeId && isStale(n, at, livenessMs);
  const history = createHistory({ store, clock, nodeId: self.nodeId, logger });
  const localContainer = createLocalContainerService({ ...deps, serialized, isLive: (n) => !stale(n, storeNow()) });
  const bootAt = clock();

  /**
   * A beat under Local Container (no license server to renew with): a verified node checks its lic has not
   * expired; any other node joins the verification held by a live peer — a node that wrote its row after
   * this process started, so it is running now and was verified (or joined) in its current run — as long
   * as the lic's node count allows; with no such peer it waits for a QR scan.
   */
  async function followLocalContainer(configAt: Date): Promise<RenewOutcome> {
    const prev = await current();
    const put = (n: NodeRecord) => store.upsertNode({ ...n, configAt });
    const now = clock();
    const stored = await store.getContainerLicense();
    if (!stored) {
      await put({ ...prev, ...self, seenAt: now });
      return 'idle';
    }
    const { license } = stored;
    const expired = now.getTime() >= Date.parse(license.expiresAt);
    if (prev.status === 'registered') {
      if (!expired) {
        await put({ ...prev, ...self, seenAt: now });
        return 'idle';
      }
      await put(failedNode(prev, self, null, [reason('LICENSE_EXPIRED', { expiresAt: license.expiresAt })], false, now));
      return 'failed';
    }
    const verified = (await store.listNodes()).filter(
      (n) => n.nodeId !== self.nodeId && n.status === 'registered' && n.serverUrl === null && !stale(n, storeNow()),
    );
    // Someone verified (or joined) in a run that is still going: it wrote its row after this process started.
    const holder = verified.some((n) => n.seenAt.getTime() > bootAt.getTime());
    if (!holder || expired) {
      await put(prev.status === 'verification-needed' ? { ...prev, ...self, seenAt: now } : verificationNeeded(prev, now));
      return 'idle';
    }
    if (verified.length >= license.maxNodes) {
      const over = reason('CLUSTER_NODES_EXCEEDED', { max: license.maxNodes, nodes: verified.length + 1 });
      await put(failedNode(prev, self, null, [over], false, now));
      return 'failed';
    }
    await put(verifiedNode(prev, self, containerGrant(license, config.product.name), new Date(license.expiresAt), now));
    logger.info({ nodeId: self.nodeId, licenseId: license.licenseId }, 'Local Container: joined the verified cluster');
    return 'ok';
  }

  /** This node's row once the QR code must be scanned again (lic kept, no grant until then). */
  function verificationNeeded(prev: NodeRecord, now: Date): NodeRecord {
    return {
      ...blankNode(self, now),
      status: 'verification-needed',
      lastSuccessAt: prev.lastSuccessAt,
      reasons: [reason('CONTAINER_VERIFICATION_NEEDED', { since: now.toISOString() })],
    };
  }

  /** Concurrent reads of the state share one trip to the store (a cluster table polled by many tabs). */
  let reading: { generation: number; answer: Promise<RegistrationState> } | null = null;
  function state(): Promise<RegistrationState> {
    if (reading && reading.generation === generation) return reading.answer;
    const mine = { generation, answer: readState() };
    reading = mine;
    void mine.answer.finally(() => {
      if (reading === mine) reading = null;
    }).catch(() => undefined);
    return mine.answer;
  }

  async function readState(): Promise<RegistrationState> {
    const [cfg, listed, own, lic, attempt] = await Promise.all([
      store.getConfig(),
      store.listNodes({ withoutLeaseAndGrant: true }),
      store.getNode(self.nodeId),
      localContainer.state(),
      store.getAttempt(),
    ]);
    // This node's row in full (its grant is the answer's); the others' as the table needs them.
    const nodes = own ? listed.map((n) => (n.nodeId === own.nodeId ? own : n)) : listed;
    const now = clock();
    const onStoreClock = storeNow();
    // The 24-hour rule holds when the state is read too, not only at the next heartbeat: a row that still
    // says registered/degraded after 24 h without an answer (this node's beat is late or its process was
    // down, or another node stopped) is shown as what it is. The row itself is rewritten by that node's renew.
    // A node that stopped writing its liveness is stale, whatever its row last said.
    const view = (n: NodeRecord): NodeRecord => {
      if (stale(n, onStoreClock)) return { ...n, status: 'stale' };
      return hasLapsed(n, now) && n.serverUrl
        ? { ...lapsedNode(n, { nodeId: n.nodeId, address: n.address }, n.serverUrl, n.reasons, now), seenAt: n.seenAt, clockSkewMs: n.clockSkewMs ?? null }
        : n;
    };
    const node = view(own ?? blankNode(self, now));
    // Without a cluster configuration nothing is registered, whatever a row still says
    // (another node's Re-register reaches this node's row at its next liveness write).
    const status: RegistrationStatus = !cfg ? 'unregistered' : node.status === 'stale' ? 'failed' : node.status;
    const holds = status === 'registered' || status === 'degraded';
    return {
      product: config.product,
      method: cfg?.method ?? null,
      serverUrl: cfg?.serverUrl ?? null,
      status,
      grant: holds ? node.grant : null,
      node: toNodeState(node),
      nodes: (own ? nodes.map(view) : [...nodes.map(view), node]).map(toNodeState),
      localContainer: lic,
      lastAttempt:
        cfg && attempt
          ? { serverUrl: attempt.serverUrl, at: attempt.attemptedAt.toISOString(), by: attempt.attemptedBy, nodeId: attempt.nodeId, reasons: attempt.reasons }
          : null,
      registrationKeyStored: Boolean(cfg?.registrationKey),
      now: now.toISOString(),
    };
  }

  /**
   * After a submit here, the other live nodes try the same configuration by themselves (at their next
   * liveness write); wait a bounded while for their outcomes, so the failure pop-up lists every node.
   */
  async function othersOutcome(configAt: Date): Promise<NodeRecord[]> {
    const deadline = Date.now() + (config.submitWaitMs ?? 2 * livenessMs + 2_000);
    for (;;) {
      const others = (await store.listNodes()).filter((n) => n.nodeId !== self.nodeId && !stale(n, storeNow()));
      const pending = others.filter((n) => n.configAt?.getTime() !== configAt.getTime());
      if (pending.length === 0 || Date.now() >= deadline) return others.filter((n) => !pending.includes(n));
      await new Promise((r) => setTimeout(r, Math.min(250, Math.max(0, deadline - Date.now()))));
    }
  }

  return {
    state,
    localContainer,
    wrote,

    async touch() {
      const [cfg, own] = await Promise.all([store.getConfig(), store.getNode(self.nodeId)]);
      const before = clock();
      const reference = await storeClock();
      const after = clock();
      // The store's clock was read somewhere between `before` and `after`: take the midpoint.
      ownSkewMs = Math.round((before.getTime() + after.getTime()) / 2 - reference.getTime());
      if (own) await store.touchNode(self.nodeId, after, ownSkewMs);
      if (!own) return true;
      if (!cfg) return own.status !== 'unregistered' || own.leaseId !== null;
      if (own.configAt?.getTime() !== cfg.updatedAt.getTime()) return true;
      return cfg.method === 'local-container' && own.status !== 'registered';
    },

    boot: () =>
      serialized(async () => {
        await signingKey();
        const cfg = await store.getConfig();
        if (cfg?.method !== 'local-container') return;
        const prev = await current();
        if (prev.status !== 'registered') return;
        // Verified in an earlier run: the lic stays, the scan is repeated — unless the cluster still holds
        // the verification through a live node, which this node's first beats find out (and then rejoin).
        await store.upsertNode(verificationNeeded(prev, clock()));
        logger.info({ nodeId: self.nodeId }, 'Local Container: restarted, waiting for a live verified node or a QR scan');
      }),

    registerPrivateCloud: (rawUrl, by, registrationKey) =>
      serialized(async () => {
        const serverUrl = normalizeServerUrl(rawUrl);
        const outcome = await privateCloud.submit(serverUrl, by, registrationKey);
        const mine = outcome.ok ? [] : [{ nodeId: self.nodeId, address: self.address, reasons: outcome.reasons }];
        // A kept configuration changed nothing for the other nodes; otherwise they try the new one too.
        const cfg = outcome.ok || !outcome.kept ? await store.getConfig() : null;
        const others = cfg ? (await othersOutcome(cfg.updatedAt)).filter((n) => n.status === 'failed' && n.reasons.length > 0) : [];
        const failures = [...mine, ...others.map((n) => ({ nodeId: n.nodeId, address: n.address, reasons: n.reasons }))];
        return { ok: failures.length === 0, failures, state: await readState() };
      }),

    testConnection: (serverUrl) => licenseClient.testConnection(normalizeServerUrl(serverUrl)),

    deregister: (by) =>
      serialized(async () => {
        await privateCloud.deregister(by);
        return state();
      }),

    renew: () =>
      serialized(async () => {
        const before = await store.getNode(self.nodeId);
        let cfg = await store.getConfig();
        if (await privateCloud.resolveIntents(cfg)) cfg = null;
        let outcome: RenewOutcome;
        if (cfg?.method === 'local-container') outcome = await followLocalContainer(cfg.updatedAt);
        // Another node cleared the cluster configuration (Re-register): free our slot too.
        else if (!cfg || cfg.method !== 'private-cloud' || !cfg.serverUrl) outcome = await privateCloud.leave();
        else outcome = await privateCloud.beat({ ...cfg, serverUrl: cfg.serverUrl });
        // What the beat changed of this node by itself (an administrator's action is recorded by its route).
        const change = beatTransition(before, await store.getNode(self.nodeId), cfg?.method ?? null);
        if (change !== null) await history.record(change);
        return outcome;
      }),
    history,
  };
}
