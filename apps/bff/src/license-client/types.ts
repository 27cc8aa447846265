import type { ProjectIdentity } from '@registration/protocol/project-identity';
import type { ConnectionTestResult } from '@registration/protocol/bff-api';
import type { LeasePayload, ServerLicensePayload } from '@registration/protocol/license';
import type { Reason } from '@registration/protocol/reason';
import type { Verdict } from './trust.ts';

/** What a node says about itself to the license server (its address is the TCP peer). */
export interface NodeIdentity {
  nodeId: string;
  productVersion: string;
  appName: string;
  domain: string;
  /** For the license server's restart rule; absent = the server treats it as the built-in DB. */
  project?: ProjectIdentity;
}

/**
 * Why a call failed, for the caller's state machine:
 * `refused` — the server answered with catalogue reasons; `untrusted` — the answer did not verify;
 * `unreachable` — no usable answer (network, TLS, not a license server).
 */
export type FailureKind = 'refused' | 'untrusted' | 'unreachable';

/** Outcome of register/heartbeat: a verified chain, or every reason it failed. */
export type LeaseOutcome =
  | { ok: true; license: ServerLicensePayload; lease: LeasePayload }
  | { ok: false; kind: FailureKind; reasons: Reason[] };

export type DeregisterOutcome = { ok: true } | { ok: false; kind: FailureKind; reasons: Reason[] };

/**
 * The certificate a license server presents right now, judged but not used (nothing is sent):
 * `ok: true` — a handshake happened, with the verdict (refusal included); `ok: false` — none, and why.
 */
export type CertificateInspection = { ok: true; verdict: Verdict } | { ok: false; reason: Reason };

/** The BFF's view of a license server; every failure comes back as catalogue reasons, never thrown. */
export interface LicenseClient {
  register(serverUrl: string, node: NodeIdentity): Promise<LeaseOutcome>;
  heartbeat(serverUrl: string, node: NodeIdentity, leaseId: string): Promise<LeaseOutcome>;
  deregister(serverUrl: string, input: { nodeId: string; leaseId: string }): Promise<DeregisterOutcome>;
  testConnection(serverUrl: string): Promise<ConnectionTestResult>;
  inspectCertificate(serverUrl: string): Promise<CertificateInspection>;
}
