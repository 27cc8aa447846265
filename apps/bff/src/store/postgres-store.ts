import pg from 'pg';
import type { Logger } from 'pino';
import { migrate } from './migrations.ts';
import type { SqlDriver } from './sql.ts';
import { SqlRegistrationStore } from './sql-store.ts';
import type { RegistrationStore } from './types.ts';

export interface PostgresStoreOptions {
  connectionString: string;
  /** Schema to work in (search_path); tests use one per run. Default: the server's default. */
  schema?: string;
  logger?: Logger;
  max?: number;
}

/** The cluster store: PostgreSQL shared by every node (`DATABASE_URL`). Migrations are applied before it is returned. */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<RegistrationStore> {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 5,
    connectionTimeoutMillis: 10_000,
    ...(options.schema ? { options: `-c search_path=${quoteIdent(options.schema)}` } : {}),
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', (err) => options.logger?.warn({ err }, 'postgres idle client error'));
  const driver: SqlDriver = {
    query: async (text, params) => {
      const r = await pool.query(text, params);
      return { rows: r.rows };
    },
    transaction: async (fn) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({
          query: async (text, params) => ({ rows: (await client.query(text, params)).rows }),
        });
        await client.query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
  try {
    await migrate(driver);
  } catch (e) {
    await pool.end();
    throw e;
  }
  return new SqlRegistrationStore(driver, driver);
}

/** Quotes a SQL identifier (schema names in tests are generated, but never trust that). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
