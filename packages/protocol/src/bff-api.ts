// zod/mini (functional API, tree-shakable): these schemas validate the BFF's answers inside the
// registration module's bundle, where classic zod alone would weigh 25 KB gzip and slow its start.
import * as z from 'zod/mini';
import { reasonSchema } from './reason.ts';

export const REGISTRATION_METHODS = ['private-cloud', 'local-container'] as const;
export const registrationMethodSchema = z.enum(REGISTRATION_METHODS);
export type RegistrationMethod = z.infer<typeof registrationMethodSchema>;

/**
 * Status of the registration as a whole (the status card) and of one node (a table row).
 * `degraded`: license server unreachable for less than 24 h, still valid. `stale`: a node that stopped
 * reporting its liveness (cluster).
 */
export const registrationStatusSchema = z.enum([
  'unregistered',
  'registered',
  'failed',
  'degraded',
  'verification-needed',
]);
export type RegistrationStatus = z.infer<typeof registrationStatusSchema>;
export const nodeStatusSchema = z.enum([...registrationStatusSchema.options, 'stale']);
export type NodeStatus = z.infer<typeof nodeStatusSchema>;

export const productInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  buildDate: z.string(),
});
export type ProductInfo = z.infer<typeof productInfoSchema>;

/** What the license grants, shown on Version Information once registered. */
export const grantSchema = z.object({
  licenseId: z.string(),
  company: z.string(),
  project: z.nullable(z.string()),
  product: z.string(),
  productVersion: z.string(),
  features: z.array(z.string()),
  domains: z.array(z.string()),
  appNames: z.array(z.string()),
  ipRanges: z.string(),
  port: z.nullable(z.int()),
  expiresAt: z.string(),
  maxConnections: z.int(),
  inUse: z.int(),
});
export type Grant = z.infer<typeof grantSchema>;

/** One node's registration, as recorded in the store by that node. */
export const nodeStateSchema = z.object({
  nodeId: z.string(),
  address: z.string(),
  status: nodeStatusSchema,
  lastSuccessAt: z.nullable(z.string()),
  failureAt: z.nullable(z.string()),
  reasons: z.array(reasonSchema),
  /** Lease valid until (registered/degraded). */
  validUntil: z.nullable(z.string()),
  /** Since when the license server has not answered (degraded). */
  unreachableSince: z.nullable(z.string()),
  /** Last time the node wrote its liveness. */
  seenAt: z.string(),
  /**
   * How far the node's clock is ahead (+) or behind (−) the shared store's clock, in ms, as of its last
   * liveness write; null when not measured. Cluster nodes must keep consistent time (over 60 s is flagged).
   */
  clockSkewMs: z.nullable(z.int()),
});
export type NodeState = z.infer<typeof nodeStateSchema>;

/**
 * Whether a Local Container code may be entered now (the lock is per license and shared by every tab,
 * address and cluster node): `open` with attempts left before the next lock, `locked` until when, or
 * `disabled` after 100 wrong codes in a row (an operator resets it).
 */
export const verificationGateSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('open'), attemptsLeft: z.int().check(z.minimum(0)) }),
  z.object({ kind: z.literal('locked'), until: z.string() }),
  z.object({ kind: z.literal('disabled'), failures: z.int().check(z.minimum(0)) }),
]);
export type VerificationGate = z.infer<typeof verificationGateSchema>;

/** The cluster-wide Container.lic once one is accepted: what it grants, who uploaded it, the code gate. */
export const localContainerStateSchema = z.object({
  grant: grantSchema,
  uploadedAt: z.string(),
  uploadedBy: z.string(),
  gate: verificationGateSchema,
});
export type LocalContainerState = z.infer<typeof localContainerStateSchema>;

/** `GET /api/registration`. */
export const registrationStateSchema = z.object({
  product: productInfoSchema,
  method: z.nullable(registrationMethodSchema),
  serverUrl: z.nullable(z.string()),
  status: registrationStatusSchema,
  grant: z.nullable(grantSchema),
  /** This node, the one answering. */
  node: nodeStateSchema,
  /** Every node of the cluster (one for a standalone server). */
  nodes: z.array(nodeStateSchema),
  /**
   * The stored Container.lic (Local Container), kept across restarts and Re-register's of Private Cloud
   * until another is uploaded; null when none was ever accepted.
   */
  localContainer: z.nullable(localContainerStateSchema),
  /**
   * The last Submit that failed while the configuration above stayed in place (the attempted address is
   * not registered against); null when none, or once a later Submit succeeded.
   */
  lastAttempt: z._default(
    z.nullable(z.object({ serverUrl: z.string(), at: z.string(), by: z.string(), nodeId: z.string(), reasons: z.array(reasonSchema) })),
    null,
  ),
  /** Whether a registration key is stored with the configuration (the key itself never leaves the BFF). */
  registrationKeyStored: z._default(z.boolean(), false),
  /** Server time of the answer, so that the UI can show countdowns against the server clock. */
  now: z.string(),
});
export type RegistrationState = z.infer<typeof registrationStateSchema>;

