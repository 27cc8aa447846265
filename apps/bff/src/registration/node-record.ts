import type { Grant, NodeState } from '@registration/protocol/bff-api';
import type { LeasePayload, ServerLicensePayload } from '@registration/protocol/license';
import type { Reason } from '@registration/protocol/reason';
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

/** A node that has never registered. */
export function blankNode(self: Self, now: Date): NodeRecord {
  return {
    ...self,
    status: 'unregistered',
    serverUrl: null,
    lease: null,
    leaseId: null,
    grant: null,
    validUntil: null,
    lastSuccessAt: null,
    failureAt: null,
    reasons: [],
    unreachableSince: null,
    seenAt: now,
  };
}

/** A verified lease: registered, earlier failures forgotten. */
export function registeredNode(
  self: Self,
  serverUrl: string,
  verified: { license: ServerLicensePayload; lease: LeasePayload },
  now: Date,
): NodeRecord {
  return {
    ...self,
    status: 'registered',
    serverUrl,
    lease: verified.lease,
    leaseId: verified.lease.leaseId,
    grant: grantFrom(verified.license, verified.lease),
    validUntil: new Date(verified.lease.expiresAt),
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
  serverUrl: string,
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
    grant: null,
    validUntil: null,
    lastSuccessAt: prev.lastSuccessAt,
    failureAt: now,
    reasons,
    unreachableSince: unreachable ? (prev.unreachableSince ?? now) : null,
    seenAt: now,
  };
}

/**
 * A heartbeat that reached nobody while the lease is still held: degraded, lease kept, and the
 * first moment of silence remembered (the 24-hour rule will count from it).
 */
export function unreachableNode(prev: NodeRecord, self: Self, reasons: Reason[], now: Date): NodeRecord {
  return { ...prev, ...self, status: 'degraded', reasons, unreachableSince: prev.unreachableSince ?? now, seenAt: now };
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
  };
}
