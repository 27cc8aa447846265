import { nodeRegistrationHealth } from '@registration/licensing/lease-timing';
import type { Grant, NodeState } from '@registration/protocol/bff-api';
import type { LeasePayload, ServerLicensePayload } from '@registration/protocol/license';
import { reason, type Reason } from '@registration/protocol/reason';
import type { NodeRecord } from '../store/types.ts';

/** Who this node is in the table. */
export interface Self {
  nodeId: string;
  address: string;
}

/** What the license grants, from the verified server license and the lease that came with it. */
export function grantFrom(license: ServerLicensePayload, lease: LeasePayload): Grant {
  return {
    licenseId: license.licenseId,
    company: license.company,
    project: license.project ?? null,
    product: license.product,
    productVersion: license.productVersion,
    features: license.features,
    domains: license.domains,
    appNames: license.appNames,
    ipRanges: license.ipRanges,
    port: license.port,
    expiresAt: license.expiresAt,
    maxConnections: lease.maxConnections,
    inUse: lease.inUse,
  };
}

/** How often every node writes its liveness (and picks up a changed cluster configuration). */
export const NODE_LIVENESS_INTERVAL_MS = 5_000;
/** A node that missed this many liveness writes in a row is stale: its process stopped or lost the store. */
export const STALE_AFTER_MISSED = 6;

/**
 * Whether `n` stopped writing its liveness, judged by the store's clock (`storeNow`): the node's own
 * `seenAt` is brought onto that clock with the skew it measured, so a node whose clock runs late or early
 * is neither hidden nor falsely reported.
 */
export function isStale(n: NodeRecord, storeNow: Date, livenessIntervalMs = NODE_LIVENESS_INTERVAL_MS): boolean {
  const seenOnStoreClock = n.seenAt.getTime() - (n.clockSkewMs ?? 0);
  return storeNow.getTime() - seenOnStoreClock > STALE_AFTER_MISSED * livenessIntervalMs;
}

/** A node that has never registered. */
export function blankNode(self: Self, now: Date): NodeRecord {
  return {
    ...self,
    status: 'unregistered',
    serverUrl: null,
    lease: null,
    leaseId: null,
    leaseKey: null,
    grant: null,
    validUntil: null,
    lastSuccessAt: null,
    failureAt: null,
    reasons: [],
    unreachableSince: null,
    seenAt: now,
  };
}

/** A verified lease and the key that proves its renewals: registered, earlier failures forgotten. */
export function registeredNode(
  self: Self,
  serverUrl: string,
  verified: { license: ServerLicensePayload; lease: LeasePayload },
  leaseKey: string,
  now: Date,
): NodeRecord {
  return {
    ...self,
    status: 'registered',
    serverUrl,
    lease: verified.lease,
    leaseId: verified.lease.leaseId,
    leaseKey,
    grant: grantFrom(verified.license, verified.lease),
    validUntil: new Date(verified.lease.expiresAt),
    lastSuccessAt: now,
    failureAt: null,
    reasons: [],
    unreachableSince: null,
    seenAt: now,
  };
}

/** Verified by Local Container (a right QR code here, or joining a verified cluster): the lic's grant, no lease. */
export function verifiedNode(prev: NodeRecord, self: Self, grant: Grant, validUntil: Date, now: Date): NodeRecord {
  return {
    ...prev,
    ...self,
    status: 'registered',
    serverUrl: null,
    lease: null,
    leaseId: null,
    leaseKey: null,
    grant,
    validUntil,
    lastSuccessAt: now,
    failureAt: null,
    reasons: [],
    unreachableSince: null,
    seenAt: now,
  };
}

/** Refused, untrusted, or unreachable without a lease to fall back on: failed with every reason. */
export function failedNode(
  prev: NodeRecord,
  self: Self,
  serverUrl: string | null,
  reasons: Reason[],
  unreachable: boolean,
  now: Date,
): NodeRecord {
  return {
    ...self,
    status: 'failed',
    serverUrl,
    lease: null,
    leaseId: null,
    leaseKey: null,
    grant: null,
    validUntil: null,
    lastSuccessAt: prev.lastSuccessAt,
    failureAt: now,
    reasons,
    unreachableSince: unreachable ? (prev.unreachableSince ?? now) : null,
    seenAt: now,
  };
}

