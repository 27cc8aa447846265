import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { initialLockState, lockStateSchema } from '@registration/licensing/lockout';
import { detail } from '@registration/protocol/details';
import { projectIdentitySchema } from '@registration/protocol/project-identity';
import { readTextIfExists, removeStaleTempFiles, writeFileAtomic } from '@registration/licensing/files';
import { acquireDirLock, type DirLock } from './dir-lock.ts';
import { LeaseTable } from './lease-table.ts';
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
  /** The web app and domain the node last reported (for the operator console). */
  appName: z.string().max(128).optional(),
  domain: z.string().max(253).optional(),
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

/** The license server's whole durable state (`<config>/privateConfig`), as the file holds it. */
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
  /** What the operator decided in the console. */
  operator: z
    .object({
      /**
       * Slots freed in the console: node id → the lease that was ended and when. That lease's next heartbeat
       * hears LEASE_FREED (not LEASE_NOT_HELD, which a node repairs by itself); kept one lease lifetime.
       */
      freed: z.record(z.string().min(1).max(128), z.object({ leaseId: z.string().max(128), at: isoDate })),
      /** Node ids the server refuses (NODE_BLOCKED) until unblocked. */
      blockedNodes: z.record(z.string().min(1).max(128), z.object({ at: isoDate })),
      /** Node keys the server refuses, whatever node id they come with; `nodeId` is the one they held. */
      blockedKeys: z.record(z.string().regex(/^[A-Za-z0-9_-]{43}$/), z.object({ at: isoDate, nodeId: z.string().max(128) })),
    })
    .default(() => ({ freed: {}, blockedNodes: {}, blockedKeys: {} })),
});
export type PrivateConfigFile = z.infer<typeof privateConfigSchema>;

/** The state in memory: the file's, with the leases in a persistent table (see `LeaseTable`). */
export type PrivateConfig = Omit<PrivateConfigFile, 'leases'> & { readonly leases: LeaseTable };

export function fromFile(file: PrivateConfigFile): PrivateConfig {
  return { ...file, leases: LeaseTable.fromRecord(file.leases) };
}

export function toFile(state: PrivateConfig): PrivateConfigFile {
  return { ...state, leases: state.leases.toRecord() };
}

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

/**
 * How privateConfig reaches the disk: `replace` swaps in a whole new file (crash-safe: the old or the new
 * one, never a mix); `append` adds to the end of the current one and returns once that is durable.
 */
export interface StateFile {
  replace(data: string): Promise<void>;
  append(data: string): Promise<void>;
  close(): Promise<void>;
}

/** privateConfig on the local disk: atomic replace, and appends through one handle synced per append. */
export function durableStateFile(path: string): StateFile {
  let handle: FileHandle | null = null;
  const close = async () => {
    const open = handle;
    handle = null;
    await open?.close();
  };
  return {
    async replace(data) {
      // The handle would keep appending to the file the rename is about to replace.
      await close();
      await writeFileAtomic(path, data);
    },
    async append(data) {
      handle ??= await open(path, 'a');
      await handle.write(data);
      await handle.datasync();
    },
    close,
  };
}

export interface StateStoreOptions {
  dir: string;
  licenseId: string;
  now: () => Date;
  /** Told about a failed write-behind write (retried by the next flush); nobody else hears of it. */
  logger?: Pick<Logger, 'error'>;
  /** The durable file; injectable for tests. */
  file?: (path: string) => StateFile;
  /** How far the journal may grow, at least, before it is compacted (default 256 KB). */
  minJournalBytes?: number;
}

/**
 * The journal may grow to the size of the snapshot (so that compaction costs O(1) per change, amortized)
 * and at least to this: a small installation is not rewritten every few renewals.
 */
const MIN_JOURNAL_BYTES = 256 * 1024;

/**
 * The privateConfig file behind a single writer queue. Every change goes through `update`: mutations run
 * one after another on the latest decided state (so check-and-insert decisions never interleave), and
 * their callers hear back only after the new state is durably on disk, except for write-behind changes
 * (see `Mutation`), which are answered as soon as they are decided and written by the next group commit.
 * Mutations that arrive while a write is in flight are applied together and committed with the next single
 * write (group commit). A mutation arriving while a slot change is being written waits behind it, so a
 * renewal is never decided on top of a slot change that may still fail.
 *
 * On disk, privateConfig is one line of JSON (the snapshot) followed by journal lines, one per group commit,
 * each naming only what that commit changed: a renewal appends its own lease, whatever the number of leases
 * held. When the journal outgrows the snapshot the whole file is rewritten as one line (atomic replace); it
 * is also rewritten at every open, so what an operator copies of a stopped server is a single JSON document.
 */
