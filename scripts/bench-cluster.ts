/**
 * Part of `pnpm bench` (also `tsx scripts/bench-cluster.ts` alone): the BFF's `GET /api/registration`
 * with a 64-node cluster in the store, against the bare `GET /healthz` of the same app, both over real
 * HTTP on 127.0.0.1 with the same keep-alive client and concurrency, measured per request with
 * performance.now(). Goal: p95(state) ≤ 15 ms and ≤ 3× p95(bare). On PGlite always, on PostgreSQL too
 * when DATABASE_URL is set (a schema of its own, dropped afterwards).
 */
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { registrationStateSchema } from '@registration/protocol/bff-api';
import { codeOf, type ErrorName } from '@registration/protocol/catalogue';
import { issueContainerLicense } from '@registration/vendor/container-license';
import type { Reason } from '@registration/protocol/reason';
import { blankNode } from '../apps/bff/src/registration/node-record.ts';
import { createPgliteStore } from '../apps/bff/src/store/pglite-store.ts';
import { createPostgresStore } from '../apps/bff/src/store/postgres-store.ts';
import type { NodeRecord, RegistrationStore } from '../apps/bff/src/store/types.ts';
import { startBff, testConfig } from '../apps/bff/src/testing/bff.ts';
import { freshPostgresSchema } from '../apps/bff/src/testing/bff-process.ts';
import { makeVendor } from '../apps/bff/src/testing/license-server.ts';
import { makePlatform } from '../apps/bff/src/testing/tokens.ts';

const NODES = Number(process.env.BENCH_CLUSTER_NODES ?? 64);
const CONCURRENCY = Number(process.env.BENCH_CLUSTER_CONCURRENCY ?? 8);
const SECONDS = Number(process.env.BENCH_CLUSTER_SECONDS ?? 1.5);
const ROUNDS = Number(process.env.BENCH_CLUSTER_ROUNDS ?? 2);
const GOAL_P95_MS = 15;
const GOAL_RATIO = 3;
const SERVER_URL = 'https://license.corp.example:8081';

// @hono/node-server is a dependency of apps/bff, not of the root package that scripts/ resolves from
// (pnpm keeps it out of the root node_modules), and the bench adds no dependency: load it as the BFF does.
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { serve } = createRequire(path.join(ROOT, 'apps/bff/package.json'))('@hono/node-server') as {
  serve(options: { fetch: (req: Request) => Response | Promise<Response>; hostname: string; port: number }, listening: (info: AddressInfo) => void): http.Server;
};

interface Latencies {
  p50: number;
  p95: number;
  p99: number;
  count: number;
}

/** Runs the benchmark on PGlite and, with DATABASE_URL, on PostgreSQL, and prints both. */
export async function runClusterBench(): Promise<void> {
  console.log(`\nBFF registration state with a ${NODES}-node cluster in the store (HTTP on loopback, ${CONCURRENCY} keep-alive clients, ${ROUNDS} × ${SECONDS}s per route, after a warm-up)`);
  await benchOn('PGlite (in memory)', () => createPgliteStore('memory://'));
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.log('  PostgreSQL: skipped (set DATABASE_URL to measure it too)');
    return;
  }
  const db = await freshPostgresSchema(url, 'bff_bench');
  try {
    await benchOn('PostgreSQL', () => createPostgresStore({ connectionString: db.url }));
  } finally {
    await db.drop();
  }
}

