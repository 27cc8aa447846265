import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePhonePageUrl } from '@registration/licensing/challenge';
import { vendorCode } from '@registration/licensing/activation-code';
import {
  containerChallengeSchema,
  registerResultSchema,
  registrationStateSchema,
  type NodeState,
  type RegistrationState,
} from '@registration/protocol/bff-api';
import { apiErrorSchema } from '@registration/protocol/reason';
import { issueContainerLicense } from '../../vendor/src/container-license.ts';
import { loopbackCert } from './testing/certs.ts';
import {
  callBff,
  freshPostgresSchema,
  killAllBffProcesses,
  makeBffKeys,
  startBffProcess,
  type BffKeys,
  type BffProcess,
  type PostgresSchema,
} from './testing/bff-process.ts';
import { startLicenseServer, type RunningLicenseServer } from './testing/license-server.ts';

// Clusters (issue 5): several real BFF processes, each with its NODE_ID and address, on one PostgreSQL
// store, against a real license server over HTTPS. Liveness is written every 500 ms here, so a stopped
// node turns stale after 3 s; every wait below is a bounded poll.
const url = process.env.DATABASE_URL;
const required = process.env.REQUIRE_POSTGRES === '1';
const LIVENESS_MS = 500;

/** Polls `read` until `done` holds, at most `rounds` × 100 ms; answers the last value either way. */
async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, rounds = 150): Promise<T> {
  let v = await read();
  for (let i = 0; i < rounds && !done(v); i++) {
    await new Promise((r) => setTimeout(r, 100));
    v = await read();
  }
  return v;
}

const byId = (s: RegistrationState) => new Map(s.nodes.map((n) => [n.nodeId, n] as const));
const summary = (nodes: NodeState[]) =>
  nodes.map((n) => `${n.nodeId}:${n.status}${n.reasons[0] ? `:${n.reasons[0].code}` : ''}`).sort();

