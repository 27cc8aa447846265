import type { Logger } from 'pino';
import type { HistoryKind, HistoryOutcome } from '@registration/protocol/bff-api';
import type { Reason } from '@registration/protocol/reason';
import type { AccessTokenClaims } from '@registration/protocol/auth';
import { CatalogueError, reason } from '../errors.ts';
import type { HistoryFilter } from '../store/history-store.ts';
import type { NodeRecord, RegistrationStore } from '../store/types.ts';

/**
 * The registration history: what administrators did on the module and what nodes did by themselves,
 * recorded in the cluster's store. Recording never fails the action it records: a store error is logged.
 */

export interface HistoryEntry {
  kind: HistoryKind;
  /** The administrator (their name from the token); null for what a node did by itself. */
  actor: string | null;
  outcome: HistoryOutcome;
  params?: Record<string, string | number>;
  reasons?: Reason[];
}

/** The name History shows for the administrator of a request. */
export const actorOf = (user: AccessTokenClaims) => user.name ?? user.sub;

/** Reasons without repeats (the same refusal on several nodes is listed once). */
function distinct(reasons: Reason[]): Reason[] {
  const seen = new Set<string>();
  return reasons.filter((r) => {
    const key = JSON.stringify([r.code, r.params ?? {}]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function createHistory(deps: { store: RegistrationStore; clock: () => Date; nodeId: string; logger: Logger }) {
  const { store, clock, nodeId, logger } = deps;

  async function record(entry: HistoryEntry): Promise<void> {
    try {
      await store.recordEvent({
        at: clock(),
        nodeId,
        actor: entry.actor,
        kind: entry.kind,
        outcome: entry.outcome,
        params: entry.params ?? {},
        reasons: distinct(entry.reasons ?? []),
      });
    } catch (error) {
      logger.warn({ err: error, kind: entry.kind }, 'could not record a registration history event');
    }
  }

  /**
   * Runs an administrator's action and records it: `ok` when it returns (or what `judge` says of its
   * result), `refused` with the catalogue reasons when it throws a CatalogueError (which is re-thrown).
   */
  async function audit<T>(
    entry: Omit<HistoryEntry, 'outcome' | 'reasons'>,
    run: () => Promise<T>,
    judge: (result: T) => { outcome: HistoryOutcome; reasons?: Reason[] } = () => ({ outcome: 'ok' }),
  ): Promise<T> {
    let result: T;
    try {
      result = await run();
    } catch (error) {
      if (error instanceof CatalogueError) {
        const reasons = error.details?.reasons ?? [reason(error.errorName, error.params)];
        await record({ ...entry, outcome: 'refused', reasons });
      }
      throw error;
    }
    await record({ ...entry, ...judge(result) });
    return result;
  }

  /** A page of the history, newest first. */
  const list = (filter: HistoryFilter) => store.listEvents(filter);

  return { record, audit, list };
}

export type History = ReturnType<typeof createHistory>;

/** What a node's own beat changed, as a history entry; null when its state stayed what it was. */
export function beatTransition(before: NodeRecord | null, after: NodeRecord | null, method: 'private-cloud' | 'local-container' | null): HistoryEntry | null {
  if (after === null || before?.status === after.status) return null;
  const params: Record<string, string> = after.serverUrl === null ? {} : { serverUrl: after.serverUrl };
  const from = before?.status ?? 'unregistered';
  if (after.status === 'registered') {
    if (method === 'local-container' && (from === 'unregistered' || from === 'verification-needed')) return { kind: 'joined-verification', actor: null, outcome: 'ok', params };
    if (from === 'failed' || from === 'degraded') return { kind: 'renewed-after-outage', actor: null, outcome: 'ok', params };
    return null;
  }
  if (after.status === 'degraded') return { kind: 'unreachable', actor: null, outcome: 'info', params, reasons: after.reasons };
  if (after.status === 'failed') {
    const lapsed = after.reasons[0]?.name === 'HEARTBEAT_LAPSED';
    return { kind: lapsed ? 'lapsed' : 'refused-by-server', actor: null, outcome: 'refused', params, reasons: after.reasons };
  }
  return null;
}
