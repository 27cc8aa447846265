import type { HistoryStore } from './history-store.ts';
import type { Grant, NodeStatus, RegistrationMethod } from '@registration/protocol/bff-api';
import type { LeasePayload } from '@registration/protocol/license';
import type { Reason } from '@registration/protocol/reason';
import type { ContainerLicensePayload } from '@registration/protocol/container-license';
import type { LockState } from '@registration/licensing/lockout';

/** The cluster-wide registration configuration (one row). */
export interface RegistrationConfig {
  method: RegistrationMethod;
  serverUrl: string | null;
  updatedAt: Date;
  /** `sub` of the administrator who submitted it. */
  updatedBy: string;
  /** The license server's registration key, when it asks for one (never sent to the browser). */
  registrationKey?: string | null;
}

/** A Submit that failed while a working configuration stayed in place: shown, never registered against. */
export interface RegistrationAttempt {
  serverUrl: string;
  attemptedAt: Date;
  attemptedBy: string;
  /** The node that made the attempt. */
  nodeId: string;
  reasons: Reason[];
}

/** A node's identity key pair (Ed25519; `x` public, `d` private, base64url). Never logged, never sent. */
export interface NodeKeyRecord {
  nodeId: string;
  x: string;
  d: string;
  createdAt: Date;
}

/**
 * What this node may hold on a license server that its row does not show, written before the call that
 * could cause it and removed in the transaction that stores the outcome: `held` — a lease may be held at
 * `serverUrl` (a register whose answer was not stored, or an old lease being freed); `deregister` — a
 * Re-register in progress. The next beat resolves one that is left (after a crash, or an unanswered call).
 */
export interface NodeIntent {
  nodeId: string;
  kind: 'held' | 'deregister';
  serverUrl: string;
  startedAt: Date;
}

/** What one node records about its own registration. */
export interface NodeRecord {
  nodeId: string;
  address: string;
  status: NodeStatus;
  /** License server the lease below came from (the cluster config may have moved on since). */
  serverUrl: string | null;
  /** The verified lease payload currently held (null when none). */
  lease: LeasePayload | null;
  leaseId: string | null;
  /** The key (base64url) that proves this lease's heartbeats and deregistration; null without a lease. */
  leaseKey: string | null;
  /** What the verified server license + lease grant, as shown on Version Information. */
  grant: Grant | null;
  validUntil: Date | null;
  lastSuccessAt: Date | null;
  failureAt: Date | null;
  reasons: Reason[];
  unreachableSince: Date | null;
  /** Last liveness write, by this node's clock. */
  seenAt: Date;
  /** This node's clock minus the store's at its last liveness write (read only; `touchNode` writes it). */
  clockSkewMs?: number | null;
  /**
   * `updatedAt` of the cluster configuration this row's outcome answers; absent in a write keeps the
   * stored value (liveness and follow-up writes do not change which configuration was tried).
   */
  configAt?: Date | null;
}

/** An administrator's confirmation that `origin` may present exactly the certificate `fingerprint`. */
export interface TrustedCertificateRecord {
  /** `https://host:port` of the license server. */
  origin: string;
  /** SHA-256 of the certificate, upper-case colon hex. */
  fingerprint: string;
  subject: string;
  /** `sub` of the administrator who confirmed it. */
  confirmedBy: string;
  confirmedAt: Date;
}

/** Confirmed license-server certificates, one per origin, shared by every node of a cluster. */
export interface TrustedCertificateStore {
  getTrustedCertificate(origin: string): Promise<TrustedCertificateRecord | null>;
  listTrustedCertificates(): Promise<TrustedCertificateRecord[]>;
  /** Inserts or replaces the confirmation for its origin (re-confirming after a change replaces it). */
  trustCertificate(record: TrustedCertificateRecord): Promise<void>;
  /** Removes the confirmation for `origin`; whether there was one. */
  forgetCertificate(origin: string): Promise<boolean>;
}

