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

/** What a node tells the license server about itself; its address is taken from the TCP peer. */
export const registerRequestSchema = z.object({
  nodeId: nodeIdSchema,
  /** Fresh per request; the lease must carry it back. base64url, ≥ 128 bits. */
  nonce: z.string().regex(/^[A-Za-z0-9_-]{22,128}$/),
  productVersion: z.string().min(1).max(32),
  appName: z.string().min(1).max(128),
  domain: z.string().min(1).max(253),
  /** The project's identity, for the 11.5.11 rule on resuming after a license-server restart. */
  project: projectIdentitySchema.optional(),
});
export type RegisterRequest = z.infer<typeof registerRequestSchema>;

/** A heartbeat renews the lease of a registered node; same fields plus the lease being renewed. */
export const heartbeatRequestSchema = registerRequestSchema.extend({
  leaseId: z.string().min(1).max(128),
});
export type HeartbeatRequest = z.infer<typeof heartbeatRequestSchema>;

export const deregisterRequestSchema = z.object({
  nodeId: nodeIdSchema,
  /** Only the holder of the lease may free its slot. */
  leaseId: z.string().min(1).max(128),
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
