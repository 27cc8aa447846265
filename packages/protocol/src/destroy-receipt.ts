import { z } from 'zod';

/**
 * The destroy receipt (`uninstall/receipt.fr`, DESIGN.md §3.1 step 7): what `license-server destroy`
 * writes and `vendor verify-receipt` checks. The file carries the vendor-signed server license (which
 * certifies the server key) next to the receipt signed with that server key, so the vendor can check the
 * chain vendor → server license → receipt with nothing but its own public key.
 */

export const DESTROY_RECEIPT_FORMAT = 'fr-destroy-receipt';
export const DESTROY_RECEIPT_FILE = 'receipt.fr';

const isoDate = z.iso.datetime({ offset: true });
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

/** One lease that was in use when the server was destroyed. */
export const receiptLeaseSchema = z.object({
  nodeId: z.string().min(1).max(128),
  leaseId: z.string().min(1).max(128),
  peer: z.string().max(64),
  registeredAt: isoDate,
  renewedAt: isoDate,
  expiresAt: isoDate,
});
export type ReceiptLease = z.infer<typeof receiptLeaseSchema>;

/** The signed statement (JWS typ `DOC_TYPES.destroyReceipt`, signed with the server key). */
export const destroyReceiptPayloadSchema = z.object({
  type: z.literal('destroy-receipt'),
  licenseId: z.string().min(1).max(128),
  /** The installation (privateConfig) that was destroyed, and its activation fingerprint. */
  instanceId: z.string().min(1).max(64),
  fingerprint: z.string().min(1).max(128),
  activatedAt: isoDate.nullable(),
  destroyedAt: isoDate,
  /**
   * Leases in use at `destroyedAt` and the SHA-256 of their canonical list (the list itself travels
   * beside the JWS, which would otherwise outgrow the document size limit); null when not recorded
   * (a receipt re-issued after the original was lost).
   */
  leasesInUse: z.number().int().min(0).nullable(),
  leasesDigest: sha256Hex.nullable(),
  /** Set when this receipt replaces a lost one: `destroyedAt` is still the original moment. */
  reissuedAt: isoDate.optional(),
});
export type DestroyReceiptPayload = z.infer<typeof destroyReceiptPayloadSchema>;

/** `receipt.fr` as written to disk (JSON). */
export const destroyReceiptFileSchema = z.object({
  format: z.literal(DESTROY_RECEIPT_FORMAT),
  version: z.literal(1),
  serverLicense: z.string().min(1).max(16_384),
  receipt: z.string().min(1).max(16_384),
  leases: z.array(receiptLeaseSchema).max(100_000),
});
export type DestroyReceiptFile = z.infer<typeof destroyReceiptFileSchema>;

/** The exact text `leasesDigest` covers: leases sorted by node id, fields in a fixed order. */
export function canonicalReceiptLeases(leases: readonly ReceiptLease[]): string {
  const rows = [...leases]
    .sort((a, b) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0))
    .map((l) => [l.nodeId, l.leaseId, l.peer, l.registeredAt, l.renewedAt, l.expiresAt]);
  return JSON.stringify([`${DESTROY_RECEIPT_FORMAT}-leases/1`, rows]);
}
