import { createHash, randomUUID } from 'node:crypto';
import { createActivationKeyPair } from '@registration/licensing/activation-code';
import { calculateJwkThumbprint } from 'jose';
import { DocumentError, generateEd25519KeyPair, signDocument, verifyDocument } from '@registration/licensing/jws';
import { parseIpRanges } from '@registration/licensing/ip-ranges';
import {
  DOC_TYPES,
  serverLicensePayloadSchema,
  type Ed25519PublicJwk,
  type ServerLicensePayload,
} from '@registration/protocol/license';
import { canonicalMachineFacts, type MachineInfoFile } from '@registration/protocol/machine-info';
import {
  SERVER_BUNDLE_FORMAT,
  SERVER_BUNDLE_VERSION,
  ed25519PrivateJwkSchema,
  serverBundleSchema,
  type ServerBundle,
} from '@registration/protocol/server-bundle';
import { privateKeyMatches } from './key-match.ts';
import type { ActivationKey } from './issued-record.ts';
import type { VendorKeys } from './keys.ts';

/** The limits and identity a vendor certifies for one license server. */
export interface ServerLicenseTerms {
  company: string;
  project?: string;
  product: string;
  productVersion: string;
  ipRanges: string;
  domains: string[];
  appNames: string[];
  port: number;
  maxConnections: number;
  features: string[];
  expiresAt: Date;
}

export interface IssueServerBundleOptions extends ServerLicenseTerms {
  vendor: VendorKeys;
  /** Issue time (default: now); injectable so tests can make licenses that are already expired. */
  issuedAt?: Date;
  licenseId?: string;
  /**
   * Legacy machine-bound mode (FR 10): the MachineInfo.rif of the machine the license server must run on;
   * the license then carries its digest (`machineInfoHash`) and the server refuses to start elsewhere.
   */
  machineInfo?: MachineInfoFile;
}

/** The digest a license binds for this MachineInfo.rif, after checking the file's own digest matches its facts. */
export function machineBindingDigest(machineInfo: MachineInfoFile): string {
  const digest = createHash('sha256').update(canonicalMachineFacts(machineInfo)).digest('hex');
  if (digest !== machineInfo.digest) {
    throw new BundleError('the MachineInfo.rif digest does not match the machine facts in it (edited?); ask for a freshly generated file');
  }
  return digest;
}

/** A bundle that must not be used: wrong format, wrong vendor, tampered license, or a key that does not match. */
export class BundleError extends Error {
  override readonly name = 'BundleError';
}

/**
 * A bundle as issued: the bundle (for the customer) and the license's activation key pair (for the
 * vendor's ledger only: its private half computes the activation codes).
 */
export interface IssuedServerBundle {
  bundle: ServerBundle;
  activationKey: ActivationKey;
}

/**
 * Generates a server key pair and an activation key pair, signs the server license (naming the server key
 * and the activation key's public half) with the vendor key, and returns the bundle with the activation key.
 */
export async function issueServerBundle(options: IssueServerBundleOptions): Promise<IssuedServerBundle> {
  const ranges = parseIpRanges(options.ipRanges);
  if (!ranges.ok) throw new BundleError(`--ip-ranges: ${ranges.error}`);
  const machineInfoHash = options.machineInfo === undefined ? undefined : machineBindingDigest(options.machineInfo);
  const issuedAt = options.issuedAt ?? new Date();
  if (!(options.expiresAt.getTime() > issuedAt.getTime())) {
    throw new BundleError('the expiry date must be after the issue date');
  }
  const server = await generateEd25519KeyPair();
  const activation = createActivationKeyPair();
  const kid = await calculateJwkThumbprint(server.publicJwk);
  const serverKey = { ...server.publicJwk, kid };
  const payload: ServerLicensePayload = serverLicensePayloadSchema.parse({
    type: 'license-server',
    licenseId: options.licenseId ?? randomUUID(),
    company: options.company,
    ...(options.project === undefined ? {} : { project: options.project }),
    product: options.product,
    productVersion: options.productVersion,
    ipRanges: options.ipRanges,
    domains: options.domains,
    appNames: options.appNames,
    port: options.port,
    maxConnections: options.maxConnections,
    features: options.features,
    issuedAt: issuedAt.toISOString(),
    expiresAt: options.expiresAt.toISOString(),
    serverKey,
    activationKey: activation.publicX,
    ...(machineInfoHash === undefined ? {} : { machineInfoHash }),
  });
  const serverLicense = await signDocument(payload, options.vendor.privateJwk, DOC_TYPES.serverLicense);
  const bundle = serverBundleSchema.parse({
    format: SERVER_BUNDLE_FORMAT,
    version: SERVER_BUNDLE_VERSION,
    serverLicense,
    serverPrivateKey: ed25519PrivateJwkSchema.parse({ ...server.privateJwk, kid }),
    vendorPublicKey: options.vendor.publicJwk,
  });
  return { bundle, activationKey: { x: activation.publicX, d: activation.privateD } };
}

/**
 * Checks a bundle against the vendor key the caller trusts: format, vendor signature on the server license,
 * and that the bundled private key is the one the license certifies. Returns the verified license.
 */
export async function verifyServerBundle(
  bundle: unknown,
  vendorPublicJwk: Ed25519PublicJwk,
): Promise<{ bundle: ServerBundle; license: ServerLicensePayload }> {
  const parsed = serverBundleSchema.safeParse(bundle);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ');
    throw new BundleError(`not a license-server bundle (${fields})`);
  }
  if (parsed.data.vendorPublicKey.x !== vendorPublicJwk.x) {
    throw new BundleError('the bundle was issued with another vendor key');
  }
  let license: ServerLicensePayload;
  try {
    license = await verifyDocument(
      parsed.data.serverLicense,
      vendorPublicJwk,
      DOC_TYPES.serverLicense,
      serverLicensePayloadSchema,
    );
  } catch (error) {
    if (error instanceof DocumentError) throw new BundleError(`server license refused: ${error.message}`);
    throw error;
  }
  if (!privateKeyMatches(parsed.data.serverPrivateKey, license.serverKey)) {
    throw new BundleError('the bundled server private key is not the key the server license certifies');
  }
  return { bundle: parsed.data, license };
}
