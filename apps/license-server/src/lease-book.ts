import { randomUUID } from 'node:crypto';
import { checkRegistration } from '@registration/licensing/checks';
import { canResumeWithoutScan } from '@registration/licensing/restart-policy';
import type { ProjectIdentity } from '@registration/protocol/project-identity';
import { leaseExpiry } from '@registration/licensing/time';
import type { ServerLicensePayload } from '@registration/protocol/license';
import type { Reason } from '@registration/protocol/reason';
import { reasonOf } from './responses.ts';
import type { LeaseRecord, Mutation, PrivateConfig } from './store.ts';

// Lease records and lease maps are never changed in place (a change makes new ones), so facts about them
// can be kept beside them: each lease's parsed expiry, and for a lease map a time before which none of
// its leases expires. Parsing every lease's expiry on every heartbeat was most of the cost of `liveLeases`.
const expiryMs = new WeakMap<LeaseRecord, number>();
const noneExpiresBefore = new WeakMap<Record<string, LeaseRecord>, number>();

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
 * dropped); either way the result must not be modified.
 */
export function liveLeases(state: PrivateConfig, now: Date): Record<string, LeaseRecord> {
  const t = now.getTime();
  const { leases } = state;
  const bound = noneExpiresBefore.get(leases);
  if (bound !== undefined && bound > t) return leases;
  let earliest = Infinity;
  for (const lease of Object.values(leases)) {
    const expiry = expiryOf(lease);
    // Negated so that an unreadable expiry (NaN) counts as expired, as before.
    if (!(expiry > t)) return Object.fromEntries(Object.entries(leases).filter(([, held]) => expiryOf(held) > t));
    if (expiry < earliest) earliest = expiry;
  }
  noneExpiresBefore.set(leases, earliest);
  return leases;
}

/** `live` (a result of `liveLeases`) with `nodeId`'s slot set to `lease`, keeping what is known of its expiries. */
function withLease(live: Record<string, LeaseRecord>, nodeId: string, lease: LeaseRecord, expiry: number): Record<string, LeaseRecord> {
  const leases = { ...live, [nodeId]: lease };
  expiryMs.set(lease, expiry);
  // Every other lease comes from `live`, so none of them expires before `live`'s bound either.
  const bound = noneExpiresBefore.get(live);
  if (bound !== undefined) noneExpiresBefore.set(leases, Math.min(bound, expiry));
  return leases;
}

/** `record[key]` only when it is the record's own entry: node ids such as "constructor" or "__proto__" are ordinary ids. */
function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** What a node asks for: a new slot (register) or the renewal of the lease it holds (heartbeat). */
export interface SlotRequest {
  nodeId: string;
  productVersion: string;
  appName: string;
  domain: string;
  /** Present for a heartbeat: the lease being renewed. */
  leaseId?: string;
  /** What the node reports about its project (the restart rule compares it with the lease's). */
  project?: ProjectIdentity;
}

/** Where the request lands: this process run and how nodes reach the activation page. */
export interface SlotContext {
  /** This process run; leases granted by an earlier run go through the restart rule. */
  bootId: string;
  /** The activation page as the node addressed this server (named in refusals; read only for those, so it may be a getter). */
  readonly activationUrl: string;
}

export type SlotOutcome =
  | { ok: true; nodeId: string; lease: LeaseRecord; inUse: number; renewed: boolean }
  | { ok: false; reasons: [Reason, ...Reason[]] };

