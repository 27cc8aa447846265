import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { removeStaleTempFiles, writeFileAtomic } from './atomic-file.ts';
import { acquireDirLock, type DirLock } from './dir-lock.ts';
import { StartupError } from './messages.ts';

export const PRIVATE_CONFIG_FILE = 'privateConfig';

const isoDate = z.iso.datetime({ offset: true });

/** One node's slot: held until `expiresAt` unless renewed by a heartbeat. */
export const leaseRecordSchema = z.object({
  leaseId: z.string().min(1).max(128),
  peer: z.string().max(64),
  registeredAt: isoDate,
  renewedAt: isoDate,
  expiresAt: isoDate,
});
export type LeaseRecord = z.infer<typeof leaseRecordSchema>;

/** The license server's whole durable state (`<config>/privateConfig`). */
export const privateConfigSchema = z.object({
  version: z.literal(1),
  licenseId: z.string().min(1).max(128),
  createdAt: isoDate,
  /** Set by the QR activation (a later issue); null = never activated. */
  activatedAt: isoDate.nullable(),
  destroyedAt: isoDate.nullable(),
  leases: z.record(z.string().min(1).max(128), leaseRecordSchema),
});
export type PrivateConfig = z.infer<typeof privateConfigSchema>;

/** A state transition: pure and synchronous, so a batch of them can be applied in order before one write. */
export type Mutation<T> = (state: PrivateConfig) => { next?: PrivateConfig; result: T };

interface Pending {
  mutation: Mutation<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * The privateConfig file behind a single writer queue. Every change goes through `update`: mutations run
 * one after another on the latest state (so check-and-insert decisions never interleave), and their callers
 * hear back only after the new state is durably on disk. Mutations that arrive while a write is in flight
 * are applied together and committed with the next single write (group commit).
 */
export class StateStore {
  #state: PrivateConfig;
  #lastWriteAt: string | null = null;
  #pending: Pending[] = [];
  #flushing: Promise<void> | null = null;
  #closed = false;

  private constructor(
    readonly path: string,
    private readonly lock: DirLock,
    state: PrivateConfig,
    private readonly now: () => Date,
  ) {
    this.#state = state;
  }

  /** Locks `dir`, then loads privateConfig (or creates it for `licenseId`); a damaged file stops here. */
  static async open(options: { dir: string; licenseId: string; now: () => Date }): Promise<StateStore> {
    await mkdir(options.dir, { recursive: true, mode: 0o700 });
    const lock = await acquireDirLock(options.dir);
    try {
      const path = join(options.dir, PRIVATE_CONFIG_FILE);
      await removeStaleTempFiles(path);
      const loaded = await load(path);
      if (loaded && loaded.licenseId !== options.licenseId) {
        throw new StartupError('stateOtherLicense', { path, stateLicense: loaded.licenseId, bundleLicense: options.licenseId });
      }
      const state: PrivateConfig = loaded ?? {
        version: 1,
        licenseId: options.licenseId,
        createdAt: options.now().toISOString(),
        activatedAt: null,
        destroyedAt: null,
        leases: {},
      };
      const store = new StateStore(path, lock, state, options.now);
      if (!loaded) await store.update(() => ({ next: state, result: undefined }));
      return store;
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  /** The last durably written state (never a state that is still being written). */
  get state(): PrivateConfig {
    return this.#state;
  }

  /** When this process last wrote privateConfig (by the injected clock); null before the first write. */
  get lastWriteAt(): string | null {
    return this.#lastWriteAt;
  }

  /** Applies `mutation` in the writer queue; resolves with its result once any change it made is durable. */
  update<T>(mutation: Mutation<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new Error('the state store is closed'));
    return new Promise<T>((resolve, reject) => {
      this.#pending.push({ mutation, resolve: resolve as (value: unknown) => void, reject });
      this.#flushing ??= this.#flush().finally(() => {
        this.#flushing = null;
      });
    });
  }

  async #flush(): Promise<void> {
    // Bounded by the callers: each round takes everything queued so far; callers wait for their answer.
    while (this.#pending.length > 0) {
      const batch = this.#pending.splice(0);
      let draft = this.#state;
      let changed = false;
      const outcomes = batch.map((op) => {
        try {
          const { next, result } = op.mutation(draft);
          if (next) {
            draft = next;
            changed = true;
          }
          return { ok: true as const, result };
        } catch (error) {
          return { ok: false as const, error };
        }
      });
      if (changed) {
        try {
          await writeFileAtomic(this.path, `${JSON.stringify(draft, null, 2)}\n`);
        } catch (error) {
          // Nothing of this batch is durable, so nobody in it may be told otherwise.
          for (const op of batch) op.reject(error);
          continue;
        }
        this.#state = draft;
        this.#lastWriteAt = this.now().toISOString();
      }
      batch.forEach((op, index) => {
        const outcome = outcomes[index];
        if (outcome?.ok) op.resolve(outcome.result);
        else op.reject(outcome?.error);
      });
    }
  }

  /** Waits for queued writes, refuses new ones and releases the directory lock. */
  async close(): Promise<void> {
    this.#closed = true;
    while (this.#flushing) await this.#flushing;
    await this.lock.release();
  }
}

async function load(path: string): Promise<PrivateConfig | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new StartupError('stateCorrupt', { path, detail: 'not valid JSON' });
  }
  const parsed = privateConfigSchema.safeParse(json);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(root)'))].slice(0, 5).join(', ');
    throw new StartupError('stateCorrupt', { path, detail: `unexpected content in ${fields}` });
  }
  return parsed.data;
}
