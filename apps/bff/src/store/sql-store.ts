import { z } from 'zod';
import { grantSchema, nodeStatusSchema, registrationMethodSchema } from '@registration/protocol/bff-api';
import { leasePayloadSchema } from '@registration/protocol/license';
import { reasonSchema } from '@registration/protocol/reason';
import { historyStore, type HistoryFilter, type HistoryStore, type NewHistoryEvent } from './history-store.ts';
import type { SqlClient, SqlDriver } from './sql.ts';
import { containerLicensePayloadSchema } from '@registration/protocol/container-license';
import { initialLockState, lockStateSchema, type LockState } from '@registration/licensing/lockout';
import type {
  ContainerChallengeRecord,
  ContainerLicenseRecord,
  NodeIntent,
  NodeKeyRecord,
  NodeRecord,
  RegistrationAttempt,
  RegistrationConfig,
  RegistrationStore,
  TrustedCertificateRecord,
} from './types.ts';

interface ContainerLicenseRow {
  lic: string;
  license: unknown;
  uploaded_at: Date | string;
  uploaded_by: string;
}

interface ContainerChallengeRow {
  challenge_id: string;
  license_id: string;
  fingerprint: string;
  expires_at: Date | string;
  used_at: Date | string | null;
  exchange_key: string | null;
  node_id: string | null;
}

interface ConfigRow {
  method: string;
  server_url: string | null;
  updated_at: Date | string;
  updated_by: string;
  registration_key: string | null;
}

interface AttemptRow {
  server_url: string;
  attempted_at: Date | string;
  attempted_by: string;
  node_id: string;
  reasons: unknown;
}

interface IntentRow {
  node_id: string;
  kind: string;
  server_url: string;
  started_at: Date | string;
}

interface NodeRow {
  node_id: string;
  address: string;
  status: string;
  server_url: string | null;
  lease: unknown;
  lease_id: string | null;
  lease_key: string | null;
  grant: unknown;
  valid_until: Date | string | null;
  last_success_at: Date | string | null;
  failure_at: Date | string | null;
  reasons: unknown;
  unreachable_since: Date | string | null;
  seen_at: Date | string;
  clock_skew_ms: number | null;
  config_at: Date | string | null;
}

interface TrustedCertificateRow {
  origin: string;
  fingerprint: string;
  subject: string;
  confirmed_by: string;
  confirmed_at: Date | string;
}

const TRUSTED_COLUMNS = 'origin, fingerprint, subject, confirmed_by, confirmed_at';

const NODE_WRITE_COLUMNS = `node_id, address, status, server_url, lease, lease_id, "grant", valid_until, last_success_at,
  failure_at, reasons, unreachable_since, seen_at, config_at, lease_key`;
const NODE_COLUMNS = `${NODE_WRITE_COLUMNS}, clock_skew_ms`;

// Drivers differ in whether jsonb arrives parsed; rows are validated so a bad row fails loudly here.
const json = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v);
const date = (v: Date | string): Date => (v instanceof Date ? v : new Date(v));
const dateOrNull = (v: Date | string | null): Date | null => (v === null ? null : date(v));
const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());
const jsonParam = (v: unknown): string | null => (v === null ? null : JSON.stringify(v));

function toNode(r: NodeRow): NodeRecord {
  return {
    nodeId: r.node_id,
    address: r.address,
    status: nodeStatusSchema.parse(r.status),
    serverUrl: r.server_url,
    lease: r.lease === null ? null : leasePayloadSchema.parse(json(r.lease)),
    leaseId: r.lease_id,
    leaseKey: r.lease_key,
    grant: r.grant === null ? null : grantSchema.parse(json(r.grant)),
    validUntil: dateOrNull(r.valid_until),
    lastSuccessAt: dateOrNull(r.last_success_at),
    failureAt: dateOrNull(r.failure_at),
    reasons: z.array(reasonSchema).parse(json(r.reasons)),
    unreachableSince: dateOrNull(r.unreachable_since),
    seenAt: date(r.seen_at),
    clockSkewMs: r.clock_skew_ms,
    configAt: dateOrNull(r.config_at),
  };
}

