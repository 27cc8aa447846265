import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { readTextIfExists, writeFileAtomic } from '@registration/licensing/files';

/**
 * What happened on the license server, for the operator console's Events (and its CSV): kept in memory
 * (newest last) and appended to `<config>/events.jsonl`, one JSON object per line. Bounded twice: events
 * older than the retention are dropped, and at most `maxEvents` are kept. Not part of privateConfig (the
 * vendor does not need them), and not synced per event: losing the last few lines in a crash loses no slot.
 */

export const EVENTS_FILE = 'events.jsonl';
export const DEFAULT_RETENTION_DAYS = 90;
export const DEFAULT_MAX_EVENTS = 100_000;

export const EVENT_KINDS = [
  'registered',
  'renewed-after-gap',
  'refused',
  'deregistered',
  'expired',
  'freed',
  'blocked',
  'unblocked',
  'rescan-required',
  'activation-accepted',
  'activation-refused',
  'sign-in',
  'sign-in-refused',
  'usage',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

const serverEventSchema = z.object({
  at: z.iso.datetime({ offset: true }),
  kind: z.enum(EVENT_KINDS),
  nodeId: z.string().max(128).optional(),
  peer: z.string().max(64).optional(),
  /** Catalogue codes of a refusal, every reason. */
  codes: z.array(z.number().int()).max(16).optional(),
  /** Values of the event (slots in use, the lease id, the gap in minutes …). */
  data: z.record(z.string().max(32), z.union([z.string().max(256), z.number()])).optional(),
});
export type ServerEvent = z.infer<typeof serverEventSchema>;

export interface EventFilter {
  nodeId?: string;
  kind?: EventKind;
  /** Inclusive bounds (ISO). */
  from?: string;
  to?: string;
}

export interface EventLogOptions {
  dir: string;
  now: () => Date;
  retentionDays?: number;
  maxEvents?: number;
}

export class EventLog {
  readonly #events: ServerEvent[];
  /** Null: kept in memory only (an app built without a config dir for its events). */
  readonly #path: string | null;
  readonly #now: () => Date;
  readonly #retentionMs: number;
  readonly #max: number;
  #unwritten: string[] = [];
  #writing: Promise<void> = Promise.resolve();
  #scheduled = false;
  #linesInFile: number;

  private constructor(path: string | null, events: ServerEvent[], options: Omit<EventLogOptions, 'dir'>) {
    this.#path = path;
    this.#events = events;
    this.#now = options.now;
    this.#retentionMs = (options.retentionDays ?? DEFAULT_RETENTION_DAYS) * 864e5;
    this.#max = options.maxEvents ?? DEFAULT_MAX_EVENTS;
    this.#linesInFile = events.length;
  }

  /** A log that keeps its events in memory only. */
  static memory(now: () => Date): EventLog {
    return new EventLog(null, [], { now });
  }

  /** Reads what earlier runs recorded (unreadable lines are skipped) and rewrites the file within the bounds. */
  static async open(options: EventLogOptions): Promise<EventLog> {
    const path = join(options.dir, EVENTS_FILE);
    const text = (await readTextIfExists(path)) ?? '';
    const events: ServerEvent[] = [];
    for (const line of text.split('\n')) {
      if (line === '') continue;
      try {
        const parsed = serverEventSchema.safeParse(JSON.parse(line));
        if (parsed.success) events.push(parsed.data);
      } catch {
        // A line cut short by a crash: skipped.
      }
    }
    const log = new EventLog(path, events, options);
    log.#prune();
    await log.#rewrite();
    return log;
  }

  /** Records `event` at the injected clock's now. */
  record(event: Omit<ServerEvent, 'at'>): void {
    const full: ServerEvent = { at: this.#now().toISOString(), ...event };
    this.#events.push(full);
    this.#unwritten.push(`${JSON.stringify(full)}\n`);
    if (this.#events.length > this.#max * 1.1) this.#prune();
    this.#schedule();
  }

  /** Matching events, newest first, at most `limit`. */
  list(filter: EventFilter = {}, limit = Infinity): ServerEvent[] {
    const cutoff = new Date(this.#now().getTime() - this.#retentionMs).toISOString();
    const out: ServerEvent[] = [];
    for (let i = this.#events.length - 1; i >= 0 && out.length < limit; i -= 1) {
      const e = this.#events[i] as ServerEvent;
      if (e.at < cutoff) break;
      if (filter.kind !== undefined && e.kind !== filter.kind) continue;
      if (filter.nodeId !== undefined && e.nodeId !== filter.nodeId) continue;
      if (filter.from !== undefined && e.at < filter.from) continue;
      if (filter.to !== undefined && e.at > filter.to) continue;
      out.push(e);
    }
    return out;
  }

  /** The last event of `kind`, if any. */
  last(kind: EventKind): ServerEvent | undefined {
    for (let i = this.#events.length - 1; i >= 0; i -= 1) if (this.#events[i]?.kind === kind) return this.#events[i];
    return undefined;
  }

  /** Waits until everything recorded so far is in the file. */
  async flush(): Promise<void> {
    await this.#writing;
    if (this.#unwritten.length > 0) {
      this.#writing = this.#writing.then(() => this.#write());
      await this.#writing;
    }
  }

  /** One write for everything recorded in this turn of the event loop (a burst of registrations is one append). */
  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    this.#writing = this.#writing.then(async () => {
      await new Promise((resolve) => setImmediate(resolve));
      this.#scheduled = false;
      await this.#write();
    });
  }

  #prune(): void {
    const cutoff = new Date(this.#now().getTime() - this.#retentionMs).toISOString();
    let drop = 0;
    while (drop < this.#events.length && (this.#events[drop] as ServerEvent).at < cutoff) drop += 1;
    drop = Math.max(drop, this.#events.length - this.#max);
    if (drop > 0) this.#events.splice(0, drop);
  }

  async #write(): Promise<void> {
    if (this.#unwritten.length === 0 || this.#path === null) {
      this.#unwritten = [];
      return;
    }
    const lines = this.#unwritten;
    this.#unwritten = [];
    try {
      // Rewritten within the bounds once the file holds twice what is kept; appended otherwise.
      if (this.#linesInFile + lines.length > 2 * this.#max) await this.#rewrite();
      else {
        await appendFile(this.#path, lines.join(''), { mode: 0o600 });
        this.#linesInFile += lines.length;
      }
    } catch {
      // The events stay in memory; the next rewrite puts them in the file.
    }
  }

  async #rewrite(): Promise<void> {
    this.#prune();
    if (this.#path === null) return;
    await writeFileAtomic(this.#path, this.#events.map((e) => `${JSON.stringify(e)}\n`).join(''));
    this.#linesInFile = this.#events.length;
  }
}

/** The events as CSV (RFC 4180), header first; a cell that a spreadsheet would run as a formula is quoted with a leading '. */
export function eventsCsv(events: readonly ServerEvent[]): string {
  const cell = (value: string) => {
    const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
    return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  const rows = [['time', 'event', 'node', 'address', 'codes', 'details']];
  for (const e of events) {
    const details = Object.entries(e.data ?? {}).map(([k, v]) => `${k}=${v}`).join('; ');
    rows.push([e.at, e.kind, e.nodeId ?? '', e.peer ?? '', (e.codes ?? []).join(' '), details]);
  }
  return `${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}