const serverUrlSchema = z.string().check(
  z.trim(),
  z.minLength(1),
  z.maxLength(2048),
  z.refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname !== '' && u.username === '' && u.password === '';
    } catch {
      return false;
    }
  }, 'serverUrl must be an address like https://host:port'),
);

/**
 * The license server's registration key as typed (`--registration-key-file` on the server): 16–256 visible
 * characters; surrounding blanks of a paste are dropped.
 */
export const registrationKeySchema = z
  .string()
  .check(z.trim(), z.regex(/^[\x21-\x7e]{16,256}$/, 'registrationKey must be 16 to 256 visible characters without spaces'));

/**
 * `POST /api/registration/private-cloud` and `/private-cloud/test`. `registrationKey` only when the server
 * asks for one; omitted on a Submit to the configured server, the stored key is used.
 */
export const privateCloudRequestSchema = z.object({ serverUrl: serverUrlSchema, registrationKey: z.optional(registrationKeySchema) });
export type PrivateCloudRequest = z.infer<typeof privateCloudRequestSchema>;

export const nodeFailureSchema = z.object({
  nodeId: z.string(),
  address: z.string(),
  reasons: z.array(reasonSchema).check(z.minLength(1)),
});
export type NodeFailure = z.infer<typeof nodeFailureSchema>;

/** Answer of a submit: the new state, and when it failed every node's reasons (failure pop-up). */
export const registerResultSchema = z.object({
  ok: z.boolean(),
  failures: z.array(nodeFailureSchema),
  state: registrationStateSchema,
});
export type RegisterResult = z.infer<typeof registerResultSchema>;

/** SHA-256 of a certificate's DER in the usual form: 32 upper-case hex pairs joined by colons. */
export const certificateFingerprintSchema = z.string().check(
  z.trim(),
  z.toUpperCase(),
  z.regex(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/, 'fingerprint must be SHA-256 as AB:CD:… (32 pairs)'),
);

/**
 * Why the BFF does or does not trust a license server's certificate: `ca` — it chains to a system CA or
 * LICENSE_SERVER_CA; `confirmed` — an administrator confirmed its fingerprint for this origin;
 * `untrusted` — neither; `changed` — another certificate was confirmed for this origin.
 */
export const certificateTrustSchema = z.enum(['ca', 'confirmed', 'untrusted', 'changed']);
export type CertificateTrust = z.infer<typeof certificateTrustSchema>;

/** The certificate a license server presented, as shown before anyone trusts it. */
export const serverCertificateSchema = z.object({
  subject: z.string(),
  issuer: z.string(),
  /** Subject alternative names (`localhost`, `127.0.0.1`). */
  altNames: z.array(z.string()),
  validFrom: z.string(),
  validTo: z.string(),
  fingerprint: z.string(),
  /** Whether the names cover the host of the address typed. */
  coversHost: z.boolean(),
  /** Whether now (server clock) is inside validFrom…validTo. */
  validNow: z.boolean(),
});
export type ServerCertificate = z.infer<typeof serverCertificateSchema>;

/** An administrator's confirmation of one certificate for one license-server origin (cluster-wide). */
export const trustedCertificateSchema = z.object({
  origin: z.string(),
  fingerprint: z.string(),
  subject: z.string(),
  confirmedBy: z.string(),
  confirmedAt: z.string(),
});
export type TrustedCertificate = z.infer<typeof trustedCertificateSchema>;

/** `POST /api/registration/private-cloud/trust`: confirm the fingerprint the server presents now. */
export const trustRequestSchema = z.object({ serverUrl: serverUrlSchema, fingerprint: certificateFingerprintSchema });
export type TrustRequest = z.infer<typeof trustRequestSchema>;

/** `GET /api/registration/private-cloud/trust`: every confirmation. */
export const trustedCertificateListSchema = z.object({ certificates: z.array(trustedCertificateSchema) });

/** `DELETE /api/registration/private-cloud/trust` `{ serverUrl }`: whether a confirmation was removed. */
export const trustRemovedSchema = z.object({ origin: z.string(), removed: z.boolean() });