function toTrusted(r: TrustedCertificateRow): TrustedCertificateRecord {
  return {
    origin: r.origin,
    fingerprint: r.fingerprint,
    subject: r.subject,
    confirmedBy: r.confirmed_by,
    confirmedAt: date(r.confirmed_at),
  };
}

/** The store on any SqlDriver; both PGlite and PostgreSQL use this one implementation. */
export class SqlRegistrationStore implements RegistrationStore {
  readonly #history: HistoryStore;

  constructor(
    private readonly db: SqlClient,
    private readonly driver: SqlDriver | null,
  ) {
    this.#history = historyStore(db);
  }

  recordEvent(event: NewHistoryEvent): Promise<void> {
    return this.#history.recordEvent(event);
  }

  listEvents(filter: HistoryFilter): ReturnType<HistoryStore['listEvents']> {
    return this.#history.listEvents(filter);
  }

  async getConfig(): Promise<RegistrationConfig | null> {
    const { rows } = await this.db.query<ConfigRow>(
      'SELECT method, server_url, updated_at, updated_by, registration_key FROM registration_config WHERE id = 1',
    );
    const r = rows[0];
    if (!r) return null;
    return {
      method: registrationMethodSchema.parse(r.method),
      serverUrl: r.server_url,
      updatedAt: date(r.updated_at),
      updatedBy: r.updated_by,
      registrationKey: r.registration_key,
    };
  }

  async setConfig(c: RegistrationConfig): Promise<void> {
    await this.db.query(
      `INSERT INTO registration_config (id, method, server_url, updated_at, updated_by, registration_key)
       VALUES (1, $1, $2, $3::timestamptz, $4, $5)
       ON CONFLICT (id) DO UPDATE SET method = EXCLUDED.method, server_url = EXCLUDED.server_url,
         updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by, registration_key = EXCLUDED.registration_key`,
      [c.method, c.serverUrl, c.updatedAt.toISOString(), c.updatedBy, c.registrationKey ?? null],
    );
  }

  async getAttempt(): Promise<RegistrationAttempt | null> {
    const { rows } = await this.db.query<AttemptRow>(
      'SELECT server_url, attempted_at, attempted_by, node_id, reasons FROM registration_attempt WHERE id = 1',
    );
    const r = rows[0];
    if (!r) return null;
    return {
      serverUrl: r.server_url,
      attemptedAt: date(r.attempted_at),
      attemptedBy: r.attempted_by,
      nodeId: r.node_id,
      reasons: z.array(reasonSchema).parse(json(r.reasons)),
    };
  }

  async setAttempt(a: RegistrationAttempt | null): Promise<void> {
    if (a === null) {
      await this.db.query('DELETE FROM registration_attempt WHERE id = 1');
      return;
    }
    await this.db.query(
      `INSERT INTO registration_attempt (id, server_url, attempted_at, attempted_by, node_id, reasons)
       VALUES (1, $1, $2::timestamptz, $3, $4, $5::jsonb)
       ON CONFLICT (id) DO UPDATE SET server_url = EXCLUDED.server_url, attempted_at = EXCLUDED.attempted_at,
         attempted_by = EXCLUDED.attempted_by, node_id = EXCLUDED.node_id, reasons = EXCLUDED.reasons`,
      [a.serverUrl, a.attemptedAt.toISOString(), a.attemptedBy, a.nodeId, JSON.stringify(a.reasons)],
    );
  }

