import { z } from 'zod';
import { historyKindSchema, historyOutcomeSchema, type HistoryEvent, type HistoryKind, type HistoryOutcome } from '@registration/protocol/bff-api';
import { reasonSchema, type Reason } from '@registration/protocol/reason';
import type { SqlClient } from './sql.ts';

/** One event to record (the store gives it its id). */
export interface NewHistoryEvent {
  at: Date;
  nodeId: string;
  actor: string | null;
  kind: HistoryKind;
  outcome: HistoryOutcome;
  params: Record<string, string | number>;
  reasons: Reason[];
}

export interface HistoryFilter {
  /** Only events older than this id (the previous page's `nextCursor`). */
  before?: string;
  limit: number;
  kind?: HistoryKind;
  nodeId?: string;
  from?: Date;
  to?: Date;
}

export interface HistoryStore {
  recordEvent(event: NewHistoryEvent): Promise<void>;
  listEvents(filter: HistoryFilter): Promise<{ events: HistoryEvent[]; nextCursor: string | null }>;
}

/** How long, and how many, events are kept. */
export const HISTORY_RETENTION_DAYS = 180;
export const HISTORY_MAX_EVENTS = 100_000;

interface EventRow {
  id: string | number | bigint;
  at: Date | string;
  node_id: string;
  actor: string | null;
  kind: string;
  outcome: string;
  params: unknown;
  reasons: unknown;
}

const paramsSchema = z.record(z.string(), z.union([z.string(), z.number()]));
const json = (v: unknown) => (typeof v === 'string' ? (JSON.parse(v) as unknown) : v);
const iso = (v: Date | string) => (v instanceof Date ? v : new Date(v)).toISOString();

/** The history queries on any SQL client (PGlite or PostgreSQL, in or out of a transaction). */
export function historyStore(db: SqlClient): HistoryStore {
  let recorded = 0;
  return {
    async recordEvent(e) {
      await db.query(
        `INSERT INTO registration_event (at, node_id, actor, kind, outcome, params, reasons)
         VALUES ($1::timestamptz, $2, $3, $4, $5, $6::jsonb, $7::jsonb)`,
        [e.at.toISOString(), e.nodeId, e.actor, e.kind, e.outcome, JSON.stringify(e.params), JSON.stringify(e.reasons)],
      );
      // Bounded: now and then, what is past the retention or beyond the newest HISTORY_MAX_EVENTS goes.
      recorded += 1;
      if (recorded % 100 === 1) {
        const cutoff = new Date(e.at.getTime() - HISTORY_RETENTION_DAYS * 864e5).toISOString();
        await db.query(
          `DELETE FROM registration_event WHERE at < $1::timestamptz
             OR id <= (SELECT id FROM registration_event ORDER BY id DESC OFFSET $2 LIMIT 1)`,
          [cutoff, HISTORY_MAX_EVENTS],
        );
      }
    },

    async listEvents(f) {
      const where: string[] = [];
      const args: unknown[] = [];
      const arg = (value: unknown) => {
        args.push(value);
        return `$${args.length}`;
      };
      if (f.before !== undefined) where.push(`id < ${arg(f.before)}::bigint`);
      if (f.kind !== undefined) where.push(`kind = ${arg(f.kind)}`);
      if (f.nodeId !== undefined) where.push(`node_id = ${arg(f.nodeId)}`);
      if (f.from !== undefined) where.push(`at >= ${arg(f.from.toISOString())}::timestamptz`);
      if (f.to !== undefined) where.push(`at <= ${arg(f.to.toISOString())}::timestamptz`);
      const { rows } = await db.query<EventRow>(
        `SELECT id, at, node_id, actor, kind, outcome, params, reasons FROM registration_event
         ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ${arg(f.limit + 1)}`,
        args,
      );
      const page = rows.slice(0, f.limit).map(
        (r): HistoryEvent => ({
          id: String(r.id),
          at: iso(r.at),
          nodeId: r.node_id,
          actor: r.actor,
          kind: historyKindSchema.parse(r.kind),
          outcome: historyOutcomeSchema.parse(r.outcome),
          params: paramsSchema.parse(json(r.params)),
          reasons: z.array(reasonSchema).parse(json(r.reasons)),
        }),
      );
      return { events: page, nextCursor: rows.length > f.limit ? (page.at(-1)?.id ?? null) : null };
    },
  };
}
