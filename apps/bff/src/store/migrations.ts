import type { SqlClient, SqlDriver } from './sql.ts';

/** One schema change; `version`s are applied in ascending order, each exactly once. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The one schema both stores run on. Append only: never edit a migration that has shipped. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'registration',
    sql: `
      CREATE TABLE registration_config (
        id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        method text NOT NULL CHECK (method IN ('private-cloud', 'local-container')),
        server_url text,
        updated_at timestamptz NOT NULL,
        updated_by text NOT NULL
      );
      CREATE TABLE node_registration (
        node_id text PRIMARY KEY,
        address text NOT NULL,
        status text NOT NULL,
        server_url text,
        lease jsonb,
        lease_id text,
        "grant" jsonb,
        valid_until timestamptz,
        last_success_at timestamptz,
        failure_at timestamptz,
        reasons jsonb NOT NULL DEFAULT '[]'::jsonb,
        unreachable_since timestamptz,
        seen_at timestamptz NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'trusted certificates',
    // One confirmation per license-server origin; the CHECK keeps every row in the one format compared.
    sql: `
      CREATE TABLE trusted_certificate (
        origin text PRIMARY KEY,
        fingerprint text NOT NULL CHECK (fingerprint ~ '^([0-9A-F]{2}:){31}[0-9A-F]{2}$'),
        subject text NOT NULL,
        confirmed_by text NOT NULL,
        confirmed_at timestamptz NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'local container',
    // One cluster-wide Container.lic and its current QR challenge; the verification lock per license,
    // read FOR UPDATE in the same transaction that checks a code, so parallel guesses on several
    // nodes cannot overwrite each other's count.
    sql: `
      CREATE TABLE container_license (
        id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        license_id text NOT NULL,
        lic text NOT NULL,
        license jsonb NOT NULL,
        uploaded_at timestamptz NOT NULL,
        uploaded_by text NOT NULL
      );
      CREATE TABLE container_challenge (
        id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        challenge_id text NOT NULL,
        license_id text NOT NULL,
        fingerprint text NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      );
      CREATE TABLE verification_lock (
        license_id text PRIMARY KEY,
        state jsonb NOT NULL,
        updated_at timestamptz NOT NULL
      );
    `,
  },
  {
    version: 4,
    name: 'cluster liveness',
    // Each node's clock against the store's at its last liveness write, and which cluster configuration
    // (by its updated_at) the node last acted on, so a submit on one node can wait for the others' outcome.
    sql: `
      ALTER TABLE node_registration ADD COLUMN clock_skew_ms integer;
      ALTER TABLE node_registration ADD COLUMN config_at timestamptz;
    `,
  },
  {
    version: 5,
    name: 'node identity',
    // Each node's Ed25519 key (its leases are bound to it) and the key that proves its current lease's
    // renewals; the call to the license server a node was making when it stopped (resolved at its next
    // start, so a crash between the grant and this store's write leaves no orphaned lease); the license
    // server's registration key with the cluster configuration; the last failed Submit, kept apart from
    // the configuration it did not replace; and the public key and the node of the current QR challenge
    // (its private key lives only in that node's memory, so that node checks its codes).
    sql: `
      CREATE TABLE node_key (
        node_id text PRIMARY KEY,
        public_key text NOT NULL CHECK (public_key ~ '^[A-Za-z0-9_-]{43}$'),
        private_key text NOT NULL CHECK (private_key ~ '^[A-Za-z0-9_-]{43}$'),
        created_at timestamptz NOT NULL
      );
      ALTER TABLE node_registration ADD COLUMN lease_key text;
      CREATE TABLE node_intent (
        node_id text NOT NULL,
        server_url text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('held', 'deregister')),
        started_at timestamptz NOT NULL,
        PRIMARY KEY (node_id, server_url)
      );
      ALTER TABLE registration_config ADD COLUMN registration_key text;
      ALTER TABLE container_challenge ADD COLUMN exchange_key text;
      ALTER TABLE container_challenge ADD COLUMN node_id text;
      CREATE TABLE registration_attempt (
        id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        server_url text NOT NULL,
        attempted_at timestamptz NOT NULL,
        attempted_by text NOT NULL,
        node_id text NOT NULL,
        reasons jsonb NOT NULL
      );
    `,
  },
  {
    version: 6,
    name: 'registration history',
    // What administrators did on the module and what nodes did by themselves (History); newest first by id,
    // which is the order the cluster's one database took them in. Kept 180 days and 100,000 rows at most.
    sql: `
      CREATE TABLE registration_event (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL,
        node_id text NOT NULL,
        actor text,
        kind text NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('ok', 'refused', 'info')),
        params jsonb NOT NULL DEFAULT '{}'::jsonb,
        reasons jsonb NOT NULL DEFAULT '[]'::jsonb
      );
      CREATE INDEX registration_event_at ON registration_event (at);
    `,
  },
];

// Any constant will do, as long as every node uses the same one ("regstore" in ASCII).
const MIGRATION_LOCK_KEY = 0x7265_6773;

/**
 * Applies the pending migrations in one transaction. The advisory lock makes nodes that start at
 * the same time take turns: the second one waits, then finds nothing left to do.
 */
export async function migrate(db: SqlDriver, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  return db.transaction(async (tx: SqlClient) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await tx.query<{ version: number }>('SELECT version FROM schema_migrations');
    const done = new Set(rows.map((r) => Number(r.version)));
    const applied: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      for (const statement of splitStatements(m.sql)) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    }
    return applied;
  });
}

// Extended-protocol queries take one statement each; our migrations have no `;` inside literals.
function splitStatements(sql: string): string[] {
  return sql
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