export class StateStore {
  /** Decided state: every durable change plus write-behind changes not yet written; never a tentative one. */
  #state: PrivateConfig;
  /** The state the file holds. */
  #written: PrivateConfig;
  #snapshotBytes = 0;
  #journalBytes = 0;
  /** Set when an append failed (it may have left part of a line): the next write replaces the file. */
  #mustReplace = true;
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
    private readonly file: StateFile,
    private readonly logger: Pick<Logger, 'error'> | undefined,
    private readonly minJournalBytes: number,
  ) {
    this.#state = state;
    this.#written = state;
  }

  /**
   * Locks `dir`, then loads privateConfig (or creates it for `licenseId`) and rewrites it as one snapshot;
   * a damaged file stops here.
   */
  static async open(options: StateStoreOptions): Promise<StateStore> {
    await mkdir(options.dir, { recursive: true, mode: 0o700 });
    const lock = await acquireDirLock(options.dir);
    try {
      const path = join(options.dir, PRIVATE_CONFIG_FILE);
      await removeStaleTempFiles(path);
      const loaded = await readPrivateConfig(path);
      if (loaded && loaded.licenseId !== options.licenseId) {
        throw new StartupError('stateOtherLicense', { path, stateLicense: loaded.licenseId, bundleLicense: options.licenseId });
      }
      const state: PrivateConfig = loaded
        ? fromFile(loaded)
        : {
            version: 1,
            licenseId: options.licenseId,
            createdAt: options.now().toISOString(),
            activatedAt: null,
            destroyedAt: null,
            leases: LeaseTable.EMPTY,
            instanceId: randomUUID(),
            activation: { lock: { ...initialLockState }, challenge: null, rescanRequired: {} },
            operator: { freed: {}, blockedNodes: {}, blockedKeys: {} },
          };
      const store = new StateStore(path, lock, state, options.now, (options.file ?? durableStateFile)(path), options.logger, options.minJournalBytes ?? MIN_JOURNAL_BYTES);
      // The journal a previous run appended (and any line a crash cut short) is folded into one snapshot.
      await store.#persist(state);
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

  /** When this process last successfully wrote privateConfig (by the injected clock; the first write is at open). */
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

  /** Makes `next` the file's content: its changes appended to the journal, or a new snapshot. */
  async #persist(next: PrivateConfig): Promise<void> {
    const entry = this.#mustReplace ? null : journalEntry(this.#written, next);
    if (entry === '') {
      // Nothing to tell the file (a no-op batch): it already holds this state.
    } else if (entry === null || this.#journalBytes + entry.length > Math.max(this.#snapshotBytes, this.minJournalBytes)) {
      const text = `${JSON.stringify(toFile(next))}\n`;
      await this.file.replace(text);
      this.#snapshotBytes = text.length;
      this.#journalBytes = 0;
      this.#mustReplace = false;
    } else {
      try {
        await this.file.append(entry);
      } catch (error) {
        this.#mustReplace = true;
        throw error;
      }
      this.#journalBytes += entry.length;
    }
    next.leases.forgetHistory();
    this.#written = next;
    if (entry !== '') this.#lastWriteAt = this.now().toISOString();
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
            await this.#persist(draft);
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
          for (const { op, outcome } of batch) {
            if (outcome.ok) op.resolve(outcome.result);
            else op.reject(outcome.error);
          }
        } else if (this.hasUnwrittenChanges) {
          const version = this.#version;
          try {
            // Renewals decided while this write is in flight are picked up by the next round.
            await this.#persist(this.#state);
          } catch (error) {
            this.logger?.error({ err: error, path: this.path }, 'write-behind of privateConfig failed; retried by the next write');
            if (this.#pending.length === 0) return;
            continue;
          }
          this.#writtenVersion = version;
        }
      }
    } finally {
      this.#flushRunning = false;
    }
  }

  /**
   * Waits for queued writes, writes any pending write-behind changes as one snapshot, refuses new ones and
   * releases the directory lock. Rejects (after releasing the lock) if that final write failed.
   */
  async close(): Promise<void> {
    this.#closed = true;
    let failure: unknown = null;
    try {
      while (this.#flushRunning) await this.#flushing;
      if (this.hasUnwrittenChanges || this.#journalBytes > 0) {
        const version = this.#version;
        try {
          this.#mustReplace = true;
          await this.#persist(this.#state);
          this.#writtenVersion = version;
        } catch (error) {
          this.logger?.error({ err: error, path: this.path }, 'final write of privateConfig failed; the last renewals are lost');
          failure = error;
        }
      }
    } finally {
      await this.file.close().catch(() => undefined);
      await this.lock.release();
    }
    if (failure !== null) throw failure;
  }
}

