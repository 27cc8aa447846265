import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { HEARTBEAT_INTERVAL_MS, LEASE_TTL_MS } from '@registration/licensing/time';
import { ed25519PublicJwkSchema, type Ed25519PublicJwk } from '@registration/protocol/license';
import type { ProductInfo } from '@registration/protocol/bff-api';
import { nodeIdSchema } from '@registration/protocol/license-server-api';
import type { ProjectIdentity } from '@registration/protocol/project-identity';
import { projectIdentity } from './project-identity.ts';

/** Largest JSON body the BFF accepts (a serverUrl or a 6-digit code is a few bytes). */
export const JSON_BODY_LIMIT_BYTES = 16 * 1024;

/** Everything the BFF needs to know about itself, validated once at start-up. */
export interface BffConfig {
  port: number;
  host: string;
  nodeId: string;
  /** How other nodes / the table show this node (`host:port`). */
  nodeAddress: string;
  dataDir: string;
  databaseUrl: string | null;
  vendorPublicKey: Ed25519PublicJwk;
  authPublicKey: Ed25519PublicJwk;
  /** Extra PEM bundle trusted for the license server's TLS, besides the system CAs. */
  licenseServerCa: string | null;
  product: ProductInfo;
  appName: string;
  domain: string;
  allowedOrigins: string[];
  /** Normal time between lease renewals (default 2 h; each one ±10 % jitter, retries sooner after a failure). */
  heartbeatIntervalMs: number;
  /** What the node reports about its project for the license server's restart rule. */
  project: ProjectIdentity;
  /** Base URL of the vendor phone page the Local Container QR codes point at (default http://127.0.0.1:8090). */
  phonePageUrl?: string;
  /** The project's name, compared with the project a Container.lic certifies (default 'Demo Project'). */
  projectName?: string;
  /** Source address for connections to the license server, on a node with several addresses (default: the OS's choice). */
  licenseClientLocalAddress?: string | null;
  /** How often this node writes its liveness and looks for a changed cluster configuration (default 5 s). */
  livenessIntervalMs?: number;
  /** How long a submit waits for the other live nodes' outcomes (default 2 liveness intervals + 2 s). */
  submitWaitMs?: number;
  /** The project's stable id, when the Container.lic binds one (`vendor issue-container --project-id`). */
  projectId?: string | null;
}

