// Test helper: apps/bff/src/main.ts as a real process, for cluster tests (several nodes, one store).
// `node --import <tsx loader> main.ts`, as the license server's process harness does, and not the tsx
// binary (scripts/lib/processes.ts), which runs the program in a grandchild: the pid we SIGKILL to crash
// a node must be the node itself. Every line is kept from the first one, so that what a node logged while
// booting (before its listening line) can be asserted on.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import type { Ed25519PublicJwk } from '@registration/protocol/license';
import type { VendorKeys } from '../../../vendor/src/keys.ts';
import { quoteIdent } from '../store/postgres-store.ts';
import { makeVendor } from './license-server.ts';
import { closedPort } from './servers.ts';
import { makePlatform, type Platform } from './tokens.ts';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const MAIN = path.join(ROOT, 'apps/bff/src/main.ts');
// An absolute URL: a bare `--import tsx` would be resolved from the child's working directory.
const TSX_LOADER = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

/** The origin the harness allows (ALLOWED_ORIGINS) and sends, as the shell's page would. */
export const BFF_TEST_ORIGIN = 'http://localhost:5173';

export interface BffProcessOptions {
  /** NODE_ID; the node's row in the store is keyed by it. */
  nodeId: string;
  /** The host platform's public key (tokens from `makePlatform()` in tokens.ts). */
  authPublicKey: Ed25519PublicJwk;
  /** The vendor's public key that license-server bundles and Container.lic files are checked against. */
  vendorPublicKey: Ed25519PublicJwk;
  /** Shared PostgreSQL store (see `freshPostgresSchema`); without it the node uses its own PGlite in a temp dir. */
  databaseUrl?: string;
  /** HOST to bind (default 127.0.0.1; e.g. 127.0.0.2 to look like another machine). */
  host?: string;
  /** PORT (default: a port that was free a moment ago, so that NODE_ADDRESS is the real one; 0 is allowed). */
  port?: number;
  /** NODE_ADDRESS (default `host:port`). */
  nodeAddress?: string;
  /** Any other variable main.ts reads (HEARTBEAT_INTERVAL_MS, LICENSE_SERVER_CA, PHONE_PAGE_URL, LOG_LEVEL …); wins over the defaults. */
  env?: Record<string, string | undefined>;
  /** How long to wait for the listening line (default 30 s). */
  timeoutMs?: number;
}

/** A running BFF node. */
export interface BffProcess {
  /** `http://host:port` from the listening line. */
  url: string;
  nodeId: string;
  pid: number;
  /** SIGTERM and wait for the exit (SIGKILL after 15 s: main.ts itself gives up after 10 s); the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL (a crash: no deregistration, no store close) and wait for the exit. */
  kill(): Promise<void>;
  /** Resolves with the exit code (null after a signal) once the process has exited. */
  exited: Promise<number | null>;
  /** Everything the process printed so far, stdout and stderr interleaved by line. */
  logs(): string;
}

const alive = new Set<ChildProcess>();

/** Starts main.ts with its own NODE_ID, key files and data dir; resolves once it prints its listening line. */
export async function startBffProcess(options: BffProcessOptions): Promise<BffProcess> {
  // A port we pick can be taken between closing the probe and the node's bind: try a few.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (e) {
      const raced = options.port === undefined && e instanceof Error && /cannot listen on .*EADDRINUSE/.test(e.message);
      if (!raced || attempt === 3) throw e;
    }
  }
}

