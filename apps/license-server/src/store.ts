import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { initialLockState, lockStateSchema } from '@registration/licensing/lockout';
import { detail } from '@registration/protocol/details';
import { projectIdentitySchema } from '@registration/protocol/project-identity';
import { removeStaleTempFiles, writeFileAtomic } from './atomic-file.ts';
import { acquireDirLock, type DirLock } from './dir-lock.ts';
import { StartupError } from './messages.ts';

export const PRIVATE_CONFIG_FILE = 'privateConfig';

const isoDate = z.iso.datetime({ offset: true });

/**
 * The activation page's current QR challenge. `exchangeKey` is the public half of its key: the private half
 * lives only in the process that made it (`ChallengeKeys`), so a challenge read back from disk after a
 * restart cannot be answered and a fresh one is shown.
 */
export const challengeRecordSchema = z.object({
  challengeId: z.string().min(1).max(64),
  fingerprint: z.string().min(1).max(128),
  issuedAt: isoDate,
  expiresAt: isoDate,
  usedAt: isoDate.nullable(),
  exchangeKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/).optional(),
});
export type ChallengeRecord = z.infer<typeof challengeRecordSchema>;

/** One node's slot: held until `expiresAt` unless renewed by a heartbeat. */
export const leaseRecordSchema = z.object({
  leaseId: z.string().min(1).max(128),
  peer: z.string().max(64),
  registeredAt: isoDate,
  renewedAt: isoDate,
  expiresAt: isoDate,
  /** What the node reported about its project (11.5.11 restart rule); absent for older nodes. */
  project: projectIdentitySchema.optional(),
  productVersion: z.string().max(32).optional(),
  /**
   * The process run that granted or last resumed it; a lease from an earlier run is held across a restart
   * and the restart rule decides at the node's next contact whether it resumes without a new scan.
   */
  bootId: z.string().max(64).optional(),
  /** The node key (`x`) the lease is bound to: only its holder may replace, renew or free it. Absent on older leases. */
  nodeKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/).optional(),
  /** The key that proves the node's heartbeats and deregistration (base64url, 32 bytes), agreed at register. */
  leaseKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/).optional(),
  /** The node's clock and nonce of the last request accepted for this lease; older or repeated ones are refused. */
  proofAt: isoDate.optional(),
  proofNonce: z.string().max(128).optional(),
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
  /** Identifies this installation's state (the activation fingerprint); a new one when privateConfig is lost. */
  instanceId: z.string().min(8).max(64).default(() => randomUUID()),
  activation: z
    .object({
      /** Wrong-code lock, per license (not per challenge, tab or client address). */
      lock: lockStateSchema,
      /** The one current QR challenge; a refresh replaces it, a right code marks it used. */
      challenge: challengeRecordSchema.nullable(),
      /** Nodes refused by the restart rule until the next successful scan: nodeId → why, since when. */
      rescanRequired: z.record(z.string().min(1).max(128), z.object({ rule: z.string().max(256), since: isoDate })),
      /**
       * Where the activation was made (`installationSite`: this machine and config folder). A privateConfig
       * that wakes up elsewhere — copied, or moved — is not activated there until someone scans again, and
       * the vendor's phone page sees the other site.
       */
      site: z.string().regex(/^[0-9a-f]{16}$/).optional(),
      /** The activation a privateConfig had at another site, kept for the record when it woke up here. */
      movedFrom: z.object({ site: z.string().max(64), activatedAt: isoDate, at: isoDate }).optional(),
    })
    .default(() => ({ lock: { ...initialLockState }, challenge: null, rescanRequired: {} })),
});
export type PrivateConfig = z.infer<typeof privateConfigSchema>;

/**
 * A state transition: pure and synchronous, so a batch of them can be applied in order before one write
 * (and re-run later if it has to wait its turn).
 *
 * `writeBehind: true` marks a change whose caller may be answered before it is on disk. Only a lease
 * renewal that takes and frees no slot may set it: losing such a change in a crash merely moves that lease's
 * expiry back to its previous renewal (>= 22 h left at a 2 h heartbeat), whereas an acknowledged slot
 * (register, re-acquire, deregister, expiry cleanup) must never be lost and so always waits for the write.
 */
export type Mutation<T> = (state: PrivateConfig) => { next?: PrivateConfig; result: T; writeBehind?: boolean };

