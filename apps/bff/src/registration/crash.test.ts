import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { registrationStateSchema } from '@registration/protocol/bff-api';
import { createPgliteStore } from '../store/pglite-store.ts';
import { callBff, killAllBffProcesses, makeBffKeys, startBffProcess, type BffKeys, type BffProcess } from '../testing/bff-process.ts';
import { loopbackCert } from '../testing/certs.ts';
import { startForwarder } from '../testing/forwarder.ts';
import { startLicenseServer, type RunningLicenseServer } from '../testing/license-server.ts';
import { seededRandom } from '../testing/random.ts';
import { closedPort, type LoopbackServer } from '../testing/servers.ts';

// A BFF killed (SIGKILL) at a random moment of a Submit or a Re-register, while a relay holds the license
// server's answer (the lease is granted, the BFF does not know it yet), and started again on the same
// data: once it has settled, the license server's leases and the BFF's state must agree, every time.

const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 20);
const NODE_ID = 'node-crash';

let keys: BffKeys;
let ls: RunningLicenseServer;
let relay: LoopbackServer;
let dir: string;
let random: () => number;
const seed = Number(process.env.CRASH_SEED ?? Date.now() % 2 ** 31);

beforeAll(async () => {
  random = seededRandom(seed);
  const tls = await loopbackCert();
  keys = await makeBffKeys();
  dir = await mkdtemp(path.join(tmpdir(), 'bff-crash-'));
  await writeFile(path.join(dir, 'ca.pem'), tls.cert);
  ls = await startLicenseServer({ vendor: keys.vendor, tls, clock: () => new Date(), terms: { maxConnections: 3 } });
  // Every answer of the license server is held 150–750 ms: the window in which a grant exists that the BFF has not stored.
  relay = await startForwarder({ target: ls.url, targetCa: tls.cert, tls, rewrites: {}, delayAnswerMs: () => 150 + Math.floor(random() * 600) });
});
afterAll(async () => {
  await killAllBffProcesses();
  await relay?.close();
  await ls?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function state(bff: BffProcess) {
  const res = await callBff(bff, '/api/registration', { token: await keys.adminToken() });
  return registrationStateSchema.parse(res.body);
}

/**
 * Whether the two sides agree: registered with the relay's server and holding a lease there, or not
 * registered and holding none. Polled until true (bounded): the restarted node resolves what the crash
 * left at its first beat, which goes through the slow relay too.
 */
async function settled(bff: BffProcess): Promise<{ agreed: boolean; status: string; leased: boolean }> {
  let last = { agreed: false, status: '?', leased: false };
  for (let i = 0; i < 120; i += 1) {
    const s = await state(bff);
    const leased = ls.store.state.leases.has(NODE_ID);
    const agreed = (s.status === 'registered' && s.serverUrl === relay.url && leased) || (s.status === 'unregistered' && !leased);
    last = { agreed, status: s.status, leased };
    // Twice in a row, half a second apart: not a moment in the middle of a beat.
    if (agreed) {
      await sleep(500);
      const again = await state(bff);
      const stillLeased = ls.store.state.leases.has(NODE_ID);
      if (again.status === s.status && stillLeased === leased) return last;
    }
    await sleep(250);
  }
  return last;
}

it(`SIGKILL at ${ROUNDS} random moments of Submit / Re-register: after a restart the license server and the BFF agree`, async () => {
  const port = await closedPort();
  const dataDir = path.join(dir, 'data');
  const start = () =>
    startBffProcess({
      ...keys,
      nodeId: NODE_ID,
      port,
      env: { DATA_DIR: dataDir, LICENSE_SERVER_CA: path.join(dir, 'ca.pem'), LOG_LEVEL: 'warn', LIVENESS_INTERVAL_MS: '500' },
    });
  let bff = await start();
  const rounds: string[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const action = random() < 0.55 ? 'submit' : 'reregister';
    const killAfterMs = Math.floor(random() * 1200);
    const token = await keys.adminToken();
    const request =
      action === 'submit'
        ? callBff(bff, '/api/registration/private-cloud', { token, json: { serverUrl: relay.url }, timeoutMs: 20_000 })
        : callBff(bff, '/api/registration', { method: 'DELETE', token, timeoutMs: 20_000 });
    request.catch(() => undefined); // cut off by the kill
    await sleep(killAfterMs);
    await bff.kill();
    const leasedAtKill = ls.store.state.leases.has(NODE_ID);
    bff = await start();
    const outcome = await settled(bff);
    rounds.push(`${action}@${killAfterMs}ms: ${leasedAtKill ? 'leased' : 'free'} at the kill → ${outcome.status}`);
    expect(outcome.agreed, `round ${round} (seed ${seed}): ${rounds.at(-1)}; BFF ${outcome.status}, lease ${outcome.leased}\n${bff.logs()}`).toBe(true);
  }
  console.log(`crash: seed ${seed}\n  ${rounds.join('\n  ')}`);

  // And exactly the same lease: the node's stored lease id and key are what the server holds.
  await bff.stop();
  const store = await createPgliteStore(dataDir);
  try {
    const row = await store.getNode(NODE_ID);
    const held = ls.store.state.leases.get(NODE_ID);
    if (held) {
      expect(row?.leaseId).toBe(held.leaseId);
      expect((await store.nodeKey(NODE_ID, () => ({ x: '', d: '' }), new Date())).x).toBe(held.nodeKey);
    } else {
      expect(row?.leaseId ?? null).toBeNull();
    }
    expect(await store.listIntents(NODE_ID)).toEqual([]);
  } finally {
    await store.close();
  }
}, 300_000);
