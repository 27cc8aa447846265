import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { migrate } from './migrations.ts';
import type { SqlDriver } from './sql.ts';
import { SqlRegistrationStore } from './sql-store.ts';
import type { RegistrationStore } from './types.ts';

/**
 * The embedded default store: PGlite in `dataDir` (created if missing), or in memory for
 * `memory://`. Migrations are applied before it is returned.
 */
export async function createPgliteStore(dataDir: string): Promise<RegistrationStore> {
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  const driver: SqlDriver = {
    query: (text, params) => db.query(text, params),
    transaction: (fn) => db.transaction((tx) => fn({ query: (text, params) => tx.query(text, params) })),
    close: () => db.close(),
  };
  try {
    await migrate(driver);
  } catch (e) {
    await db.close();
    throw e;
  }
  return new SqlRegistrationStore(driver, driver);
}
