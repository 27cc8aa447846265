import { createHash } from 'node:crypto';
import { mkdir, rename } from 'node:fs/promises';
import { verifyDocument, signDocument } from '@registration/licensing/jws';
import {
  canonicalReceiptLeases,
  DESTROY_RECEIPT_FORMAT,
  destroyReceiptFileSchema,
  destroyReceiptPayloadSchema,
  type DestroyReceiptFile,
  type DestroyReceiptPayload,
  type ReceiptLease,
} from '@registration/protocol/destroy-receipt';
import { DOC_TYPES } from '@registration/protocol/license';
import { serverFingerprint } from './activation.ts';
import { readTextIfExists, writeFileAtomic } from '@registration/licensing/files';
import type { LoadedBundle } from './bundle.ts';
import type { LeaseTable } from './lease-table.ts';
import type { PrivateConfig } from './store.ts';

/** The destroy receipt as this server writes it (DESIGN.md §3.1 step 7); the vendor checks it with `verify-receipt`. */

/** Hex SHA-256 of the canonical lease list, as signed in the receipt. */
export function leasesDigest(leases: readonly ReceiptLease[]): string {
  return createHash('sha256').update(canonicalReceiptLeases(leases)).digest('hex');
}

/** The leases of a privateConfig as the receipt lists them, sorted by node id. */
export function receiptLeases(leases: LeaseTable): ReceiptLease[] {
  return [...leases.entries()]
    .map(([nodeId, l]) => ({ nodeId, leaseId: l.leaseId, peer: l.peer, registeredAt: l.registeredAt, renewedAt: l.renewedAt, expiresAt: l.expiresAt }))
    .sort((a, b) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0));
}

/**
 * Signs a receipt with the bundle's server key. `leases: null` is a re-issued receipt whose original
 * lease list is gone; `destroyedAt` is always the moment recorded when the server was destroyed.
 */
export async function issueDestroyReceipt(input: {
  bundle: LoadedBundle;
  state: Pick<PrivateConfig, 'licenseId' | 'instanceId' | 'activatedAt'>;
  destroyedAt: string;
  leases: ReceiptLease[] | null;
  reissuedAt?: string;
}): Promise<DestroyReceiptFile> {
  const { bundle, state, leases } = input;
  const payload: DestroyReceiptPayload = destroyReceiptPayloadSchema.parse({
    type: 'destroy-receipt',
    licenseId: state.licenseId,
    instanceId: state.instanceId,
    fingerprint: serverFingerprint(state),
    activatedAt: state.activatedAt,
    destroyedAt: input.destroyedAt,
    leasesInUse: leases === null ? null : leases.length,
    leasesDigest: leases === null ? null : leasesDigest(leases),
    ...(input.reissuedAt === undefined ? {} : { reissuedAt: input.reissuedAt }),
  });
  const receipt = await signDocument(payload, bundle.bundle.serverPrivateKey, DOC_TYPES.destroyReceipt);
  return { format: DESTROY_RECEIPT_FORMAT, version: 1, serverLicense: bundle.bundle.serverLicense, receipt, leases: leases ?? [] };
}

/** Writes receipt.fr durably (temp file, fsync, rename, fsync dir). */
export async function writeReceiptFile(path: string, dir: string, file: DestroyReceiptFile): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(path, `${JSON.stringify(file, null, 2)}\n`, 0o644);
}

/** What is at the receipt path, as far as this server can tell. */
export type ExistingReceipt =
  | { kind: 'missing' }
  | { kind: 'ours'; payload: DestroyReceiptPayload; file: DestroyReceiptFile }
  /** Readable but not this installation's (another license, key or instance), or unreadable. */
  | { kind: 'foreign'; why: string };

/**
 * Reads a receipt and checks it was signed by THIS bundle's server key for THIS installation, so a
 * second `destroy` can reprint it rather than sign a new one.
 */
export async function readExistingReceipt(path: string, bundle: LoadedBundle, instanceId: string): Promise<ExistingReceipt> {
  const text = await readTextIfExists(path);
  if (text === null) return { kind: 'missing' };
  let file: DestroyReceiptFile;
  try {
    file = destroyReceiptFileSchema.parse(JSON.parse(text));
  } catch {
    return { kind: 'foreign', why: 'not a destroy receipt' };
  }
  let payload: DestroyReceiptPayload;
  try {
    payload = await verifyDocument(file.receipt, bundle.license.serverKey, DOC_TYPES.destroyReceipt, destroyReceiptPayloadSchema);
  } catch (error) {
    return { kind: 'foreign', why: `not signed by this server's key (${(error as Error).message})` };
  }
  if (payload.licenseId !== bundle.license.licenseId || payload.instanceId !== instanceId) {
    return { kind: 'foreign', why: `for license ${payload.licenseId}, instance ${payload.instanceId}` };
  }
  if (payload.leasesDigest !== null && payload.leasesDigest !== leasesDigest(file.leases)) {
    return { kind: 'foreign', why: 'its lease list does not match the signed digest' };
  }
  return { kind: 'ours', payload, file };
}

/** Moves a receipt that is not ours out of the way (never deletes evidence); returns where it went. */
export async function moveAside(path: string, now: Date): Promise<string> {
  const aside = `${path}.${now.toISOString().replace(/[:.]/g, '-')}.old`;
  await rename(path, aside);
  return aside;
}
