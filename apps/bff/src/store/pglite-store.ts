import { PGlite } from '@electric-sql/pglite';
import { tightenDataDir } from './data-dir.ts';
import { migrate } from './migrations.ts';
import type { SqlDriver } from './sql.ts';
import { SqlRegistrationStore } from './sql-store.ts';
import type { RegistrationStore } from './types.ts';

/**
 * The embedded default store: PGlite in `dataDir` (created if missing, private to this user: see
 * `tightenDataDir`), or in memory for `memory://`. Migrations are applied before it is returned.
 * `onTightened` hears how many existing entries had modes other users could read or write.
 */
export async function createPgliteStore(dataDir: string, options: { onTightened?: (count: number) => void } = {}): Promise<RegistrationStore> {
  const onDisk = !dataDir.startsWith('memory://');
  if (onDisk) {
    const tightened = await tightenDataDir(dataDir);
    if (tightened > 0) options.onTightened?.(tightened);
  }
  const db = await PGlite.create(dataDir);
  // PGlite makes its files 0666; they are private from the moment it has made them.
  if (onDisk) await tightenDataDir(dataDir);
  const driver: SqlDriver = {
    query: (text, params) => db.query(text, params),
    transaction: (fn) => db.transaction((tx) => fn({ query: (text, params) => tx.query(text, params) })),
    close: async () => {
      await db.close();
      if (onDisk) await tightenDataDir(dataDir);
    },
  };
  try {
    await migrate(driver);
  } catch (e) {
    await db.close();
    throw e;
  }
  return new SqlRegistrationStore(driver, driver);
}