/**
 * One journal line: the top-level fields `next` changed from `written` (whole), and the leases it changed
 * (a lease, or null when freed). Null when the change cannot be told as a journal line (leases not made
 * from the written ones): the file is then replaced. Empty when nothing changed.
 */
function journalEntry(written: PrivateConfig, next: PrivateConfig): string | null {
  const leaseIds = next.leases.changedSince(written.leases);
  if (leaseIds === null) return null;
  const set: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(next)) {
    if (key !== 'leases' && value !== written[key as keyof PrivateConfig]) set[key] = value;
  }
  if (leaseIds.size === 0 && Object.keys(set).length === 0) return '';
  const leases: Record<string, LeaseRecord | null> = {};
  for (const id of leaseIds) Object.defineProperty(leases, id, { value: next.leases.get(id) ?? null, enumerable: true, writable: true, configurable: true });
  return `${JSON.stringify({ set, leases })}\n`;
}

const journalLineSchema = z.object({
  set: z.record(z.string(), z.unknown()),
  leases: z.record(z.string(), leaseRecordSchema.nullable()),
});

/**
 * Reads privateConfig as a stopped or running server left it: the snapshot line with the journal lines
 * after it applied in order (a last line a crash cut short was never acknowledged and is ignored), or a
 * whole-file JSON document as earlier versions wrote it. Null when there is no file; StartupError
 * `stateCorrupt` when it cannot be read as either.
 */
export async function readPrivateConfig(path: string): Promise<PrivateConfigFile | null> {
  const text = await readTextIfExists(path);
  if (text === null) return null;
  const corrupt = (code: 'file.notJson' | 'state.unexpected', fields?: string) =>
    new StartupError('stateCorrupt', { path, ...(code === 'file.notJson' ? detail(code) : detail(code, { fields: fields ?? '(root)' })) });
  const lines = text.split('\n');
  let json: unknown = parseJson(lines[0] ?? '');
  if (json === undefined || typeof json !== 'object' || json === null) {
    // An earlier version's pretty-printed document, with no journal.
    json = parseJson(text);
    if (json === undefined) throw corrupt('file.notJson');
  } else {
    const base = json as Record<string, unknown>;
    const leases = { ...(base.leases as Record<string, unknown>) };
    const state: Record<string, unknown> = { ...base, leases };
    // Only the last line may be cut short (appends happen one line at a time, each synced before the next).
    const journal = lines.slice(1);
    for (const [index, line] of journal.entries()) {
      if (line === '') continue;
      const entry = journalLineSchema.safeParse(parseJson(line));
      if (!entry.success) {
        if (index === journal.length - 1) break;
        throw corrupt('state.unexpected', `journal line ${index + 2}`);
      }
      for (const [key, value] of Object.entries(entry.data.set)) {
        if (key !== 'leases' && Object.hasOwn(privateConfigSchema.shape, key)) state[key] = value;
      }
      for (const [id, lease] of Object.entries(entry.data.leases)) {
        if (lease === null) delete leases[id];
        else Object.defineProperty(leases, id, { value: lease, enumerable: true, writable: true, configurable: true });
      }
    }
    json = state;
  }
  const parsed = privateConfigSchema.safeParse(json);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(root)'))].slice(0, 5).join(', ');
    throw corrupt('state.unexpected', fields);
  }
  return parsed.data;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
