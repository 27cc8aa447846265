import { request, Agent } from 'node:https';
import { describe, expect, it } from 'vitest';
import { createExchangeKey, generateNodeKey, loadNodeKey, macNodeRequest, signNodeRequest } from '@registration/licensing/node-proof';
import { deregisterRequest, heartbeatRequest, registerRequest } from '@registration/licensing/node-requests';
import { NODE_PROOF_HEADER } from '@registration/protocol/license-server-api';
import { startBff, testClock, type TestBff } from '../testing/bff.ts';
import { startLicenseServer } from '../testing/license-server.ts';
import { seededRandom } from '../testing/random.ts';
import { useBffSuite } from '../testing/suite.ts';

// A dishonest client inside the license's IP range, with no credential, against real nodes on a real
// HTTPS license server: it knows every node id and even the lease ids, and tries to take, renew, free or
// replace their leases. Rate limits are off here: what holds is the node identity alone.

const clock = testClock();
const suite = useBffSuite();
const ATTEMPTS = 1000;
const NODES = ['node-1', 'node-2', 'node-3'];

interface Sent {
  path: string;
  body: string;
  headers: Record<string, string>;
}

function send(url: string, ca: string, attempt: Sent, localAddress: string, agent: Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(attempt.path, url), { method: 'POST', agent, ca, localAddress, headers: { 'content-type': 'application/json', ...attempt.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(attempt.body);
  });
}

