import { timingSafeEqual } from 'node:crypto';
import {
  DOC_TYPES,
  leasePayloadSchema,
  serverLicensePayloadSchema,
  type Ed25519PublicJwk,
  type LeasePayload,
  type ServerLicensePayload,
} from '@registration/protocol/license';
import { interpolate } from '@registration/protocol/catalogue';
import { DETAILS, detail, type DetailCode } from '@registration/protocol/details';
import type { ReasonParams } from '@registration/protocol/reason';
import { documentDetail, verifyDocument } from './jws.ts';

/** Which link of vendor → server license → lease broke, and why: reason params with a detail code (English message for logs). */
export class ChainError extends Error {
  override readonly name = 'ChainError';
  constructor(
    /** `unbound`: a genuine lease that names no node key (a license server older than the node). */
    readonly stage: 'server-license' | 'lease' | 'unbound',
    readonly params: ReasonParams & { detail: DetailCode },
    options?: { cause?: unknown },
  ) {
    super(`${stage}: ${interpolate(DETAILS[params.detail].en, params)}`, options);
  }

  get detail(): DetailCode {
    return this.params.detail;
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

async function verifyStage<T>(
  stage: ChainError['stage'],
  signer: 'vendor' | 'server',
  verify: () => Promise<T>,
): Promise<T> {
  try {
    return await verify();
  } catch (cause) {
    throw new ChainError(stage, documentDetail(cause, signer) as ReasonParams & { detail: DetailCode }, { cause });
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
  const license = await verifyStage('server-license', 'vendor', () =>
    verifyDocument(input.serverLicense, input.vendorKey, DOC_TYPES.serverLicense, serverLicensePayloadSchema),
  );
  const lease = await verifyStage('lease', 'server', () =>
    verifyDocument(input.lease, license.serverKey, DOC_TYPES.lease, leasePayloadSchema),
  );
  if (lease.licenseId !== license.licenseId) throw new ChainError('lease', detail('lease.otherLicense'));
  if (lease.nodeId !== input.nodeId) throw new ChainError('lease', detail('lease.otherNode'));
  if (!sameSecret(lease.nonce, input.nonce)) throw new ChainError('lease', detail('lease.nonce'));
  if (lease.nodeKey === undefined) throw new ChainError('unbound', detail('lease.unbound'));
  if (lease.nodeKey !== input.nodeKey) throw new ChainError('lease', detail('lease.otherKey'));
  if (!(Date.parse(lease.expiresAt) > input.now.getTime())) throw new ChainError('lease', detail('lease.expired'));
  return { license, lease };
}
