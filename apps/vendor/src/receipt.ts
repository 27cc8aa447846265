import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { DocumentError, verifyDocument } from '@registration/licensing/jws';
import {
  canonicalReceiptLeases,
  destroyReceiptFileSchema,
  destroyReceiptPayloadSchema,
  type DestroyReceiptPayload,
  type ReceiptLease,
} from '@registration/protocol/destroy-receipt';
import { DOC_TYPES, serverLicensePayloadSchema, type Ed25519PublicJwk, type ServerLicensePayload } from '@registration/protocol/license';

/**
 * The vendor's check of a destroy receipt (`uninstall/receipt.fr`, DESIGN.md §3.1 step 7): the server
 * license against the vendor key, then the receipt against the server key that license certifies, then
 * the lease list against the digest the receipt signs. Nothing in the file is trusted before its check.
 */

/** A receipt that must not be accepted; the message is one line for the CLI. */
export class ReceiptError extends Error {
  override readonly name = 'ReceiptError';
}

/** A receipt whose whole chain checked out. */
export interface VerifiedReceipt {
  license: ServerLicensePayload;
  receipt: DestroyReceiptPayload;
  leases: ReceiptLease[];
}

/** Reads receipt.fr as JSON (its content is checked by `verifyDestroyReceipt`). */
export async function readReceiptFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ReceiptError(`${path} does not exist`);
    throw error;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ReceiptError(`${path} is not a destroy receipt (not JSON)`);
  }
}

function why(error: unknown): string {
  if (error instanceof DocumentError) return error.message;
  throw error;
}

/** Checks vendor → server license → receipt → lease list; throws ReceiptError naming the first break. */
export async function verifyDestroyReceipt(json: unknown, vendorKey: Ed25519PublicJwk): Promise<VerifiedReceipt> {
  const parsed = destroyReceiptFileSchema.safeParse(json);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.slice(0, 2).join('.') || '(root)'))].slice(0, 5).join(', ');
    throw new ReceiptError(`not a destroy receipt (${fields})`);
  }
  const file = parsed.data;
  let license: ServerLicensePayload;
  try {
    license = await verifyDocument(file.serverLicense, vendorKey, DOC_TYPES.serverLicense, serverLicensePayloadSchema);
  } catch (error) {
    throw new ReceiptError(`the server license in the receipt is not one this vendor key signed: ${why(error)}`);
  }
  let receipt: DestroyReceiptPayload;
  try {
    receipt = await verifyDocument(file.receipt, license.serverKey, DOC_TYPES.destroyReceipt, destroyReceiptPayloadSchema);
  } catch (error) {
    throw new ReceiptError(`the receipt is not signed by the server key that license ${license.licenseId} certifies: ${why(error)}`);
  }
  if (receipt.licenseId !== license.licenseId) {
    throw new ReceiptError(`the receipt is for license ${receipt.licenseId}, but the server license beside it is ${license.licenseId}`);
  }
  if (receipt.leasesDigest === null) {
    if (file.leases.length > 0) throw new ReceiptError('the receipt lists leases its signature does not cover');
  } else {
    const digest = createHash('sha256').update(canonicalReceiptLeases(file.leases)).digest('hex');
    if (digest !== receipt.leasesDigest || file.leases.length !== receipt.leasesInUse) {
      throw new ReceiptError('the lease list was changed after the receipt was signed');
    }
  }
  return { license, receipt, leases: file.leases };
}

const SHOWN_LEASES = 50;

/** The verified facts as aligned `label  value` lines, leases last. */
export function formatReceipt({ license, receipt, leases }: VerifiedReceipt): string[] {
  const rows: [string, string][] = [
    ['license id', license.licenseId],
    ['company', license.company],
    ['project', license.project ?? '—'],
    ['instance', `${receipt.instanceId} (fingerprint ${receipt.fingerprint})`],
    ['activated at', receipt.activatedAt ?? 'never'],
    ['destroyed at', receipt.destroyedAt],
    ...(receipt.reissuedAt === undefined ? [] : ([['re-issued at', `${receipt.reissuedAt} (the original receipt was lost)`]] as [string, string][])),
    ['leases in use', receipt.leasesInUse === null ? 'not recorded (re-issued receipt)' : String(receipt.leasesInUse)],
  ];
  const lines = rows.map(([label, value]) => `  ${label.padEnd(16)} ${value}`);
  for (const l of leases.slice(0, SHOWN_LEASES)) lines.push(`    ${l.nodeId}  ${l.peer || '?'}  lease ${l.leaseId}, last renewed ${l.renewedAt}`);
  if (leases.length > SHOWN_LEASES) lines.push(`    … and ${leases.length - SHOWN_LEASES} more`);
  return lines;
}
