import { z } from 'zod';
import { projectIdentitySchema } from './project-identity.ts';
import { reasonSchema } from './reason.ts';

/** Identifies a license server (used by the connection diagnosis). */
export const LICENSE_SERVER_SERVICE = 'fr-license-server';

/**
 * A cluster node's id (NODE_ID). Any text but `__proto__`: the license server keys its lease map by it,
 * and that key cannot survive a round trip through a plain object (JSON.parse → record).
 */
export const nodeIdSchema = z
  .string()
  .min(1)
  .max(128)
  .refine((id) => id !== '__proto__', { message: '"__proto__" cannot be a node id' });

/** 32 bytes, base64url unpadded: an Ed25519 or X25519 public key (a JWK's `x`). */
export const publicKeyXSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

/** Fresh per request; the lease must carry it back. base64url, >= 128 bits. */
const nonceSchema = z.string().regex(/^[A-Za-z0-9_-]{22,128}$/);

/**
 * The node's clock when it made the request (ISO 8601). The license server keeps the newest one it
 * accepted per lease and refuses an older or repeated one, so a recorded request cannot be replayed.
 */
const requestTimeSchema = z.iso.datetime({ offset: true });

/** The header that carries a node request's proof: `ed25519 <sig>` or `hmac-sha256 <mac>` (base64url). */
export const NODE_PROOF_HEADER = 'x-fr-node-proof';

/**
 * What a node tells the license server about itself; its address is taken from the TCP peer. The body is
 * signed with the node's key (NODE_PROOF_HEADER, `ed25519`), which the lease is then bound to.
 */
export const registerRequestSchema = z.object({
  nodeId: nodeIdSchema,
  nonce: nonceSchema,
  time: requestTimeSchema,
  productVersion: z.string().min(1).max(32),
  appName: z.string().min(1).max(128),
  domain: z.string().min(1).max(253),
  /** The project's identity, for the 11.5.11 rule on resuming after a license-server restart. */
  project: projectIdentitySchema.optional(),
  /** The node's Ed25519 public key (`x`): the lease is bound to it, and this request is signed with it. */
  nodeKey: publicKeyXSchema,
  /** A fresh X25519 public key (`x`): with the server's own one in the lease it gives the per-lease proof key. */
  exchangeKey: publicKeyXSchema,
  /** The license server's registration key, when its operator set one (`--registration-key-file`). */
  registrationKey: z.string().min(1).max(256).optional(),
});
export type RegisterRequest = z.infer<typeof registerRequestSchema>;

/**
 * A heartbeat renews the lease of a registered node: the node's facts again plus the lease being renewed,
 * proven with the lease's own key (NODE_PROOF_HEADER, `hmac-sha256`); no key is sent.
 */
export const heartbeatRequestSchema = registerRequestSchema
  .omit({ nodeKey: true, exchangeKey: true, registrationKey: true })
  .extend({ leaseId: z.string().min(1).max(128) });
export type HeartbeatRequest = z.infer<typeof heartbeatRequestSchema>;

/**
 * Frees a node's slot. With `leaseId` the proof is the lease's HMAC; without it, a signature of the node key
 * the live lease is bound to (a node that lost its lease in a crash frees it this way).
 */
export const deregisterRequestSchema = z.object({
  nodeId: nodeIdSchema,
  nonce: nonceSchema,
  time: requestTimeSchema,
  leaseId: z.string().min(1).max(128).optional(),
});
export type DeregisterRequest = z.infer<typeof deregisterRequestSchema>;

/** Success of register/heartbeat: the vendor-signed server license and the server-signed lease. */
export const leaseResponseSchema = z.object({
  ok: z.literal(true),
  serverLicense: z.string().min(1).max(16_384),
  lease: z.string().min(1).max(16_384),
});
export type LeaseResponse = z.infer<typeof leaseResponseSchema>;

/** Every refusal of the license server: all failing reasons, first one first. */
export const refusalResponseSchema = z.object({
  ok: z.literal(false),
  reasons: z.array(reasonSchema).min(1),
});
export type RefusalResponse = z.infer<typeof refusalResponseSchema>;

export const registerResponseSchema = z.discriminatedUnion('ok', [leaseResponseSchema, refusalResponseSchema]);
export type RegisterResponse = z.infer<typeof registerResponseSchema>;

export const deregisterResponseSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true) }),
  refusalResponseSchema,
]);
export type DeregisterResponse = z.infer<typeof deregisterResponseSchema>;

/** `GET /api/v1/info`: lets a client tell a license server from anything else at an address. */
export const serverInfoSchema = z.object({
  service: z.literal(LICENSE_SERVER_SERVICE),
  version: z.string(),
  activated: z.boolean(),
  serverLicense: z.string(),
  /** Node requests must prove the node key (absent = an older server that binds nothing). */
  nodeProof: z.literal(true).optional(),
  /** Whether a register must carry the server's registration key. */
  registrationKeyRequired: z.boolean().optional(),
});
export type ServerInfo = z.infer<typeof serverInfoSchema>;

/** `GET /health`. */
export const healthSchema = z.object({
  status: z.enum(['ok', 'destroyed']),
  activated: z.boolean(),
  leasesInUse: z.number().int(),
  maxConnections: z.number().int(),
  lastWriteAt: z.string().nullable(),
});
export type Health = z.infer<typeof healthSchema>;