interface Pending {
  mutation: Mutation<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export interface StateStoreOptions {
  dir: string;
  licenseId: string;
  now: () => Date;
  /** Told about a failed write-behind write (retried by the next flush); nobody else hears of it. */
  logger?: Pick<Logger, 'error'>;
  /** The durable write; injectable for tests. */
  write?: (path: string, data: string) => Promise<void>;
}

/**
 * The privateConfig file behind a single writer queue. Every change goes through `update`: mutations run
 * one after another on the latest decided state (so check-and-insert decisions never interleave), and
 * their callers hear back only after the new state is durably on disk, except for write-behind changes
 * (see `Mutation`), which are answered as soon as they are decided and written by the next group commit.
 * Mutations that arrive while a write is in flight are applied together and committed with the next single
 * write (group commit). A mutation arriving while a slot change is being written waits behind it, so a
 * renewal is never decided on top of a slot change that may still fail.
 */
export class StateStore {
  /** Decided state: every durable change plus write-behind changes not yet written; never a tentative one. */
  #state: PrivateConfig;
  #lastWriteAt: string | null = null;
  #pending: Pending[] = [];
  /** The running flush, if any; `#flushRunning` drops synchronously with its last check for work. */
  #flushing: Promise<void> | null = null;
  #flushRunning = false;
  /** True while a batch with slot changes is being written; new mutations then queue behind it. */
  #writingDurable = false;
  /** Counts decided changes; `#writtenVersion` is the last one known to be on disk. */
  #version = 0;
  #writtenVersion = 0;
  #closed = false;

  private constructor(
    readonly path: string,
    private readonly lock: DirLock,
    state: PrivateConfig,
    private readonly now: () => Date,
    private readonly write: (path: string, data: string) => Promise<void>,
    private readonly logger: Pick<Logger, 'error'> | undefined,
  ) {
    this.#state = state;
  }

  /** Locks `dir`, then loads privateConfig (or creates it for `licenseId`); a damaged file stops here. */
  static async open(options: StateStoreOptions): Promise<StateStore> {
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
        instanceId: randomUUID(),
        activation: { lock: { ...initialLockState }, challenge: null, rescanRequired: {} },
      };
      const write = options.write ?? ((p: string, data: string) => writeFileAtomic(p, data));
      const store = new StateStore(path, lock, state, options.now, write, options.logger);
      if (!loaded) await store.update(() => ({ next: state, result: undefined }));
      return store;
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  /**
   * The decided state: what the latest mutations saw and answered. It may be ahead of the file by
   * write-behind renewals (see `hasUnwrittenChanges`), never by a slot change that is still being written.
   */
  get state(): PrivateConfig {
    return this.#state;
  }

  /** True while decided write-behind changes are not yet on disk. */
  get hasUnwrittenChanges(): boolean {
    return this.#version !== this.#writtenVersion;
  }

  /** When this process last successfully wrote privateConfig (by the injected clock); null before the first write. */
  get lastWriteAt(): string | null {
    return this.#lastWriteAt;
  }

  /**
   * Applies `mutation` in the writer queue; resolves with its result once any change it made is durable,
   * or, for a write-behind change, as soon as it is decided.
   */
  update<T>(mutation: Mutation<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new Error('the state store is closed'));
    // Fast path: nothing queued and no slot change in flight, so `#state` is the head of the queue and a
    // renewal (or a no-op) can be decided right here. A slot change is discarded and queued (mutations are
    // pure, so running it again in its turn is harmless).
    if (this.#pending.length === 0 && !this.#writingDurable) {
      let outcome: ReturnType<Mutation<T>>;
      try {
        outcome = mutation(this.#state);
      } catch (error) {
        return Promise.reject(error);
      }
      if (!outcome.next) return Promise.resolve(outcome.result);
      if (outcome.writeBehind) {
        this.#decide(outcome.next);
        this.#kick();
        return Promise.resolve(outcome.result);
      }
    }
    return new Promise<T>((resolve, reject) => {
      this.#pending.push({ mutation, resolve: resolve as (value: unknown) => void, reject });
      this.#kick();
    });
  }

  #decide(next: PrivateConfig): void {
    this.#state = next;
    this.#version += 1;
  }

