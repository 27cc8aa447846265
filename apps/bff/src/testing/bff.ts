import pino, { type Logger } from 'pino';
import { createApp } from '../app.ts';
import type { BffConfig } from '../config.ts';
import { createLicenseClient } from '../license-client.ts';
import { createRegistrationService, type RegistrationService } from '../registration/service.ts';
import { createPgliteStore } from '../store/pglite-store.ts';
import type { RegistrationStore } from '../store/types.ts';
import type { Ed25519PublicJwk } from '@registration/protocol/license';

/** A settable clock for tests: time moves only when the test says so. */
export interface TestClock {
  (): Date;
  set(d: Date): void;
  advance(ms: number): void;
}

export function testClock(start = new Date('2026-11-02T08:00:00.000Z')): TestClock {
  let now = start.getTime();
  const clock = (() => new Date(now)) as TestClock;
  clock.set = (d) => {
    now = d.getTime();
  };
  clock.advance = (ms) => {
    now += ms;
  };
  return clock;
}

export function testConfig(overrides: Partial<BffConfig> & { vendorPublicKey: Ed25519PublicJwk; authPublicKey: Ed25519PublicJwk }): BffConfig {
  return {
    port: 8080,
    host: '127.0.0.1',
    nodeId: 'node-a',
    nodeAddress: '127.0.0.1:8080',
    dataDir: 'memory://',
    databaseUrl: null,
    licenseServerCa: null,
    product: { name: 'FineReport', version: '11.0.18', buildDate: '2026-11-01' },
    appName: 'webroot',
    domain: 'localhost',
    project: { kind: 'standalone-builtin-db' },
    allowedOrigins: ['http://localhost:5173'],
    heartbeatIntervalMs: 7_200_000,
    // In-process nodes do not poll; a submit does not wait for the outcome of nodes that never will.
    submitWaitMs: 0,
    ...overrides,
  };
}

export interface TestBff {
  app: ReturnType<typeof createApp>;
  service: RegistrationService;
  store: RegistrationStore;
  config: BffConfig;
  close(): Promise<void>;
}

/** A whole BFF node over a fresh in-memory PGlite, talking real HTTPS to whatever URL the test gives it. */
export async function startBff(options: {
  config: BffConfig;
  clock: () => Date;
  store?: RegistrationStore;
  /** The shared store's clock (default: the test clock itself, so that nodes on one clock show no skew). */
  storeClock?: () => Date;
  connectTimeoutMs?: number;
  totalTimeoutMs?: number;
  /** Where the node logs (default: nowhere). */
  logger?: Logger;
}): Promise<TestBff> {
  const store = options.store ?? (await createPgliteStore('memory://'));
  const licenseClient = createLicenseClient({
    vendorKey: options.config.vendorPublicKey,
    ca: options.config.licenseServerCa,
    trusted: store,
    clock: options.clock,
    ...(options.connectTimeoutMs ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
    ...(options.totalTimeoutMs ? { totalTimeoutMs: options.totalTimeoutMs } : {}),
  });
  const storeClock = options.storeClock ?? options.clock;
  const deps = {
    store,
    clock: options.clock,
    storeClock: () => Promise.resolve(storeClock()),
    licenseClient,
    logger: options.logger ?? pino({ level: 'silent' }),
    config: options.config,
  };
  const service = createRegistrationService(deps);
  await service.boot(); // as main.ts does before the first request
  const app = createApp({ ...deps, service });
  return { app, service, store, config: options.config, close: () => store.close() };
}