  async nodeKey(nodeId: string, make: () => { x: string; d: string }, at: Date): Promise<NodeKeyRecord> {
    const read = async () => {
      const { rows } = await this.db.query<{ public_key: string; private_key: string; created_at: Date | string }>(
        'SELECT public_key, private_key, created_at FROM node_key WHERE node_id = $1',
        [nodeId],
      );
      const r = rows[0];
      return r ? { nodeId, x: r.public_key, d: r.private_key, createdAt: date(r.created_at) } : null;
    };
    const existing = await read();
    if (existing) return existing;
    const { x, d } = make();
    // Two processes starting with one NODE_ID at once: the first insert wins and both use its key.
    await this.db.query(
      `INSERT INTO node_key (node_id, public_key, private_key, created_at) VALUES ($1, $2, $3, $4::timestamptz)
       ON CONFLICT (node_id) DO NOTHING`,
      [nodeId, x, d, at.toISOString()],
    );
    const stored = await read();
    if (!stored) throw new Error(`node key of ${nodeId} vanished`);
    return stored;
  }

  async listIntents(nodeId: string): Promise<NodeIntent[]> {
    const { rows } = await this.db.query<IntentRow>(
      'SELECT node_id, kind, server_url, started_at FROM node_intent WHERE node_id = $1 ORDER BY started_at, server_url',
      [nodeId],
    );
    return rows.map((r) => ({
      nodeId: r.node_id,
      kind: z.enum(['held', 'deregister']).parse(r.kind),
      serverUrl: r.server_url,
      startedAt: date(r.started_at),
    }));
  }

  async setIntent(i: NodeIntent): Promise<void> {
    await this.db.query(
      `INSERT INTO node_intent (node_id, server_url, kind, started_at) VALUES ($1, $2, $3, $4::timestamptz)
       ON CONFLICT (node_id, server_url) DO UPDATE SET kind = EXCLUDED.kind, started_at = EXCLUDED.started_at`,
      [i.nodeId, i.serverUrl, i.kind, i.startedAt.toISOString()],
    );
  }

  async clearIntent(nodeId: string, serverUrl: string): Promise<void> {
    await this.db.query('DELETE FROM node_intent WHERE node_id = $1 AND server_url = $2', [nodeId, serverUrl]);
  }

  async clearConfig(): Promise<void> {
    await this.db.query('DELETE FROM registration_config WHERE id = 1');
  }

  async getNode(nodeId: string): Promise<NodeRecord | null> {
    const { rows } = await this.db.query<NodeRow>(
      `SELECT ${NODE_COLUMNS} FROM node_registration WHERE node_id = $1`,
      [nodeId],
    );
    return rows[0] ? toNode(rows[0]) : null;
  }

