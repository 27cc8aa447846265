import { access, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { lockStatus, LOCK_AFTER_FAILURES } from '@registration/licensing/lockout';
import { resetActivationLock } from './activation.ts';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, OperatorPassword, passwordProblem } from './console/operator-password.ts';
import type { LicenseServerConfig } from './config.ts';
import { logFile } from './logger.ts';
import { currentMachine, machineInfoDocument, MACHINE_INFO_OVERRIDE_ENV, writeMachineInfo } from './machine-info.ts';
import { message, StartupError } from './messages.ts';
import { PRIVATE_CONFIG_FILE, readPrivateConfig, StateStore } from './store.ts';

/**
 * The one-shot operator commands on a STOPPED server's directories (`reset-lock`, `machine-info`; `destroy`
 * is in destroy.ts) and what they share. Failures throw a StartupError (rendered by main, exit code 1).
 */

/** What an operator command needs besides its configuration; tests pass their own. */
export interface CommandIo {
  out: (text: string) => void;
  now: () => Date;
  env: NodeJS.ProcessEnv;
  /** Reads a secret line (not echoed on a terminal); `operator-password` only. */
  readSecret?: (prompt: string) => Promise<string>;
}

/**
 * Audit lines of the commands go to the log file only (stdout is the operator's report). A log directory
 * that cannot be written must not stop a destroy or a reset, so it then logs nowhere.
 */
export function commandLogger(logDir: string): Logger {
  try {
    const file = pino.destination({ dest: logFile(logDir), sync: true });
    return pino({ level: 'info', base: { service: 'license-server' } }, file);
  } catch {
    return pino({ level: 'silent' });
  }
}

/**
 * Opens the privateConfig of a stopped server. It must exist (a command never creates an installation),
 * and the directory lock must be free: a running server holds it, and the refusal says to stop it first.
 */
export async function openForCommand(
  config: LicenseServerConfig,
  options: { licenseId?: string; now: () => Date; logger: Logger },
): Promise<StateStore> {
  let licenseId = options.licenseId;
  if (licenseId === undefined) {
    // Only to name the license to the store; the store reads the file again and reports any damage itself.
    const state = await readPrivateConfig(join(config.configDir, PRIVATE_CONFIG_FILE)).catch((error: unknown) => {
      if (error instanceof StartupError) return undefined;
      throw error;
    });
    if (state === null) throw new StartupError('noPrivateConfig', { dir: config.configDir, command: config.command });
    licenseId = state?.licenseId ?? '?';
  } else {
    try {
      await access(join(config.configDir, PRIVATE_CONFIG_FILE));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new StartupError('noPrivateConfig', { dir: config.configDir, command: config.command });
      throw error;
    }
  }
  try {
    return await StateStore.open({ dir: config.configDir, licenseId, now: options.now, logger: options.logger });
  } catch (error) {
    if (error instanceof StartupError && error.key === 'lockHeld') {
      throw new StartupError('serverRunning', { command: config.command, pid: error.params.pid ?? '?', dir: config.configDir });
    }
    throw error;
  }
}

/** `license-server reset-lock`: opens code entry again after wrong codes (and after the 100-failure stop). */
export async function resetLock(config: LicenseServerConfig, io: CommandIo): Promise<void> {
  const logger = commandLogger(config.logDir);
  const store = await openForCommand(config, { now: io.now, logger });
  try {
    const before = store.state.activation.lock;
    const status = lockStatus(before, io.now());
    await store.update(resetActivationLock());
    const lang = config.language;
    const described =
      status.kind === 'open'
        ? message(lang, 'lockOpen', { attemptsLeft: status.attemptsLeft })
        : status.kind === 'locked'
          ? message(lang, 'lockLocked', { until: status.until.toISOString() })
          : message(lang, 'lockDisabled', { failures: status.failures });
    logger.info({ licenseId: store.state.licenseId, before }, 'activation lock reset');
    io.out(
      message(lang, 'resetLockDone', {
        licenseId: store.state.licenseId,
        dir: config.configDir,
        before: described,
        failures: before.consecutiveFailures,
        lockouts: before.lockouts,
        attempts: LOCK_AFTER_FAILURES,
      }),
    );
  } finally {
    await store.close();
  }
}

/** `license-server machine-info`: writes require/MachineInfo.rif for the vendor (legacy machine-bound mode). */
export async function machineInfo(config: LicenseServerConfig, io: CommandIo): Promise<void> {
  const machine = await currentMachine(io.env);
  if (machine.override !== null) io.out(message(config.language, 'machineOverride', { env: MACHINE_INFO_OVERRIDE_ENV, path: machine.override }));
  const document = machineInfoDocument(machine.facts, io.now());
  const path = await writeMachineInfo(config.requireDir, document);
  io.out(
    message(config.language, 'machineInfoWritten', {
      path,
      hostname: document.hostname,
      platform: document.platform,
      arch: document.arch,
      machineId: document.machineId ?? '—',
      macs: document.macs.length,
      digest: document.digest,
    }),
  );
}

/**
 * `license-server operator-password`: sets (or resets) the console's operator password and opens a locked
 * sign-in again. Reads it twice from the terminal without echo, or once from stdin when piped. Works while
 * the server runs: the server reads the password file at every sign-in (sessions already open stay open
 * until they end; a restart ends them all).
 */
export async function setOperatorPassword(config: LicenseServerConfig, io: CommandIo): Promise<void> {
  const lang = config.language;
  if (io.readSecret === undefined) throw new StartupError('operatorPasswordNoInput', {});
  const first = await io.readSecret(message(lang, 'operatorPasswordPrompt', { min: MIN_PASSWORD_LENGTH }));
  const problem = passwordProblem(first);
  if (problem !== null) throw new StartupError('operatorPasswordRefused', { problem: problem === 'tooShort' ? 'passwordShort' : 'passwordLong', min: MIN_PASSWORD_LENGTH, max: MAX_PASSWORD_LENGTH });
  const again = await io.readSecret(message(lang, 'operatorPasswordAgain'));
  if (again !== first) throw new StartupError('operatorPasswordRefused', { problem: 'passwordMismatch' });
  await mkdir(config.configDir, { recursive: true, mode: 0o700 });
  const password = new OperatorPassword(config.configDir, io.now);
  await password.set(first);
  commandLogger(config.logDir).info({ path: password.path }, 'operator password set');
  io.out(message(lang, 'operatorPasswordSet', { path: password.path }));
}
