import { describe, expect, it } from 'vitest';
import { projectIdentitySchema } from '@registration/protocol/project-identity';
import { canResumeWithoutScan, type ProjectIdentity, type RestartPolicyInput } from './restart-policy.ts';

const cluster: ProjectIdentity = { kind: 'cluster', configDb: 'db-1', stateServer: 'redis-1', fileServer: 'nfs-1' };
const external: ProjectIdentity = { kind: 'standalone-external-db', configDb: 'db-1' };
const builtin: ProjectIdentity = { kind: 'standalone-builtin-db' };
const NEW_IMAGE = new Date('2026-06-01T00:00:00Z');

function decide(before: ProjectIdentity | null, after: ProjectIdentity, over: Partial<RestartPolicyInput> = {}) {
  return canResumeWithoutScan({ before, after, productVersion: '11.5.11', serverImageIssuedAt: NEW_IMAGE, ...over });
}

describe('canResumeWithoutScan: the manual table for 11.5.11+ with an image from 2026-05-20 on', () => {
  it.each([
    ['cluster, nothing changed', cluster, cluster, true],
    ['cluster, only the config DB changed', cluster, { ...cluster, configDb: 'db-2' }, true],
    ['cluster, only the state server changed', cluster, { ...cluster, stateServer: 'redis-2' }, true],
    ['cluster, only the file server changed', cluster, { ...cluster, fileServer: 'nfs-2' }, true],
    ['cluster, config DB and state server changed', cluster, { ...cluster, configDb: 'db-2', stateServer: 'redis-2' }, false],
    ['cluster, config DB and file server changed', cluster, { ...cluster, configDb: 'db-2', fileServer: 'nfs-2' }, false],
    ['cluster, state and file server changed', cluster, { ...cluster, stateServer: 'redis-2', fileServer: 'nfs-2' }, false],
    ['cluster, all three changed', cluster, { kind: 'cluster', configDb: 'a', stateServer: 'b', fileServer: 'c' }, false],
    ['standalone external DB, unchanged', external, external, true],
    ['standalone external DB, changed', external, { ...external, configDb: 'db-2' }, false],
    ['standalone built-in DB', builtin, builtin, false],
    ['cluster became standalone', cluster, external, false],
    ['standalone became cluster', external, cluster, false],
    ['built-in became external', builtin, external, false],
    ['nothing recorded before', null, cluster, false],
    ['cluster with unknown (empty) components', { ...cluster, stateServer: '', fileServer: '' }, { ...cluster, stateServer: '', fileServer: '' }, false],
    ['external DB unknown (empty)', { ...external, configDb: '' }, { ...external, configDb: '' }, false],
  ] as const)('%s → resume %s', (_, before, after, expected) => {
    const decision = decide(before, after);
    expect(decision.resume).toBe(expected);
    expect(decision.reason).not.toBe('');
  });
});

describe('canResumeWithoutScan: versions and image dates outside the rule always scan again', () => {
  it.each([
    ['11.5.11', true],
    ['11.5.12', true],
    ['11.6', true],
    ['12.0.0', true],
    ['11.5.10', false],
    ['11.5.9', false],
    ['11.5', false],
    ['11.0.18', false],
    ['10.0.19', false],
    ['11.5.11-beta', false],
    ['', false],
  ])('product version %j → resume %s (unchanged cluster)', (productVersion, expected) => {
    expect(decide(cluster, cluster, { productVersion }).resume).toBe(expected);
  });

  it.each([
    ['2026-05-19T23:59:59+08:00', false], // 2026-05-19 on the vendor's calendar
    ['2026-05-19T15:59:59.999Z', false],
    ['2026-05-20T00:00:00+08:00', true], // on 2026-05-20: the rule applies
    ['2026-05-19T16:00:00.000Z', true], // the same instant
    ['2026-05-20T12:00:00Z', true],
    ['2025-12-31T00:00:00Z', false],
  ])('image issued %s → resume %s (unchanged standalone external DB)', (issued, expected) => {
    expect(decide(external, external, { serverImageIssuedAt: new Date(issued) }).resume).toBe(expected);
  });

  it('treats an unreadable image date as old', () => {
    expect(decide(cluster, cluster, { serverImageIssuedAt: new Date(Number.NaN) }).resume).toBe(false);
  });

  it('an old version or image scans again even when the identity is unchanged, whatever the kind', () => {
    for (const identity of [cluster, external, builtin]) {
      expect(decide(identity, identity, { productVersion: '11.5.10' }).resume).toBe(false);
      expect(decide(identity, identity, { serverImageIssuedAt: new Date('2026-05-19T00:00:00+08:00') }).resume).toBe(false);
    }
  });
});

describe('projectIdentitySchema (the wire form)', () => {
  it('accepts the three kinds and refuses unknown components or kinds', () => {
    for (const identity of [cluster, external, builtin]) expect(projectIdentitySchema.parse(identity)).toEqual(identity);
    expect(projectIdentitySchema.safeParse({ ...cluster, fileServer: '' }).success).toBe(false);
    expect(projectIdentitySchema.safeParse({ kind: 'cluster', configDb: 'db' }).success).toBe(false);
    expect(projectIdentitySchema.safeParse({ kind: 'cloud' }).success).toBe(false);
  });
});
