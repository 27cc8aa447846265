import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { LOCALES, type Locale } from '@registration/protocol/catalogue';
import { isProblemCode, StartupError, type ProblemCode } from './messages.ts';
import { DEFAULT_RATE_LIMITS, type RateLimits } from './rate-limit.ts';

/** Everything the license server needs to start; paths are absolute. */
/** What the process is asked to do; everything but `start` is a one-shot operator command on the config dir. */
export const COMMANDS = ['start', 'destroy', 'machine-info', 'reset-lock', 'registration-key', 'operator-password'] as const;
export type Command = (typeof COMMANDS)[number];

export interface LicenseServerConfig {
  command: Command;
  port: number;
  host: string;
  bundle: string;
  configDir: string;
  tlsDir: string;
  logDir: string;
  /** Where `destroy` writes receipt.fr (the manual's `uninstall` folder). */
  uninstallDir: string;
  /** Where `machine-info` writes MachineInfo.rif (the manual's `require` folder). */
  requireDir: string;
  language: Locale;
  /** Base URL of the vendor phone page that activation QR codes point to (reachable from a phone). */
  phonePageUrl: string;
  /** File holding the registration key every register must present; null = none needed. */
  registrationKeyFile: string | null;
  /** Requests per source address (IPv6: per /64) per minute; 0 = no limit. */
  rateLimits: RateLimits;
  /** Open connections one source address may hold at once; more are closed at once. */
  maxConnectionsPerAddress: number;
  /** How many days the console keeps events. */
  eventDays: number;
}

// flag name, env mirror, default (paths relative to the working directory, like the container's /app/*).
const SETTINGS = {
  port: { flag: '--port', env: 'LS_PORT', fallback: '8081' },
  host: { flag: '--host', env: 'LS_HOST', fallback: '127.0.0.1' },
  bundle: { flag: '--bundle', env: 'LS_BUNDLE', fallback: 'bundle.json' },
  config: { flag: '--config', env: 'LS_CONFIG_DIR', fallback: 'config' },
  tls: { flag: '--tls', env: 'LS_TLS_DIR', fallback: 'tls' },
  log: { flag: '--log', env: 'LS_LOG_DIR', fallback: 'log' },
  uninstall: { flag: '--uninstall', env: 'LS_UNINSTALL_DIR', fallback: 'uninstall' },
  require: { flag: '--require', env: 'LS_REQUIRE_DIR', fallback: 'require' },
  language: { flag: '--language', env: 'LS_LANGUAGE', fallback: 'zh-CN' },
  'phone-page-url': { flag: '--phone-page-url', env: 'LS_PHONE_PAGE_URL', fallback: 'http://127.0.0.1:8090' },
  'registration-key-file': { flag: '--registration-key-file', env: 'LS_REGISTRATION_KEY_FILE', fallback: '' },
  'rate-limit-register': { flag: '--rate-limit-register', env: 'LS_RATE_LIMIT_REGISTER', fallback: String(DEFAULT_RATE_LIMITS.register) },
  'rate-limit-heartbeat': { flag: '--rate-limit-heartbeat', env: 'LS_RATE_LIMIT_HEARTBEAT', fallback: String(DEFAULT_RATE_LIMITS.heartbeat) },
  'rate-limit-activation': { flag: '--rate-limit-activation', env: 'LS_RATE_LIMIT_ACTIVATION', fallback: String(DEFAULT_RATE_LIMITS.activation) },
  'max-connections-per-address': { flag: '--max-connections-per-address', env: 'LS_MAX_CONNECTIONS_PER_ADDRESS', fallback: '64' },
  'event-days': { flag: '--event-days', env: 'LS_EVENT_DAYS', fallback: '90' },
} as const;
type Setting = keyof typeof SETTINGS;

