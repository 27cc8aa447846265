/**
 * How the license server's cost grows with the leases it holds (issue 11 §3): for each size, a fresh
 * server (durable privateConfig, no rate limits) gets `size` nodes registered by 32 keep-alive clients,
 * then those nodes' heartbeats for a few seconds; printed as registers/s, heartbeats/s, heartbeat p50,
 * privateConfig size and the server process's RSS, with the ratio heartbeats(largest) / heartbeats(smallest).
 */
import { execFileSync } from 'node:child_process';
import { readFile, rm, stat } from 'node:fs/promises';
import https from 'node:https';
import path from 'node:path';
import { parsePhonePageUrl } from '@registration/licensing/challenge';
import { vendorCode } from '@registration/licensing/activation-code';
import { decodeDocumentUnverified } from '@registration/licensing/jws';
import { generateNodeKey, loadNodeKey } from '@registration/licensing/node-proof';
import { heartbeatRequest, leaseKeyFromGrant, registerRequest, type HeldLease } from '@registration/licensing/node-requests';
import { leasePayloadSchema } from '@registration/protocol/license';
import { NODE_PROOF_HEADER } from '@registration/protocol/license-server-api';
import { createVendorKeys } from '@registration/vendor/keys';
import { writeServerBundle } from '@registration/vendor/bundle-file';
import { issueServerBundle } from '@registration/vendor/server-bundle';
import { demoTerms } from '../lib/demo.ts';
import { post } from './https-post.ts';
import { ROOT, startProcess } from '../lib/processes.ts';

export interface LeaseScaleOptions {
  dir: string;
  sizes: number[];
  concurrency: number;
  seconds: number;
}

interface Row {
  leases: number;
  registersPerSecond: number;
  registerSeconds: number;
  heartbeatsPerSecond: number;
  p50Ms: number;
  privateConfigBytes: number;
  rssMb: number;
  /** The same process right after start and activation, before any lease. */
  idleRssMb: number;
}

const node = (i: number) => ({ nodeId: `scale-node-${i}`, productVersion: '11.0.18', appName: 'webroot', domain: 'localhost' });


/** Resident memory of a process in MB, from /proc (Linux). */
async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(status.match(/^VmRSS:\s+(\d+)/m)?.[1] ?? NaN);
  return kb / 1024;
}

const SERVER_DIR = path.join(ROOT, 'apps/license-server');
/** Where the bench builds the server as its container image runs it (inside the app, so its node_modules resolve). */
const BUILT = path.join(SERVER_DIR, '.bench-dist');

/** The flags the image gives node before its script (its Dockerfile's ENTRYPOINT), so the bench runs the server as the image does. */
async function imageNodeFlags(): Promise<string[]> {
  const dockerfile = await readFile(path.join(SERVER_DIR, 'Dockerfile'), 'utf8');
  const entrypoint = dockerfile.match(/^ENTRYPOINT (\[.*\])$/m)?.[1];
  if (entrypoint === undefined) throw new Error('lease-scale bench: no ENTRYPOINT in apps/license-server/Dockerfile');
  const [, ...args] = JSON.parse(entrypoint) as string[];
  return args.slice(0, args.indexOf('--import'));
}

/** Builds the license server the way its Dockerfile does: one ESM file plus the Reflect preload. */
function buildServer(): void {
  const vite = path.join(ROOT, 'node_modules/.bin/vite');
  for (const [entry, out] of [['src/main.ts', BUILT], ['src/reflect-metadata.ts', path.join(BUILT, 'preload')]] as const) {
    execFileSync(vite, ['build', '--ssr', entry, '--outDir', out, '--emptyOutDir', '--logLevel', 'error'], { cwd: SERVER_DIR, stdio: ['ignore', 'pipe', 'inherit'] });
  }
}

