import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import type { Locale } from '@registration/protocol/catalogue';
import { DESTROY_RECEIPT_FILE } from '@registration/protocol/destroy-receipt';
import { createLicenseServerApp } from './app.ts';
import { loadBundle } from './bundle.ts';
import { machineInfo, resetLock, setOperatorPassword, type CommandIo } from './commands.ts';
import { EventLog } from './console/events.ts';
import { loadConfig, type LicenseServerConfig } from './config.ts';
import { destroyLicenseServer } from './destroy.ts';
import { startHttpsServer } from './https-server.ts';
import { liveLeases } from './lease-book.ts';
import { createLogger } from './logger.ts';
import { checkMachineBinding, MACHINE_INFO_OVERRIDE_ENV } from './machine-info.ts';
import { message, StartupError } from './messages.ts';
import { settleSite } from './activation.ts';
import { readRegistrationKey, writeRegistrationKey } from './registration-key.ts';
import { installationSite } from './site.ts';
import { StateStore } from './store.ts';
import { loadOrCreateTls } from './tls.ts';

/** Starts the license server from flags and LS_* variables; resolves with a `stop` for tests and signals. */
export async function startLicenseServer(argv: string[], env: NodeJS.ProcessEnv) {
  const config = loadConfig(argv, env);
  if (config.command !== 'start') throw new Error(`startLicenseServer cannot run "${config.command}"; use runCommand`);
  const language = config.language;
  const { logger, flush } = createLogger(config.logDir);
  const clock = () => new Date();
  const say = (line: string) => process.stdout.write(`${line}\n`);

  const bundle = await loadBundle(config.bundle);
  // Legacy machine-bound licenses (FR 10) run only on the machine they were issued for.
  const machine = await checkMachineBinding(bundle.license, env);
  if (machine.override !== null) say(message(language, 'machineOverride', { env: MACHINE_INFO_OVERRIDE_ENV, path: machine.override }));
  if (machine.bound) say(message(language, 'machineBound', { digest: machine.digest ?? '' }));
  const tls = await loadOrCreateTls(config.tlsDir);
  if (tls.generated) say(message(language, 'tlsGenerated', { dir: config.tlsDir }));
  const registration = config.registrationKeyFile === null ? null : await readRegistrationKey(config.registrationKeyFile);
  if (registration?.openMode) say(message(language, 'registrationKeyOpen', { path: config.registrationKeyFile ?? '', mode: registration.openMode }));
  const store = await StateStore.open({ dir: config.configDir, licenseId: bundle.license.licenseId, now: clock, logger });
  try {
    // Activated somewhere else (a copied or moved privateConfig): not activated here until a scan.
    const site = await installationSite(config.configDir, env);
    const { moved } = await store.update(settleSite(site, clock()));
    if (moved) {
      logger.warn({ site, previousSite: moved.site, activatedAt: moved.activatedAt }, 'privateConfig was activated at another site; scan the QR code again');
      say(message(language, 'activationMoved', { activatedAt: moved.activatedAt }));
    }
    const events = await EventLog.open({ dir: config.configDir, now: clock, retentionDays: config.eventDays });
    const app = createLicenseServerApp({
      events,
      eventRetentionDays: config.eventDays,
      bundle,
      store,
      clock,
      logger,
      language,
      phonePageUrl: config.phonePageUrl,
      registrationKey: registration?.key ?? null,
      rateLimits: config.rateLimits,
      site,
    });
    const running = await startHttpsServer({ app, host: config.host, port: config.port, tls, maxConnectionsPerAddress: config.maxConnectionsPerAddress });
    if (registration) say(message(language, 'registrationKeyOn', { path: config.registrationKeyFile ?? '' }));
    const { license } = bundle;
    logger.info({ url: running.url, licenseId: license.licenseId, configDir: config.configDir }, 'listening');
    // Scripts wait for exactly this line; keep it stable and unlocalised.
    say(`license-server listening on ${running.url}`);
    const inUse = Object.keys(liveLeases(store.state, clock())).length;
    say(message(language, 'licenseSummary', { licenseId: license.licenseId, company: license.company, max: license.maxConnections, inUse, expiresAt: license.expiresAt }));
    if (Date.parse(license.expiresAt) <= clock().getTime()) say(message(language, 'licenseExpired', { expiresAt: license.expiresAt }));
    // Still serving after a destroy, so report servers hear a clear 30002 instead of a connection error.
    const { destroyedAt } = store.state;
    if (destroyedAt !== null) {
      logger.warn({ destroyedAt }, 'serving a destroyed license server: every registration is refused (30002)');
      say(message(language, 'destroyedWarning', { destroyedAt, receipt: join(config.uninstallDir, DESTROY_RECEIPT_FILE) }));
    }

    let stopping: Promise<void> | null = null;
    const stop = (reason: string) => {
      stopping ??= (async () => {
        logger.info({ reason }, 'stopping');
        await running.close();
        // Writes pending write-behind renewals before the lock is released; a failure is already logged.
        await store.close().catch(() => undefined);
        await events.flush();
        flush();
      })();
      return stopping;
    };
    return { url: running.url, port: running.port, language, stop };
  } catch (error) {
    logger.error({ err: error }, 'start failed');
    await store.close().catch(() => undefined);
    flush();
    throw error;
  }
}