const path = z.string().trim().min(1, 'notEmpty');
const perMinute = z.string().regex(/^\d{1,7}$/, 'perMinute').transform(Number);
const configSchema = z.object({
  // 0 = any free port (tests and scripts read the real one from the listening line).
  port: z.string().regex(/^\d{1,5}$/, 'port').transform(Number).pipe(z.number().max(65535, 'port')),
  host: z.string().trim().regex(/^[A-Za-z0-9.:-]+$/, 'host'),
  bundle: path,
  config: path,
  tls: path,
  log: path,
  uninstall: path,
  require: path,
  language: z.enum(LOCALES, 'language'),
  'phone-page-url': z
    .url({ protocol: /^https?$/, error: 'httpUrl' })
    .refine((u) => !u.includes('?') && !u.includes('#'), 'noQuery'),
  'registration-key-file': z.string().trim(),
  'rate-limit-register': perMinute,
  'rate-limit-heartbeat': perMinute,
  'rate-limit-activation': perMinute,
  'max-connections-per-address': z.string().regex(/^\d{1,6}$/, 'atLeastOne').transform(Number).pipe(z.number().min(1, 'atLeastOne')),
  'event-days': z.string().regex(/^\d{1,5}$/, 'days').transform(Number).pipe(z.number().min(1, 'days')),
});

function fail(setting: string, value: string, problem: ProblemCode): never {
  throw new StartupError('configInvalid', { setting, value, problem });
}

function parseCommandLine(argv: string[]): { positionals: string[]; flags: Partial<Record<Setting, string>> } {
  const options = Object.fromEntries(Object.keys(SETTINGS).map((name) => [name, { type: 'string' } as const]));
  try {
    const { positionals, values } = parseArgs({ args: argv, options, allowPositionals: true });
    return { positionals, flags: values as Partial<Record<Setting, string>> };
  } catch (error) {
    const text = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    return fail(text.match(/'([^']+)'/)?.[1] ?? 'argument', argv.join(' '), 'unknownOption');
  }
}

/** Reads flags (first) and LS_* environment variables (second) over the defaults; a bad value throws naming it. */
export function loadConfig(argv: string[], env: NodeJS.ProcessEnv, cwd = process.cwd()): LicenseServerConfig {
  const { positionals, flags } = parseCommandLine(argv);
  const [command = 'start', ...extra] = positionals;
  if (!(COMMANDS as readonly string[]).includes(command)) fail('command', command, 'command');
  if (extra.length > 0) fail('command', extra.join(' '), 'unexpectedArgument');

  const raw = {} as Record<Setting, string>;
  const source = {} as Record<Setting, string>;
  for (const name of Object.keys(SETTINGS) as Setting[]) {
    const { flag, env: envName, fallback } = SETTINGS[name];
    const fromFlag = flags[name];
    const fromEnv = env[envName];
    raw[name] = fromFlag ?? fromEnv ?? fallback;
    source[name] = fromFlag !== undefined ? flag : fromEnv !== undefined ? envName : `${flag} (default)`;
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const name = issue?.path[0] as Setting;
    fail(source[name] ?? String(name), raw[name] ?? '', isProblemCode(issue?.message) ? issue.message : 'invalid');
  }
  const v = result.data;
  return {
    command: command as Command,
    port: v.port,
    host: v.host,
    bundle: resolve(cwd, v.bundle),
    configDir: resolve(cwd, v.config),
    tlsDir: resolve(cwd, v.tls),
    logDir: resolve(cwd, v.log),
    uninstallDir: resolve(cwd, v.uninstall),
    requireDir: resolve(cwd, v.require),
    language: v.language,
    phonePageUrl: v['phone-page-url'].replace(/\/+$/, ''),
    registrationKeyFile: v['registration-key-file'] === '' ? null : resolve(cwd, v['registration-key-file']),
    rateLimits: { register: v['rate-limit-register'], heartbeat: v['rate-limit-heartbeat'], activation: v['rate-limit-activation'] },
    maxConnectionsPerAddress: v['max-connections-per-address'],
    eventDays: v['event-days'],
  };
}
