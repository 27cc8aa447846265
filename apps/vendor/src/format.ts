import { decodeDocumentUnverified } from '@registration/licensing/jws';
import type { ContainerLicensePayload } from '@registration/protocol/container-license';
import { serverLicensePayloadSchema, type ServerLicensePayload } from '@registration/protocol/license';
import { serverBundleSchema } from '@registration/protocol/server-bundle';
import { BundleError } from './server-bundle.ts';

const DAY_MS = 24 * 3600e3;

function list(values: readonly string[]): string {
  return values.length === 0 ? '(any)' : values.join(', ');
}

function expiry(expiresAt: string, now: Date): string {
  const left = Date.parse(expiresAt) - now.getTime();
  if (left <= 0) return `${expiresAt} (EXPIRED ${Math.floor(-left / DAY_MS)} days ago)`;
  return `${expiresAt} (in ${Math.round(left / DAY_MS)} days)`;
}

/** The fields of a server license as aligned `label  value` lines. */
export function formatLicense(license: ServerLicensePayload, now: Date): string[] {
  const rows: [string, string][] = [
    ['license id', license.licenseId],
    ['company', license.company],
    ['project', license.project ?? '—'],
    ['product', `${license.product} ${license.productVersion}`],
    ['IP ranges', license.ipRanges],
    ['domains', list(license.domains)],
    ['app names', list(license.appNames)],
    ['port', String(license.port)],
    ['max connections', String(license.maxConnections)],
    ['features', license.features.length === 0 ? '(none)' : license.features.join(', ')],
    ['issued at', license.issuedAt],
    ['expires at', expiry(license.expiresAt, now)],
    ['server key', license.serverKey.kid ?? license.serverKey.x],
  ];
  return rows.map(([label, value]) => `  ${label.padEnd(16)} ${value}`);
}

/** The fields of a Container.lic as aligned `label  value` lines; all public terms (the activation key's private half is in the ledger only). */
export function formatContainerLicense(license: ContainerLicensePayload, now: Date): string[] {
  const rows: [string, string][] = [
    ['license id', license.licenseId],
    ['company', license.company],
    ['project', license.projectFingerprint === undefined ? license.project : `${license.project} (id ${license.projectFingerprint})`],
    ['app name', license.appName],
    ['product version', license.productVersion],
    ['max nodes', String(license.maxNodes)],
    ['features', license.features.length === 0 ? '(none)' : license.features.join(', ')],
    ['issued at', license.issuedAt],
    ['expires at', expiry(license.expiresAt, now)],
  ];
  return rows.map(([label, value]) => `  ${label.padEnd(16)} ${value}`);
}

/**
 * A human-readable view of a bundle WITHOUT checking its signature (that is `verify`'s job).
 * Never prints the server private key.
 */
export function formatBundleUnverified(bundle: unknown, now: Date): string {
  const parsed = serverBundleSchema.safeParse(bundle);
  if (!parsed.success) throw new BundleError('not a license-server bundle');
  const { payload } = decodeDocumentUnverified(parsed.data.serverLicense);
  const license = serverLicensePayloadSchema.safeParse(payload);
  if (!license.success) throw new BundleError('the server license in this bundle is not readable');
  return [
    'License-server bundle (signature NOT checked; run `verify` with the vendor public key)',
    ...formatLicense(license.data, now),
    `  ${'vendor key'.padEnd(16)} ${parsed.data.vendorPublicKey.kid ?? parsed.data.vendorPublicKey.x}`,
  ].join('\n');
}
