import { randomBytes } from 'node:crypto';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '@registration/licensing/files';
import type { CommandIo } from './commands.ts';
import type { LicenseServerConfig } from './config.ts';
import { message, StartupError } from './messages.ts';

/**
 * The optional registration key (`--registration-key-file`): when the operator sets one, a register that
 * does not present it is refused (30012 / 30013), so a client inside the license's IP range that does not
 * know it cannot take a single slot. Heartbeats need no key: they are proven with their lease's key.
 */

const KEY_SHAPE = /^[\x21-\x7e]{16,256}$/;

/**
 * The key in `path`, checked; a missing, unreadable or weak key stops start-up with a message naming it.
 * `openMode` is the file's mode when other users may read it (the caller warns), else null.
 */
export async function readRegistrationKey(path: string): Promise<{ key: Buffer; openMode: string | null }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new StartupError('registrationKeyUnreadable', { path, detail: (error as NodeJS.ErrnoException).code ?? String(error) });
  }
  const key = text.trim();
  if (!KEY_SHAPE.test(key)) {
    const problem = key.length < 16 ? 'keyShort' : key.length > 256 ? 'keyLong' : 'keySpaces';
    throw new StartupError('registrationKeyWeak', { path, problem, length: key.length });
  }
  const mode = (await stat(path)).mode & 0o777;
  return { key: Buffer.from(key, 'utf8'), openMode: (mode & 0o077) !== 0 ? mode.toString(8) : null };
}

/** `license-server registration-key`: writes a fresh random key (0600) to the configured file and prints it. */
export async function writeRegistrationKey(config: LicenseServerConfig, io: CommandIo): Promise<void> {
  const path = config.registrationKeyFile;
  if (path === null) throw new StartupError('registrationKeyNoFile', {});
  const key = randomBytes(24).toString('base64url');
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFileAtomic(path, `${key}\n`, 0o600);
  io.out(message(config.language, 'registrationKeyWritten', { path, key }));
}
