import type {
  ConnectionTestResult,
  RegisterResult,
  RegistrationState,
  RegistrationStatus,
} from '@registration/protocol/bff-api';
import type { Reason } from '@registration/protocol/reason';
import type { Logger } from 'pino';
import type { BffConfig } from '../config.ts';
import type { LicenseClient, NodeIdentity } from '../license-client/types.ts';
import type { NodeRecord, RegistrationStore } from '../store/types.ts';
import {
  blankNode,
  failedNode,
  hasLapsed,
  isLapsed,
  lapsedNode,
  registeredNode,
  toNodeState,
  unreachableNode,
  unregisteredNode,
  type Self,
} from './node-record.ts';

/**
 * What one heartbeat achieved, for the loop's schedule: `ok` — a lease was granted or renewed;
 * `failed` — an attempt was made and failed (the loop backs off); `idle` — nothing to renew.
 */
export type RenewOutcome = 'ok' | 'failed' | 'idle';

/** The registration use cases behind the routes, plus the heartbeat's renewal. */
export interface RegistrationService {
  state(): Promise<RegistrationState>;
  registerPrivateCloud(serverUrl: string, by: string): Promise<RegisterResult>;
  testConnection(serverUrl: string): Promise<ConnectionTestResult>;
  deregister(by: string): Promise<RegistrationState>;
  /** One heartbeat of this node: renew, (re)register, or follow a cluster-wide deregistration. */
  renew(): Promise<RenewOutcome>;
}

export interface ServiceDeps {
  store: RegistrationStore;
  clock: () => Date;
  licenseClient: LicenseClient;
  logger: Logger;
  config: BffConfig;
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

