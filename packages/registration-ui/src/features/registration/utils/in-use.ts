import type { Reason } from '@registration/protocol/reason';
import type { RegistrationState } from '@registration/protocol/bff-api';

/** How many connections the license server counted, and when it said so. */
export interface InUseCount {
  inUse: number;
  at: string | null;
}

const counted = (reasons: Reason[]): number | null => {
  for (const r of reasons) if (typeof r.params?.inUse === 'number') return r.params.inUse;
  return null;
};

/**
 * The connections in use as of the latest answer this node has from the license server: the grant's
 * count from its last lease, or the count a later refusal carried (30007 says how many hold a slot). The
 * count is never live, so it travels with its time.
 */
export function latestInUse(state: Pick<RegistrationState, 'grant' | 'node' | 'lastAttempt'>): InUseCount | null {
  if (!state.grant) return null;
  let best: InUseCount = { inUse: state.grant.inUse, at: state.node.lastSuccessAt };
  const later = (at: string | null) => at !== null && (best.at === null || Date.parse(at) > Date.parse(best.at));
  const fromNode = counted(state.node.reasons);
  if (fromNode !== null && later(state.node.failureAt)) best = { inUse: fromNode, at: state.node.failureAt };
  const attempt = state.lastAttempt;
  const fromAttempt = attempt ? counted(attempt.reasons) : null;
  if (attempt && fromAttempt !== null && later(attempt.at)) best = { inUse: fromAttempt, at: attempt.at };
  return best;
}
