import type { HeldLease, NodeFacts, NodeSigningKey } from '@registration/licensing/node-requests';
import type { ConnectionTestResult } from '@registration/protocol/bff-api';
import type { LeasePayload, ServerLicensePayload } from '@registration/protocol/license';
import type { Reason } from '@registration/protocol/reason';
import type { Verdict } from './trust.ts';

/** What a node says about itself to the license server (its address is the TCP peer). */
export type NodeIdentity = NodeFacts;

/**
 * Why a call failed, for the caller's state machine:
 * `refused` — the server answered with catalogue reasons; `untrusted` — the answer did not verify;
 * `unreachable` — no usable answer (network, TLS, not a license server).
 */
export type FailureKind = 'refused' | 'untrusted' | 'unreachable';

/**
 * Outcome of register/heartbeat: a verified chain bound to this node's key, or every reason it failed.
 * A register's success carries the new lease key (a heartbeat keeps the one the node holds).
 */
export type LeaseOutcome =
  | { ok: true; license: ServerLicensePayload; lease: LeasePayload; leaseKey?: Buffer }
  | { ok: false; kind: FailureKind; reasons: Reason[] };

export type DeregisterOutcome = { ok: true } | { ok: false; kind: FailureKind; reasons: Reason[] };

/**
 * The certificate a license server presents right now, judged but not used (nothing is sent):
 * `ok: true` — a handshake happened, with the verdict (refusal included); `ok: false` — none, and why.
 */
export type CertificateInspection = { ok: true; verdict: Verdict } | { ok: false; reason: Reason };

/** The BFF's view of a license server; every failure comes back as catalogue reasons, never thrown. */
export interface LicenseClient {
  /** Takes (or, with the same key, replaces) this node's slot; signed with the node key. */
  register(serverUrl: string, node: NodeIdentity, auth: { key: NodeSigningKey; registrationKey?: string | null }): Promise<LeaseOutcome>;
  /** Renews the lease, proven with its lease key; the renewed lease must be bound to `nodeKey` (`x`). */
  heartbeat(serverUrl: string, node: NodeIdentity, lease: HeldLease, nodeKey: string): Promise<LeaseOutcome>;
  /** Frees this node's slot: proven with the lease key, or signed with the node key when the lease is unknown. */
  deregister(serverUrl: string, input: { nodeId: string; by: { lease: HeldLease } | { key: NodeSigningKey } }): Promise<DeregisterOutcome>;
  testConnection(serverUrl: string): Promise<ConnectionTestResult>;
  inspectCertificate(serverUrl: string): Promise<CertificateInspection>;
}
