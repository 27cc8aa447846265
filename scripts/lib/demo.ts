/**
 * Demo material for running the system on one machine: vendor keys, the platform's token keys, a
 * license-server bundle and a Container.lic (each recorded in the vendor's ledger, so the vendor phone
 * page can compute their codes), generated on first start into the git-ignored demo folder and reused after.
 */
import { access, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeDocumentUnverified, generateEd25519KeyPair } from '@registration/licensing/jws';
import { CONTAINER_LIC_FILE_NAME, containerLicensePayloadSchema } from '@registration/protocol/container-license';
import { serverLicensePayloadSchema } from '@registration/protocol/license';
import { serverBundleSchema } from '@registration/protocol/server-bundle';
import { createVendorKeys, loadVendorKeys, VENDOR_PUBLIC_FILE } from '@registration/vendor/keys';
import { issueServerBundle, type ServerLicenseTerms } from '@registration/vendor/server-bundle';
import { readServerBundleJson, writeServerBundle as writeBundleFile } from '@registration/vendor/bundle-file';
import { issueContainerLicense, writeContainerLic, type ContainerLicenseTerms } from '@registration/vendor/container-license';
import { recordContainerLicense, recordServerBundle } from '@registration/vendor/issued-record';
import { readRecord } from '@registration/vendor/records';

export type DemoPaths = ReturnType<typeof demoPaths>;

/** Where each piece of demo material lives under the demo folder. */
export function demoPaths(root: string) {
  return {
    root,
    vendorDir: path.join(root, 'vendor'),
    vendorPublicKey: path.join(root, 'vendor', VENDOR_PUBLIC_FILE),
    platformPublicKey: path.join(root, 'platform', 'platform.public.jwk.json'),
    platformSecretKey: path.join(root, 'platform', 'platform.secret.jwk.json'),
    bundle: path.join(root, 'license-server', 'bundle.json'),
    containerLic: path.join(root, 'container', CONTAINER_LIC_FILE_NAME),
    licenseServerConfig: path.join(root, 'license-server', 'config'),
    licenseServerTls: path.join(root, 'license-server', 'tls'),
    licenseServerLog: path.join(root, 'license-server', 'log'),
    bffData: path.join(root, 'bff', 'data'),
  };
}

const exists = (p: string) => access(p).then(() => true, () => false);

/** The demo license: this machine's addresses, the demo shell's domains, one year, ten slots. */
export function demoTerms(port: number): ServerLicenseTerms {
  return {
    company: 'Demo Company',
    project: 'Demo Project',
    product: 'FineReport',
    productVersion: '11.0',
    ipRanges: '127.0.0.1, ::1',
    domains: ['localhost', '127.0.0.1'],
    appNames: ['webroot'],
    port,
    maxConnections: 10,
    features: ['report', 'dashboard', 'mobile', 'data-entry'],
    expiresAt: new Date(Date.now() + 365 * 86_400_000),
  };
}

/** The demo Container.lic: the BFF's default app name and version, the demo project, three nodes, one year. */
export function demoContainerTerms(): ContainerLicenseTerms {
  return {
    company: 'Demo Company',
    project: 'Demo Project',
    appName: 'webroot',
    productVersion: '11.0',
    maxNodes: 3,
    features: ['report', 'dashboard', 'mobile', 'data-entry'],
    expiresAt: new Date(Date.now() + 365 * 86_400_000),
  };
}

/** Issues a Container.lic signed by the demo vendor (demo terms with `overrides`) to `file`, and records it. */
export async function writeContainerLicense(
  paths: DemoPaths,
  file: string,
  overrides: Partial<ContainerLicenseTerms> & { issuedAt?: Date } = {},
): Promise<void> {
  const { issuedAt, ...terms } = overrides;
  const expiresAt = terms.expiresAt ?? demoContainerTerms().expiresAt;
  const issued = await issueContainerLicense({
    vendor: await loadVendorKeys(paths.vendorDir),
    ...demoContainerTerms(),
    ...terms,
    issuedAt: issuedAt ?? new Date(Math.min(Date.now(), expiresAt.getTime() - 365 * 86_400_000)),
  });
  await writeContainerLic(file, issued.lic, { force: true });
  await recordContainerLicense(paths.vendorDir, issued);
}

