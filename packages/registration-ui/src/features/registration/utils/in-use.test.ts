import { describe, expect, it } from 'vitest';
import { registered } from '../../../testing/fixtures.ts';
import { latestInUse } from './in-use.ts';

const refusal = { code: 30007, name: 'REGISTER_OUT_OF_LIMIT' as const, params: { max: 2, inUse: 2 } };

describe('latestInUse', () => {
  it('is the grant’s count as of the last lease when nothing later was heard', () => {
    const state = registered();
    expect(latestInUse(state)).toEqual({ inUse: state.grant!.inUse, at: state.node.lastSuccessAt });
  });

  it('takes the count of a later refusal of this node, with its time', () => {
    const state = registered();
    const failureAt = new Date(Date.parse(state.node.lastSuccessAt!) + 60_000).toISOString();
    const node = { ...state.node, failureAt, reasons: [refusal] };
    expect(latestInUse({ ...state, node })).toEqual({ inUse: 2, at: failureAt });
  });

  it('takes the count of a later failed Submit, and ignores an older one', () => {
    const state = registered();
    const at = new Date(Date.parse(state.node.lastSuccessAt!) + 120_000).toISOString();
    const attempt = { serverUrl: 'https://ls.example:8443', at, by: 'admin', nodeId: state.node.nodeId, reasons: [refusal] };
    expect(latestInUse({ ...state, lastAttempt: attempt })).toEqual({ inUse: 2, at });
    const older = { ...attempt, at: new Date(Date.parse(state.node.lastSuccessAt!) - 120_000).toISOString() };
    expect(latestInUse({ ...state, lastAttempt: older })?.inUse).toBe(state.grant!.inUse);
  });

  it('is nothing without a grant', () => {
    expect(latestInUse({ ...registered(), grant: null })).toBeNull();
  });
});
