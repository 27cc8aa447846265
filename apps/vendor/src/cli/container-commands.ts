import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { issueContainerLicense, writeContainerLic } from '../container-license.ts';
import { formatContainerLicense } from '../format.ts';
import { recordContainerLicense } from '../issued-record.ts';
import { loadVendorKeys } from '../keys.ts';
import { ISSUED_DIR, unbind as unbindRecord } from '../records.ts';
import { bool, csv, expiryFrom, int, onePositional, oneExpiry, str, text, UsageError, validate, when, type Out } from './args.ts';

const issueArgs = z
  .object({
    'vendor-dir': text,
    out: text,
    company: text,
    project: text,
    'project-id': text.optional(),
    'app-name': text.optional(),
    // The brief's spelling; a Container.lic still certifies exactly one app name.
    'app-names': csv,
    'product-version': text,
    // The manual: "if this option is not provided, the default is 1".
    'max-nodes': int(1, 10_000).default(1),
    features: csv,
    expires: when.optional(),
    days: int(1, 36_500).optional(),
    force: z.boolean().default(false),
  })
  .refine(oneExpiry.check, oneExpiry.message);

function theAppName(args: { 'app-name'?: string | undefined; 'app-names': string[] }): string {
  const names = [...new Set([...(args['app-name'] === undefined ? [] : [args['app-name']]), ...args['app-names']])];
  if (names.length === 0) throw new UsageError('--app-name is required');
  if (names.length > 1) throw new UsageError('--app-name: a Container.lic certifies exactly one app name');
  return names[0] as string;
}

/** `vendor issue-container …`: writes Container.lic, then the vendor's record of it (kind 'container'). */
export async function issueContainer(rest: string[], out: Out, now: Date): Promise<void> {
  const names = ['vendor-dir', 'out', 'company', 'project', 'project-id', 'app-name', 'app-names', 'product-version',
    'max-nodes', 'features', 'expires', 'days'] as const;
  const options = Object.fromEntries([...names.map((n) => [n, str] as const), ['force', bool] as const]);
  const { values } = parseArgs({ args: rest, options });
  const args = validate(issueArgs, values);
  const appName = theAppName(args);
  const vendorDir = resolve(args['vendor-dir']);
  const issued = await issueContainerLicense({
    vendor: await loadVendorKeys(vendorDir),
    company: args.company,
    project: args.project,
    ...(args['project-id'] === undefined ? {} : { projectFingerprint: args['project-id'] }),
    appName,
    productVersion: args['product-version'],
    maxNodes: args['max-nodes'],
    features: args.features,
    expiresAt: expiryFrom(args, now),
    issuedAt: now,
  });
  const path = resolve(args.out);
  await writeContainerLic(path, issued.lic, { force: args.force });
  await recordContainerLicense(vendorDir, issued);
  out(`wrote ${path}`);
  out(['Container.lic', ...formatContainerLicense(issued.license, now)].join('\n'));
  out(`recorded in ${resolve(vendorDir, ISSUED_DIR)} (one project may register with it; \`vendor unbind\` frees it)`);
}

/** `vendor unbind <licenseId> --vendor-dir <dir>`: frees the binding for a migration and says what it freed. */
export async function unbind(rest: string[], out: Out): Promise<void> {
  const { values, positionals } = parseArgs({ args: rest, options: { 'vendor-dir': str }, allowPositionals: true });
  const args = validate(z.object({ 'vendor-dir': text }), values);
  const licenseId = onePositional(positionals, 'unbind', 'license id');
  const vendorDir = resolve(args['vendor-dir']);
  const result = await unbindRecord(vendorDir, licenseId);
  if (!result.ok) throw new Error(`no license ${licenseId} in ${resolve(vendorDir, ISSUED_DIR)}`);
  const { record, freed } = result;
  const what = `${record.kind === 'server' ? 'license-server license' : 'Container.lic'} ${licenseId} (${record.company}${record.project ? ` / ${record.project}` : ''})`;
  if (freed === null) {
    out(`${what} was not bound; nothing to free`);
    return;
  }
  const to = record.kind === 'server' ? 'license server' : 'project';
  const site = freed.site ? ` at site ${freed.site}` : '';
  out(`unbound ${what}: freed its ${to} fingerprint ${freed.fingerprint}${site}, bound since ${freed.boundAt}`);
  // What the ledger refused while it was bound: other installations, or this one from another site (a copy).
  for (const scan of record.refusedScans.slice(-5)) {
    out(`  refused ${scan.at}: ${scan.why === 'moved' ? 'the same installation from another site' : 'another installation'} (${scan.fingerprint}${scan.site ? ` at site ${scan.site}` : ''})`);
  }
  if (record.refusedScans.length > 5) out(`  … ${record.refusedScans.length - 5} earlier refused scans in ${resolve(vendorDir, ISSUED_DIR, `${licenseId}.json`)}`);
  out(`the next QR scan binds it to the ${to} that scans it`);
}
