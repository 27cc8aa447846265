import { randomUUID } from 'node:crypto';
import { createActivationKeyPair } from '@registration/licensing/activation-code';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { signDocument } from '@registration/licensing/jws';
import { containerLicensePayloadSchema, type ContainerLicensePayload } from '@registration/protocol/container-license';
import { DOC_TYPES } from '@registration/protocol/license';
import type { ActivationKey } from './issued-record.ts';
import type { VendorKeys } from './keys.ts';

/** What a vendor certifies for one Local Container project (DESIGN.md §3.2.1). */
export interface ContainerLicenseTerms {
  company: string;
  project: string;
  /** The platform's stable project id, when the customer supplied one; then it must match too. */
  projectFingerprint?: string;
  appName: string;
  productVersion: string;
  maxNodes: number;
  features: string[];
  expiresAt: Date;
}

export interface IssueContainerLicenseOptions extends ContainerLicenseTerms {
  vendor: VendorKeys;
  /** Issue time (default: now); injectable so tests can make licenses that are already expired. */
  issuedAt?: Date;
  licenseId?: string;
}

/**
 * A signed Container.lic and the payload it carries (for display), with the lic's activation key pair
 * (for the vendor's ledger only: its private half computes the codes).
 */
export interface IssuedContainerLicense {
  lic: string;
  license: ContainerLicensePayload;
  activationKey: ActivationKey;
}

/** Terms that cannot go into a Container.lic, or an output file that must not be replaced. */
export class ContainerLicenseError extends Error {
  override readonly name = 'ContainerLicenseError';
}

/** Signs a Container.lic (JWS, typ DOC_TYPES.containerLicense) with the vendor key; the lic names only its activation key's public half. */
export async function issueContainerLicense(options: IssueContainerLicenseOptions): Promise<IssuedContainerLicense> {
  const activation = createActivationKeyPair();
  const issuedAt = options.issuedAt ?? new Date();
  if (!(options.expiresAt.getTime() > issuedAt.getTime())) {
    throw new ContainerLicenseError('the expiry date must be after the issue date');
  }
  const parsed = containerLicensePayloadSchema.safeParse({
    type: 'container',
    licenseId: options.licenseId ?? randomUUID(),
    company: options.company,
    project: options.project,
    ...(options.projectFingerprint === undefined ? {} : { projectFingerprint: options.projectFingerprint }),
    appName: options.appName,
    productVersion: options.productVersion,
    issuedAt: issuedAt.toISOString(),
    expiresAt: options.expiresAt.toISOString(),
    maxNodes: options.maxNodes,
    features: options.features,
    activationKey: activation.publicX,
  });
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(root)'))].join(', ');
    throw new ContainerLicenseError(`these terms cannot go into a Container.lic: ${fields}`);
  }
  const lic = await signDocument(parsed.data, options.vendor.privateJwk, DOC_TYPES.containerLicense);
  return { lic, license: parsed.data, activationKey: { x: activation.publicX, d: activation.privateD } };
}

/** Writes a Container.lic (mode 0600: a license is the customer's business); keeps an existing file unless `force`. */
export async function writeContainerLic(path: string, lic: string, options: { force?: boolean } = {}): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  try {
    await writeFile(path, `${lic}\n`, { mode: 0o600, flag: options.force ? 'w' : 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new ContainerLicenseError(`${path} already exists; pass --force to replace it`);
    }
    throw error;
  }
  if (options.force) await chmod(path, 0o600);
}
