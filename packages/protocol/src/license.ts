import { z } from 'zod';

/** Ed25519 public key as a JWK: the only key type the system trusts. */
export const ed25519PublicJwkSchema = z.object({
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  x: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  kid: z.string().max(128).optional(),
});
export type Ed25519PublicJwk = z.infer<typeof ed25519PublicJwkSchema>;

const isoDate = z.iso.datetime({ offset: true });

/** JWS `typ` header of each signed document, so that one kind can never pass for another. */
export const DOC_TYPES = {
  serverLicense: 'fr-server-license+jws',
  lease: 'fr-lease+jws',
  containerLicense: 'fr-container-license+jws',
  destroyReceipt: 'fr-destroy-receipt+jws',
} as const;

/**
 * The license of a license server, signed by the vendor. It certifies the server's own public key and
 * carries the limits the server enforces for every report-server node.
 */
export const serverLicensePayloadSchema = z.object({
  type: z.literal('license-server'),
  licenseId: z.string().min(1).max(128),
  company: z.string().min(1).max(256),
  project: z.string().max(256).optional(),
  product: z.string().min(1).max(64),
  /** Certified product version, e.g. `11.0`; a node's version matches if it equals it or starts with it + `.`. */
  productVersion: z.string().min(1).max(32),
  /** Allowed node addresses in the manuals' syntax: `192.168.100.25-192.168.100.26, 10.0.0.0/8, ::1`; `*` = any. */
  ipRanges: z.string().min(1).max(4096),
  /** Allowed domains; `*.example.com` wildcards; empty = any. */
  domains: z.array(z.string().min(1).max(253)).max(256),
  /** Allowed web app names (e.g. `webroot`); empty = any. */
  appNames: z.array(z.string().min(1).max(128)).max(256),
  /** Port the license server is meant to listen on. */
  port: z.number().int().min(1).max(65535),
  maxConnections: z.number().int().min(1).max(100_000),
  features: z.array(z.string().min(1).max(128)).max(256),
  issuedAt: isoDate,
  expiresAt: isoDate,
  serverKey: ed25519PublicJwkSchema,
  /**
   * The license's activation key (X25519 public, JWK `x`). The vendor alone holds its private half: the
   * activation page's 6-digit codes come from an X25519 agreement between it and a key the license server
   * makes per QR code and keeps in memory only, so no file the customer holds can compute a code.
   */
  activationKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  /**
   * Legacy machine binding (FR 10): the `digest` of the MachineInfo.rif the license was issued for
   * (hex SHA-256 of `canonicalMachineFacts`, see `./machine-info.ts`); absent = runs on any machine.
   */
  machineInfoHash: z.string().max(128).optional(),
});
export type ServerLicensePayload = z.infer<typeof serverLicensePayloadSchema>;

/** A lease: the license server's signed answer to one register/heartbeat of one node. */
export const leasePayloadSchema = z.object({
  type: z.literal('lease'),
  leaseId: z.string().min(1).max(128),
  licenseId: z.string().min(1).max(128),
  nodeId: z.string().min(1).max(128),
  nonce: z.string().min(16).max(128),
  /** The TCP peer address the license server saw and checked. */
  peer: z.string().max(64),
  issuedAt: isoDate,
  /** Valid until: issuedAt + 24 h; a heartbeat every 2 h renews it. */
  expiresAt: isoDate,
  maxConnections: z.number().int().min(1),
  inUse: z.number().int().min(0),
  /** The node key (`x`) the lease is bound to; only its holder can renew or free it. Absent from older servers. */
  nodeKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/).optional(),
  /**
   * On a register: the server's X25519 public key (`x`) for this lease; with the node's `exchangeKey` it
   * gives the key that proves the node's heartbeats and deregistration. Renewals keep the lease key.
   */
  exchangeKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/).optional(),
});
export type LeasePayload = z.infer<typeof leasePayloadSchema>;
