import { describe, expect, it } from 'vitest';
import { LEASE_TTL_MS } from '@registration/licensing/time';
import { initialLockState } from '@registration/licensing/lockout';
import { checkBundle } from './bundle.ts';
import { macNodeRequest, parseProofHeader } from '@registration/licensing/node-proof';
import { liveLeases, requestSlot, type SlotContext, type SlotRequest } from './lease-book.ts';
import { LeaseTable } from './lease-table.ts';
import type { LeaseRecord, PrivateConfig } from './store.ts';
import { createFixture, T0 } from './test-harness.ts';

const BOOT = 'boot-1';

const LEASE_KEY = Buffer.alloc(32, 9);

/** A heartbeat proven with LEASE_KEY, made at `time` by the node's clock. */
function heartbeat(nodeId: string, leaseId: string, time = T0): SlotRequest {
  const facts = { nodeId, productVersion: '11.0.18', appName: 'webroot', domain: 'localhost', time: time.toISOString(), nonce: 'n'.repeat(22) };
  const body = JSON.stringify({ ...facts, leaseId });
  return { ...facts, kind: 'heartbeat', leaseId, body, proof: parseProofHeader(macNodeRequest(LEASE_KEY, 'heartbeat', body))?.proof ?? Buffer.alloc(0) };
}

function lease(leaseId: string, expiresAt: string, bootId = BOOT): LeaseRecord {
  return {
    leaseId,
    peer: '127.0.0.1',
    registeredAt: T0.toISOString(),
    renewedAt: T0.toISOString(),
    expiresAt,
    productVersion: '11.0.18',
    bootId,
    nodeKey: 'K'.repeat(43),
    leaseKey: LEASE_KEY.toString('base64url'),
  };
}

function stateWith(leases: Record<string, LeaseRecord>): PrivateConfig {
  return {
    version: 1,
    licenseId: 'lic',
    createdAt: T0.toISOString(),
    activatedAt: T0.toISOString(),
    destroyedAt: null,
    leases: LeaseTable.fromRecord(leases),
    instanceId: 'instance-1',
    activation: { lock: { ...initialLockState }, challenge: null, rescanRequired: {} },
    operator: { freed: {}, blockedNodes: {}, blockedKeys: {} },
  };
}

const later = (ms: number) => new Date(T0.getTime() + ms).toISOString();

describe('liveLeases', () => {
  it('is the state’s own leases when none has expired, and a copy without the expired ones otherwise', () => {
    const state = stateWith({ a: lease('la', later(1000)), b: lease('lb', later(2000)) });
    expect(liveLeases(state, T0)).toBe(state.leases);
    // Asked again at a later time the cached expiries still decide by `now`: a expires at +1000 exactly.
    const at1000 = liveLeases(state, new Date(T0.getTime() + 1000));
    expect(at1000).not.toBe(state.leases);
    expect(at1000.toRecord()).toEqual({ b: state.leases.get('b') });
    expect(state.leases.has('a')).toBe(true);
    expect(liveLeases(state, new Date(T0.getTime() + 2000)).size).toBe(0);
  });

  it('counts a lease whose expiry cannot be read as expired (an offset form is read correctly)', () => {
    const state = stateWith({ bad: lease('x', 'not a date'), offset: lease('y', '2026-06-01T08:00:01+08:00') });
    expect(liveLeases(state, T0).toRecord()).toEqual({ offset: state.leases.get('offset') });
    expect(liveLeases(state, new Date(T0.getTime() + 1000)).size).toBe(0);
  });
});

