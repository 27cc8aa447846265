import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresStore, quoteIdent } from './postgres-store.ts';
import { storeContract } from './store.contract.ts';
import { MIGRATIONS } from './migrations.ts';

const url = process.env.DATABASE_URL ?? '';
const required = process.env.REQUIRE_POSTGRES === '1';

// Without DATABASE_URL the real tests below are reported as skipped, one by one (CI sets REQUIRE_POSTGRES=1,
// and then a missing DATABASE_URL fails instead).
if (!url && required) {
  describe('PostgreSQL store', () => {
    it('needs DATABASE_URL because REQUIRE_POSTGRES=1', () => {
      expect.fail('REQUIRE_POSTGRES=1 but DATABASE_URL is not set: the PostgreSQL store tests cannot run');
    });
  });
}

describe.skipIf(!url)('PostgreSQL store (DATABASE_URL)', () => {
  // One prefix per run; every store gets its own schema under it, all dropped afterwards.
  const run = `bff_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const schemas: string[] = [];
  const admin = new pg.Pool({ connectionString: url, max: 2 });
  const freshSchema = async () => {
    const schema = `${run}_${schemas.length}`;
    schemas.push(schema);
    await admin.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
    return schema;
  };

  afterAll(async () => {
    for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${quoteIdent(s)} CASCADE`);
    await admin.end();
  });

  storeContract('PostgreSQL', {
    open: async () => createPostgresStore({ connectionString: url, schema: await freshSchema() }),
    openConcurrently: async (n) => {
      const schema = await freshSchema();
      return Promise.all(Array.from({ length: n }, () => createPostgresStore({ connectionString: url, schema })));
    },
  });

  describe('PostgreSQL migrations', () => {
    it('records each migration once in schema_migrations', async () => {
      const schema = await freshSchema();
      const a = await createPostgresStore({ connectionString: url, schema });
      const b = await createPostgresStore({ connectionString: url, schema });
      const { rows } = await admin.query(`SELECT version FROM ${quoteIdent(schema)}.schema_migrations`);
      expect(rows.map((r: { version: number }) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
      await Promise.all([a.close(), b.close()]);
    });
  });
});
