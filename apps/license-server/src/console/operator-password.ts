import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { initialLockState, lockStateSchema, lockStatus, recordFailure, recordSuccess, type LockStatus } from '@registration/licensing/lockout';
import { readTextIfExists, writeFileAtomic } from '@registration/licensing/files';

/**
 * The console's operator password, in `<config>/operator.json` (mode 600; not in privateConfig, which is
 * sent to the vendor). Hashed with scrypt, node's memory-hard KDF (N = 2^15, r = 8: 32 MiB and about
 * 0.1 s per check). Wrong passwords lock sign-in exactly like wrong activation codes: 5 in a row lock it
 * for 15 minutes, doubling; after 100 only `license-server operator-password` on the host opens it again.
 */

export const OPERATOR_FILE = 'operator.json';
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;

const SCRYPT: ScryptOptions & { N: number; r: number; p: number } = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_LENGTH = 32;

const operatorFileSchema = z.object({
  version: z.literal(1),
  /** `scrypt$N$r$p$salt$hash` (base64url). */
  hash: z.string().regex(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/),
  setAt: z.iso.datetime({ offset: true }),
  lock: lockStateSchema,
});
type OperatorFile = z.infer<typeof operatorFileSchema>;

function derive(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, { ...params, maxmem: SCRYPT.maxmem }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [, n, r, p, salt, hash] = stored.split('$');
  const expected = Buffer.from(hash ?? '', 'base64url');
  const key = await derive(password, Buffer.from(salt ?? '', 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** Why a new password is refused, or null. */
export function passwordProblem(password: string): 'tooShort' | 'tooLong' | null {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return 'tooShort';
  if (length > MAX_PASSWORD_LENGTH) return 'tooLong';
  return null;
}

export type SignInOutcome = { ok: true } | { ok: false; why: 'notSet' } | { ok: false; why: 'wrong' | 'locked'; lock: LockStatus };

/** The password file of one config dir; checks are serialized, so parallel guesses are all counted. */
export class OperatorPassword {
  readonly path: string;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    configDir: string,
    private readonly now: () => Date,
  ) {
    this.path = join(configDir, OPERATOR_FILE);
  }

  async #read(): Promise<OperatorFile | null> {
    const text = await readTextIfExists(this.path);
    if (text === null) return null;
    const parsed = operatorFileSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async isSet(): Promise<boolean> {
    return (await this.#read()) !== null;
  }

  async lock(): Promise<LockStatus> {
    const file = await this.#read();
    return lockStatus(file?.lock ?? initialLockState, this.now());
  }

  /** Sets (or replaces) the password and opens sign-in again; the caller has checked `passwordProblem`. */
  set(password: string): Promise<void> {
    return this.#serial(async () => {
      const file: OperatorFile = { version: 1, hash: await hashPassword(password), setAt: this.now().toISOString(), lock: { ...initialLockState } };
      await writeFileAtomic(this.path, `${JSON.stringify(file, null, 2)}\n`);
    });
  }

  /** Checks a sign-in: the lock first (a locked or disabled sign-in checks nothing), then the password. */
  check(password: string): Promise<SignInOutcome> {
    return this.#serial(async () => {
      const file = await this.#read();
      if (file === null) return { ok: false, why: 'notSet' } as const;
      const now = this.now();
      const before = lockStatus(file.lock, now);
      if (before.kind !== 'open') return { ok: false, why: 'locked', lock: before } as const;
      const right = await verifyPassword(password.slice(0, MAX_PASSWORD_LENGTH * 4), file.hash);
      const lock = right ? recordSuccess(file.lock) : recordFailure(file.lock, now);
      if (JSON.stringify(lock) !== JSON.stringify(file.lock)) await writeFileAtomic(this.path, `${JSON.stringify({ ...file, lock }, null, 2)}\n`);
      if (right) return { ok: true } as const;
      const after = lockStatus(lock, now);
      return { ok: false, why: after.kind === 'open' ? 'wrong' : 'locked', lock: after } as const;
    });
  }
}
