import { decodeDocumentUnverified } from '@registration/licensing/jws';
import type { ContainerLicensePayload } from '@registration/protocol/container-license';
import { serverLicensePayloadSchema } from '@registration/protocol/license';
import type { ServerBundle } from '@registration/protocol/server-bundle';
import { writeRecord, type IssuedRecord } from './records.ts';

/**
 * The ledger entry for what the vendor just issued. Both are written right after signing, so the
 * license is read back without checking its signature (we made it a moment ago).
 */

/** The record of a freshly issued license-server bundle (kind 'server'), unbound. */
export function serverBundleRecord(bundle: ServerBundle): IssuedRecord {
  const license = serverLicensePayloadSchema.parse(decodeDocumentUnverified(bundle.serverLicense).payload);
  return {
    licenseId: license.licenseId,
    kind: 'server',
    activationSecret: bundle.activationSecret,
    issuedAt: license.issuedAt,
    company: license.company,
    ...(license.project ? { project: license.project } : {}),
    binding: null,
  };
}

/** The record of a freshly issued Container.lic (kind 'container'), unbound. */
export function containerLicenseRecord(license: ContainerLicensePayload): IssuedRecord {
  return {
    licenseId: license.licenseId,
    kind: 'container',
    activationSecret: license.activationSecret,
    issuedAt: license.issuedAt,
    company: license.company,
    project: license.project,
    binding: null,
  };
}

/** Records a bundle in `<vendorDir>/issued/` so the phone page knows its activation secret. */
export function recordServerBundle(vendorDir: string, bundle: ServerBundle): Promise<void> {
  return writeRecord(vendorDir, serverBundleRecord(bundle));
}

/** Records a Container.lic in `<vendorDir>/issued/` so the phone page knows its secret and can keep it to one project. */
export function recordContainerLicense(vendorDir: string, license: ContainerLicensePayload): Promise<void> {
  return writeRecord(vendorDir, containerLicenseRecord(license));
}
