import { describe, expect, it } from 'vitest';
import { canResumeWithoutScan } from '@registration/licensing/restart-policy';
import { componentId, projectIdentity } from './project-identity.ts';

describe('project identity for the restart rule', () => {
  it('hashes addresses without credentials, so a changed password is the same database', () => {
    expect(componentId('postgres://app:secret@db.internal:5432/fr')).toBe(componentId('postgres://app:other@db.internal:5432/fr/'));
    expect(componentId('postgres://db.internal:5432/fr')).not.toBe(componentId('postgres://db2.internal:5432/fr'));
    expect(componentId('postgres://app:secret@db.internal:5432/fr')).not.toContain('secret');
  });

  it('classifies the deployment and lets the licensing rule decide on it', () => {
    expect(projectIdentity({ configDb: null, stateServer: 'redis://r', fileServer: null })).toEqual({ kind: 'standalone-builtin-db' });
    const standalone = projectIdentity({ configDb: 'postgres://db/fr', stateServer: null, fileServer: null });
    expect(standalone.kind).toBe('standalone-external-db');
    const before = projectIdentity({ configDb: 'postgres://db/fr', stateServer: 'redis://r:6379', fileServer: 'sftp://files' });
    const after = projectIdentity({ configDb: 'postgres://u:p@db/fr', stateServer: 'redis://r2:6379', fileServer: 'sftp://files' });
    const rule = canResumeWithoutScan({ before, after, productVersion: '11.5.11', serverImageIssuedAt: new Date('2026-06-01T00:00:00Z') });
    expect(rule).toEqual({ resume: true, reason: 'only stateServer changed' });
  });
});
