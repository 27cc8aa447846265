import type { Logger } from 'pino';
import type { NodeSigningKey } from '@registration/licensing/node-requests';
import { LEASE_TTL_MS } from '@registration/licensing/time';
import type { Reason } from '@registration/protocol/reason';
import type { DeregisterOutcome, FailureKind, LeaseOutcome, LicenseClient, NodeIdentity } from '../license-client/types.ts';
import type { NodeRecord, RegistrationConfig, RegistrationStore } from '../store/types.ts';
import {
  blankNode,
  failedNode,
  hasLapsed,
  isLapsed,
  lapsedNode,
  registeredNode,
  unreachableNode,
  unregisteredNode,
  type Self,
} from './node-record.ts';

/**
 * Private Cloud on this node: Submit, Re-register and the heartbeat's renewal, so that the license server's
 * leases and this node's row always come to agree.
 *
 * - Before a call that could leave this node holding a lease its row does not show (a register whose answer
 *   may never be stored, freeing an old lease), an *intent* naming that server is stored; the transaction
 *   that stores the outcome removes it. Each beat first resolves what is left (a crash, an unanswered call):
 *   a lease at the configured server is reconciled by the beat itself (the same node key replaces it), any
 *   other is freed with a deregister signed by the node key.
 * - A Submit that fails while this node holds the configured registration leaves configuration and row as
 *   they are; the attempt is kept apart (`registration_attempt`) for the page to show.
 * - Re-register frees the slot at the server that granted the lease (the row's, not the configuration's).
 */

export type RenewOutcome = 'ok' | 'failed' | 'idle';

export interface PrivateCloudDeps {
  store: RegistrationStore;
  clock: () => Date;
  licenseClient: LicenseClient;
  logger: Logger;
  self: Self;
  identity: NodeIdentity;
  /** This node's key (made and stored on first use). */
  signingKey: () => Promise<NodeSigningKey>;
}

/** What a Submit came to on this node. */
export type SubmitOutcome =
  | { ok: true }
  /** `kept`: the configuration that works stayed in place; the attempt is recorded beside it. */
  | { ok: false; reasons: Reason[]; kept: boolean };

/** Why the server may still hold a lease of ours after a deregister; null when it holds none there (or never did). */
function stillHeld(out: DeregisterOutcome): { kind: FailureKind; reasons: Reason[] } | null {
  if (out.ok || out.reasons.some((r) => r.name === 'DO_NOT_NEED_DEACTIVATE')) return null;
  return out;
}

/** A heartbeat refusal that a register with the node key repairs (lease gone, replaced, or its proof failed). */
const REREGISTER = new Set(['LEASE_NOT_HELD', 'NODE_PROOF_INVALID']);

/**
 * Refusals that are an operator's decision on the license server (slot freed, node blocked): the node does
 * not take the slot back by itself; it registers again when an administrator submits or re-registers.
 */
const OPERATOR_DECISIONS = new Set(['LEASE_FREED', 'NODE_BLOCKED']);

/** Whether `n` holds the registration `cfg` describes (a working configuration). */
export function holdsConfigured(n: NodeRecord, cfg: RegistrationConfig): boolean {
  if (n.status !== 'registered' && n.status !== 'degraded') return false;
  return cfg.method === 'local-container' ? n.serverUrl === null : n.leaseId !== null && n.serverUrl === cfg.serverUrl;
}

