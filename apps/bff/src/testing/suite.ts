import { afterEach, beforeAll } from 'vitest';
import type { VendorKeys } from '../../../vendor/src/keys.ts';
import type { BffConfig } from '../config.ts';
import { testConfig } from './bff.ts';
import { loopbackCert } from './certs.ts';
import { makeVendor } from './license-server.ts';
import { makePlatform, type Platform } from './tokens.ts';

/**
 * What the BFF test files share: a vendor, a platform token issuer and a loopback certificate made once
 * per file, and clean-ups (servers, stores) run after each test in reverse order.
 */
export function useBffSuite() {
  let vendor: VendorKeys | undefined;
  let platform: Platform | undefined;
  let tls: { cert: string; key: string } | undefined;
  const cleanups: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    [vendor, platform, tls] = await Promise.all([makeVendor(), makePlatform(), loopbackCert()]);
  });
  afterEach(async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn();
  });

  const ready = <T>(v: T | undefined, name: string): T => {
    if (v === undefined) throw new Error(`${name} is made in beforeAll; use it inside a test`);
    return v;
  };
  return {
    get vendor() {
      return ready(vendor, 'vendor');
    },
    get platform() {
      return ready(platform, 'platform');
    },
    get tls() {
      return ready(tls, 'tls');
    },
    /** A node's configuration that trusts the suite's vendor and accepts the suite's platform tokens. */
    config(overrides: Partial<BffConfig> = {}): BffConfig {
      return testConfig({ vendorPublicKey: ready(vendor, 'vendor').publicJwk, authPublicKey: ready(platform, 'platform').publicJwk, ...overrides });
    },
    /** Runs `fn` after the current test. */
    defer(fn: () => Promise<void>) {
      cleanups.push(fn);
    },
  };
}
