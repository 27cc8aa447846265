import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { formatBundleUnverified, formatLicense } from './format.ts';
import { readServerBundleJson, writeServerBundle } from './bundle-file.ts';
import { createVendorKeys, loadVendorKeys, loadVendorPublicKey } from './keys.ts';
import { issueServerBundle, verifyServerBundle } from './server-bundle.ts';

export const USAGE = `Usage: vendor <command> [options]

Commands:
  keygen --out <dir> [--force]
      Create vendor.public.jwk.json and vendor.secret.jwk.json (0600) in <dir>.
  issue-server --vendor-dir <dir> --out <bundle.json> --company <name> --ip-ranges <ranges>
               --product-version <v> --max-connections <n> (--expires <ISO date> | --days <n>)
               [--project <name>] [--product FineReport] [--domains a,b] [--app-names webroot]
               [--features a,b] [--port 8081] [--force]
      Issue a license-server bundle: a new server key pair and its server license signed by the vendor.
      Empty --domains / --app-names mean "any". IP ranges: "192.168.0.1-192.168.0.9, 10.0.0.0/8, ::1" or "*".
  print <bundle.json>
      Show the license in a bundle (signature not checked; the private key is never shown).
  verify <bundle.json> --vendor-public <file>
      Check the vendor signature and that the bundled server key is the certified one.

Options:
  -h, --help   Show this help.
`;

/** A mistake in the command line; printed as one line, exit code 1. */
class UsageError extends Error {}

const text = z.string().trim().min(1, 'must not be empty');
const csv = z
  .string()
  .optional()
  .transform((s) => (s ?? '').split(',').map((v) => v.trim()).filter((v) => v.length > 0));
const int = (min: number, max: number) =>
  z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(min).max(max));
const when = z.union([z.iso.datetime({ offset: true }), z.iso.date()], 'must be an ISO date like 2027-12-31');

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
    force: z.boolean().default(false),
  })
  .refine((v) => (v.expires === undefined) !== (v.days === undefined), {
    message: 'or --days: give exactly one of them',
    path: ['expires'],
  });
const verifyArgs = z.object({ 'vendor-public': text });

function validate<T>(schema: z.ZodType<T>, values: unknown): T {
  const result = schema.safeParse(values);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const flag = issue?.path[0];
  const message = issue?.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue?.message;
  throw new UsageError(flag === undefined ? String(message) : `--${String(flag)} ${message}`);
}

function oneBundleArg(positionals: string[], command: string): string {
  if (positionals.length !== 1) throw new UsageError(`${command} takes exactly one bundle file`);
  return resolve(positionals[0] as string);
}

type Out = (line: string) => void;

async function run(argv: string[], out: Out, now: Date): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || rest.includes('--help') || rest.includes('-h')) {
    out(USAGE);
    return;
  }
  const str = { type: 'string' } as const;
  const bool = { type: 'boolean' } as const;
  switch (command) {
    case 'keygen': {
      const { values } = parseArgs({ args: rest, options: { out: str, force: bool } });
      const args = validate(keygenArgs, values);
      const keys = await createVendorKeys(resolve(args.out), { force: args.force });
      out(`wrote ${keys.publicPath}\nwrote ${keys.secretPath} (keep it secret)\nvendor key id ${keys.publicJwk.kid}`);
      return;
    }
    case 'issue-server': {
      const names = ['vendor-dir', 'out', 'company', 'project', 'product', 'product-version', 'ip-ranges', 'domains',
        'app-names', 'features', 'port', 'max-connections', 'expires', 'days'] as const;
      const options = Object.fromEntries([...names.map((n) => [n, str] as const), ['force', bool] as const]);
      const { values } = parseArgs({ args: rest, options });
      const args = validate(issueArgs, values);
      const expiresAt = args.expires !== undefined ? new Date(args.expires) : new Date(now.getTime() + (args.days ?? 0) * 864e5);
      const bundle = await issueServerBundle({
        vendor: await loadVendorKeys(resolve(args['vendor-dir'])),
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
        expiresAt,
        issuedAt: now,
      });
      const path = resolve(args.out);
      await writeServerBundle(path, bundle, { force: args.force });
      out(`wrote ${path} (mode 0600: it holds the server private key)\n${formatBundleUnverified(bundle, now)}`);
      return;
    }
    case 'print': {
      const { positionals } = parseArgs({ args: rest, options: {}, allowPositionals: true });
      out(formatBundleUnverified(await readServerBundleJson(oneBundleArg(positionals, 'print')), now));
      return;
    }
    case 'verify': {
      const { values, positionals } = parseArgs({ args: rest, options: { 'vendor-public': str }, allowPositionals: true });
      const args = validate(verifyArgs, values);
      const path = oneBundleArg(positionals, 'verify');
      const vendorKey = await loadVendorPublicKey(resolve(args['vendor-public']));
      const { license } = await verifyServerBundle(await readServerBundleJson(path), vendorKey);
      const expired = Date.parse(license.expiresAt) <= now.getTime();
      out(`OK ${path}: signed by vendor key ${vendorKey.kid ?? vendorKey.x}, server key matches the license${expired ? ' (but the license has EXPIRED)' : ''}`);
      out(formatLicense(license, now).join('\n'));
      return;
    }
    default:
      throw new UsageError(`unknown command "${command}" (commands: keygen, issue-server, print, verify; see --help)`);
  }
}

/** Runs the vendor CLI; returns the exit code. Every failure is one line on stderr, never a stack trace. */
export async function runCli(
  argv: string[],
  io: { stdout: Out; stderr: Out; now?: () => Date } = {
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
  },
): Promise<number> {
  try {
    await run(argv, io.stdout, io.now?.() ?? new Date());
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`error: ${message.split('\n')[0]}`);
    return 1;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await runCli(process.argv.slice(2));
}