describe('liveLeases after renewals (what is known of a lease map’s expiries)', () => {
  it('never keeps a lease past its expiry, whichever lease was renewed', async () => {
    const fx = await createFixture();
    const license = (await checkBundle(await fx.bundle({ maxConnections: 3 }), 'test bundle')).license;
    await fx.cleanup();
    const ctx: SlotContext = { bootId: BOOT, activationUrl: 'https://127.0.0.1:1/license/qrcode' };
    const at = (ms: number) => new Date(T0.getTime() + ms);
    const renew = (state: PrivateConfig, nodeId: string, ms: number) => {
      const held = state.leases.get(nodeId) as LeaseRecord;
      const outcome = requestSlot(license, heartbeat(nodeId, held.leaseId, at(ms)), '127.0.0.1', () => at(ms), ctx)(state);
      if (!outcome.next) throw new Error('expected a renewal');
      return outcome.next;
    };
    const start = stateWith({ a: lease('la', later(5000)), b: lease('lb', later(10000)) });
    expect(liveLeases(start, T0)).toBe(start.leases);

    // b renewed: a still expires at +5000.
    const s1 = renew(start, 'b', 1000);
    expect(liveLeases(s1, at(4999))).toBe(s1.leases);
    expect(liveLeases(s1, at(5000)).ids()).toEqual(['b']);

    // a (the earliest) renewed instead: b now expires first, at +10000.
    const s2 = renew(start, 'a', 1000);
    expect(liveLeases(s2, at(6000))).toBe(s2.leases);
    expect(liveLeases(s2, at(9999))).toBe(s2.leases);
    expect(liveLeases(s2, at(10000)).ids()).toEqual(['a']);
    // Both renewed: nothing expires until a day after the later renewal's predecessor.
    const s3 = renew(renew(start, 'a', 1000), 'b', 2000);
    expect(liveLeases(s3, at(LEASE_TTL_MS + 999))).toBe(s3.leases);
    expect(liveLeases(s3, at(LEASE_TTL_MS + 1000)).ids()).toEqual(['b']);
    expect(liveLeases(s3, at(LEASE_TTL_MS + 2000)).size).toBe(0);
  });
});

describe('requestSlot', () => {
  async function setup() {
    const fx = await createFixture();
    try {
      return (await checkBundle(await fx.bundle({ maxConnections: 3 }), 'test bundle')).license;
    } finally {
      await fx.cleanup();
    }
  }

  function context(): { ctx: SlotContext; reads: () => number } {
    let reads = 0;
    return {
      ctx: {
        bootId: BOOT,
        get activationUrl() {
          reads += 1;
          return 'https://127.0.0.1:1/license/qrcode';
        },
      },
      reads: () => reads,
    };
  }

  // A register (its signature is checked by the route) or a heartbeat proven with LEASE_KEY.
  const node = (nodeId: string, leaseId?: string): SlotRequest =>
    leaseId === undefined
      ? { nodeId, productVersion: '11.0.18', appName: 'webroot', domain: 'localhost', time: T0.toISOString(), nonce: 'n'.repeat(22), kind: 'register', nodeKey: 'K'.repeat(43), leaseKey: LEASE_KEY.toString('base64url') }
      : heartbeat(nodeId, leaseId);

  it('a pure renewal is write-behind and counts the slots; with an expired lease dropped it waits for the disk', async () => {
    const license = await setup();
    const { ctx, reads } = context();
    const clock = () => T0;
    const fresh = stateWith({ a: lease('la', later(5000)), b: lease('lb', later(5000)) });
    const renewal = requestSlot(license, node('a', 'la'), '127.0.0.1', clock, ctx)(fresh);
    expect(renewal.writeBehind).toBe(true);
    expect(renewal.result).toMatchObject({ ok: true, inUse: 2, renewed: true, lease: { leaseId: 'la', expiresAt: later(LEASE_TTL_MS) } });
    expect(renewal.next?.leases.get('b')).toBe(fresh.leases.get('b'));
    expect(fresh.leases.get('a')?.expiresAt).toBe(later(5000));

    const withExpired = stateWith({ a: lease('la', later(5000)), gone: lease('lg', later(0)) });
    const cleaning = requestSlot(license, node('a', 'la'), '127.0.0.1', clock, ctx)(withExpired);
    expect(cleaning.writeBehind).toBe(false);
    expect(cleaning.result).toMatchObject({ ok: true, inUse: 1, renewed: true });
    expect(cleaning.next?.leases.ids()).toEqual(['a']);

    const newcomer = requestSlot(license, node('c'), '127.0.0.1', clock, ctx)(fresh);
    expect(newcomer.writeBehind).toBe(false);
    expect(newcomer.result).toMatchObject({ ok: true, inUse: 3, renewed: false });
    // Granting never needed the activation URL.
    expect(reads()).toBe(0);
  });

  it('names the activation URL in refusals that carry it', async () => {
    const license = await setup();
    const { ctx, reads } = context();
    const outcome = requestSlot(license, node('a'), '127.0.0.1', () => T0, ctx)({ ...stateWith({}), activatedAt: null });
    expect(outcome.result).toEqual({
      ok: false,
      reasons: [{ code: 30010, name: 'SERVER_NOT_ACTIVATED', params: { activationUrl: 'https://127.0.0.1:1/license/qrcode' } }],
    });
    expect(reads()).toBe(1);
  });
});