/**
 * The register/heartbeat decision as one state transition, so that counting free slots and taking one
 * happen in the same step of the writer queue (max connections stays exact under any concurrency).
 *
 * A heartbeat for a lease the server does not know (expired after 24 h of silence, or freed) is treated
 * as a fresh registration: if the checks pass and a slot is free the node gets a new lease. That is how
 * a node "reconnects by itself" after an outage, and it can never exceed max connections.
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
    // A destroyed server answers 30002 from the checks below, activated or not.
    if (state.activatedAt === null && state.destroyedAt === null) return { result: { ok: false, reasons: [reasonOf('SERVER_NOT_ACTIVATED', { activationUrl: context.activationUrl })] } };
    const waiting = own(state.activation.rescanRequired, request.nodeId);
    if (waiting) return { result: { ok: false, reasons: [reasonOf('PROJECT_RESCAN_REQUIRED', { rule: waiting.rule, activationUrl: context.activationUrl })] } };
    const live = liveLeases(state, now);
    const previous = own(live, request.nodeId);
    if (previous && previous.bootId !== context.bootId) {
      // Held across a license-server restart: the 11.5.11 rule decides whether it resumes without a scan.
      const decision = canResumeWithoutScan({
        before: previous.project ?? null,
        after: request.project ?? { kind: 'standalone-builtin-db' },
        productVersion: request.productVersion,
        serverImageIssuedAt: new Date(license.issuedAt),
      });
      if (!decision.resume) {
        const { [request.nodeId]: _dropped, ...rest } = live;
        const rescanRequired = { ...state.activation.rescanRequired, [request.nodeId]: { rule: decision.reason, since: now.toISOString() } };
        return {
          next: { ...state, leases: rest, activation: { ...state.activation, rescanRequired } },
          result: { ok: false, reasons: [reasonOf('PROJECT_RESCAN_REQUIRED', { rule: decision.reason, activationUrl: context.activationUrl })] },
        };
      }
    }
    const held = previous;
    const renewing = request.leaseId !== undefined && held?.leaseId === request.leaseId;
    const inUse = Object.keys(live).length;
    const reasons = checkRegistration({
      license,
      node: { productVersion: request.productVersion, appName: request.appName, domain: request.domain },
      peer,
      inUse,
      // A node that holds a slot (renewal or repeated register) replaces it and needs no free one.
      holdsSlot: held !== undefined,
      accountState: state.destroyedAt === null ? 'active' : 'destroyed',
      now,
    });
    const [first, ...more] = reasons;
    if (first) return { result: { ok: false, reasons: [first, ...more] } };
    const at = now.toISOString();
    const expiresAt = leaseExpiry(now);
    const lease: LeaseRecord = {
      leaseId: renewing && held ? held.leaseId : randomUUID(),
      peer,
      registeredAt: renewing && held ? held.registeredAt : at,
      renewedAt: at,
      expiresAt: expiresAt.toISOString(),
      ...(request.project === undefined ? {} : { project: request.project }),
      productVersion: request.productVersion,
      bootId: context.bootId,
    };
    const leases = withLease(live, request.nodeId, lease, expiresAt.getTime());
    // A pure renewal (same node and lease, no expired lease dropped, so no slot taken or freed) may be
    // answered before it is on disk: a crash loses at most this renewal, moving the lease's expiry back to
    // the previous one (>= 22 h left at a 2 h heartbeat). Anything that changes slots waits for the write.
    const nothingExpired = live === state.leases;
    const writeBehind = renewing && held?.bootId === context.bootId && nothingExpired && sameProject(held.project, request.project);
    return {
      writeBehind,
      next: { ...state, leases },
      // The node's own slot is replaced if it held one, added otherwise.
      result: { ok: true, nodeId: request.nodeId, lease, inUse: Object.hasOwn(live, request.nodeId) ? inUse : inUse + 1, renewed: renewing },
    };
  };
}

// A changed identity must reach the disk before the answer: the restart rule compares against it.
function sameProject(a: ProjectIdentity | undefined, b: ProjectIdentity | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** Frees the slot of `nodeId` if it holds `leaseId`; false when there is no such (unexpired) lease. */
export function releaseSlot(nodeId: string, leaseId: string, clock: () => Date): Mutation<boolean> {
  return (state) => {
    const live = liveLeases(state, clock());
    if (own(live, nodeId)?.leaseId !== leaseId) return { result: false };
    const { [nodeId]: _released, ...rest } = live;
    return { next: { ...state, leases: rest }, result: true };
  };
}