  async upsertNode(n: NodeRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO node_registration (${NODE_WRITE_COLUMNS})
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7::jsonb, $8::timestamptz, $9::timestamptz, $10::timestamptz,
               $11::jsonb, $12::timestamptz, $13::timestamptz, $14::timestamptz, $15)
       ON CONFLICT (node_id) DO UPDATE SET address = EXCLUDED.address, status = EXCLUDED.status,
         server_url = EXCLUDED.server_url, lease = EXCLUDED.lease, lease_id = EXCLUDED.lease_id, lease_key = EXCLUDED.lease_key,
         "grant" = EXCLUDED."grant",
         valid_until = EXCLUDED.valid_until, last_success_at = EXCLUDED.last_success_at,
         failure_at = EXCLUDED.failure_at, reasons = EXCLUDED.reasons,
         unreachable_since = EXCLUDED.unreachable_since, seen_at = EXCLUDED.seen_at,
         config_at = COALESCE(EXCLUDED.config_at, node_registration.config_at)`,
      [
        n.nodeId,
        n.address,
        n.status,
        n.serverUrl,
        jsonParam(n.lease),
        n.leaseId,
        jsonParam(n.grant),
        iso(n.validUntil),
        iso(n.lastSuccessAt),
        iso(n.failureAt),
        JSON.stringify(n.reasons),
        iso(n.unreachableSince),
        n.seenAt.toISOString(),
        iso(n.configAt ?? null),
        n.leaseKey,
      ],
    );
  }

  async touchNode(nodeId: string, seenAt: Date, clockSkewMs: number): Promise<void> {
    await this.db.query('UPDATE node_registration SET seen_at = $2::timestamptz, clock_skew_ms = $3 WHERE node_id = $1', [
      nodeId,
      seenAt.toISOString(),
      Math.round(clockSkewMs),
    ]);
  }

  async now(): Promise<Date> {
    const { rows } = await this.db.query<{ now: Date | string }>('SELECT now() AS now');
    const r = rows[0];
    if (!r) throw new Error('SELECT now() answered no row');
    return date(r.now);
  }

  async listNodes(options: { withoutLeaseAndGrant?: boolean } = {}): Promise<NodeRecord[]> {
    // The cluster table needs neither the lease (nor its key) nor the grant of every node: skip reading them.
    const columns = options.withoutLeaseAndGrant
      ? NODE_COLUMNS.replace('lease, ', 'NULL AS lease, ').replace('"grant"', 'NULL AS "grant"').replace('lease_key', 'NULL AS lease_key')
      : NODE_COLUMNS;
    const { rows } = await this.db.query<NodeRow>(`SELECT ${columns} FROM node_registration ORDER BY node_id`);
    return rows.map(toNode);
  }

  async getTrustedCertificate(origin: string): Promise<TrustedCertificateRecord | null> {
    const { rows } = await this.db.query<TrustedCertificateRow>(
      `SELECT ${TRUSTED_COLUMNS} FROM trusted_certificate WHERE origin = $1`,
      [origin],
    );
    return rows[0] ? toTrusted(rows[0]) : null;
  }

  async listTrustedCertificates(): Promise<TrustedCertificateRecord[]> {
    const { rows } = await this.db.query<TrustedCertificateRow>(`SELECT ${TRUSTED_COLUMNS} FROM trusted_certificate ORDER BY origin`);
    return rows.map(toTrusted);
  }

  async trustCertificate(c: TrustedCertificateRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO trusted_certificate (${TRUSTED_COLUMNS}) VALUES ($1, $2, $3, $4, $5::timestamptz)
       ON CONFLICT (origin) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, subject = EXCLUDED.subject,
         confirmed_by = EXCLUDED.confirmed_by, confirmed_at = EXCLUDED.confirmed_at`,
      [c.origin, c.fingerprint, c.subject, c.confirmedBy, c.confirmedAt.toISOString()],
    );
  }

  async forgetCertificate(origin: string): Promise<boolean> {
    const { rows } = await this.db.query<{ origin: string }>('DELETE FROM trusted_certificate WHERE origin = $1 RETURNING origin', [
      origin,
    ]);
    return rows.length > 0;
  }

  async getContainerLicense(): Promise<ContainerLicenseRecord | null> {
    const { rows } = await this.db.query<ContainerLicenseRow>(
      'SELECT lic, license, uploaded_at, uploaded_by FROM container_license WHERE id = 1',
    );
    const r = rows[0];
    if (!r) return null;
    // A lic stored by an older version (it carried its activation secret) is not one this version can
    // verify codes for: as if none were stored, until another is uploaded over it.
    const license = containerLicensePayloadSchema.safeParse(json(r.license));
    if (!license.success) return null;
    return {
      lic: r.lic,
      license: license.data,
      uploadedAt: date(r.uploaded_at),
      uploadedBy: r.uploaded_by,
    };
  }

  async setContainerLicense(c: ContainerLicenseRecord): Promise<void> {
    // One statement, so a replaced lic never keeps the previous lic's QR challenge.
    await this.db.query(
      `WITH dropped AS (DELETE FROM container_challenge WHERE id = 1)
       INSERT INTO container_license (id, license_id, lic, license, uploaded_at, uploaded_by)
       VALUES (1, $1, $2, $3::jsonb, $4::timestamptz, $5)
       ON CONFLICT (id) DO UPDATE SET license_id = EXCLUDED.license_id, lic = EXCLUDED.lic, license = EXCLUDED.license,
         uploaded_at = EXCLUDED.uploaded_at, uploaded_by = EXCLUDED.uploaded_by`,
      [c.license.licenseId, c.lic, JSON.stringify(c.license), c.uploadedAt.toISOString(), c.uploadedBy],
    );
  }

  async getContainerChallenge(): Promise<ContainerChallengeRecord | null> {
    const { rows } = await this.db.query<ContainerChallengeRow>(
      'SELECT challenge_id, license_id, fingerprint, expires_at, used_at, exchange_key, node_id FROM container_challenge WHERE id = 1',
    );
    const r = rows[0];
    if (!r) return null;
    return {
      challengeId: r.challenge_id,
      licenseId: r.license_id,
      fingerprint: r.fingerprint,
      expiresAt: date(r.expires_at),
      usedAt: dateOrNull(r.used_at),
      exchangeKey: r.exchange_key,
      nodeId: r.node_id,
    };
  }

  async setContainerChallenge(c: ContainerChallengeRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO container_challenge (id, challenge_id, license_id, fingerprint, expires_at, used_at, exchange_key, node_id)
       VALUES (1, $1, $2, $3, $4::timestamptz, $5::timestamptz, $6, $7)
       ON CONFLICT (id) DO UPDATE SET challenge_id = EXCLUDED.challenge_id, license_id = EXCLUDED.license_id,
         fingerprint = EXCLUDED.fingerprint, expires_at = EXCLUDED.expires_at, used_at = EXCLUDED.used_at,
         exchange_key = EXCLUDED.exchange_key, node_id = EXCLUDED.node_id`,
      [c.challengeId, c.licenseId, c.fingerprint, c.expiresAt.toISOString(), iso(c.usedAt), c.exchangeKey, c.nodeId],
    );
  }

  async useContainerChallenge(challengeId: string, at: Date): Promise<boolean> {
    const { rows } = await this.db.query<{ challenge_id: string }>(
      `UPDATE container_challenge SET used_at = $2::timestamptz
       WHERE id = 1 AND challenge_id = $1 AND used_at IS NULL RETURNING challenge_id`,
      [challengeId, at.toISOString()],
    );
    return rows.length > 0;
  }

  async lockVerification(licenseId: string): Promise<LockState> {
    await this.db.query(
      `INSERT INTO verification_lock (license_id, state, updated_at) VALUES ($1, $2::jsonb, now())
       ON CONFLICT (license_id) DO NOTHING`,
      [licenseId, JSON.stringify(initialLockState)],
    );
    const { rows } = await this.db.query<{ state: unknown }>(
      'SELECT state FROM verification_lock WHERE license_id = $1 FOR UPDATE',
      [licenseId],
    );
    const r = rows[0];
    if (!r) throw new Error(`verification lock row of ${licenseId} vanished`);
    return lockStateSchema.parse(json(r.state));
  }

  async readVerificationLock(licenseId: string): Promise<LockState> {
    const { rows } = await this.db.query<{ state: unknown }>('SELECT state FROM verification_lock WHERE license_id = $1', [licenseId]);
    const r = rows[0];
    return r ? lockStateSchema.parse(json(r.state)) : initialLockState;
  }

  async setVerificationLock(licenseId: string, state: LockState, at: Date): Promise<void> {
    await this.db.query(
      `INSERT INTO verification_lock (license_id, state, updated_at) VALUES ($1, $2::jsonb, $3::timestamptz)
       ON CONFLICT (license_id) DO UPDATE SET state = EXCLUDED.state, updated_at = EXCLUDED.updated_at`,
      [licenseId, JSON.stringify(lockStateSchema.parse(state)), at.toISOString()],
    );
  }

  async transaction<T>(fn: (tx: RegistrationStore) => Promise<T>): Promise<T> {
    // Already inside one: join it rather than nest.
    if (!this.driver) return fn(this);
    return this.driver.transaction((tx) => fn(new SqlRegistrationStore(tx, null)));
  }

  async close(): Promise<void> {
    await this.driver?.close();
  }
}