describe('take-over attempts from other addresses in the license range', () => {
  it(`${ATTEMPTS} attempts at live node ids (register / heartbeat / deregister, with and without lease ids, from 127.0.0.2–20): 0 succeed, every node stays registered through 5 heartbeats`, async () => {
    const ls = await startLicenseServer({ vendor: suite.vendor, tls: suite.tls, clock, terms: { ipRanges: '127.0.0.0/8', maxConnections: 50 } });
    suite.defer(() => ls.close());
    const nodes: TestBff[] = [];
    for (const nodeId of NODES) {
      const bff = await startBff({ clock, config: suite.config({ nodeId, licenseServerCa: suite.tls.cert }) });
      suite.defer(() => bff.close());
      nodes.push(bff);
    }
    const token = await suite.platform.token('admin', { now: clock() });
    const submitted = await nodes[0]?.app.request('/api/registration/private-cloud', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ serverUrl: ls.url }),
    });
    expect(submitted?.status).toBe(200);
    // The other nodes of the cluster... each has its own store here, so each is configured the same way.
    for (const bff of nodes.slice(1)) {
      const res = await bff.app.request('/api/registration/private-cloud', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ serverUrl: ls.url }),
      });
      expect(res.status).toBe(200);
    }
    const held = () => Object.fromEntries(NODES.map((id) => [id, ls.store.state.leases.get(id)?.leaseId]));
    const before = held();
    expect(Object.values(before).every((id) => typeof id === 'string')).toBe(true);

    const random = seededRandom(0x5eed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
    const facts = (nodeId: string) => ({ nodeId, productVersion: '11.0.18', appName: 'webroot', domain: 'localhost', project: { kind: 'standalone-builtin-db' as const } });
    const mallory = loadNodeKey(generateNodeKey());
    // Every way in: the attacker's own key, forged proofs, proofs moved between operations, old-format
    // requests, browser-style bodies; with the real lease ids (the strongest case) or made-up ones.
    const kinds = [
      'register-own-key',
      'register-forged-signature',
      'register-old-format',
      'heartbeat-guessed-key',
      'heartbeat-signed-by-own-key',
      'heartbeat-register-proof-reused',
      'heartbeat-old-format',
      'deregister-guessed-key',
      'deregister-own-key-signature',
      'deregister-made-up-lease',
      'deregister-old-format',
      'register-text-plain',
    ] as const;
    const attempt = (kind: (typeof kinds)[number], nodeId: string): Sent => {
      const leaseId = pick([ls.store.state.leases.get(nodeId)?.leaseId ?? 'gone', crypto.randomUUID()]);
      const guessed = { leaseId, leaseKey: Buffer.from(Array.from({ length: 32 }, () => Math.floor(random() * 256))) };
      const now = new Date();
      const proven = (r: { body: string; proof: string }, path: string): Sent => ({ path, body: r.body, headers: { [NODE_PROOF_HEADER]: r.proof } });
      switch (kind) {
        case 'register-own-key':
          return proven(registerRequest({ node: facts(nodeId), key: mallory, time: now }), '/api/v1/register');
        case 'register-forged-signature': {
          // Names the node's real key (from a lease it saw), signs with its own.
          const body = JSON.stringify({ ...facts(nodeId), nonce: 'f'.repeat(22), time: now.toISOString(), nodeKey: ls.store.state.leases.get(nodeId)?.nodeKey ?? mallory.x, exchangeKey: createExchangeKey().publicX });
          return { path: '/api/v1/register', body, headers: { [NODE_PROOF_HEADER]: signNodeRequest(mallory.privateKey, 'register', body) } };
        }
        case 'register-old-format':
          return { path: '/api/v1/register', body: JSON.stringify({ ...facts(nodeId), nonce: 'o'.repeat(22) }), headers: {} };
        case 'heartbeat-guessed-key':
          return proven(heartbeatRequest({ node: facts(nodeId), lease: guessed, time: now }), '/api/v1/heartbeat');
        case 'heartbeat-signed-by-own-key': {
          const body = JSON.stringify({ ...facts(nodeId), nonce: 's'.repeat(22), time: now.toISOString(), leaseId });
          return { path: '/api/v1/heartbeat', body, headers: { [NODE_PROOF_HEADER]: signNodeRequest(mallory.privateKey, 'heartbeat', body) } };
        }
        case 'heartbeat-register-proof-reused': {
          const body = JSON.stringify({ ...facts(nodeId), nonce: 'r'.repeat(22), time: now.toISOString(), leaseId });
          return { path: '/api/v1/heartbeat', body, headers: { [NODE_PROOF_HEADER]: macNodeRequest(guessed.leaseKey, 'register', body) } };
        }
        case 'heartbeat-old-format':
          return { path: '/api/v1/heartbeat', body: JSON.stringify({ ...facts(nodeId), nonce: 'o'.repeat(22), leaseId }), headers: {} };
        case 'deregister-guessed-key':
          return proven(deregisterRequest({ nodeId, time: now, by: { lease: guessed } }), '/api/v1/deregister');
        case 'deregister-own-key-signature':
          return proven(deregisterRequest({ nodeId, time: now, by: { key: mallory } }), '/api/v1/deregister');
        case 'deregister-made-up-lease':
          return proven(deregisterRequest({ nodeId, time: now, by: { lease: { ...guessed, leaseId: crypto.randomUUID() } } }), '/api/v1/deregister');
        case 'deregister-old-format':
          return { path: '/api/v1/deregister', body: JSON.stringify({ nodeId, leaseId }), headers: {} };
        case 'register-text-plain': {
          const r = registerRequest({ node: facts(nodeId), key: mallory, time: now });
          return { path: '/api/v1/register', body: r.body, headers: { [NODE_PROOF_HEADER]: r.proof, 'content-type': 'text/plain', origin: 'http://evil.example' } };
        }
      }
    };

    const agents = Array.from({ length: 19 }, () => new Agent({ keepAlive: true }));
    const tally = new Map<string, number>();
    let succeeded = 0;
    try {
      for (let sent = 0, round = 0; sent < ATTEMPTS; round += 1) {
        const batch = Array.from({ length: 100 }, (_, i) => {
          const kind = pick(kinds);
          const from = 2 + ((sent + i) % 19); // 127.0.0.2 … 127.0.0.20
          return send(ls.url, suite.tls.cert, attempt(kind, pick(NODES)), `127.0.0.${from}`, agents[from - 2] as Agent).then((res) => {
            if (res.status === 200) succeeded += 1;
            const name = `${res.status} ${(JSON.parse(res.body) as { reasons?: { name: string }[] }).reasons?.[0]?.name ?? ''}`;
            tally.set(name, (tally.get(name) ?? 0) + 1);
          });
        });
        await Promise.all(batch);
        sent += batch.length;
        // The real nodes keep beating between the waves: 5 heartbeats, 2 hours apart.
        if (round % 2 === 1) {
          clock.advance(2 * 3600e3);
          for (const bff of nodes) expect(await bff.service.renew(), `${bff.config.nodeId} after ${sent} attempts`).toBe('ok');
        }
      }
    } finally {
      for (const agent of agents) agent.destroy();
    }
    console.log(`take-over: ${ATTEMPTS} attempts, ${succeeded} succeeded: ${JSON.stringify(Object.fromEntries([...tally].sort()))}`);
    expect(succeeded).toBe(0);
    // Still the same leases (renewed, never replaced), bound to the nodes' own keys; nothing else was granted.
    expect(held()).toEqual(before);
    expect(ls.store.state.leases.ids().sort()).toEqual(NODES);
    for (const bff of nodes) {
      const key = await bff.store.nodeKey(bff.config.nodeId, () => ({ x: '', d: '' }), clock());
      expect(ls.store.state.leases.get(bff.config.nodeId)?.nodeKey).toBe(key.x);
      const row = await bff.store.getNode(bff.config.nodeId);
      expect(row?.status).toBe('registered');
      expect(row?.leaseId).toBe(before[bff.config.nodeId]);
    }
  }, 120_000);
});
