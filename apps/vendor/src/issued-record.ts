import { decodeDocumentUnverified } from '@registration/licensing/jws';
import type { ContainerLicensePayload } from '@registration/protocol/container-license';
import { serverLicensePayloadSchema } from '@registration/protocol/license';
import type { ServerBundle } from '@registration/protocol/server-bundle';
import { writeRecord, type IssuedRecord } from './records.ts';

/**
 * The ledger entry for what the vendor just issued. Both are written right after signing, so the
 * license is read back without checking its signature (we made it a moment ago).
 */

/** A license's activation key pair as the vendor keeps it (X25519 JWK `x` public, `d` private). */
export interface ActivationKey {
  x: string;
  d: string;
}

function sameKey(named: string, key: ActivationKey): void {
  if (named !== key.x) throw new Error('the activation key is not the one the license names');
}

/** The record of a freshly issued license-server bundle (kind 'server'), unbound. */
export function serverBundleRecord(bundle: ServerBundle, activationKey: ActivationKey): IssuedRecord {
  const license = serverLicensePayloadSchema.parse(decodeDocumentUnverified(bundle.serverLicense).payload);
  sameKey(license.activationKey, activationKey);
  return {
    licenseId: license.licenseId,
    kind: 'server',
    activationKey,
    issuedAt: license.issuedAt,
    company: license.company,
    ...(license.project ? { project: license.project } : {}),
    binding: null,
    refusedScans: [],
  };
}

/** The record of a freshly issued Container.lic (kind 'container'), unbound. */
export function containerLicenseRecord(license: ContainerLicensePayload, activationKey: ActivationKey): IssuedRecord {
  sameKey(license.activationKey, activationKey);
  return {
    licenseId: license.licenseId,
    kind: 'container',
    activationKey,
    issuedAt: license.issuedAt,
    company: license.company,
    project: license.project,
    binding: null,
    refusedScans: [],
  };
}

/** Records a bundle in `<vendorDir>/issued/` with its private activation key, for the phone page. */
export async function recordServerBundle(vendorDir: string, issued: { bundle: ServerBundle; activationKey: ActivationKey }): Promise<void> {
  await writeRecord(vendorDir, serverBundleRecord(issued.bundle, issued.activationKey));
}

/** Records a Container.lic in `<vendorDir>/issued/` with its private activation key; the phone page keeps it to one project. */
export async function recordContainerLicense(vendorDir: string, issued: { license: ContainerLicensePayload; activationKey: ActivationKey }): Promise<void> {
  await writeRecord(vendorDir, containerLicenseRecord(issued.license, issued.activationKey));
}
