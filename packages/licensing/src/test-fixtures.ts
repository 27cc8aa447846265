import { createPrivateKey, sign, type JsonWebKey } from 'node:crypto';
import type { JWK } from 'jose';
import type { ContainerLicensePayload } from '@registration/protocol/container-license';
import type { Ed25519PublicJwk, LeasePayload, ServerLicensePayload } from '@registration/protocol/license';

/** Test-only builders: valid documents that each test bends in one way. */
export const NOW = new Date('2026-06-01T12:00:00.000Z');

export function serverLicensePayload(serverKey: Ed25519PublicJwk, overrides: Partial<ServerLicensePayload> = {}): ServerLicensePayload {
  return {
    type: 'license-server',
    licenseId: 'lic-0001',
    company: 'Example Co.',
    product: 'FineReport',
    productVersion: '11.0',
    ipRanges: '127.0.0.1, ::1',
    domains: ['localhost'],
    appNames: ['webroot'],
    port: 8081,
    maxConnections: 10,
    features: ['cluster'],
    issuedAt: '2026-01-01T00:00:00.000Z',
    expiresAt: '2027-01-01T00:00:00.000Z',
    serverKey,
    activationKey: ACTIVATION_KEY_X,
    ...overrides,
  };
}

/** The public activation key the fixture licenses name (its private half is not needed by these tests). */
export const ACTIVATION_KEY_X = 'A'.repeat(43);

/** The node key (`x`) the fixture leases are bound to. */
export const NODE_KEY_X = 'N'.repeat(43);

export function leasePayload(overrides: Partial<LeasePayload> = {}): LeasePayload {
  return {
    type: 'lease',
    leaseId: 'lease-1',
    licenseId: 'lic-0001',
    nodeId: 'node-a',
    nonce: 'n0nce-0123456789abcdef',
    peer: '127.0.0.1',
    issuedAt: NOW.toISOString(),
    expiresAt: new Date(NOW.getTime() + 24 * 3600e3).toISOString(),
    maxConnections: 10,
    inUse: 1,
    nodeKey: NODE_KEY_X,
    ...overrides,
  };
}

const b64 = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** Signs any header with Ed25519 outside jose, to forge documents jose itself would refuse to make. */
export function rawSign(header: Record<string, unknown>, payload: unknown, privateJwk: JWK): string {
  const input = `${b64(JSON.stringify(header))}.${b64(typeof payload === 'string' ? payload : JSON.stringify(payload))}`;
  const key = createPrivateKey({ key: privateJwk as JsonWebKey, format: 'jwk' });
  return `${input}.${b64(sign(null, Buffer.from(input), key))}`;
}

/** A valid Container.lic payload (its activation key: ACTIVATION_KEY_X). */
export function containerLicensePayload(overrides: Partial<ContainerLicensePayload> = {}): ContainerLicensePayload {
  return {
    type: 'container',
    licenseId: 'clic-0001',
    company: 'Example Co.',
    project: 'Demo project',
    appName: 'webroot',
    productVersion: '11.0',
    issuedAt: '2026-01-01T00:00:00.000Z',
    expiresAt: '2027-01-01T00:00:00.000Z',
    maxNodes: 2,
    features: ['cluster'],
    activationKey: ACTIVATION_KEY_X,
    ...overrides,
  };
}
