import { timingSafeEqual } from 'node:crypto';
import {
  DOC_TYPES,
  leasePayloadSchema,
  serverLicensePayloadSchema,
  type Ed25519PublicJwk,
  type LeasePayload,
  type ServerLicensePayload,
} from '@registration/protocol/license';
import { DocumentError, verifyDocument } from './jws.ts';

/** Which link of vendor → server license → lease broke, and why (English, for logs and params). */
export class ChainError extends Error {
  override readonly name = 'ChainError';
  constructor(
    /** `unbound`: a genuine lease that names no node key (a license server older than the node). */
    readonly stage: 'server-license' | 'lease' | 'unbound',
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${stage}: ${detail}`, options);
  }
}

export interface LeaseChainInput {
  serverLicense: string;
  lease: string;
  vendorKey: Ed25519PublicJwk;
  nodeId: string;
  nonce: string;
  /** The node key (`x`) the lease must be bound to. */
  nodeKey: string;
  now: Date;
}

const DETAIL: Record<DocumentError['kind'], (signer: string) => string> = {
  malformed: () => 'not a well-formed signed document',
  algorithm: () => 'signature algorithm or header not allowed',
  signature: (signer) => `signature does not verify with the ${signer}`,
  type: () => 'wrong document type',
  payload: () => 'content does not match the schema',
};

async function verifyStage<T>(
  stage: ChainError['stage'],
  signer: string,
  verify: () => Promise<T>,
): Promise<T> {
  try {
    return await verify();
  } catch (cause) {
    if (cause instanceof DocumentError) throw new ChainError(stage, DETAIL[cause.kind](signer), { cause });
    throw new ChainError(stage, `cannot be verified with the ${signer}`, { cause });
  }
}

// Constant time so that a probing server learns nothing from response timing.
function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Accepts a lease only if the vendor signed the server license, the server license certifies the key
 * that signed the lease, and the lease is for this license, this node, this node's key and this request,
 * and still valid.
 */
export async function verifyLeaseChain(
  input: LeaseChainInput,
): Promise<{ license: ServerLicensePayload; lease: LeasePayload }> {
  const license = await verifyStage('server-license', 'vendor key', () =>
    verifyDocument(input.serverLicense, input.vendorKey, DOC_TYPES.serverLicense, serverLicensePayloadSchema),
  );
  const lease = await verifyStage('lease', 'server key certified by the server license', () =>
    verifyDocument(input.lease, license.serverKey, DOC_TYPES.lease, leasePayloadSchema),
  );
  if (lease.licenseId !== license.licenseId) throw new ChainError('lease', 'lease for another license');
  if (lease.nodeId !== input.nodeId) throw new ChainError('lease', 'lease for another node');
  if (!sameSecret(lease.nonce, input.nonce)) throw new ChainError('lease', 'nonce mismatch');
  if (lease.nodeKey === undefined) throw new ChainError('unbound', 'the lease is not bound to a node key');
  if (lease.nodeKey !== input.nodeKey) throw new ChainError('lease', 'lease bound to another node key');
  if (!(Date.parse(lease.expiresAt) > input.now.getTime())) throw new ChainError('lease', 'lease expired');
  return { license, lease };
}
