import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registrationStateSchema, type RegistrationState } from '@registration/protocol/bff-api';
import {
  callBff,
  freshPostgresSchema,
  killAllBffProcesses,
  makeBffKeys,
  startBffProcess,
  type BffKeys,
  type BffProcess,
  type PostgresSchema,
} from './bff-process.ts';

const url = process.env.DATABASE_URL ?? '';
const required = process.env.REQUIRE_POSTGRES === '1';

// Without DATABASE_URL the real tests below are reported as skipped (CI sets REQUIRE_POSTGRES=1, and then
// a missing DATABASE_URL fails instead).
if (!url && required) {
  describe('BFF processes on PostgreSQL', () => {
    it('needs DATABASE_URL because REQUIRE_POSTGRES=1', () => {
      expect.fail('REQUIRE_POSTGRES=1 but DATABASE_URL is not set: the BFF cluster process tests cannot run');
    });
  });
}

describe.skipIf(!url)('BFF processes on one PostgreSQL store', () => {
  let keys: BffKeys;
  let db: PostgresSchema;
  beforeAll(async () => {
    [keys, db] = await Promise.all([makeBffKeys(), freshPostgresSchema(url)]);
  });
  afterAll(async () => {
    await killAllBffProcesses();
    await db?.drop();
  });

  it('each node lists both nodes, and one stops cleanly on SIGTERM', async () => {
    // The second node on 127.0.0.2, as if on another machine.
    const [a, b] = await Promise.all(
      (['127.0.0.1', '127.0.0.2'] as const).map((host, i) =>
        startBffProcess({ ...keys, nodeId: `cluster-${'ab'[i]}`, host, databaseUrl: db.url, env: { LOG_LEVEL: 'warn' } }),
      ),
    ) as [BffProcess, BffProcess];
    expect(new URL(b.url).hostname).toBe('127.0.0.2');
    expect(new Set([a.pid, b.pid]).size).toBe(2);
    const token = await keys.adminToken();

    // Each node writes its row with its first heartbeat, just after it starts listening.
    const listed = async (node: BffProcess): Promise<RegistrationState> => {
      for (let i = 0; ; i++) {
        const res = await callBff(node, '/api/registration', { token });
        expect(res.status, res.text).toBe(200);
        const state = registrationStateSchema.parse(res.body);
        if (state.nodes.length >= 2 || i === 100) return state;
        await new Promise((r) => setTimeout(r, 50)); // polling interval, bounded by the 100 rounds
      }
    };
    for (const node of [a, b]) {
      const state = await listed(node);
      expect(state.node.nodeId).toBe(node.nodeId);
      expect(state.nodes.map((n) => [n.nodeId, n.address]).sort()).toEqual([
        ['cluster-a', new URL(a.url).host],
        ['cluster-b', new URL(b.url).host],
      ]);
    }

    expect(await a.stop()).toBe(0);
    expect(() => process.kill(a.pid, 0)).toThrow(); // no such process any more
    // The other node still answers, and still lists the stopped node's row.
    const after = registrationStateSchema.parse((await callBff(b, '/api/registration', { token })).body);
    expect(after.nodes.map((n) => n.nodeId)).toContain('cluster-a');
    await b.kill();
    expect(b.logs()).toContain('bff listening on');
  });

  it('answers 401 without a token, as the real middleware chain does', async () => {
    const c = await startBffProcess({ ...keys, nodeId: 'cluster-c', databaseUrl: db.url, env: { LOG_LEVEL: 'warn' } });
    expect((await callBff(c, '/api/registration')).status).toBe(401);
    expect((await callBff(c, '/healthz')).body).toEqual({ status: 'ok', nodeId: 'cluster-c' });
    await c.kill();
    expect(await c.exited).toBeNull(); // killed by a signal, no exit code
  });
});