/** The 24-hour rule by this node's clock: registered, degraded or failed, from the last successful answer. */
function health(n: NodeRecord, now: Date) {
  if (n.lastSuccessAt === null) return null;
  return nodeRegistrationHealth({
    lastSuccessAt: n.lastSuccessAt,
    lastAttemptAt: n.unreachableSince === null ? n.lastSuccessAt : now,
    firstFailureAt: n.unreachableSince,
    now,
  });
}

/**
 * Whether a node that holds (or held, while degraded) a lease has gone 24 h without a successful answer:
 * its registration has lapsed, whatever its row still says.
 */
export function hasLapsed(n: NodeRecord, now: Date): boolean {
  if (n.status !== 'registered' && n.status !== 'degraded') return false;
  return health(n, now)?.status === 'failed';
}

/** A node failed by the 24-hour rule (it keeps trying to register while the configuration names the server). */
export function isLapsed(n: NodeRecord): boolean {
  return n.status === 'failed' && n.reasons[0]?.name === 'HEARTBEAT_LAPSED';
}

/**
 * A heartbeat that reached nobody while the lease is still held: degraded, lease kept, the first moment
 * of silence remembered, and valid until 24 h after the last successful answer (the 24-hour rule).
 */
export function unreachableNode(prev: NodeRecord, self: Self, reasons: Reason[], now: Date): NodeRecord {
  const validUntil = health(prev, now)?.validUntil ?? prev.validUntil;
  return { ...prev, ...self, status: 'degraded', reasons, validUntil, unreachableSince: prev.unreachableSince ?? now, seenAt: now };
}

/**
 * 24 h without a successful answer: failed with HEARTBEAT_LAPSED first (since when unreachable, which
 * server, the last success), then why the latest attempt failed. The lease is dropped — the license server
 * has freed the slot by now — and the failure time is the moment the registration ran out, not when this
 * node noticed (a node that was itself down for a day would otherwise date it too late).
 */
export function lapsedNode(prev: NodeRecord, self: Self, serverUrl: string, latest: Reason[], now: Date): NodeRecord {
  const lastSuccessAt = prev.lastSuccessAt ?? now;
  const h = health(prev, now);
  const since = prev.unreachableSince ?? h?.unreachableSince ?? lastSuccessAt;
  const lapsedAt = h?.validUntil ?? now;
  // Already lapsed: keep the original lapse (time and params), refresh only the latest attempt's reasons.
  const lapse: Reason =
    isLapsed(prev) && prev.reasons[0]
      ? prev.reasons[0]
      : reason('HEARTBEAT_LAPSED', { since: since.toISOString(), serverUrl, lastSuccessAt: lastSuccessAt.toISOString() });
  return {
    ...failedNode(prev, self, serverUrl, [lapse, ...latest.filter((r) => r.name !== 'HEARTBEAT_LAPSED')], true, now),
    failureAt: isLapsed(prev) ? (prev.failureAt ?? lapsedAt) : lapsedAt,
    unreachableSince: since,
  };
}

/** Deregistered; `notice` carries why the license server could not be told (kept for the table). */
export function unregisteredNode(prev: NodeRecord, self: Self, notice: Reason[], now: Date): NodeRecord {
  return {
    ...blankNode(self, now),
    lastSuccessAt: prev.lastSuccessAt,
    failureAt: notice.length > 0 ? now : null,
    reasons: notice,
  };
}

/** The wire form of a node. */
export function toNodeState(n: NodeRecord): NodeState {
  const iso = (d: Date | null) => (d === null ? null : d.toISOString());
  return {
    nodeId: n.nodeId,
    address: n.address,
    status: n.status,
    lastSuccessAt: iso(n.lastSuccessAt),
    failureAt: iso(n.failureAt),
    reasons: n.reasons,
    validUntil: iso(n.validUntil),
    unreachableSince: iso(n.unreachableSince),
    seenAt: n.seenAt.toISOString(),
    clockSkewMs: n.clockSkewMs ?? null,
  };
}