/** Runs a one-shot operator command (`destroy`, `reset-lock`, `machine-info`) on a stopped server's directories. */
export async function runCommand(config: LicenseServerConfig, io: CommandIo): Promise<void> {
  switch (config.command) {
    case 'destroy':
      await destroyLicenseServer(config, io);
      return;
    case 'reset-lock':
      return resetLock(config, io);
    case 'machine-info':
      return machineInfo(config, io);
    case 'registration-key':
      return writeRegistrationKey(config, io);
    case 'operator-password':
      return setOperatorPassword(config, io);
    case 'start':
      throw new Error('start is not a one-shot command');
  }
}

/**
 * Reads secret lines: from a terminal with the prompt on stderr and nothing echoed; from piped stdin line by
 * line, without prompts. Opens stdin only when first asked (a command that reads nothing must not wait on it).
 */
function secretReader(): { read: (prompt: string) => Promise<string>; close: () => void } {
  let rl: ReturnType<typeof createInterface> | null = null;
  const terminal = process.stdin.isTTY === true;
  const lines: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  let muted = false;
  const open = () => {
    const made = createInterface({ input: process.stdin, output: terminal ? process.stderr : undefined, terminal });
    made.on('line', (line) => (waiting.length > 0 ? (waiting.shift() as (l: string) => void)(line) : lines.push(line)));
    made.on('close', () => waiting.splice(0).forEach((resolve) => resolve('')));
    if (terminal) {
      // readline echoes what is typed through this; while a secret is read, only the line end gets through.
      const target = made as unknown as { _writeToOutput: (text: string) => void };
      const write = target._writeToOutput.bind(made);
      target._writeToOutput = (text: string) => {
        if (!muted) write(text);
        else if (text.includes('\n')) write('\n');
      };
    }
    return made;
  };
  return {
    read(prompt) {
      rl ??= open();
      if (terminal) {
        process.stderr.write(prompt);
        muted = true;
      }
      const next = lines.length > 0 ? Promise.resolve(lines.shift() as string) : new Promise<string>((resolve) => waiting.push(resolve));
      return next.then((line) => {
        muted = false;
        return line;
      });
    },
    close: () => rl?.close(),
  };
}

function languageHint(argv: string[], env: NodeJS.ProcessEnv): Locale {
  const i = argv.indexOf('--language');
  const value = (i >= 0 ? argv[i + 1] : undefined) ?? argv.find((a) => a.startsWith('--language='))?.slice(11) ?? env.LS_LANGUAGE;
  return value === 'en' ? 'en' : 'zh-CN';
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let command = 'start';
  try {
    const config = loadConfig(argv, process.env);
    command = config.command;
    if (config.command !== 'start') {
      const secrets = secretReader();
      try {
        await runCommand(config, { out: (text) => process.stdout.write(`${text}\n`), now: () => new Date(), env: process.env, readSecret: secrets.read });
      } finally {
        secrets.close();
      }
      return;
    }
    // Handlers first: the listening line is printed before startLicenseServer returns, and a signal sent
    // on seeing it must stop the server cleanly (lock released, renewals written), not kill it.
    let server: Awaited<ReturnType<typeof startLicenseServer>> | null = null;
    let requested: NodeJS.Signals | null = null;
    const stopOn = (signal: NodeJS.Signals, running: NonNullable<typeof server>) => {
      process.stdout.write(`${message(running.language, 'stopping', { signal })}\n`);
      void running.stop(signal).then(() => process.exit(0));
    };
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        if (server === null) requested ??= signal;
        else stopOn(signal, server);
      });
    }
    server = await startLicenseServer(argv, process.env);
    if (requested !== null) stopOn(requested, server);
  } catch (error) {
    const language = languageHint(argv, process.env);
    const detail = error instanceof StartupError ? error.render(language) : error instanceof Error ? error.message : String(error);
    const key = command === 'start' ? 'startFailed' : 'commandFailed';
    process.stderr.write(`${message(language, key, { detail, command })}\n`);
    process.exit(1);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main();
}
