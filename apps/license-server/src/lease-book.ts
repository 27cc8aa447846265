import { randomUUID } from 'node:crypto';
import { checkRegistration } from '@registration/licensing/checks';
import { canResumeWithoutScan } from '@registration/licensing/restart-policy';
import type { ProjectIdentity } from '@registration/protocol/project-identity';
import { leaseExpiry } from '@registration/licensing/time';
import type { ServerLicensePayload } from '@registration/protocol/license';
import { detail, type DetailCode } from '@registration/protocol/details';
import { type Reason, reason } from '@registration/protocol/reason';
import { verifyLeaseMac, verifyNodeSignature, type ProofScheme } from '@registration/licensing/node-proof';
import type { LeaseTable } from './lease-table.ts';
import type { LeaseRecord, Mutation, PrivateConfig } from './store.ts';

// Lease records and lease tables are never changed in place (a change makes new ones), so facts about them
// can be kept beside them: each lease's parsed expiry, and for a table a time before which none of its
// leases expires. Parsing every lease's expiry on every heartbeat was most of the cost of `liveLeases`.
const expiryMs = new WeakMap<LeaseRecord, number>();
const noneExpiresBefore = new WeakMap<LeaseTable, number>();

function expiryOf(lease: LeaseRecord): number {
  let ms = expiryMs.get(lease);
  if (ms === undefined) {
    ms = Date.parse(lease.expiresAt);
    expiryMs.set(lease, ms);
  }
  return ms;
}

/**
 * Leases still valid at `now`; an expired lease frees its slot without anyone having to clean it up.
 * When none has expired this is `state.leases` itself (so `live === state.leases` means nothing was
 * dropped). Looks at every lease only for a table whose earliest expiry is not yet known.
 */
export function liveLeases(state: PrivateConfig, now: Date): LeaseTable {
  const t = now.getTime();
  const { leases } = state;
  const bound = noneExpiresBefore.get(leases);
  if (bound !== undefined && bound > t) return leases;
  let earliest = Infinity;
  // Negated so that an unreadable expiry (NaN) counts as expired.
  const live = leases.filter((lease) => {
    const expiry = expiryOf(lease);
    if (!(expiry > t)) return false;
    if (expiry < earliest) earliest = expiry;
    return true;
  });
  noneExpiresBefore.set(live, earliest);
  return live;
}

/** `live` (a result of `liveLeases`) with `nodeId`'s slot set to `lease`, keeping what is known of its expiries. */
function withLease(live: LeaseTable, nodeId: string, lease: LeaseRecord, expiry: number): LeaseTable {
  const leases = live.set(nodeId, lease);
  expiryMs.set(lease, expiry);
  // Every other lease comes from `live`, so none of them expires before `live`'s bound either.
  const bound = noneExpiresBefore.get(live);
  if (bound !== undefined) noneExpiresBefore.set(leases, Math.min(bound, expiry));
  return leases;
}

/** `live` without `nodeId`'s slot; the rest expire no earlier than before. */
function withoutLease(live: LeaseTable, nodeId: string): LeaseTable {
  const leases = live.delete(nodeId);
  const bound = noneExpiresBefore.get(live);
  if (bound !== undefined) noneExpiresBefore.set(leases, bound);
  return leases;
}

/** The node's facts, as every register and heartbeat states them. */
interface NodeFactsRequest {
  nodeId: string;
  productVersion: string;
  appName: string;
  domain: string;
  /** What the node reports about its project (the restart rule compares it with the lease's). */
  project?: ProjectIdentity;
  /** The node's clock (ISO) and fresh nonce of this request: a lease accepts only newer ones (no replays). */
  time: string;
  nonce: string;
}

/**
 * What a node asks for: a new slot (register, already signed by `nodeKey` and with the lease key agreed),
 * or the renewal of the lease it holds (heartbeat, whose MAC is checked here against that lease's key).
 */
export type SlotRequest = NodeFactsRequest &
  (
    | { kind: 'register'; nodeKey: string; leaseKey: string }
    | { kind: 'heartbeat'; leaseId: string; body: string; proof: Uint8Array }
  );

/** Where the request lands: this process run and how nodes reach the activation page. */
export interface SlotContext {
  /** This process run; leases granted by an earlier run go through the restart rule. */
  bootId: string;
  /** The activation page as the node addressed this server (named in refusals; read only for those, so it may be a getter). */
  readonly activationUrl: string;
}

