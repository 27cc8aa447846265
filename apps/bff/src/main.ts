import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { createLicenseClient } from './license-client.ts';
import { createLogger } from './logger.ts';
import { startHeartbeat } from './registration/heartbeat.ts';
import { NODE_LIVENESS_INTERVAL_MS } from './registration/node-record.ts';
import { createRegistrationService } from './registration/service.ts';
import { createPgliteStore } from './store/pglite-store.ts';
import { createPostgresStore } from './store/postgres-store.ts';

// Wiring only: configuration → store → license client → service → HTTP server + heartbeat.
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`bff: invalid configuration: ${e.message}`);
      process.exit(2);
    }
    throw e;
  }
  const logger = createLogger();
  const clock = () => new Date();
  // What this process creates is its user's alone (the embedded store also tightens what it finds).
  process.umask(0o077);
  const store = config.databaseUrl
    ? await createPostgresStore({ connectionString: config.databaseUrl, logger })
    : await createPgliteStore(config.dataDir, {
        onTightened: (count) => logger.warn({ dataDir: config.dataDir, count }, 'DATA_DIR had files or folders other users could read or write; made them 0600/0700'),
      });
  const licenseClient = createLicenseClient({
    vendorKey: config.vendorPublicKey,
    ca: config.licenseServerCa,
    trusted: store,
    clock,
    localAddress: config.licenseClientLocalAddress ?? null,
  });
  const deps = { store, clock, licenseClient, logger, config };
  const service = createRegistrationService(deps);
  await service.boot();
  const app = createApp({ ...deps, service });

  const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, (info: AddressInfo) => {
    const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
    console.log(`bff listening on http://${host}:${info.port}`);
    logger.info(
      { nodeId: config.nodeId, store: config.databaseUrl ? 'postgres' : 'pglite', heartbeatIntervalMs: config.heartbeatIntervalMs },
      'started',
    );
  });
  server.on('error', (err) => {
    console.error(`bff: cannot listen on ${config.host}:${config.port}: ${err.message}`);
    process.exit(1);
  });
  // Renews at once, then about every HEARTBEAT_INTERVAL_MS (jittered), sooner after failures; Math.random jitter.
  const heartbeat = startHeartbeat({
    service,
    intervalMs: config.heartbeatIntervalMs,
    livenessIntervalMs: config.livenessIntervalMs ?? NODE_LIVENESS_INTERVAL_MS,
    logger,
  });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // Stop taking requests, let the ones in flight and a heartbeat finish, then close the store.
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server.close(async () => {
      await heartbeat.stop();
      await store.close();
      process.exit(0);
    });
    if ('closeIdleConnections' in server) server.closeIdleConnections();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error('bff: failed to start:', err);
  process.exit(1);
});
