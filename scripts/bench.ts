/**
 * `pnpm bench`: license-server heartbeats per second over HTTPS on loopback (each answer a freshly
 * signed lease, written durably to privateConfig) against a bare Hono HTTPS endpoint measured in the
 * same run with the same client, certificate and concurrency; the same server holding 100 … 10,000
 * leases (BENCH_LEASE_SIZES); then the gzip size of the module's builds
 * (built here from the current source) and its page load in Chromium against an empty React root.
 * Figures are ratios against a baseline because absolute numbers on these machines are noisy.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { parsePhonePageUrl } from '@registration/licensing/challenge';
import { decodeDocumentUnverified } from '@registration/licensing/jws';
import { generateNodeKey, loadNodeKey } from '@registration/licensing/node-proof';
import { heartbeatRequest, leaseKeyFromGrant, registerRequest, type HeldLease } from '@registration/licensing/node-requests';
import { vendorCode } from '@registration/licensing/activation-code';
import { leasePayloadSchema } from '@registration/protocol/license';
import { NODE_PROOF_HEADER } from '@registration/protocol/license-server-api';
import { createVendorKeys } from '@registration/vendor/keys';
import { issueServerBundle } from '@registration/vendor/server-bundle';
import { writeServerBundle } from '@registration/vendor/bundle-file';
import { post } from './bench/https-post.ts';
import { runLeaseScaleBench } from './bench/lease-scale.ts';
import { runPageLoadBench } from './bench/page-load.ts';
import { demoTerms } from './lib/demo.ts';
import { startProcess, ROOT, TSX, type Started } from './lib/processes.ts';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PAGE_RUNS = Number(process.env.BENCH_PAGE_RUNS ?? 7);

const dir = await mkdtemp(path.join(os.tmpdir(), 'frr-bench-'));
const running: Started[] = [];
try {
  const vendor = await createVendorKeys(path.join(dir, 'vendor'));
  const bundleFile = path.join(dir, 'bundle.json');
  const { bundle, activationKey } = await issueServerBundle({ vendor, ...demoTerms(8081), maxConnections: 1000 });
  await writeServerBundle(bundleFile, bundle);
  const tlsDir = path.join(dir, 'tls');

  const ls = await startProcess({
    name: 'license-server',
    command: TSX,
    // No per-address limits: every simulated node comes from 127.0.0.1 here.
    args: [path.join(ROOT, 'apps/license-server/src/main.ts'), '--port', '0', '--bundle', bundleFile,
      '--config', path.join(dir, 'config'), '--tls', tlsDir, '--log', path.join(dir, 'log'), '--language', 'en',
      '--rate-limit-register', '0', '--rate-limit-heartbeat', '0', '--rate-limit-activation', '0'],
    ready: /license-server listening on/,
    echo: false,
  });
  running.push(ls);
  const lsUrl = await urlOf(ls);
  const bare = await startProcess({
    name: 'bare',
    command: TSX,
    args: [path.join(ROOT, 'apps/license-server/bench/bare-server.ts'), tlsDir, '0'],
    ready: /bare listening on/,
    echo: false,
  });
  running.push(bare);
  const bareUrl = await urlOf(bare);

  const agent = new https.Agent({ ca: await readFile(path.join(tlsDir, 'cert.pem')), keepAlive: true, maxSockets: CONCURRENCY });
  const node = (i: number) => ({ nodeId: `bench-node-${i}`, productVersion: '11.0.18', appName: 'webroot', domain: 'localhost' });

  // Activated as its page would be: the code the phone page computes for the offered QR challenge.
  const offered = await post(agent, `${lsUrl}/license/challenge`, {});
  const scanned = parsePhonePageUrl((JSON.parse(offered.body) as { challenge: { url: string } }).challenge.url);
  const code = vendorCode(activationKey, scanned);
  const activated = await post(agent, `${lsUrl}/license/activate`, { challengeId: scanned.challengeId, code });
  if (activated.status !== 200) throw new Error(`activation failed: ${activated.status} ${activated.body}`);

  // Every simulated node registers once with a key of its own (signed, as a BFF does); the measured loop is
  // its heartbeats, each proven with the lease key the register agreed, as a BFF proves them.
  const leases: HeldLease[] = [];
  for (let i = 0; i < CONCURRENCY; i++) {
    const key = loadNodeKey(generateNodeKey());
    const request = registerRequest({ node: node(i), key, time: new Date() });
    const res = await post(agent, `${lsUrl}/api/v1/register`, request.body, { [NODE_PROOF_HEADER]: request.proof });
    if (res.status !== 200) throw new Error(`register failed: ${res.status} ${res.body}`);
    const lease = leasePayloadSchema.parse(decodeDocumentUnverified((JSON.parse(res.body) as { lease: string }).lease).payload);
    leases.push({ leaseId: lease.leaseId, leaseKey: leaseKeyFromGrant(request.exchange, lease, key.x) });
  }

  const heartbeatOf = (i: number) => heartbeatRequest({ node: node(i), lease: leases[i] as HeldLease, time: new Date() });
  const heartbeat = (i: number) => {
    const request = heartbeatOf(i);
    return post(agent, `${lsUrl}/api/v1/heartbeat`, request.body, { [NODE_PROOF_HEADER]: request.proof });
  };
  // The same request (body and proof header) to an endpoint that only parses it and answers.
  const baseline = (i: number) => {
    const request = heartbeatOf(i);
    return post(agent, `${bareUrl}/bare`, request.body, { [NODE_PROOF_HEADER]: request.proof });
  };

  await measure(baseline, 1); // warm-up: TLS sessions, JIT
  await measure(heartbeat, 1);
  const bareRates: number[] = [];
  const hbRates: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    bareRates.push(await measure(baseline, SECONDS));
    hbRates.push(await measure(heartbeat, SECONDS));
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const b = med(bareRates);
  const h = med(hbRates);
  console.log(`\nLicense-server heartbeats over HTTPS (loopback, ${CONCURRENCY} keep-alive clients, ${ROUNDS} × ${SECONDS}s, median)`);
  console.log(`  bare Hono HTTPS endpoint   ${b.toFixed(0).padStart(7)} req/s   (rounds: ${bareRates.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(`  heartbeat (signed lease)   ${h.toFixed(0).padStart(7)} req/s   (rounds: ${hbRates.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(`  ratio heartbeat / bare     ${(h / b).toFixed(2)}×   (goal ≥ 0.50×)`);
  agent.destroy();

  // The same server as its leases grow: each size on a fresh server of its own.
  const sizes = (process.env.BENCH_LEASE_SIZES ?? '100,1000,5000,10000').split(',').map(Number);
  await runLeaseScaleBench({ dir, sizes, concurrency: CONCURRENCY, seconds: SECONDS });
} finally {
  await Promise.all(running.map((p) => p.stop()));
  await rm(dir, { recursive: true, force: true });
}

// Build sizes of the micro-frontend, built from the current source (the page-load figures use this build too).
buildModule();
console.log('\nRegistration module builds (gzip -9 of the JavaScript)');
for (const [name, sub, goal] of [['ESM (React and libraries external)', 'esm', 50], ['IIFE (React inside)', 'iife', 130]] as const) {
  const d = path.join(ROOT, 'packages/registration-ui/dist', sub);
  let raw = 0;
  let gz = 0;
  for (const f of (await readdir(d)).filter((f) => f.endsWith('.js'))) {
    const buf = await readFile(path.join(d, f));
    raw += buf.length;
    gz += gzipSync(buf, { level: 9 }).length;
  }
  console.log(`  ${name.padEnd(36)} ${(raw / 1024).toFixed(1).padStart(7)} KB raw  ${(gz / 1024).toFixed(1).padStart(6)} KB gzip   (goal ≤ ${goal} KB)`);
}

// Its time to the Version Information card in Chromium against an empty React root.
await runPageLoadBench({ root: ROOT, runs: PAGE_RUNS });

/** `pnpm --filter @registration/ui build`, quiet unless it fails: then its output says why. */
function buildModule(): void {
  try {
    execFileSync('pnpm', ['--filter', '@registration/ui', 'build'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`building the registration module failed:\n${String(stdout ?? '')}${String(stderr ?? '')}`, { cause: error });
  }
}

/** The listening URL printed on the ready line. */
async function urlOf(p: Started): Promise<string> {
  return p.readyLine.match(/https:\/\/\S+/)![0];
}


/** Runs `CONCURRENCY` closed-loop clients for `seconds` and returns successful requests per second. */
async function measure(call: (i: number) => Promise<{ status: number }>, seconds: number): Promise<number> {
  const until = performance.now() + seconds * 1000;
  let ok = 0;
  let failed = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, i) => {
      while (performance.now() < until) {
        const r = await call(i);
        if (r.status === 200) ok++;
        else failed++;
      }
    }),
  );
  if (failed > 0) throw new Error(`${failed} requests failed during the benchmark`);
  return ok / ((performance.now() - start) / 1000);
}

// BFF registration state with a 64-node cluster in the store (PGlite, and PostgreSQL with DATABASE_URL).
await (await import('./bench-cluster.ts')).runClusterBench();