export type SlotOutcome =
  | {
      ok: true;
      nodeId: string;
      lease: LeaseRecord;
      inUse: number;
      renewed: boolean;
      /** Since the lease's previous renewal (null for a new slot): a long gap is an event worth recording. */
      gapMs: number | null;
      /** Leases found expired (and dropped) by this request. */
      expired: string[];
    }
  | { ok: false; reasons: [Reason, ...Reason[]] };

const refused = (reason: Reason): { result: SlotOutcome } => ({ result: { ok: false, reasons: [reason] } });

// Decoded lease keys, kept beside the (never modified) lease records like their expiries.
const leaseKeys = new WeakMap<LeaseRecord, Buffer>();
function leaseKeyOf(lease: LeaseRecord): Buffer | null {
  if (lease.leaseKey === undefined) return null;
  let key = leaseKeys.get(lease);
  if (key === undefined) {
    key = Buffer.from(lease.leaseKey, 'base64url');
    leaseKeys.set(lease, key);
  }
  return key;
}

/**
 * Whether a request proven for `lease` is newer than the last one the lease accepted: a later node time, or
 * the same time with another nonce. A recorded request played again is older or the same, and refused.
 */
export function isFreshProof(lease: Pick<LeaseRecord, 'proofAt' | 'proofNonce'>, time: string, nonce: string): boolean {
  const t = Date.parse(time);
  if (!Number.isFinite(t)) return false;
  if (lease.proofAt === undefined) return true;
  const last = Date.parse(lease.proofAt);
  return t > last || (t === last && nonce !== lease.proofNonce);
}

/** The proof of a heartbeat against the lease it names; null when it holds. */
function heartbeatProofFailure(held: LeaseRecord, request: SlotRequest & { kind: 'heartbeat' }): Reason | null {
  const key = leaseKeyOf(held);
  if (key === null) return reason('NODE_PROOF_INVALID', detail('proof.legacyLease'));
  if (!verifyLeaseMac(key, 'heartbeat', request.body, request.proof)) return reason('NODE_PROOF_INVALID', detail('proof.heartbeat'));
  if (!isFreshProof(held, request.time, request.nonce)) return reason('NODE_PROOF_INVALID', detail('proof.replay'));
  return null;
}

/**
 * The register/heartbeat decision as one state transition, so that counting free slots and taking one
 * happen in the same step of the writer queue (max connections stays exact under any concurrency).
 *
 * Only the holder of a node's key acts for that node id: a register is refused while a live lease of the
 * id is bound to another key (NODE_IDENTITY_CONFLICT) and replaces the lease when it is bound to the same
 * key (a node that crashed between the grant and its own write takes its slot back this way); a heartbeat
 * must be proven with the lease's key. Nothing an unproven request asks for (the restart rule included)
 * changes the state. A heartbeat for a lease the server does not hold (expired after 24 h of silence,
 * freed or replaced) is LEASE_NOT_HELD: the node registers again, with its key.
 */