/** The cluster-wide Container.lic: the file as uploaded and its verified payload. */
export interface ContainerLicenseRecord {
  lic: string;
  license: ContainerLicensePayload;
  uploadedAt: Date;
  /** `sub` of the administrator who uploaded it. */
  uploadedBy: string;
}

/**
 * The current QR challenge of the stored Container.lic (one at a time; a new one replaces it). Its private
 * key is held only in the memory of the node that made it (`nodeId`), which therefore checks its codes.
 */
export interface ContainerChallengeRecord {
  challengeId: string;
  licenseId: string;
  fingerprint: string;
  expiresAt: Date;
  usedAt: Date | null;
  /** The challenge's public key (the QR code's `x`); null for a challenge stored before challenge keys. */
  exchangeKey: string | null;
  /** The node that made it; null for one stored before challenge keys. */
  nodeId: string | null;
}

/** Local Container persistence: the lic, its current challenge and the verification lock per license. */
export interface LocalContainerStore {
  getContainerLicense(): Promise<ContainerLicenseRecord | null>;
  /** Stores the lic (replacing any previous one) and drops the previous lic's challenge. */
  setContainerLicense(record: ContainerLicenseRecord): Promise<void>;
  getContainerChallenge(): Promise<ContainerChallengeRecord | null>;
  /** Replaces the current challenge. */
  setContainerChallenge(record: ContainerChallengeRecord): Promise<void>;
  /** Marks `challengeId` used at `at` if it is still the current, unused one; whether it was. */
  useContainerChallenge(challengeId: string, at: Date): Promise<boolean>;
  /**
   * The lock record of `licenseId` (the initial one if none yet), row-locked until the surrounding
   * transaction ends (SELECT … FOR UPDATE): call it inside `transaction` before deciding a code.
   */
  lockVerification(licenseId: string): Promise<LockState>;
  setVerificationLock(licenseId: string, state: LockState, at: Date): Promise<void>;
}

/**
 * Persistence of the registration. Every method is one statement or one transaction, so a failed
 * request never leaves half a state behind; `transaction` groups several writes into one.
 */
export interface RegistrationStore extends TrustedCertificateStore, LocalContainerStore, HistoryStore {
  getConfig(): Promise<RegistrationConfig | null>;
  setConfig(config: RegistrationConfig): Promise<void>;
  clearConfig(): Promise<void>;
  /** The last failed Submit that left the configuration as it was (null when none, or cleared by a success). */
  getAttempt(): Promise<RegistrationAttempt | null>;
  setAttempt(attempt: RegistrationAttempt | null): Promise<void>;
  /** This node's key pair; made by `make` and stored on first use (a concurrent first use keeps one). */
  nodeKey(nodeId: string, make: () => { x: string; d: string }, at: Date): Promise<NodeKeyRecord>;
  /** This node's unresolved intents, oldest first. */
  listIntents(nodeId: string): Promise<NodeIntent[]>;
  /** Records (or replaces) the intent for its node and server. */
  setIntent(intent: NodeIntent): Promise<void>;
  clearIntent(nodeId: string, serverUrl: string): Promise<void>;
  getNode(nodeId: string): Promise<NodeRecord | null>;
  /** Inserts or replaces the node's row in one statement. */
  upsertNode(node: NodeRecord): Promise<void>;
  /** Every node by id; `withoutLeaseAndGrant` leaves both null (cheaper, for the cluster table). */
  listNodes(options?: { withoutLeaseAndGrant?: boolean }): Promise<NodeRecord[]>;
  /** The liveness write: seen at `seenAt` (node clock), `clockSkewMs` off the store's clock. */
  touchNode(nodeId: string, seenAt: Date, clockSkewMs: number): Promise<void>;
  /** The store's own clock (`now()` of the database), the reference every node's skew is measured against. */
  now(): Promise<Date>;
  /** `lockVerification` without the row lock, for display. */
  readVerificationLock(licenseId: string): Promise<LockState>;
  /** Runs `fn` against a store bound to one transaction: all its writes commit together or not at all. */
  transaction<T>(fn: (tx: RegistrationStore) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
