import { mkdtemp, rm } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getRequestListener } from '@hono/node-server';
import pino from 'pino';
import type { ServerLicensePayload } from '@registration/protocol/license';
import type { ServerBundle } from '@registration/protocol/server-bundle';
import { createLicenseServerApp } from '../../../license-server/src/app.ts';
import { checkBundle } from '../../../license-server/src/bundle.ts';
import type { RateLimits } from '../../../license-server/src/rate-limit.ts';
import { settleSite } from '../../../license-server/src/activation.ts';
import { installationSite } from '../../../license-server/src/site.ts';
import { StateStore } from '../../../license-server/src/store.ts';
import type { ActivationKey } from '../../../vendor/src/issued-record.ts';
import { activateStore, PHONE_PAGE_URL } from '../../../license-server/src/test-harness.ts';
import { createVendorKeys, type VendorKeys } from '../../../vendor/src/keys.ts';
import { issueServerBundle, type ServerLicenseTerms } from '../../../vendor/src/server-bundle.ts';
import type { LoopbackServer } from './servers.ts';

/** A vendor key pair in a temp dir, as the vendor CLI makes it. */
export async function makeVendor(): Promise<VendorKeys> {
  const dir = await mkdtemp(path.join(tmpdir(), 'bff-vendor-'));
  try {
    const { publicJwk, privateJwk } = await createVendorKeys(dir);
    return { publicJwk, privateJwk };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Limits of the demo bundle: everything this loopback node claims is allowed. */
export function demoTerms(now: Date, overrides: Partial<ServerLicenseTerms> = {}): ServerLicenseTerms {
  return {
    company: 'Demo Company',
    product: 'FineReport',
    productVersion: '11.0',
    ipRanges: '127.0.0.1, ::1',
    domains: ['localhost'],
    appNames: ['webroot'],
    port: 8081,
    maxConnections: 10,
    features: ['report', 'dashboard'],
    expiresAt: new Date(now.getTime() + 365 * 86_400_000),
    ...overrides,
  };
}

export interface RunningLicenseServer extends LoopbackServer {
  bundle: ServerBundle;
  /** The license's activation key pair, as the vendor's ledger keeps it. */
  activationKey: ActivationKey;
  license: ServerLicensePayload;
  /** Its state (privateConfig), for tests that check what the server holds. */
  store: StateStore;
}

/**
 * A real license server over real HTTPS on 127.0.0.1:0, in this process: bundle issued by `vendor`,
 * state in a temp dir, the given certificate, and the test's clock.
 */
export async function startLicenseServer(options: {
  vendor: VendorKeys;
  tls: { cert: string; key: string };
  clock: () => Date;
  terms?: Partial<ServerLicenseTerms>;
  /** Activated by a code check unless false (then every register is refused with 30010). */
  activated?: boolean;
  registrationKey?: string;
  rateLimits?: RateLimits;
  /** Listen on this loopback address (default 127.0.0.1). */
  host?: string;
}): Promise<RunningLicenseServer> {
  const { bundle, activationKey } = await issueServerBundle({
    vendor: options.vendor,
    issuedAt: new Date(options.clock().getTime() - 60_000),
    ...demoTerms(options.clock(), options.terms),
  });
  const loaded = await checkBundle(bundle, 'in-memory bundle');
  const dir = await mkdtemp(path.join(tmpdir(), 'bff-ls-'));
  const store = await StateStore.open({ dir, licenseId: loaded.license.licenseId, now: options.clock });
  const site = await installationSite(dir, {});
  await store.update(settleSite(site, options.clock()));
  // Activated through the real code check, as a person with a phone would; activation has its own tests.
  if (options.activated !== false) await activateStore(store, activationKey, options.clock);
  const app = createLicenseServerApp({
    bundle: loaded,
    store,
    clock: options.clock,
    logger: pino({ level: 'silent' }),
    language: 'en',
    phonePageUrl: PHONE_PAGE_URL,
    registrationKey: options.registrationKey === undefined ? null : Buffer.from(options.registrationKey, 'utf8'),
    ...(options.rateLimits ? { rateLimits: options.rateLimits } : {}),
    site,
  });
  const server = https.createServer({ cert: options.tls.cert, key: options.tls.key }, getRequestListener(app.fetch));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `https://${host}:${port}`,
    port,
    bundle,
    activationKey,
    license: loaded.license,
    store,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
/** The console's slot actions, for tests that play the license server's operator. */
export { blockNode, freeSlot } from '../../../license-server/src/console/operator-actions.ts';