/** Issues a bundle signed by the demo vendor: the demo terms with `overrides`, written to `file` and recorded. */
export async function writeServerBundle(
  paths: DemoPaths,
  file: string,
  overrides: Partial<ServerLicenseTerms> & { issuedAt?: Date } = {},
): Promise<void> {
  const vendor = await loadVendorKeys(paths.vendorDir);
  const { issuedAt, ...terms } = overrides;
  const expiresAt = terms.expiresAt ?? demoTerms(8081).expiresAt;
  const issued = await issueServerBundle({
    vendor,
    ...demoTerms(8081),
    ...terms,
    // An already-expired license must still have been issued before it expired.
    issuedAt: issuedAt ?? new Date(Math.min(Date.now(), expiresAt.getTime() - 365 * 86_400_000)),
  });
  await writeBundleFile(file, issued.bundle, { force: true });
  await recordServerBundle(paths.vendorDir, issued);
}

/**
 * Whether an existing demo license is still usable: of the current format, and with its private activation
 * key in the vendor's ledger (nothing else can make its codes). A demo folder from an older version is not.
 */
async function usableLicense(licenseId: string | null, paths: DemoPaths): Promise<boolean> {
  if (licenseId === null) return false;
  const record = await readRecord(paths.vendorDir, licenseId).catch(() => null);
  return record?.activationKey !== undefined;
}

async function existingBundleLicenseId(paths: DemoPaths): Promise<string | null> {
  const bundle = serverBundleSchema.safeParse(await readServerBundleJson(paths.bundle).catch(() => null));
  if (!bundle.success) return null;
  const license = serverLicensePayloadSchema.safeParse(decodeDocumentUnverified(bundle.data.serverLicense).payload);
  return license.success ? license.data.licenseId : null;
}

async function existingLicLicenseId(file: string): Promise<string | null> {
  try {
    const payload = containerLicensePayloadSchema.safeParse(decodeDocumentUnverified((await readFile(file, 'utf8')).trim()).payload);
    return payload.success ? payload.data.licenseId : null;
  } catch {
    return null;
  }
}

/** Moves a folder aside (kept, never deleted), so that a re-issued demo license starts on a clean one. */
async function setAside(dir: string, why: string): Promise<void> {
  if (!(await exists(dir))) return;
  const aside = `${dir}.${why}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  await rename(dir, aside);
  console.log(`demo: kept the old ${path.basename(dir)} as ${aside}`);
}

/** Creates whatever demo material is missing; existing keys, bundle and data are kept. */
export async function ensureDemoMaterial(paths: DemoPaths, opts: { licenseServerPort: number }): Promise<void> {
  if (!(await exists(paths.vendorPublicKey))) {
    await createVendorKeys(paths.vendorDir);
    console.log(`demo: vendor key pair generated in ${paths.vendorDir}`);
  }
  if (!(await exists(paths.platformSecretKey))) {
    const { publicJwk, privateJwk } = await generateEd25519KeyPair('demo-platform');
    await mkdir(path.dirname(paths.platformSecretKey), { recursive: true });
    await writeFile(paths.platformSecretKey, JSON.stringify(privateJwk, null, 2), { mode: 0o600 });
    await writeFile(paths.platformPublicKey, JSON.stringify(publicJwk, null, 2));
    console.log(`demo: platform token keys generated in ${path.dirname(paths.platformSecretKey)}`);
  }
  if (!(await exists(paths.bundle))) {
    await writeServerBundle(paths, paths.bundle, { port: opts.licenseServerPort });
    console.log(`demo: license-server bundle issued to ${paths.bundle}`);
  } else if (!(await usableLicense(await existingBundleLicenseId(paths), paths))) {
    // A demo folder from before activation keys: its bundle carried the secret. Re-issue it; the old
    // license server state belongs to the old license, so it is set aside.
    await setAside(paths.licenseServerConfig, 'format1');
    await writeServerBundle(paths, paths.bundle, { port: opts.licenseServerPort });
    console.log(`demo: the license-server bundle was of an older format; re-issued it to ${paths.bundle}`);
  }
  if (!(await exists(paths.containerLic)) || !(await usableLicense(await existingLicLicenseId(paths.containerLic), paths))) {
    await writeContainerLicense(paths, paths.containerLic);
    console.log(`demo: Container.lic issued to ${paths.containerLic}`);
  }
  for (const dir of [paths.licenseServerConfig, paths.licenseServerTls, paths.licenseServerLog, paths.bffData]) {
    await mkdir(dir, { recursive: true });
  }
}
