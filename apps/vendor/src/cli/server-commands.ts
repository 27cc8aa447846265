import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { readServerBundleJson, writeServerBundle } from '../bundle-file.ts';
import { formatBundleUnverified, formatLicense } from '../format.ts';
import { recordServerBundle } from '../issued-record.ts';
import { ISSUED_DIR } from '../records.ts';
import { createVendorKeys, loadVendorKeys, loadVendorPublicKey } from '../keys.ts';
import { readMachineInfoFile } from '../machine-info-file.ts';
import { issueServerBundle, verifyServerBundle } from '../server-bundle.ts';
import { bool, csv, expiryFrom, int, onePositional, oneExpiry, str, text, validate, when, type Out } from './args.ts';

const keygenArgs = z.object({ out: text, force: z.boolean().default(false) });
const issueArgs = z
  .object({
    'vendor-dir': text,
    out: text,
    company: text,
    project: text.optional(),
    product: text.default('FineReport'),
    'product-version': text,
    'ip-ranges': text,
    domains: csv,
    'app-names': csv,
    features: csv,
    port: int(1, 65535).default(8081),
    'max-connections': int(1, 100_000),
    expires: when.optional(),
    days: int(1, 36_500).optional(),
    // Legacy machine-bound mode (FR 10): the customer's require/MachineInfo.rif.
    'machine-info': text.optional(),
    force: z.boolean().default(false),
  })
  .refine(oneExpiry.check, oneExpiry.message);
const verifyArgs = z.object({ 'vendor-public': text });

/** `vendor keygen --out <dir> [--force]` */
export async function keygen(rest: string[], out: Out): Promise<void> {
  const { values } = parseArgs({ args: rest, options: { out: str, force: bool } });
  const args = validate(keygenArgs, values);
  const keys = await createVendorKeys(resolve(args.out), { force: args.force });
  out(`wrote ${keys.publicPath}\nwrote ${keys.secretPath} (keep it secret)\nvendor key id ${keys.publicJwk.kid}`);
}

/** `vendor issue-server …`: writes the bundle, then the vendor's record of it (kind 'server'). */
export async function issueServer(rest: string[], out: Out, now: Date): Promise<void> {
  const names = ['vendor-dir', 'out', 'company', 'project', 'product', 'product-version', 'ip-ranges', 'domains',
    'app-names', 'features', 'port', 'max-connections', 'expires', 'days', 'machine-info'] as const;
  const options = Object.fromEntries([...names.map((n) => [n, str] as const), ['force', bool] as const]);
  const { values } = parseArgs({ args: rest, options });
  const args = validate(issueArgs, values);
  const vendorDir = resolve(args['vendor-dir']);
  const machineInfo = args['machine-info'] === undefined ? undefined : await readMachineInfoFile(resolve(args['machine-info']));
  const issued = await issueServerBundle({
    vendor: await loadVendorKeys(vendorDir),
    company: args.company,
    ...(args.project === undefined ? {} : { project: args.project }),
    product: args.product,
    productVersion: args['product-version'],
    ipRanges: args['ip-ranges'],
    domains: args.domains,
    appNames: args['app-names'],
    features: args.features,
    port: args.port,
    maxConnections: args['max-connections'],
    expiresAt: expiryFrom(args, now),
    issuedAt: now,
    ...(machineInfo === undefined ? {} : { machineInfo }),
  });
  const path = resolve(args.out);
  await writeServerBundle(path, issued.bundle, { force: args.force });
  // After the bundle: a bundle that could not be written must not leave a record of a license nobody has.
  await recordServerBundle(vendorDir, issued);
  out(`wrote ${path} (mode 0600: it holds the server private key)\n${formatBundleUnverified(issued.bundle, now)}`);
  out(`recorded in ${resolve(vendorDir, ISSUED_DIR)} with the license's private activation key (only the phone page computes its codes; the bundle cannot)`);
  if (machineInfo !== undefined) {
    out(`bound to machine ${machineInfo.digest} (${machineInfo.hostname || '?'}, ${machineInfo.platform}/${machineInfo.arch}): the license server refuses to start on any other machine`);
  }
}

/** `vendor print <bundle.json>` */
export async function print(rest: string[], out: Out, now: Date): Promise<void> {
  const { positionals } = parseArgs({ args: rest, options: {}, allowPositionals: true });
  out(formatBundleUnverified(await readServerBundleJson(resolve(onePositional(positionals, 'print', 'bundle file'))), now));
}

/** `vendor verify <bundle.json> --vendor-public <file>` */
export async function verify(rest: string[], out: Out, now: Date): Promise<void> {
  const { values, positionals } = parseArgs({ args: rest, options: { 'vendor-public': str }, allowPositionals: true });
  const args = validate(verifyArgs, values);
  const path = resolve(onePositional(positionals, 'verify', 'bundle file'));
  const vendorKey = await loadVendorPublicKey(resolve(args['vendor-public']));
  const { license } = await verifyServerBundle(await readServerBundleJson(path), vendorKey);
  const expired = Date.parse(license.expiresAt) <= now.getTime();
  out(`OK ${path}: signed by vendor key ${vendorKey.kid ?? vendorKey.x}, server key matches the license${expired ? ' (but the license has EXPIRED)' : ''}`);
  out(formatLicense(license, now).join('\n'));
}
