import { mkdir, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { decodeDocumentUnverified } from '@registration/licensing/jws';
import { healthSchema } from '@registration/protocol/license-server-api';
import { activateOverHttps, killAll, spawnMain } from './process-harness.ts';
import { readPrivateConfig, type PrivateConfigFile, PRIVATE_CONFIG_FILE } from './store.ts';
import { call, createFixture, proven, registerBody, type Fixture } from './test-harness.ts';

/**
 * Reliability: SIGKILL the real license-server process at random moments, 20 times, while 1,000 nodes
 * register concurrently (50 at a time, each burst cut short by a kill after a random number of answers).
 * After every kill the privateConfig the crash left behind must parse with the schema and hold every
 * registration that was answered 200 — with the very lease id that was answered. Nothing acknowledged
 * may be lost; what was in flight may or may not have landed.
 */

const ROUNDS = 20;
const NODES = 1000;
const PER_ROUND = NODES / ROUNDS;

// Seeded, so a failing run can be replayed: SIGKILL_SEED=<printed seed>.
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let fx: Fixture;
beforeAll(async () => {
  fx = await createFixture();
});
afterAll(async () => {
  await killAll();
  await fx.cleanup();
});

type Answer = { status: number; leaseId: string | null };

/** One register over its own agent; every way a killed server can end it settles (never an unhandled error). */
function register(agent: Agent, url: string, nodeId: string): Promise<Answer> {
  const { raw: payload, headers } = proven('register', registerBody(nodeId));
  return new Promise((resolve, reject) => {
    const req = request(new URL('/api/v1/register', url), {
      method: 'POST',
      agent,
      headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      timeout: 15_000,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('aborted', () => reject(new Error('aborted')));
      res.on('end', () => {
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          if (res.statusCode !== 200 || body.ok !== true) return resolve({ status: res.statusCode ?? 0, leaseId: null });
          const lease = decodeDocumentUnverified(body.lease).payload as { leaseId: string; nodeId: string };
          if (lease.nodeId !== nodeId) return reject(new Error(`lease for ${lease.nodeId}, asked for ${nodeId}`));
          resolve({ status: 200, leaseId: lease.leaseId });
        } catch (error) {
          reject(error);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(payload);
  });
}

it(`loses no acknowledged registration across ${ROUNDS} SIGKILLs during ${NODES} concurrent registrations`, { timeout: 120_000 }, async () => {
  const started = performance.now();
  const seed = Number(process.env.SIGKILL_SEED ?? Date.now() % 2 ** 31);
  const random = prng(seed);
  const root = join(fx.dir, 'sigkill');
  await mkdir(root, { recursive: true });
  const bundle = await fx.bundle({ maxConnections: NODES, expiresAt: new Date(Date.now() + 365 * 864e5) });
  await writeFile(join(root, 'bundle.json'), JSON.stringify(bundle));
  const configDir = join(root, 'config');
  const args = ['start', '--port', '0', '--host', '127.0.0.1', '--bundle', join(root, 'bundle.json'), '--config', configDir, '--tls', join(fx.dir, 'tls'), '--log', join(root, 'log'), '--language', 'en', '--rate-limit-register', '0'];
  const readState = async () => (await readPrivateConfig(join(configDir, PRIVATE_CONFIG_FILE)) as PrivateConfigFile);

  const acknowledged = new Map<string, string>();
  let lost: string[] = [];
  let refused = 0;
  let unanswered = 0;
  let landedUnanswered = 0;
  let activated = false;

  for (let round = 0; round < ROUNDS; round += 1) {
    const server = spawnMain(args, { cwd: root });
    const url = await server.listening;
    if (!activated) {
      await activateOverHttps(fx, url);
      activated = true;
    }
    const agent = new Agent({ ca: fx.tls.cert, keepAlive: true, maxSockets: PER_ROUND });
    const batch = Array.from({ length: PER_ROUND }, (_, i) => `node-${String(round * PER_ROUND + i).padStart(4, '0')}`);
    // The moment of the kill: right after the k-th 200 of this burst (k = 0: as soon as it is fired).
    const killAfter = Math.floor(random() * PER_ROUND);
    let answered = 0;
    let killed = false;
    const kill = () => {
      if (killed) return;
      killed = true;
      server.child.kill('SIGKILL');
    };
    const outcomes = batch.map((nodeId) =>
      register(agent, url, nodeId).then((answer) => {
        if (answer.status === 200 && answer.leaseId !== null) {
          // Recorded before the kill it may trigger: the server answered, so it must be durable.
          acknowledged.set(nodeId, answer.leaseId);
          answered += 1;
          if (answered >= killAfter) kill();
        }
        return answer;
      }),
    );
    if (killAfter === 0) kill();
    const settled = await Promise.allSettled(outcomes);
    kill(); // every request answered before the chosen moment: the kill still comes, with nothing in flight
    expect(await server.exited).toBeNull();
    agent.destroy();

    for (const s of settled) {
      if (s.status === 'rejected') unanswered += 1;
      else if (s.value.status !== 200) refused += 1;
    }
    // The file exactly as the crash left it (before any restart could repair anything).
    const state = await readState();
    lost = [...acknowledged].filter(([nodeId, leaseId]) => state.leases[nodeId]?.leaseId !== leaseId).map(([nodeId]) => nodeId);
    expect(lost, `round ${round} (seed ${seed})`).toEqual([]);
    if (round === ROUNDS - 1) landedUnanswered = Object.keys(state.leases).filter((nodeId) => !acknowledged.has(nodeId)).length;
  }

  // A last, clean start: every acknowledged lease is served, then a graceful stop.
  const server = spawnMain(args, { cwd: root });
  const url = await server.listening;
  const health = healthSchema.parse((await call(fx, url, '/health')).body);
  expect(health.leasesInUse).toBe(acknowledged.size + landedUnanswered);
  server.child.kill('SIGTERM');
  expect(await server.exited).toBe(0);
  const final = await readState();
  expect([...acknowledged].every(([nodeId, leaseId]) => final.leases[nodeId]?.leaseId === leaseId)).toBe(true);

  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `SIGKILL reliability: seed ${seed}, ${ROUNDS} kills, ${NODES} registrations fired (${PER_ROUND} concurrent per burst), ` +
      `${acknowledged.size} acknowledged, lost ${lost.length}, ${unanswered} cut off by a kill (of which ${landedUnanswered} landed anyway), ` +
      `${refused} refused, ${seconds} s`,
  );
  expect(acknowledged.size + unanswered + refused).toBe(NODES);
  expect(refused).toBe(0);
});