  // Submit, Re-register and the heartbeat all read-modify-write this node's row: one at a time.
  let queue: Promise<unknown> = Promise.resolve();
  function serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  }

  const current = async (): Promise<NodeRecord> => (await store.getNode(self.nodeId)) ?? blankNode(self, clock());

  /** Frees a slot we hold elsewhere; best effort, the server frees it by itself after 24 h anyway. */
  async function releaseOld(prev: NodeRecord, keepServerUrl: string | null): Promise<Reason[]> {
    if (!prev.serverUrl || !prev.leaseId || prev.serverUrl === keepServerUrl) return [];
    const out = await licenseClient.deregister(prev.serverUrl, { nodeId: self.nodeId, leaseId: prev.leaseId });
    if (out.ok || out.reasons.some((r) => r.name === 'DO_NOT_NEED_DEACTIVATE')) return [];
    logger.warn({ serverUrl: prev.serverUrl, reasons: out.reasons }, 'could not free the previous lease');
    return out.reasons;
  }

  async function state(): Promise<RegistrationState> {
    const [cfg, own, nodes] = await Promise.all([store.getConfig(), store.getNode(self.nodeId), store.listNodes()]);
    const now = clock();
    // The 24-hour rule holds when the state is read too, not only at the next heartbeat: a row that still
    // says registered/degraded after 24 h without an answer (this node's beat is late or its process was
    // down, or another node stopped) is shown as what it is. The row itself is rewritten by that node's renew.
    const view = (n: NodeRecord): NodeRecord =>
      hasLapsed(n, now) && n.serverUrl
        ? { ...lapsedNode(n, { nodeId: n.nodeId, address: n.address }, n.serverUrl, n.reasons, now), seenAt: n.seenAt }
        : n;
    const node = view(own ?? blankNode(self, now));
    // Without a cluster configuration nothing is registered, whatever a row still says
    // (another node's Re-register reaches this node's row at its next heartbeat).
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
      now: now.toISOString(),
    };
  }

  return {
    state,

    registerPrivateCloud: (rawUrl, by) =>
      serialized(async () => {
        const serverUrl = normalizeServerUrl(rawUrl);
        const prev = await current();
        const outcome = await licenseClient.register(serverUrl, identity);
        if (outcome.ok) await releaseOld(prev, serverUrl);
        const now = clock();
        const next = outcome.ok
          ? registeredNode(self, serverUrl, outcome, now)
          : failedNode(prev, self, serverUrl, outcome.reasons, outcome.kind === 'unreachable', now);
        // The submit is recorded either way, so the admin sees what was tried; both rows or neither.
        await store.transaction(async (tx) => {
          await tx.setConfig({ method: 'private-cloud', serverUrl, updatedAt: now, updatedBy: by });
          await tx.upsertNode(next);
        });
        logger.info({ serverUrl, ok: outcome.ok, reasons: outcome.ok ? [] : outcome.reasons, by }, 'private cloud submit');
        return {
          ok: outcome.ok,
          failures: outcome.ok ? [] : [{ nodeId: self.nodeId, address: self.address, reasons: outcome.reasons }],
          state: await state(),
        };
      }),

    testConnection: (serverUrl) => licenseClient.testConnection(normalizeServerUrl(serverUrl)),

    deregister: (by) =>
      serialized(async () => {
        const prev = await current();
        let notice: Reason[] = [];
        if (prev.serverUrl && prev.leaseId) {
          const out = await licenseClient.deregister(prev.serverUrl, { nodeId: self.nodeId, leaseId: prev.leaseId });
          // 20000: the server does not know this lease (expired or freed already) — the slot is free, all is well.
          // Any other failure (unreachable, refused): the admin pressed Re-register to move on, maybe precisely
          // because that server is gone, so we never trap them here. Local state is cleared anyway and the
          // reason is kept on this node's row, so the answer says the slot may stay taken until the server
          // expires the lease by itself (24 h without heartbeat).
          if (!out.ok && !out.reasons.some((r) => r.name === 'DO_NOT_NEED_DEACTIVATE')) notice = out.reasons;
        }
        const now = clock();
        await store.transaction(async (tx) => {
          await tx.clearConfig();
          await tx.upsertNode(unregisteredNode(prev, self, notice, now));
        });
        logger.info({ by, serverUrl: prev.serverUrl, notice }, 'deregistered');
        return state();
      }),

    renew: () =>
      serialized(async () => {
        const cfg = await store.getConfig();
        if (cfg?.method === 'local-container') {
          // Verified by QR code against the stored Container.lic: no license server to renew with.
          const prev = await current();
          await store.upsertNode({ ...prev, ...self, seenAt: clock() });
          return 'idle';
        }
        if (!cfg || cfg.method !== 'private-cloud' || !cfg.serverUrl) {
          const prev = await current();
          // Another node cleared the cluster configuration (Re-register): free our slot too.
          if (prev.status === 'unregistered' && !prev.leaseId) {
            await store.upsertNode({ ...prev, ...self, seenAt: clock() });
            return 'idle';
          }
          const notice = await releaseOld(prev, null);
          await store.upsertNode(unregisteredNode(prev, self, notice, clock()));
          return notice.length > 0 ? 'failed' : 'idle';
        }
        const serverUrl = cfg.serverUrl;
        let prev = await current();
        const holds = (prev.status === 'registered' || prev.status === 'degraded') && prev.leaseId && prev.serverUrl === serverUrl;
        if (holds && hasLapsed(prev, clock())) {
          // 24 h without an answer before this beat even started (the node itself was down or asleep):
          // the lease is worth nothing any more and the server has freed the slot, so register afresh.
          prev = lapsedNode(prev, self, serverUrl, prev.reasons, clock());
        } else if (holds && prev.leaseId) {
          const out = await licenseClient.heartbeat(serverUrl, identity, prev.leaseId);
          const now = clock();
          if (out.ok) {
            await store.upsertNode(registeredNode(self, serverUrl, out, now));
            return 'ok';
          }
          if (out.kind !== 'unreachable') await store.upsertNode(failedNode(prev, self, serverUrl, out.reasons, false, now));
          // Still unreachable: valid until 24 h after the last answer, failed from then on.
          else if (hasLapsed(prev, now)) await store.upsertNode(lapsedNode(prev, self, serverUrl, out.reasons, now));
          else await store.upsertNode(unreachableNode(prev, self, out.reasons, now));
          if (out.kind === 'unreachable') logger.warn({ serverUrl, reasons: out.reasons }, 'license server unreachable');
          return 'failed';
        }
        // Not holding a lease from the configured server (new cluster node, earlier failure or lapse, server
        // changed). A lapsed node lands here on every beat: the configuration still names this server, so it
        // registers again by itself once the server answers — no admin action, like the recovery of a degraded node.
        const out = await licenseClient.register(serverUrl, identity);
        if (out.ok) await releaseOld(prev, serverUrl);
        const now = clock();
        await store.upsertNode(
          out.ok
            ? registeredNode(self, serverUrl, out, now)
            : out.kind === 'unreachable' && isLapsed(prev)
              ? lapsedNode(prev, self, serverUrl, out.reasons, now)
              : failedNode(prev, self, serverUrl, out.reasons, out.kind === 'unreachable', now),
        );
        return out.ok ? 'ok' : 'failed';
      }),
  };
}
