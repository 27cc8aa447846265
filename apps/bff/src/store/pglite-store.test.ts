import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { MIGRATIONS, migrate } from './migrations.ts';
import { createPgliteStore } from './pglite-store.ts';
import type { SqlDriver } from './sql.ts';
import { storeContract } from './store.contract.ts';

storeContract('PGlite', { open: () => createPgliteStore('memory://') });

describe('PGlite store on disk', () => {
  it('keeps its data and does not migrate again after a restart', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'bff-pglite-'));
    try {
      const first = await createPgliteStore(path.join(dir, 'data'));
      const updatedAt = new Date('2026-11-02T08:00:00.000Z');
      await first.setConfig({ method: 'private-cloud', serverUrl: 'https://a:1', updatedAt, updatedBy: 'admin' });
      await first.close();
      const second = await createPgliteStore(path.join(dir, 'data'));
      expect((await second.getConfig())?.serverUrl).toBe('https://a:1');
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('upgrades a version-1 database in place: its rows stay, trusted certificates arrive', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'bff-pglite-'));
    try {
      const data = path.join(dir, 'data');
      // A database as the previous release left it: migration 1 only, one configuration row.
      const old = await PGlite.create(data);
      const driver: SqlDriver = {
        query: (text, params) => old.query(text, params),
        transaction: (fn) => old.transaction((tx) => fn({ query: (text, params) => tx.query(text, params) })),
        close: () => old.close(),
      };
      expect(await migrate(driver, MIGRATIONS.filter((m) => m.version === 1))).toEqual([1]);
      await old.query(
        "INSERT INTO registration_config (id, method, server_url, updated_at, updated_by) VALUES (1, 'private-cloud', 'https://a:1', now(), 'admin')",
      );
      await old.close();

      const upgraded = await createPgliteStore(data);
      expect((await upgraded.getConfig())?.serverUrl).toBe('https://a:1');
      expect(await upgraded.listTrustedCertificates()).toEqual([]);
      await upgraded.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
