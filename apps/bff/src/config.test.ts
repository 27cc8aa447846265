import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateEd25519KeyPair } from '@registration/licensing/jws';
import { ConfigError, loadConfig } from './config.ts';

let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'bff-config-'));
  const vendor = await generateEd25519KeyPair();
  const platform = await generateEd25519KeyPair();
  // The platform file holds the private half too: only the public members may be kept.
  await writeFile(path.join(dir, 'vendor.json'), JSON.stringify(vendor.publicJwk));
  await writeFile(path.join(dir, 'platform.json'), JSON.stringify(platform.privateJwk));
  await writeFile(path.join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  await writeFile(path.join(dir, 'not-json'), 'hello');
  env = { VENDOR_PUBLIC_KEY: path.join(dir, 'vendor.json'), AUTH_PUBLIC_KEY: path.join(dir, 'platform.json') };
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function failureOf(overrides: Record<string, string>): ConfigError {
  try {
    loadConfig({ ...env, ...overrides });
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('has a working default for everything but the key files', () => {
    const c = loadConfig(env);
    expect(c).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      nodeId: `node-${hostname()}-8080`,
      nodeAddress: '127.0.0.1:8080',
      dataDir: '.data/bff',
      databaseUrl: null,
      licenseServerCa: null,
      product: { name: 'FineReport', version: '11.0.18', buildDate: '2026-11-01' },
      appName: 'webroot',
      domain: 'localhost',
      allowedOrigins: ['http://localhost:5173', 'http://127.0.0.1:5173'],
      heartbeatIntervalMs: 7_200_000,
    });
    expect(c.authPublicKey).not.toHaveProperty('d');
  });

  it('takes every variable', () => {
    const c = loadConfig({
      ...env,
      PORT: '9000',
      HOST: '0.0.0.0',
      NODE_ID: 'n1',
      NODE_ADDRESS: '10.0.0.5:9000',
      DATABASE_URL: 'postgres://u@db:5432/x',
      LICENSE_SERVER_CA: path.join(dir, 'ca.pem'),
      ALLOWED_ORIGINS: 'https://console.example.com, https://b.example.com',
      HEARTBEAT_INTERVAL_MS: '60000',
    });
    expect(c).toMatchObject({
      port: 9000,
      nodeId: 'n1',
      nodeAddress: '10.0.0.5:9000',
      databaseUrl: 'postgres://u@db:5432/x',
      allowedOrigins: ['https://console.example.com', 'https://b.example.com'],
      heartbeatIntervalMs: 60_000,
    });
    expect(c.licenseServerCa).toContain('BEGIN CERTIFICATE');
  });

  it('takes a heartbeat interval from 10 s (demos, tests) up to 12 h (half the 24-hour lease)', () => {
    expect(loadConfig({ ...env, HEARTBEAT_INTERVAL_MS: '10000' }).heartbeatIntervalMs).toBe(10_000);
    expect(loadConfig({ ...env, HEARTBEAT_INTERVAL_MS: '43200000' }).heartbeatIntervalMs).toBe(43_200_000);
    // 24 h would let a node with a working server lapse between two beats.
    expect(failureOf({ HEARTBEAT_INTERVAL_MS: '86400000' }).message).toMatch(/^HEARTBEAT_INTERVAL_MS: /);
  });

  it('names the variable that is wrong', () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ PORT: 'eighty' }, 'PORT'],
      [{ PORT: '70000' }, 'PORT'],
      [{ HEARTBEAT_INTERVAL_MS: '10' }, 'HEARTBEAT_INTERVAL_MS'],
      [{ HEARTBEAT_INTERVAL_MS: '9999' }, 'HEARTBEAT_INTERVAL_MS'],
      [{ HEARTBEAT_INTERVAL_MS: '43200001' }, 'HEARTBEAT_INTERVAL_MS'],
      [{ ALLOWED_ORIGINS: 'not a url' }, 'ALLOWED_ORIGINS'],
      [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
      [{ VENDOR_PUBLIC_KEY: path.join(dir, 'missing.json') }, 'VENDOR_PUBLIC_KEY'],
      [{ AUTH_PUBLIC_KEY: path.join(dir, 'not-json') }, 'AUTH_PUBLIC_KEY'],
      [{ LICENSE_SERVER_CA: path.join(dir, 'vendor.json') }, 'LICENSE_SERVER_CA'],
      [{ NODE_ID: '__proto__' }, 'NODE_ID'], // the license server would refuse it (10001)
    ];
    for (const [overrides, variable] of cases) {
      const err = failureOf(overrides);
      expect(err.variable, JSON.stringify(overrides)).toBe(variable);
      expect(err.message.startsWith(`${variable}:`)).toBe(true);
    }
  });
});