async function measureSize(options: LeaseScaleOptions, size: number): Promise<Row> {
  const dir = path.join(options.dir, `scale-${size}`);
  await rm(dir, { recursive: true, force: true });
  const vendor = await createVendorKeys(path.join(dir, 'vendor'));
  const bundleFile = path.join(dir, 'bundle.json');
  const { bundle, activationKey } = await issueServerBundle({ vendor, ...demoTerms(8081), maxConnections: size + 100 });
  await writeServerBundle(bundleFile, bundle);
  const tlsDir = path.join(dir, 'tls');
  const configDir = path.join(dir, 'config');
  // The built server in one plain node process (as in its image: no TypeScript loader), so its RSS is the server's.
  const ls = await startProcess({
    name: `license-server-${size}`,
    command: process.execPath,
    args: [...(await imageNodeFlags()), '--import', path.join(BUILT, 'preload/reflect-metadata.js'), path.join(BUILT, 'main.js'), '--port', '0', '--bundle', bundleFile,
      '--config', configDir, '--tls', tlsDir, '--log', path.join(dir, 'log'), '--language', 'en',
      '--rate-limit-register', '0', '--rate-limit-heartbeat', '0', '--rate-limit-activation', '0',
      '--max-connections-per-address', '1000'],
    ready: /license-server listening on/,
    echo: !!process.env.LS_MEMLOG,
  });
  const agent = new https.Agent({ ca: await readFile(path.join(tlsDir, 'cert.pem')), keepAlive: true, maxSockets: options.concurrency });
  try {
    const url = ls.readyLine.match(/https:\/\/\S+/)![0];
    const offered = await post(agent, `${url}/license/challenge`, {});
    const scanned = parsePhonePageUrl((JSON.parse(offered.body) as { challenge: { url: string } }).challenge.url);
    const activated = await post(agent, `${url}/license/activate`, { challengeId: scanned.challengeId, code: vendorCode(activationKey, scanned) });
    if (activated.status !== 200) throw new Error(`activation failed: ${activated.status} ${activated.body}`);

    const idleRssMb = await rssMb(ls.child.pid!);

    // Registers: client c registers nodes c, c + concurrency, … (each with a key of its own, as a BFF does).
    const held: HeldLease[] = new Array<HeldLease>(size);
    const keys = Array.from({ length: size }, () => loadNodeKey(generateNodeKey()));
    const registerStart = performance.now();
    await Promise.all(
      Array.from({ length: options.concurrency }, async (_, c) => {
        for (let i = c; i < size; i += options.concurrency) {
          const request = registerRequest({ node: node(i), key: keys[i]!, time: new Date() });
          const res = await post(agent, `${url}/api/v1/register`, request.body, { [NODE_PROOF_HEADER]: request.proof });
          if (res.status !== 200) throw new Error(`register ${i} failed: ${res.status} ${res.body}`);
          const lease = leasePayloadSchema.parse(decodeDocumentUnverified((JSON.parse(res.body) as { lease: string }).lease).payload);
          held[i] = { leaseId: lease.leaseId, leaseKey: leaseKeyFromGrant(request.exchange, lease, keys[i]!.x) };
        }
      }),
    );
    const registerSeconds = (performance.now() - registerStart) / 1000;

    // Heartbeats: client c renews its own nodes in turn (never two requests of one lease at once).
    const latencies: number[] = [];
    let ok = 0;
    const until = performance.now() + options.seconds * 1000;
    const beatStart = performance.now();
    await Promise.all(
      Array.from({ length: options.concurrency }, async (_, c) => {
        for (let i = c; performance.now() < until; i = i + options.concurrency < size ? i + options.concurrency : c) {
          const request = heartbeatRequest({ node: node(i), lease: held[i]!, time: new Date() });
          const t0 = performance.now();
          const res = await post(agent, `${url}/api/v1/heartbeat`, request.body, { [NODE_PROOF_HEADER]: request.proof });
          latencies.push(performance.now() - t0);
          if (res.status !== 200) throw new Error(`heartbeat ${i} failed: ${res.status} ${res.body}`);
          ok += 1;
        }
      }),
    );
    const heartbeatsPerSecond = ok / ((performance.now() - beatStart) / 1000);
    latencies.sort((a, b) => a - b);
    const rss = await rssMb(ls.child.pid!);
    await ls.stop();
    const privateConfigBytes = (await stat(path.join(configDir, 'privateConfig'))).size;
    return {
      leases: size,
      registersPerSecond: size / registerSeconds,
      registerSeconds,
      heartbeatsPerSecond,
      p50Ms: latencies[Math.floor(latencies.length / 2)] ?? NaN,
      privateConfigBytes,
      rssMb: rss,
      idleRssMb,
    };
  } finally {
    agent.destroy();
    await ls.stop();
  }
}

const kb = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.round(bytes / 1024)} KB`);

/** Runs every size in turn and prints the table with the goals of issue 11. */
export async function runLeaseScaleBench(options: LeaseScaleOptions): Promise<Row[]> {
  buildServer();
  const rows: Row[] = [];
  try {
    for (const size of options.sizes) rows.push(await measureSize(options, size));
  } finally {
    await rm(BUILT, { recursive: true, force: true });
  }
  console.log(`\nLicense server as its leases grow (one process, ${options.concurrency} keep-alive clients over HTTPS, privateConfig durable)`);
  console.log('  | leases held | registers/s | heartbeats/s | heartbeat p50 | privateConfig | server RSS (idle) |');
  console.log('  |---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `  | ${r.leases.toLocaleString('en')} | ${r.registersPerSecond.toFixed(0)} | ${r.heartbeatsPerSecond.toFixed(0)} | ${r.p50Ms.toFixed(1)} ms | ${kb(r.privateConfigBytes)} | ${r.rssMb.toFixed(0)} MB (${r.idleRssMb.toFixed(0)} MB) |`,
    );
  }
  const first = rows[0]!;
  const last = rows[rows.length - 1]!;
  console.log(`  heartbeats/s with ${last.leases.toLocaleString('en')} / with ${first.leases.toLocaleString('en')} leases   ${(last.heartbeatsPerSecond / first.heartbeatsPerSecond).toFixed(2)}×   (goal ≥ 0.80×)`);
  console.log(`  registering ${last.leases.toLocaleString('en')} new nodes                ${last.registerSeconds.toFixed(1)} s   (goal ≤ 15 s)`);
  console.log(`  server RSS with ${last.leases.toLocaleString('en')} leases             ${last.rssMb.toFixed(0)} MB   (goal ≤ 150 MB)`);
  return rows;
}

// `pnpm bench:leases` runs this part alone (BENCH_LEASE_SIZES, BENCH_SECONDS, BENCH_CONCURRENCY as for `pnpm bench`).
if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const { mkdtemp } = await import('node:fs/promises');
  const os = await import('node:os');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'frr-bench-leases-'));
  try {
    await runLeaseScaleBench({
      dir,
      sizes: (process.env.BENCH_LEASE_SIZES ?? '100,1000,5000,10000').split(',').map(Number),
      concurrency: Number(process.env.BENCH_CONCURRENCY ?? 32),
      seconds: Number(process.env.BENCH_SECONDS ?? 4),
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