if (url) {
  describe('a cluster of BFF processes on one PostgreSQL store', () => {
    let keys: BffKeys;
    let tlsDir: string;
    let caFile: string;
    let ls: RunningLicenseServer;
    const schemas: PostgresSchema[] = [];

    beforeAll(async () => {
      const tls = await loopbackCert();
      keys = await makeBffKeys();
      tlsDir = await mkdtemp(path.join(tmpdir(), 'bff-cluster-'));
      caFile = path.join(tlsDir, 'ca.pem');
      await writeFile(caFile, tls.cert);
      // Max 2 connections; only 127.0.0.1 (and ::1) may register.
      ls = await startLicenseServer({ vendor: keys.vendor, tls, clock: () => new Date(), terms: { maxConnections: 2 } });
    });
    afterAll(async () => {
      await killAllBffProcesses();
      await ls?.close();
      for (const s of schemas) await s.drop();
      if (tlsDir) await rm(tlsDir, { recursive: true, force: true });
    });

    async function cluster(hosts: string[]): Promise<BffProcess[]> {
      const db = await freshPostgresSchema(url ?? '', 'bff_cluster');
      schemas.push(db);
      return Promise.all(
        hosts.map((host, i) =>
          startBffProcess({
            ...keys,
            nodeId: `node-${i + 1}`,
            host,
            databaseUrl: db.url,
            env: {
              LOG_LEVEL: 'warn',
              LICENSE_SERVER_CA: caFile,
              LICENSE_CLIENT_LOCAL_ADDRESS: host,
              LIVENESS_INTERVAL_MS: String(LIVENESS_MS),
            },
          }),
        ),
      );
    }

    async function state(node: BffProcess): Promise<RegistrationState> {
      const res = await callBff(node, '/api/registration', { token: await keys.adminToken() });
      expect(res.status, res.text).toBe(200);
      return registrationStateSchema.parse(res.body);
    }

    it('max connections 2: a submit on one node registers two, the third fails with 30007, every node shows all three; a stopped node turns stale and recovers', async () => {
      const nodes = await cluster(['127.0.0.1', '127.0.0.1', '127.0.0.1']);
      const [first] = nodes as [BffProcess, ...BffProcess[]];
      // Every node has written its row before the submit, so the submit knows whom to wait for.
      await until(() => state(first), (s) => s.nodes.length === 3);

      const res = await callBff(first, '/api/registration/private-cloud', { token: await keys.adminToken(), json: { serverUrl: ls.url } });
      expect(res.status, res.text).toBe(200);
      const result = registerResultSchema.parse(res.body);
      // The submitting node took a slot; the pop-up lists the node that found both taken.
      expect(result.ok).toBe(false);
      expect(result.failures).toHaveLength(1);
      expect(result.failures[0]?.reasons[0]).toMatchObject({ code: 30007, name: 'REGISTER_OUT_OF_LIMIT' });
      const loser = result.failures[0]?.nodeId ?? '';
      expect(loser).not.toBe('node-1');

      for (const node of nodes) {
        const s = await until(() => state(node), (v) => summary(v.nodes).filter((x) => x.endsWith(':registered')).length === 2);
        expect(summary(s.nodes)).toEqual(
          ['node-1', 'node-2', 'node-3'].map((id) => (id === loser ? `${id}:failed:30007` : `${id}:registered`)).sort(),
        );
        expect(s.node.nodeId).toBe(node.nodeId);
        expect(s.nodes.every((n) => n.clockSkewMs !== null && Math.abs(n.clockSkewMs) < 60_000)).toBe(true);
      }

      // A registered node other than the submitter stops: its row turns stale on every other node.
      const victim = nodes.find((n) => n.nodeId !== loser && n.nodeId !== 'node-1') as BffProcess;
      await victim.kill();
      const seen = await until(() => state(first), (s) => byId(s).get(victim.nodeId)?.status === 'stale');
      expect(byId(seen).get(victim.nodeId)?.status).toBe('stale');
      expect(seen.status).toBe('registered'); // the answering node itself is fine

      // Back on the same id and address: it resumes its lease and its row is live again.
      const back = await startBffProcess({
        ...keys,
        nodeId: victim.nodeId,
        host: '127.0.0.1',
        port: Number(new URL(victim.url).port),
        databaseUrl: (schemas.at(-1) as PostgresSchema).url,
        env: { LOG_LEVEL: 'warn', LICENSE_SERVER_CA: caFile, LIVENESS_INTERVAL_MS: String(LIVENESS_MS) },
      });
      const recovered = await until(() => state(first), (s) => byId(s).get(back.nodeId)?.status === 'registered');
      expect(byId(recovered).get(back.nodeId)?.status).toBe('registered');

      // Re-register frees every node's slot (the others follow within a liveness interval): the next test's
      // nodes reuse these node ids with keys of their own, and a live lease of another key would refuse them.
      expect((await callBff(first, '/api/registration', { method: 'DELETE', token: await keys.adminToken() })).status).toBe(200);
      const cleared = await until(() => state(first), (s) => s.nodes.every((n) => n.status === 'unregistered' || n.status === 'stale'));
      expect(cleared.nodes.filter((n) => n.status !== 'stale').every((n) => n.status === 'unregistered')).toBe(true);
    }, 90_000);

    it('a node whose address is outside the allowed IP ranges (127.0.0.2) fails with 30003 while the others register', async () => {
      const nodes = await cluster(['127.0.0.1', '127.0.0.2']);
      const [first, second] = nodes as [BffProcess, BffProcess];
      await until(() => state(first), (s) => s.nodes.length === 2);
      // Submitted on the node that will fail: its own reason, and the other node's success.
      const res = await callBff(second, '/api/registration/private-cloud', { token: await keys.adminToken(), json: { serverUrl: ls.url } });
      const result = registerResultSchema.parse(res.body);
      expect(result.failures.map((f) => [f.nodeId, f.reasons[0]?.code])).toEqual([['node-2', 30003]]);
      const s = await until(() => state(first), (v) => byId(v).get('node-1')?.status === 'registered');
      expect(summary(s.nodes)).toEqual(['node-1:registered', 'node-2:failed:30003']);
      expect(byId(s).get('node-2')?.reasons[0]?.params).toMatchObject({ peer: '127.0.0.2' });
      // Free the slot for the next test.
      expect((await callBff(first, '/api/registration', { method: 'DELETE', token: await keys.adminToken() })).status).toBe(200);
    }, 90_000);

    it('Local Container: wrong codes spread over three nodes lock after five in total', async () => {
      const nodes = await cluster(['127.0.0.1', '127.0.0.1', '127.0.0.1']);
      const [a] = nodes as [BffProcess, ...BffProcess[]];
      await until(() => state(a), (s) => s.nodes.length === 3);
      const issued = await issueContainerLicense({
        vendor: keys.vendor,
        issuedAt: new Date(Date.now() - 60_000),
        company: 'Demo Company',
        project: 'Demo Project',
        appName: 'webroot',
        productVersion: '11.0',
        maxNodes: 3,
        features: ['report'],
        expiresAt: new Date(Date.now() + 30 * 86_400_000),
      });
      const form = new FormData();
      form.append('file', new Blob([issued.lic]), 'Container.lic');
      const token = await keys.adminToken();
      expect((await callBff(a, '/api/registration/local-container/lic', { token, body: form })).status).toBe(201);
      const ch = containerChallengeSchema.parse((await callBff(a, '/api/registration/local-container/challenge', { token, method: 'POST' })).body);
      const c = parsePhonePageUrl(ch.url);
      const right = vendorCode(issued.activationKey, c);
      const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
      const answers: string[] = [];
      for (let i = 0; i < 5; i++) {
        const node = nodes[i % 3] as BffProcess;
        const res = await callBff(node, '/api/registration/local-container/verify', { token, json: { code: wrong } });
        answers.push(`${res.status}:${apiErrorSchema.parse(res.body).name}`);
      }
      expect(answers).toEqual([...Array(4).fill('422:VERIFY_CODE_ERROR'), '423:VERIFY_LOCKED']);
      // Locked everywhere, even for the right code, and every node's state shows the same gate.
      for (const node of nodes) {
        const res = await callBff(node, '/api/registration/local-container/verify', { token, json: { code: right } });
        expect(apiErrorSchema.parse(res.body).name).toBe('VERIFY_LOCKED');
        expect((await state(node)).localContainer?.gate.kind).toBe('locked');
      }
    }, 90_000);
  });
} else {
  describe('a cluster of BFF processes on one PostgreSQL store', () => {
    it.skipIf(!required)('needs DATABASE_URL (REQUIRE_POSTGRES=1 makes its absence a failure)', () => {
      expect(url, 'REQUIRE_POSTGRES=1 but DATABASE_URL is not set').toBeDefined();
    });
  });
}