async function benchOn(label: string, open: () => Promise<RegistrationStore>): Promise<void> {
  const [platform, vendor] = await Promise.all([makePlatform(), makeVendor()]);
  const store = countingCalls(await open());
  const now = new Date();
  await seed(store.store, now);
  const config = testConfig({ nodeId: nodeId(0), nodeAddress: addressOf(0), authPublicKey: platform.publicJwk, vendorPublicKey: vendor.publicJwk });
  const bff = await startBff({ config, clock: () => new Date(), store: store.store });
  const server = await new Promise<{ http: http.Server; url: string }>((resolve) => {
    const s = serve({ fetch: bff.app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => resolve({ http: s, url: `http://127.0.0.1:${info.port}` }));
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  try {
    const token = await platform.token('admin', { ttlSeconds: 3600 });
    const stateReq = () => get(agent, `${server.url}/api/registration`, { authorization: `Bearer ${token}` });
    const bareReq = () => get(agent, `${server.url}/healthz`, {});

    // The measured answer is the real one: every node in it.
    store.reset();
    const first = await stateReq();
    const calls = store.calls();
    const state = registrationStateSchema.parse(JSON.parse(first.body));
    if (first.status !== 200 || state.nodes.length !== NODES) throw new Error(`unexpected state: ${first.status}, ${state.nodes.length} nodes`);

    await measure(bareReq, 0.5); // warm-up: sockets, JIT, the store's caches
    await measure(stateReq, 0.5);
    const bare: number[] = [];
    const st: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      bare.push(...(await measure(bareReq, SECONDS)));
      st.push(...(await measure(stateReq, SECONDS)));
    }
    // One client alone: the service time of a request without queueing behind the others.
    const alone = percentiles(await measure(stateReq, 1, 1));
    const b = percentiles(bare);
    const s = percentiles(st);

    // The same cluster under Local Container: a stored Container.lic brings its code gate into the answer.
    const issued = await issueContainerLicense({
      vendor, company: 'Demo Company', project: 'Demo Project', appName: 'webroot', productVersion: '11.0',
      maxNodes: NODES, features: ['report', 'dashboard'], expiresAt: new Date(now.getTime() + 365 * 86_400_000),
    });
    await store.store.setContainerLicense({ lic: issued.lic, license: issued.license, uploadedAt: now, uploadedBy: 'admin' });
    await store.store.setConfig({ method: 'local-container', serverUrl: null, updatedAt: now, updatedBy: 'admin' });
    store.reset();
    if ((await stateReq()).status !== 200) throw new Error('Local Container state failed');
    const lcCalls = store.calls();
    await measure(stateReq, 0.5);
    const lc = percentiles(await measure(stateReq, SECONDS));
    const ratio = s.p95 / b.p95;
    const row = (name: string, l: Latencies) =>
      `    ${name.padEnd(30)} p50 ${ms(l.p50)}  p95 ${ms(l.p95)}  p99 ${ms(l.p99)}   (${l.count} requests)`;
    console.log(`  ${label}   (answer ${(first.body.length / 1024).toFixed(1)} KB; store calls per state request: ${calls.total} — ${calls.detail})`);
    console.log(row('GET /healthz (bare)', b));
    console.log(row('GET /api/registration', s));
    console.log(`    ${'  the same, 1 client alone'.padEnd(30)} p50 ${ms(alone.p50)}  p95 ${ms(alone.p95)}  p99 ${ms(alone.p99)}   (${alone.count} requests)`);
    console.log(row('  the same, Local Container', lc) + `  — store calls: ${lcCalls.total} (${lcCalls.detail})`);
    console.log(`    p95 state ${ms(s.p95)} (goal ≤ ${GOAL_P95_MS} ms): ${s.p95 <= GOAL_P95_MS ? 'PASS' : 'NOT MET'}`);
    console.log(`    p95 state / p95 bare ${ratio.toFixed(2)}× (goal ≤ ${GOAL_RATIO}×): ${ratio <= GOAL_RATIO ? 'PASS' : 'NOT MET'}`);
  } finally {
    agent.destroy();
    await new Promise<void>((done) => {
      server.http.close(() => done());
      server.http.closeAllConnections?.();
    });
    await bff.close();
  }
}

const nodeId = (i: number) => `report-node-${String(i + 1).padStart(2, '0')}`;
const addressOf = (i: number) => `10.20.${Math.floor(i / 250)}.${(i % 250) + 10}:8080`;

/** The cluster configuration and NODES rows as the nodes themselves write them: mostly registered, some failed with 1–3 reasons, a few degraded. */
async function seed(store: RegistrationStore, now: Date): Promise<void> {
  const at = (ms: number) => new Date(now.getTime() + ms);
  const HOUR = 3_600_000;
  await store.setConfig({ method: 'private-cloud', serverUrl: SERVER_URL, updatedAt: at(-3 * HOUR), updatedBy: 'admin' });
  const licenseId = 'lic-2026-demo-0001';
  const reason = (name: ErrorName, params?: Reason['params']): Reason => ({ code: codeOf(name), name, ...(params ? { params } : {}) });
  const failures: Reason[][] = [
    [reason('LICENSE_IP_ERROR', { peer: '10.30.4.17', allowed: '10.20.0.0/16, 192.168.1.0/24' })],
    [reason('REGISTER_OUT_OF_LIMIT', { max: 48, inUse: 48 }), reason('LICENSE_DOMAIN_ERROR', { domain: 'bi.corp.example', allowed: ['reports.corp.example'] })],
    [
      reason('CONNECTION_TIMEOUT', { serverUrl: SERVER_URL, detail: 'no answer within 5000 ms' }),
      reason('LICENSE_APPNAME_ERROR', { appName: 'finereport', allowed: ['webroot'] }),
      reason('REPORT_VERSION_ERROR', { detail: 'server licenses 10.0, node runs 11.0.18' }),
    ],
  ];
  for (let i = 0; i < NODES; i++) {
    const self = { nodeId: nodeId(i), address: addressOf(i) };
    const base = blankNode(self, at(-1_000));
    const lastSuccessAt = at(-((i % 7) + 1) * 10 * 60_000);
    const leaseId = `lease-${licenseId}-${i}`;
    const kind = i % 8 === 3 || i % 8 === 6 ? 'failed' : i % 16 === 9 ? 'degraded' : 'registered';
    const row: NodeRecord =
      kind === 'failed'
        ? { ...base, status: 'failed', serverUrl: SERVER_URL, failureAt: at(-(i + 1) * 60_000), reasons: failures[i % 3]!, lastSuccessAt: i % 2 ? lastSuccessAt : null }
        : {
            ...base,
            status: kind,
            serverUrl: SERVER_URL,
            leaseId,
            lease: {
              type: 'lease',
              leaseId,
              licenseId,
              nodeId: self.nodeId,
              nonce: `nonce-${String(i).padStart(12, '0')}`,
              peer: self.address.split(':')[0]!,
              issuedAt: lastSuccessAt.toISOString(),
              expiresAt: new Date(lastSuccessAt.getTime() + 24 * HOUR).toISOString(),
              maxConnections: 100,
              inUse: 40 + (i % 20),
            },
            grant: {
              licenseId,
              company: 'Demo Company',
              project: 'Reporting',
              product: 'FineReport',
              productVersion: '11.0',
              features: ['report', 'dashboard', 'mobile'],
              domains: ['reports.corp.example'],
              appNames: ['webroot'],
              ipRanges: '10.20.0.0/16, 192.168.1.0/24',
              port: 8080,
              expiresAt: at(300 * 24 * HOUR).toISOString(),
              maxConnections: 100,
              inUse: 40 + (i % 20),
            },
            validUntil: new Date(lastSuccessAt.getTime() + 24 * HOUR),
            lastSuccessAt,
            ...(kind === 'degraded'
              ? { unreachableSince: at(-5 * 60_000), reasons: [reason('CONNECTION_REFUSED', { serverUrl: SERVER_URL })] }
              : {}),
          };
    await store.upsertNode(row);
  }
}

/** The store with a count of the calls made through it, to say what one state request costs. */
function countingCalls(inner: RegistrationStore) {
  let counts = new Map<string, number>();
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        counts.set(String(prop), (counts.get(String(prop)) ?? 0) + 1);
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return {
    store,
    reset: () => (counts = new Map()),
    calls: () => ({
      total: [...counts.values()].reduce((a, b) => a + b, 0),
      detail: [...counts].map(([k, n]) => `${k}×${n}`).join(', '),
    }),
  };
}

function get(agent: http.Agent, url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'GET', agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** `clients` closed-loop clients for `seconds`; the latency of every request in ms. Any non-200 fails the run. */
async function measure(call: () => Promise<{ status: number; body: string }>, seconds: number, clients = CONCURRENCY): Promise<number[]> {
  const until = performance.now() + seconds * 1000;
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < until) {
        const t0 = performance.now();
        const r = await call();
        latencies.push(performance.now() - t0);
        if (r.status !== 200) throw new Error(`benchmark request answered ${r.status}: ${r.body.slice(0, 200)}`);
      }
    }),
  );
  return latencies;
}

function percentiles(xs: number[]): Latencies {
  const sorted = [...xs].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? NaN;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), count: sorted.length };
}

const ms = (x: number) => `${x.toFixed(2).padStart(6)} ms`;

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await runClusterBench();