/** Answer of Test Connection. */
export const connectionTestResultSchema = z.object({
  ok: z.boolean(),
  serverUrl: z.string(),
  reasons: z.array(reasonSchema),
  /** SHA-256 fingerprint of the certificate presented, when a TLS handshake happened. */
  fingerprint: z.nullable(z.string()),
  latencyMs: z.nullable(z.number()),
  /** The certificate presented, when a TLS handshake happened. */
  certificate: z._default(z.nullable(serverCertificateSchema), null),
  /** Whether that certificate is trusted and why; null without a handshake. */
  trust: z._default(z.nullable(certificateTrustSchema), null),
  /** The confirmation on record for this origin, if any (shown when the certificate changed). */
  confirmed: z._default(z.nullable(trustedCertificateSchema), null),
  /** Whether the server takes registrations only with its registration key (Register Now then asks for it). */
  registrationKeyRequired: z._default(z.boolean(), false),
});
export type ConnectionTestResult = z.infer<typeof connectionTestResultSchema>;

/** `POST /api/registration/local-container/lic` (multipart `file`) when the Container.lic is accepted and stored. */
export const containerLicAcceptedSchema = z.object({ accepted: z.literal(true), grant: grantSchema });
export type ContainerLicAccepted = z.infer<typeof containerLicAcceptedSchema>;

/** `POST /api/registration/local-container/challenge`: a fresh QR challenge (5 minutes) and its SVG. */
export const containerChallengeSchema = z.object({
  challengeId: z.string(),
  expiresAt: z.string(),
  /** The vendor phone page URL the QR code carries. */
  url: z.string(),
  svg: z.string(),
});
export type ContainerChallenge = z.infer<typeof containerChallengeSchema>;

/** `POST /api/registration/local-container/verify`: the 6-digit code for the QR on screen. */
export const containerVerifyRequestSchema = z.object({
  challengeId: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  code: z.string().check(z.maxLength(32)),
});
export type ContainerVerifyRequest = z.infer<typeof containerVerifyRequestSchema>;

/** A right code: this node is registered (Local Container) with the lic's grant. */
export const containerVerifiedSchema = z.object({ registered: z.literal(true), grant: grantSchema });
export type ContainerVerified = z.infer<typeof containerVerifiedSchema>;

/**
 * What the registration history records: an administrator's action on the module (with `actor`), or what a
 * node did by itself (`actor` null): renewed after an outage, lapsed after 24 h, refused by its license
 * server, joined a Local Container verification.
 */
export const HISTORY_KINDS = [
  'submit',
  'test-connection',
  'certificate-confirmed',
  'certificate-forgotten',
  'lic-uploaded',
  'code-entered',
  're-register',
  'renewed-after-outage',
  'unreachable',
  'lapsed',
  'refused-by-server',
  'joined-verification',
] as const;
export const historyKindSchema = z.enum(HISTORY_KINDS);
export type HistoryKind = z.infer<typeof historyKindSchema>;

/** How it ended: done, refused (with catalogue reasons), or (for a node's own event) a change of state. */
export const historyOutcomeSchema = z.enum(['ok', 'refused', 'info']);
export type HistoryOutcome = z.infer<typeof historyOutcomeSchema>;

export const historyEventSchema = z.object({
  id: z.string(),
  at: z.string(),
  /** The node that handled the request, or whose state changed. */
  nodeId: z.string(),
  /** The administrator's name from their token; null for what a node did by itself. */
  actor: z.nullable(z.string()),
  kind: historyKindSchema,
  outcome: historyOutcomeSchema,
  /** Values of the event: the server address, a certificate's fingerprint, the file name … */
  params: z.record(z.string(), z.union([z.string(), z.number()])),
  reasons: z.array(reasonSchema),
});
export type HistoryEvent = z.infer<typeof historyEventSchema>;

/** `GET /api/registration/events`: newest first; `nextCursor` fetches the older ones. */
export const historyPageSchema = z.object({ events: z.array(historyEventSchema), nextCursor: z.nullable(z.string()) });
export type HistoryPage = z.infer<typeof historyPageSchema>;

/** The query of `GET /api/registration/events` (all optional; `from`/`to` are ISO times, inclusive). */
export const historyQuerySchema = z.object({
  cursor: z.optional(z.string().check(z.regex(/^\d{1,18}$/))),
  limit: z.optional(z.string().check(z.regex(/^\d{1,3}$/))),
  kind: z.optional(historyKindSchema),
  node: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
  from: z.optional(z.iso.datetime({ offset: true })),
  to: z.optional(z.iso.datetime({ offset: true })),
  format: z.optional(z.enum(['json', 'csv'])),
});
export type HistoryQuery = z.infer<typeof historyQuerySchema>;