/** A configuration value that cannot be used; `variable` names the env var for the operator. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super(`${variable}: ${detail}`);
    this.name = 'ConfigError';
  }
}

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  NODE_ID: nodeIdSchema.optional(),
  NODE_ADDRESS: z.string().min(1).max(256).optional(),
  DATA_DIR: z.string().min(1).default('.data/bff'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  DEMO_DIR: z.string().min(1).default('.demo'),
  VENDOR_PUBLIC_KEY: z.string().min(1).optional(),
  AUTH_PUBLIC_KEY: z.string().min(1).optional(),
  LICENSE_SERVER_CA: z.string().min(1).optional(),
  PRODUCT_NAME: z.string().min(1).max(64).default('FineReport'),
  PRODUCT_VERSION: z.string().min(1).max(32).default('11.0.18'),
  BUILD_DATE: z.string().min(1).max(32).default('2026-11-01'),
  APP_NAME: z.string().min(1).max(128).default('webroot'),
  REPORT_DOMAIN: z.string().min(1).max(253).default('localhost'),
  // The project's external services, for the license server's restart rule (11.5.11); the config DB
  // defaults to DATABASE_URL, and none at all means the built-in configuration database.
  PROJECT_CONFIG_DB: z.string().min(1).max(1024).optional(),
  PROJECT_STATE_SERVER: z.string().min(1).max(1024).optional(),
  PROJECT_FILE_SERVER: z.string().min(1).max(1024).optional(),
  ALLOWED_ORIGINS: z
    .string()
    .default('http://localhost:5173,http://127.0.0.1:5173')
    .transform((s) => s.split(',').map((o) => o.trim()).filter(Boolean))
    .pipe(z.array(z.url()).min(1)),
  // 10 s at least (demos and tests shorten it; less would only load the server); at most half the
  // 24-hour lease, so that a node with a working server always renews well before its lease runs out.
  PHONE_PAGE_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:8090'),
  PROJECT_NAME: z.string().trim().min(1).max(256).default('Demo Project'),
  PROJECT_ID: z.string().trim().min(1).max(128).optional(),
  // Every node of a cluster must use the same value: a node is stale after 6 missed intervals.
  LICENSE_CLIENT_LOCAL_ADDRESS: z.union([z.ipv4(), z.ipv6()]).optional(),
  LIVENESS_INTERVAL_MS: z.coerce.number().int().min(500).max(60_000).default(5_000),
  HEARTBEAT_INTERVAL_MS: z.coerce.number().int().min(10_000).max(LEASE_TTL_MS / 2).default(HEARTBEAT_INTERVAL_MS),
});

function readJwk(variable: string, file: string): Ed25519PublicJwk {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(variable, `cannot read ${file} (${(e as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ConfigError(variable, `${file} is not JSON`);
  }
  const parsed = ed25519PublicJwkSchema.safeParse(json);
  if (!parsed.success) throw new ConfigError(variable, `${file} is not an Ed25519 public JWK`);
  // Only the public members: a private `d` in the file must not travel further.
  const { kty, crv, x, kid } = parsed.data;
  return kid === undefined ? { kty, crv, x } : { kty, crv, x, kid };
}

function readPem(variable: string, file: string): string {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(variable, `cannot read ${file} (${(e as Error).message})`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new ConfigError(variable, `${file} holds no PEM certificate`);
  return pem;
}

/** Reads and validates the BFF configuration from the environment; throws ConfigError naming the bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): BffConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(String(issue?.path[0] ?? 'environment'), issue?.message ?? 'invalid');
  }
  const e = parsed.data;
  const vendorFile = e.VENDOR_PUBLIC_KEY ?? path.join(e.DEMO_DIR, 'vendor', 'vendor.public.jwk.json');
  const authFile = e.AUTH_PUBLIC_KEY ?? path.join(e.DEMO_DIR, 'platform', 'platform.public.jwk.json');
  return {
    port: e.PORT,
    host: e.HOST,
    nodeId: e.NODE_ID ?? `node-${hostname()}-${e.PORT}`,
    nodeAddress: e.NODE_ADDRESS ?? `${e.HOST}:${e.PORT}`,
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL ?? null,
    vendorPublicKey: readJwk('VENDOR_PUBLIC_KEY', vendorFile),
    authPublicKey: readJwk('AUTH_PUBLIC_KEY', authFile),
    licenseServerCa: e.LICENSE_SERVER_CA ? readPem('LICENSE_SERVER_CA', e.LICENSE_SERVER_CA) : null,
    product: { name: e.PRODUCT_NAME, version: e.PRODUCT_VERSION, buildDate: e.BUILD_DATE },
    appName: e.APP_NAME,
    domain: e.REPORT_DOMAIN,
    allowedOrigins: e.ALLOWED_ORIGINS,
    heartbeatIntervalMs: e.HEARTBEAT_INTERVAL_MS,
    phonePageUrl: e.PHONE_PAGE_URL,
    projectName: e.PROJECT_NAME,
    projectId: e.PROJECT_ID ?? null,
    livenessIntervalMs: e.LIVENESS_INTERVAL_MS,
    licenseClientLocalAddress: e.LICENSE_CLIENT_LOCAL_ADDRESS ?? null,
    project: projectIdentity({
      configDb: e.PROJECT_CONFIG_DB ?? e.DATABASE_URL ?? null,
      stateServer: e.PROJECT_STATE_SERVER ?? null,
      fileServer: e.PROJECT_FILE_SERVER ?? null,
    }),
  };
}
