import { describe, expect, it } from 'vitest';
import { HEARTBEAT_INTERVAL_MS, LEASE_TTL_MS, leaseExpiry } from './time.ts';

describe('lease timing', () => {
  it('leases live 24 h and heartbeats come every 2 h', () => {
    expect(LEASE_TTL_MS).toBe(86_400_000);
    expect(HEARTBEAT_INTERVAL_MS).toBe(7_200_000);
    expect(LEASE_TTL_MS / HEARTBEAT_INTERVAL_MS).toBe(12);
  });

  it('a lease issued now expires 24 h later', () => {
    expect(leaseExpiry(new Date('2026-06-01T12:00:00.000Z')).toISOString()).toBe('2026-06-02T12:00:00.000Z');
  });
});