export function requestSlot(
  license: ServerLicensePayload,
  request: SlotRequest,
  peer: string,
  clock: () => Date,
  context: SlotContext,
): Mutation<SlotOutcome> {
  return (state) => {
    const now = clock();
    // Nobody registers before the QR activation; the other checks would only distract from that.
    // A destroyed server answers 30002, activated or not.
    if (state.activatedAt === null && state.destroyedAt === null) return refused(reason('SERVER_NOT_ACTIVATED', { activationUrl: context.activationUrl }));
    const node = { productVersion: request.productVersion, appName: request.appName, domain: request.domain };
    if (state.destroyedAt !== null) {
      // Destroyed: everyone hears 30002 (with whatever else fails), whatever they hold; nothing changes.
      const [first, ...more] = checkRegistration({ license, node, peer, inUse: 0, holdsSlot: true, accountState: 'destroyed', now });
      if (first) return { result: { ok: false, reasons: [first, ...more] } };
    }
    const waiting = Object.hasOwn(state.activation.rescanRequired, request.nodeId) ? state.activation.rescanRequired[request.nodeId] : undefined;
    if (waiting) return refused(reason('PROJECT_RESCAN_REQUIRED', { rule: waiting.rule, activationUrl: context.activationUrl }));
    const live = liveLeases(state, now);
    const previous = live.get(request.nodeId);
    const blockedAt = blockedSince(state, request.nodeId, request.kind === 'register' ? request.nodeKey : previous?.nodeKey);
    if (blockedAt !== null) return refused(reason('NODE_BLOCKED', { nodeId: request.nodeId, blockedAt }));
    if (request.kind === 'heartbeat') {
      if (previous?.leaseId !== request.leaseId) {
        // Ended by the operator: said as such, so that the node does not simply take the slot back.
        const freed = Object.hasOwn(state.operator.freed, request.nodeId) ? state.operator.freed[request.nodeId] : undefined;
        if (freed?.leaseId === request.leaseId) return refused(reason('LEASE_FREED', { nodeId: request.nodeId, freedAt: freed.at }));
        return refused(reason('LEASE_NOT_HELD', { nodeId: request.nodeId }));
      }
      const failure = heartbeatProofFailure(previous, request);
      if (failure) return refused(failure);
    } else if (previous?.nodeKey !== undefined && previous.nodeKey !== request.nodeKey) {
      return refused(reason('NODE_IDENTITY_CONFLICT', { nodeId: request.nodeId, heldBy: previous.peer, since: previous.registeredAt }));
    }
    if (previous && previous.bootId !== context.bootId) {
      // Held across a license-server restart: the 11.5.11 rule decides whether it resumes without a scan.
      const decision = canResumeWithoutScan({
        before: previous.project ?? null,
        after: request.project ?? { kind: 'standalone-builtin-db' },
        productVersion: request.productVersion,
        serverImageIssuedAt: new Date(license.issuedAt),
      });
      if (!decision.resume) {
        const rest = withoutLease(live, request.nodeId);
        const rescanRequired = { ...state.activation.rescanRequired, [request.nodeId]: { rule: decision.reason, since: now.toISOString() } };
        return {
          next: { ...state, leases: rest, activation: { ...state.activation, rescanRequired } },
          result: { ok: false, reasons: [reason('PROJECT_RESCAN_REQUIRED', { rule: decision.reason, activationUrl: context.activationUrl })] },
        };
      }
    }
    const held = previous;
    const renewing = request.kind === 'heartbeat';
    const inUse = live.size;
    const reasons = checkRegistration({
      license,
      node,
      peer,
      inUse,
      // A node that holds a slot (renewal or a register with its own key) replaces it and needs no free one.
      holdsSlot: held !== undefined,
      accountState: 'active',
      now,
    });
    const [first, ...more] = reasons;
    if (first) return { result: { ok: false, reasons: [first, ...more] } };
    const at = now.toISOString();
    const expiresAt = leaseExpiry(now);
    const binding =
      request.kind === 'register'
        ? { leaseId: randomUUID(), nodeKey: request.nodeKey, leaseKey: request.leaseKey }
        : { leaseId: request.leaseId, nodeKey: held?.nodeKey, leaseKey: held?.leaseKey };
    const lease: LeaseRecord = {
      leaseId: binding.leaseId,
      peer,
      // The same key replacing its own lease keeps the node's first registration.
      registeredAt: held && (renewing || held.nodeKey === binding.nodeKey) ? held.registeredAt : at,
      renewedAt: at,
      expiresAt: expiresAt.toISOString(),
      ...(request.project === undefined ? {} : { project: request.project }),
      productVersion: request.productVersion,
      // The previous record's strings when they did not change: 10,000 renewals keep one copy each.
      appName: held?.appName === request.appName ? held.appName : request.appName,
      domain: held?.domain === request.domain ? held.domain : request.domain,
      bootId: context.bootId,
      ...(binding.nodeKey === undefined ? {} : { nodeKey: binding.nodeKey }),
      ...(binding.leaseKey === undefined ? {} : { leaseKey: binding.leaseKey }),
      proofAt: request.time,
      proofNonce: request.nonce,
    };
    const leases = withLease(live, request.nodeId, lease, expiresAt.getTime());
    // A pure renewal (same node and lease, no expired lease dropped, so no slot taken or freed) may be
    // answered before it is on disk: a crash loses at most this renewal, moving the lease's expiry back to
    // the previous one (>= 22 h left at a 2 h heartbeat). Anything that changes slots waits for the write.
    const nothingExpired = live === state.leases;
    const writeBehind = renewing && held?.bootId === context.bootId && nothingExpired && sameProject(held.project, request.project);
    // A node registering again after the operator freed its slot is a new decision: the notice goes.
    const operator = Object.hasOwn(state.operator.freed, request.nodeId) ? { ...state.operator, freed: omit(state.operator.freed, request.nodeId) } : state.operator;
    return {
      writeBehind: writeBehind && operator === state.operator,
      next: { ...state, leases, operator },
      // The node's own slot is replaced if it held one, added otherwise.
      result: {
        ok: true,
        nodeId: request.nodeId,
        lease,
        inUse: live.has(request.nodeId) ? inUse : inUse + 1,
        renewed: renewing,
        gapMs: held ? now.getTime() - Date.parse(held.renewedAt) : null,
        // Looked for only when something expired (rare): every id is compared then.
        expired: nothingExpired ? [] : state.leases.ids().filter((id) => !live.has(id)),
      },
    };
  };
}