  #kick(): void {
    // Not `#flushing ??=` with a `.finally` reset: a caller resumed by the last round could queue work
    // after the loop's final check but before that reset, and nobody would write it.
    if (this.#flushRunning) return;
    this.#flushRunning = true;
    this.#flushing = this.#flush();
  }

  async #flush(): Promise<void> {
    // The loop and the `finally` below share one function so that the final check for work and the
    // `#flushRunning` reset happen in one synchronous step (an extra await would reopen the gap).
    try {
      // Bounded by the callers: each round takes what is queued; a failed write-behind-only round ends it.
      while (this.#pending.length > 0 || this.hasUnwrittenChanges) {
        let draft = this.#state;
        let durable = false;
        const batch: { op: Pending; outcome: { ok: true; result: unknown } | { ok: false; error: unknown } }[] = [];
        while (this.#pending.length > 0) {
          const op = this.#pending[0] as Pending;
          let outcome: ReturnType<Mutation<unknown>>;
          try {
            outcome = op.mutation(draft);
          } catch (error) {
            this.#pending.shift();
            if (durable) batch.push({ op, outcome: { ok: false, error } });
            else op.reject(error);
            continue;
          }
          if (outcome.next && !outcome.writeBehind) {
            durable = true;
            draft = outcome.next;
          } else if (durable) {
            // Decided on top of a slot change that is not yet durable: a renewal waits for the next round,
            // a no-op is answered with the batch (it has seen the tentative state).
            if (outcome.next) break;
          } else {
            this.#pending.shift();
            if (outcome.next) {
              this.#decide(outcome.next);
              draft = this.#state;
            }
            op.resolve(outcome.result);
            continue;
          }
          this.#pending.shift();
          batch.push({ op, outcome: { ok: true, result: outcome.result } });
        }

        if (durable) {
          this.#writingDurable = true;
          try {
            await this.write(this.path, serialize(draft));
          } catch (error) {
            // Nothing of this batch's slot changes is durable, so nobody in it may be told otherwise.
            // Write-behind changes decided earlier stay decided and are retried by the next write.
            for (const { op } of batch) op.reject(error);
            continue;
          } finally {
            this.#writingDurable = false;
          }
          this.#decide(draft);
          this.#writtenVersion = this.#version;
          this.#lastWriteAt = this.now().toISOString();
          for (const { op, outcome } of batch) {
            if (outcome.ok) op.resolve(outcome.result);
            else op.reject(outcome.error);
          }
        } else if (this.hasUnwrittenChanges) {
          const version = this.#version;
          try {
            // Renewals decided while this write is in flight are picked up by the next round.
            await this.write(this.path, serialize(this.#state));
          } catch (error) {
            this.logger?.error({ err: error, path: this.path }, 'write-behind of privateConfig failed; retried by the next write');
            if (this.#pending.length === 0) return;
            continue;
          }
          this.#writtenVersion = version;
          this.#lastWriteAt = this.now().toISOString();
        }
      }
    } finally {
      this.#flushRunning = false;
    }
  }

  /**
   * Waits for queued writes, writes any pending write-behind changes, refuses new ones and releases the
   * directory lock. Rejects (after releasing the lock) if the final write-behind write failed.
   */
  async close(): Promise<void> {
    this.#closed = true;
    let failure: unknown = null;
    try {
      while (this.#flushRunning) await this.#flushing;
      if (this.hasUnwrittenChanges) {
        const version = this.#version;
        try {
          await this.write(this.path, serialize(this.#state));
          this.#writtenVersion = version;
          this.#lastWriteAt = this.now().toISOString();
        } catch (error) {
          this.logger?.error({ err: error, path: this.path }, 'final write of privateConfig failed; the last renewals are lost');
          failure = error;
        }
      }
    } finally {
      await this.lock.release();
    }
    if (failure !== null) throw failure;
  }
}

function serialize(state: PrivateConfig): string {
  return `${JSON.stringify(state, null, 2)}\n`;
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
    throw new StartupError('stateCorrupt', { path, ...detail('file.notJson') });
  }
  const parsed = privateConfigSchema.safeParse(json);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(root)'))].slice(0, 5).join(', ');
    throw new StartupError('stateCorrupt', { path, ...detail('state.unexpected', { fields }) });
  }
  return parsed.data;
}
