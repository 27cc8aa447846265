import { LEASE_TTL_MS } from '@registration/licensing/time';
import { liveLeases, omit } from '../lease-book.ts';
import type { LeaseRecord, Mutation, PrivateConfig } from '../store.ts';

/**
 * What an operator does to slots in the console, as store mutations (pure, like the lease book's).
 * Each names the lease the operator saw, so a page that is out of date changes nothing.
 */

export type FreeOutcome = { ok: true; lease: LeaseRecord } | { ok: false; why: 'gone' };

/** Freed-slot notices older than a lease's lifetime: the node has given up on that lease by then. */
function withoutOldNotices(freed: PrivateConfig['operator']['freed'], now: Date): PrivateConfig['operator']['freed'] {
  let kept = freed;
  for (const [nodeId, notice] of Object.entries(freed)) {
    if (now.getTime() - Date.parse(notice.at) > LEASE_TTL_MS) kept = omit(kept, nodeId);
  }
  return kept;
}

/** Ends `nodeId`'s lease `leaseId` now; its next heartbeat hears LEASE_FREED. */
export function freeSlot(nodeId: string, leaseId: string, clock: () => Date): Mutation<FreeOutcome> {
  return (state) => {
    const now = clock();
    const live = liveLeases(state, now);
    const lease = live.get(nodeId);
    if (lease?.leaseId !== leaseId) return { result: { ok: false, why: 'gone' } };
    const freed = { ...withoutOldNotices(state.operator.freed, now) };
    Object.defineProperty(freed, nodeId, { value: { leaseId, at: now.toISOString() }, enumerable: true, writable: true, configurable: true });
    return { next: { ...state, leases: live.delete(nodeId), operator: { ...state.operator, freed } }, result: { ok: true, lease } };
  };
}

export type BlockOutcome = { ok: true; freedLease: LeaseRecord | null };

/**
 * Blocks `nodeId`, and the node key its lease is bound to when it holds one (so the same machine cannot come
 * back under another id); the lease ends now. Registers and heartbeats of either are refused NODE_BLOCKED.
 */
export function blockNode(nodeId: string, clock: () => Date): Mutation<BlockOutcome> {
  return (state) => {
    const now = clock();
    const at = now.toISOString();
    const live = liveLeases(state, now);
    const lease = live.get(nodeId) ?? null;
    const blockedNodes = { ...state.operator.blockedNodes };
    Object.defineProperty(blockedNodes, nodeId, { value: { at }, enumerable: true, writable: true, configurable: true });
    const blockedKeys = lease?.nodeKey === undefined || lease === null ? state.operator.blockedKeys : { ...state.operator.blockedKeys, [lease.nodeKey]: { at, nodeId } };
    return {
      next: { ...state, leases: lease === null ? live : live.delete(nodeId), operator: { ...state.operator, blockedNodes, blockedKeys } },
      result: { ok: true, freedLease: lease },
    };
  };
}

/** Lifts the block on `nodeId` and on the keys blocked with it; false when it was not blocked. */
export function unblockNode(nodeId: string): Mutation<boolean> {
  return (state) => {
    const { blockedNodes, blockedKeys } = state.operator;
    const keys = Object.entries(blockedKeys).filter(([, b]) => b.nodeId === nodeId);
    if (!Object.hasOwn(blockedNodes, nodeId) && keys.length === 0) return { result: false };
    let remainingKeys = blockedKeys;
    for (const [key] of keys) remainingKeys = omit(remainingKeys, key);
    return { next: { ...state, operator: { ...state.operator, blockedNodes: omit(blockedNodes, nodeId), blockedKeys: remainingKeys } }, result: true };
  };
}