export function createPrivateCloud(deps: PrivateCloudDeps) {
  const { store, clock, licenseClient, logger, self, identity } = deps;
  const nodeId = self.nodeId;
  const current = async (): Promise<NodeRecord> => (await store.getNode(nodeId)) ?? blankNode(self, clock());
  const leaseKeyOf = (n: NodeRecord) => (n.leaseKey === null ? null : Buffer.from(n.leaseKey, 'base64url'));

  /** Registers at `serverUrl` with the node key, after recording that a lease may be held there. */
  async function registerAt(serverUrl: string, registrationKey: string | null): Promise<LeaseOutcome> {
    await store.setIntent({ nodeId, kind: 'held', serverUrl, startedAt: clock() });
    return licenseClient.register(serverUrl, identity, { key: await deps.signingKey(), registrationKey });
  }

  /**
   * Frees whatever lease of this node `serverUrl` holds. Signed with the node key rather than proven with a
   * lease: the server may hold a newer lease than the row knows (a crash after it replaced ours).
   */
  async function releaseAt(serverUrl: string): Promise<DeregisterOutcome> {
    return licenseClient.deregister(serverUrl, { nodeId, by: { key: await deps.signingKey() } });
  }

  /** Frees a lease recorded as an intent; the intent goes once the server holds nothing of ours. */
  async function releaseIntent(serverUrl: string): Promise<Reason[]> {
    const out = stillHeld(await releaseAt(serverUrl));
    if (out === null) {
      await store.clearIntent(nodeId, serverUrl);
      return [];
    }
    logger.warn({ serverUrl, reasons: out.reasons }, 'could not free a lease held at a license server this node no longer uses; retried at the next beat');
    // Refused for good (not our lease after all, or an old server): nothing more to try.
    if (out.kind !== 'unreachable') await store.clearIntent(nodeId, serverUrl);
    return out.reasons;
  }

  /**
   * What an earlier call left behind (a crash, an unanswered register, an old lease not yet freed): a lease at
   * the configured server is left to this beat; anything else is freed, and an unfinished Re-register is
   * completed unless the configuration changed since it began. True when that cleared the configuration.
   */
  async function resolveIntents(cfg: RegistrationConfig | null): Promise<boolean> {
    let cleared = false;
    for (const intent of await store.listIntents(nodeId)) {
      const { serverUrl } = intent;
      // The server frees a lease that heard nothing for 24 h by itself.
      if (clock().getTime() - intent.startedAt.getTime() > LEASE_TTL_MS) {
        await store.clearIntent(nodeId, serverUrl);
        continue;
      }
      if (intent.kind === 'held') {
        if (cfg?.method === 'private-cloud' && cfg.serverUrl === serverUrl) await store.clearIntent(nodeId, serverUrl);
        else await releaseIntent(serverUrl);
        continue;
      }
      const out = stillHeld(await releaseAt(serverUrl));
      const prev = await current();
      const unfinished = cfg !== null && cfg.updatedAt.getTime() <= intent.startedAt.getTime();
      await store.transaction(async (tx) => {
        if (unfinished) {
          await tx.clearConfig();
          await tx.setAttempt(null);
          await tx.upsertNode(unregisteredNode(prev, self, out?.reasons ?? [], clock()));
        }
        if (out?.kind === 'unreachable') await tx.setIntent({ ...intent, kind: 'held' });
        else await tx.clearIntent(nodeId, serverUrl);
      });
      logger.info({ serverUrl, completed: unfinished, freed: out === null }, 'resolved a Re-register interrupted by a restart');
      cleared ||= unfinished;
    }
    return cleared;
  }

  /** The row after a register at `serverUrl` (granted, refused or unanswered), given the row before it. */
  function afterRegister(prev: NodeRecord, serverUrl: string, out: LeaseOutcome, now: Date): NodeRecord {
    if (out.ok) return registeredNode(self, serverUrl, out, (out.leaseKey ?? Buffer.alloc(0)).toString('base64url'), now);
    if (out.kind === 'unreachable' && isLapsed(prev)) return lapsedNode(prev, self, serverUrl, out.reasons, now);
    return failedNode(prev, self, serverUrl, out.reasons, out.kind === 'unreachable', now);
  }

  /**
   * Stores `next` (this node's row) with what it means for intents, in one transaction: the register at
   * `serverUrl` is settled, and a lease the previous row held at another server is to be freed.
   */
  async function storeRow(prev: NodeRecord, next: NodeRecord, serverUrl: string, extra?: (tx: RegistrationStore) => Promise<void>): Promise<string | null> {
    const old = prev.leaseId !== null && prev.serverUrl !== null && prev.serverUrl !== serverUrl && next.leaseId !== prev.leaseId ? prev.serverUrl : null;
    await store.transaction(async (tx) => {
      await extra?.(tx);
      await tx.upsertNode(next);
      await tx.clearIntent(nodeId, serverUrl);
      if (old !== null) await tx.setIntent({ nodeId, kind: 'held', serverUrl: old, startedAt: clock() });
    });
    return old;
  }

  return {
    resolveIntents,

    /** Submit on this node: register at `serverUrl`; the configuration changes unless a working one would be lost. */
    async submit(serverUrl: string, by: string, registrationKey: string | null | undefined): Promise<SubmitOutcome> {
      const cfg = await store.getConfig();
      const prev = await current();
      // Re-submitting the configured server without typing the key again uses the stored one.
      const key = registrationKey ?? (cfg?.method === 'private-cloud' && cfg.serverUrl === serverUrl ? (cfg.registrationKey ?? null) : null);
      const out = await registerAt(serverUrl, key);
      const now = clock();
      if (!out.ok && cfg !== null && holdsConfigured(prev, cfg)) {
        await store.transaction(async (tx) => {
          await tx.setAttempt({ serverUrl, attemptedAt: now, attemptedBy: by, nodeId, reasons: out.reasons });
          // Unanswered: the server may have granted a lease after all; the next beat frees it.
          if (out.kind !== 'unreachable') await tx.clearIntent(nodeId, serverUrl);
        });
        logger.info({ serverUrl, reasons: out.reasons, by, kept: cfg.serverUrl ?? cfg.method }, 'private cloud submit failed; the working configuration stays');
        return { ok: false, reasons: out.reasons, kept: true };
      }
      const old = await storeRow(prev, { ...afterRegister(prev, serverUrl, out, now), configAt: now }, serverUrl, async (tx) => {
        await tx.setConfig({ method: 'private-cloud', serverUrl, updatedAt: now, updatedBy: by, registrationKey: key });
        await tx.setAttempt(null);
      });
      if (old !== null) await releaseIntent(old);
      logger.info({ serverUrl, ok: out.ok, reasons: out.ok ? [] : out.reasons, by }, 'private cloud submit');
      return out.ok ? { ok: true } : { ok: false, reasons: out.reasons, kept: false };
    },

    /**
     * Re-register: frees the slot at the server that granted this node's lease and clears the cluster
     * configuration. An unreachable server never traps the administrator: local state is cleared anyway, the
     * reason is kept on the row, and the lease is freed by a later beat (or expires after 24 h).
     */
    async deregister(by: string): Promise<void> {
      const prev = await current();
      const at = prev.leaseId !== null ? prev.serverUrl : null;
      let notice: Reason[] = [];
      let unanswered = false;
      if (at !== null) {
        await store.setIntent({ nodeId, kind: 'deregister', serverUrl: at, startedAt: clock() });
        const out = stillHeld(await releaseAt(at));
        if (out !== null) {
          notice = out.reasons;
          unanswered = out.kind === 'unreachable';
        }
      }
      const now = clock();
      await store.transaction(async (tx) => {
        await tx.clearConfig();
        await tx.setAttempt(null);
        await tx.upsertNode(unregisteredNode(prev, self, notice, now));
        if (at !== null) {
          if (unanswered) await tx.setIntent({ nodeId, kind: 'held', serverUrl: at, startedAt: now });
          else await tx.clearIntent(nodeId, at);
        }
      });
      logger.info({ by, serverUrl: at, notice }, 'deregistered');
    },

    /** The configuration was cleared on another node: free our slot too. */
    async leave(): Promise<RenewOutcome> {
      const prev = await current();
      if (prev.status === 'unregistered' && prev.leaseId === null) {
        await store.upsertNode({ ...prev, ...self, seenAt: clock() });
        return 'idle';
      }
      let notice: Reason[] = [];
      if (prev.leaseId !== null && prev.serverUrl !== null) {
        const serverUrl = prev.serverUrl;
        await store.setIntent({ nodeId, kind: 'held', serverUrl, startedAt: clock() });
        notice = await releaseIntent(serverUrl);
      }
      await store.upsertNode(unregisteredNode(prev, self, notice, clock()));
      return notice.length > 0 ? 'failed' : 'idle';
    },

    /** One beat under Private Cloud at `cfg.serverUrl`: renew the lease this node holds there, or register. */
    async beat(cfg: RegistrationConfig & { serverUrl: string }): Promise<RenewOutcome> {
      const { serverUrl } = cfg;
      // Every outcome records which configuration it answers (a submit elsewhere waits for that).
      const put = (n: NodeRecord) => store.upsertNode({ ...n, configAt: cfg.updatedAt });
      let prev = await current();
      const holds = (prev.status === 'registered' || prev.status === 'degraded') && prev.leaseId !== null && prev.serverUrl === serverUrl;
      const leaseKey = leaseKeyOf(prev);
      if (holds && hasLapsed(prev, clock())) {
        // 24 h without an answer before this beat even started (the node itself was down or asleep):
        // the lease is worth nothing any more and the server has freed the slot, so register afresh.
        prev = lapsedNode(prev, self, serverUrl, prev.reasons, clock());
      } else if (holds && prev.leaseId !== null && leaseKey !== null) {
        const key = await deps.signingKey();
        const out = await licenseClient.heartbeat(serverUrl, identity, { leaseId: prev.leaseId, leaseKey }, key.x);
        const now = clock();
        if (out.ok) {
          await put(registeredNode(self, serverUrl, out, prev.leaseKey ?? '', now));
          return 'ok';
        }
        if (out.kind === 'refused' && out.reasons.some((r) => REREGISTER.has(r.name))) {
          // The server no longer holds this lease as ours (expired, freed, replaced): take the slot back with the node key.
          logger.info({ serverUrl, reasons: out.reasons }, 'lease not renewed; registering again with the node key');
        } else {
          if (out.kind !== 'unreachable') await put(failedNode(prev, self, serverUrl, out.reasons, false, now));
          // Still unreachable: valid until 24 h after the last answer, failed from then on.
          else if (hasLapsed(prev, now)) await put(lapsedNode(prev, self, serverUrl, out.reasons, now));
          else await put(unreachableNode(prev, self, out.reasons, now));
          if (out.kind === 'unreachable') logger.warn({ serverUrl, reasons: out.reasons }, 'license server unreachable');
          return 'failed';
        }
      }
      if (
        prev.status === 'failed' &&
        prev.serverUrl === serverUrl &&
        prev.configAt?.getTime() === cfg.updatedAt.getTime() &&
        prev.reasons.some((r) => OPERATOR_DECISIONS.has(r.name))
      ) {
        return 'idle';
      }
      // Not holding a lease from the configured server (new cluster node, earlier failure or lapse, server
      // changed, lease lost). A lapsed node lands here on every beat: the configuration still names this
      // server, so it registers again by itself once the server answers — no admin action.
      const out = await registerAt(serverUrl, cfg.registrationKey ?? null);
      const old = await storeRow(prev, { ...afterRegister(prev, serverUrl, out, clock()), configAt: cfg.updatedAt }, serverUrl);
      if (old !== null) await releaseIntent(old);
      return out.ok ? 'ok' : 'failed';
    },
  };
}

export type PrivateCloud = ReturnType<typeof createPrivateCloud>;