/** When the operator blocked `nodeId` or `nodeKey` (the earlier of the two), or null. */
export function blockedSince(state: PrivateConfig, nodeId: string, nodeKey: string | undefined): string | null {
  const { blockedNodes, blockedKeys } = state.operator;
  const byId = Object.hasOwn(blockedNodes, nodeId) ? blockedNodes[nodeId]?.at : undefined;
  const byKey = nodeKey !== undefined && Object.hasOwn(blockedKeys, nodeKey) ? blockedKeys[nodeKey]?.at : undefined;
  if (byId === undefined) return byKey ?? null;
  return byKey === undefined || byId <= byKey ? byId : byKey;
}

/** `record` without `key` (a copy; "__proto__" and the like are ordinary keys). */
export function omit<T>(record: Record<string, T>, key: string): Record<string, T> {
  const copy: Record<string, T> = {};
  for (const [k, v] of Object.entries(record)) if (k !== key) Object.defineProperty(copy, k, { value: v, enumerable: true, writable: true, configurable: true });
  return copy;
}

// A changed identity must reach the disk before the answer: the restart rule compares against it.
function sameProject(a: ProjectIdentity | undefined, b: ProjectIdentity | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** A deregister as the route received it: the exact body and its proof. */
export interface ReleaseRequest {
  nodeId: string;
  /** Present when proven with the lease key (hmac); absent when signed with the node key. */
  leaseId?: string;
  time: string;
  nonce: string;
  body: string;
  proof: { scheme: ProofScheme; proof: Uint8Array };
}

export type ReleaseOutcome = { ok: true; leaseId: string } | { ok: false; reason: Reason };

/**
 * Frees the slot of `nodeId` for the holder of its lease: proven with the lease key when the request names
 * the lease, or signed with the node key the lease is bound to when it does not (a node that lost its
 * lease id in a crash). DO_NOT_NEED_DEACTIVATE when there is no such live lease, NODE_PROOF_INVALID when
 * the proof does not hold; neither changes anything.
 */
export function releaseSlot(request: ReleaseRequest, clock: () => Date): Mutation<ReleaseOutcome> {
  return (state) => {
    const live = liveLeases(state, clock());
    const held = live.get(request.nodeId);
    const notHeld = { result: { ok: false as const, reason: reason('DO_NOT_NEED_DEACTIVATE', { nodeId: request.nodeId }) } };
    if (held === undefined || (request.leaseId !== undefined && held.leaseId !== request.leaseId)) return notHeld;
    const invalid = (code: DetailCode) => ({ result: { ok: false as const, reason: reason('NODE_PROOF_INVALID', detail(code)) } });
    const { scheme, proof } = request.proof;
    if (request.leaseId !== undefined) {
      const key = leaseKeyOf(held);
      if (scheme !== 'hmac-sha256' || key === null || !verifyLeaseMac(key, 'deregister', request.body, proof)) {
        return invalid('proof.deregister');
      }
    } else if (scheme !== 'ed25519' || held.nodeKey === undefined || !verifyNodeSignature(held.nodeKey, 'deregister', request.body, proof)) {
      return invalid('proof.deregisterSignature');
    }
    if (!isFreshProof(held, request.time, request.nonce)) return invalid('proof.replay');
    return { next: { ...state, leases: withoutLease(live, request.nodeId) }, result: { ok: true, leaseId: held.leaseId } };
  };
}