async function startOnce(options: BffProcessOptions): Promise<BffProcess> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? (await closedPort());
  const dir = await mkdtemp(path.join(tmpdir(), `bff-process-${options.nodeId.replace(/[^\w.-]/g, '_')}-`));
  await Promise.all([
    writeFile(path.join(dir, 'auth.public.jwk.json'), JSON.stringify(options.authPublicKey)),
    writeFile(path.join(dir, 'vendor.public.jwk.json'), JSON.stringify(options.vendorPublicKey)),
  ]);
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    NODE_ID: options.nodeId,
    HOST: host,
    PORT: String(port),
    NODE_ADDRESS: options.nodeAddress ?? `${host}:${port}`,
    DATA_DIR: path.join(dir, 'data'),
    DEMO_DIR: path.join(dir, 'no-demo'), // never the repository's .demo keys
    AUTH_PUBLIC_KEY: path.join(dir, 'auth.public.jwk.json'),
    VENDOR_PUBLIC_KEY: path.join(dir, 'vendor.public.jwk.json'),
    ALLOWED_ORIGINS: BFF_TEST_ORIGIN,
    LOG_LEVEL: 'info',
    NO_COLOR: '1',
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    ...options.env,
  };
  const child = spawn(process.execPath, ['--import', TSX_LOADER, MAIN], { cwd: dir, env: definedOnly(env), stdio: ['ignore', 'pipe', 'pipe'] });
  alive.add(child);
  const lines: string[] = [];
  const exited = new Promise<number | null>((done) =>
    child.once('exit', (code) => {
      alive.delete(child);
      void rm(dir, { recursive: true, force: true }).finally(() => done(code));
    }),
  );
  const timeoutMs = options.timeoutMs ?? 30_000;
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`bff ${options.nodeId}: no listening line within ${timeoutMs} ms\n${lines.join('\n')}`));
    }, timeoutMs);
    const onLine = (line: string) => {
      lines.push(line);
      const m = /^bff listening on (http:\/\/\S+)$/.exec(line);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', onLine);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`bff ${options.nodeId} exited with ${code} before listening\n${lines.join('\n')}`));
    });
  });
  return {
    url,
    nodeId: options.nodeId,
    pid: child.pid!,
    exited,
    logs: () => lines.join('\n'),
    async stop() {
      if (running(child)) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited.finally(() => clearTimeout(killer));
      }
      return exited;
    },
    async kill() {
      if (running(child)) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** SIGKILLs every BFF this helper started that still runs (afterAll). */
export async function killAllBffProcesses(): Promise<void> {
  await Promise.all(
    [...alive].filter(running).map(
      (child) =>
        new Promise<void>((done) => {
          child.once('exit', () => done());
          child.kill('SIGKILL');
        }),
    ),
  );
}

/** The keys a cluster's nodes share: the platform that signs admin tokens and the vendor whose licenses they accept. */
export interface BffKeys {
  platform: Platform;
  vendor: VendorKeys;
  authPublicKey: Ed25519PublicJwk;
  vendorPublicKey: Ed25519PublicJwk;
  /** A fresh administrator's Bearer token (1 h) that every node started with these keys accepts. */
  adminToken(): Promise<string>;
}

/** Makes a platform signer and a vendor key pair for `startBffProcess` (spread it into the options). */
export async function makeBffKeys(): Promise<BffKeys> {
  const [platform, vendor] = await Promise.all([makePlatform(), makeVendor()]);
  return {
    platform,
    vendor,
    authPublicKey: platform.publicJwk,
    vendorPublicKey: vendor.publicJwk,
    adminToken: () => platform.token('admin'),
  };
}

/** An answer of the BFF: status and parsed JSON (null for an empty or non-JSON body, whose text is kept). */
export interface BffAnswer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests parse it with the protocol schema they expect
  body: any;
  text: string;
}

/**
 * Calls a BFF over real HTTP as the module in the shell would: Bearer token, the allowed Origin (the
 * CSRF check wants it on form-like bodies), JSON in and out. Bounded by `timeoutMs` (default 10 s).
 */
export async function callBff(
  bff: { url: string },
  route: string,
  options: { method?: string; token?: string; json?: unknown; body?: BodyInit; origin?: string; timeoutMs?: number } = {},
): Promise<BffAnswer> {
  const headers: Record<string, string> = { origin: options.origin ?? BFF_TEST_ORIGIN };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.json !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(new URL(route, bff.url), {
    method: options.method ?? (options.json !== undefined || options.body !== undefined ? 'POST' : 'GET'),
    headers,
    body: options.json !== undefined ? JSON.stringify(options.json) : options.body,
    signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
  });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  return { status: res.status, body, text };
}

/** An empty PostgreSQL schema of its own, and `url` whose connections work in it (search_path), for N nodes to share. */
export interface PostgresSchema {
  schema: string;
  url: string;
  drop(): Promise<void>;
}

/**
 * Creates a uniquely named schema, as the store's PostgreSQL tests isolate themselves; the URL carries
 * `options=-c search_path=…` because main.ts takes nothing but DATABASE_URL.
 */
export async function freshPostgresSchema(databaseUrl: string, prefix = 'bff_proc'): Promise<PostgresSchema> {
  const schema = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
  } finally {
    await admin.end();
  }
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `-c search_path=${quoteIdent(schema)}`);
  return {
    schema,
    url: url.href,
    async drop() {
      const c = new pg.Client({ connectionString: databaseUrl });
      await c.connect();
      try {
        await c.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
      } finally {
        await c.end();
      }
    },
  };
}

function running(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

function definedOnly(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}
