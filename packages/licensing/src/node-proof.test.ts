import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  createExchangeKey,
  deriveLeaseKey,
  generateNodeKey,
  loadNodeKey,
  macNodeRequest,
  parseProofHeader,
  signNodeRequest,
  verifyLeaseMac,
  verifyNodeSignature,
  x25519Shared,
} from './node-proof.ts';
import { deregisterRequest, heartbeatRequest, leaseKeyFromGrant, registerRequest } from './node-requests.ts';

const node = { nodeId: 'node-1', productVersion: '11.0.18', appName: 'webroot', domain: 'localhost' };
const T = new Date('2026-12-01T00:00:00.000Z');

describe('node proofs', () => {
  it('a register is signed with the node key it names, over the exact body and operation', () => {
    const key = loadNodeKey(generateNodeKey());
    const request = registerRequest({ node, key, time: T });
    const body = JSON.parse(request.body);
    expect(body).toMatchObject({ ...node, nodeKey: key.x, time: T.toISOString(), nonce: request.nonce });
    const proof = parseProofHeader(request.proof);
    expect(proof?.scheme).toBe('ed25519');
    expect(verifyNodeSignature(key.x, 'register', request.body, proof?.proof ?? Buffer.alloc(0))).toBe(true);
    // Another key, another operation, another byte of the body: refused.
    expect(verifyNodeSignature(loadNodeKey(generateNodeKey()).x, 'register', request.body, proof?.proof ?? Buffer.alloc(0))).toBe(false);
    expect(verifyNodeSignature(key.x, 'deregister', request.body, proof?.proof ?? Buffer.alloc(0))).toBe(false);
    expect(verifyNodeSignature(key.x, 'register', request.body.replace('node-1', 'node-2'), proof?.proof ?? Buffer.alloc(0))).toBe(false);
  });

  it('both sides derive the same lease key; another node id, key or nonce gives another', () => {
    const nodeExchange = createExchangeKey();
    const serverExchange = createExchangeKey();
    const context = { nodeId: 'node-1', nodeKey: 'K'.repeat(43), nonce: 'n'.repeat(22) };
    const onServer = deriveLeaseKey(serverExchange.privateKey, nodeExchange.publicX, context);
    const onNode = deriveLeaseKey(nodeExchange.privateKey, serverExchange.publicX, context);
    expect(onNode.equals(onServer)).toBe(true);
    expect(onNode).toHaveLength(32);
    for (const other of [{ nodeId: 'node-2' }, { nodeKey: 'L'.repeat(43) }, { nonce: 'm'.repeat(22) }]) {
      expect(deriveLeaseKey(nodeExchange.privateKey, serverExchange.publicX, { ...context, ...other }).equals(onServer)).toBe(false);
    }
    const fromGrant = leaseKeyFromGrant(nodeExchange.privateKey, { exchangeKey: serverExchange.publicX, nodeId: 'node-1', nonce: context.nonce }, context.nodeKey);
    expect(fromGrant.equals(onServer)).toBe(true);
  });

  it('refuses an exchange key that is not a point, or a low-order one (an all-zero secret)', () => {
    const { privateKey } = createExchangeKey();
    expect(() => x25519Shared(privateKey, 'not-a-key')).toThrow(TypeError);
    // The all-zero u-coordinate is a low-order point: every private key agrees on the zero secret with it.
    expect(() => x25519Shared(privateKey, Buffer.alloc(32).toString('base64url'))).toThrow(TypeError);
  });

  it('heartbeats and deregistrations are MACed with the lease key; a deregister can instead be signed with the node key', () => {
    const leaseKey = Buffer.alloc(32, 5);
    const hb = heartbeatRequest({ node, lease: { leaseId: 'l-1', leaseKey }, time: T });
    const proof = parseProofHeader(hb.proof);
    expect(proof?.scheme).toBe('hmac-sha256');
    expect(verifyLeaseMac(leaseKey, 'heartbeat', hb.body, proof?.proof ?? Buffer.alloc(0))).toBe(true);
    expect(verifyLeaseMac(Buffer.alloc(32, 6), 'heartbeat', hb.body, proof?.proof ?? Buffer.alloc(0))).toBe(false);
    expect(verifyLeaseMac(leaseKey, 'deregister', hb.body, proof?.proof ?? Buffer.alloc(0))).toBe(false);

    const key = loadNodeKey(generateNodeKey());
    const byKey = deregisterRequest({ nodeId: 'node-1', time: T, by: { key } });
    expect(JSON.parse(byKey.body)).not.toHaveProperty('leaseId');
    const signed = parseProofHeader(byKey.proof);
    expect(signed?.scheme).toBe('ed25519');
    expect(verifyNodeSignature(key.x, 'deregister', byKey.body, signed?.proof ?? Buffer.alloc(0))).toBe(true);
  });

  it('parses only well-formed proof headers, whatever else arrives', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const parsed = parseProofHeader(text);
        if (parsed !== null) expect(['ed25519', 'hmac-sha256']).toContain(parsed.scheme);
      }),
    );
    expect(parseProofHeader(undefined)).toBeNull();
    expect(parseProofHeader('ed25519')).toBeNull();
    expect(parseProofHeader(`rsa ${'A'.repeat(86)}`)).toBeNull();
    expect(parseProofHeader(macNodeRequest(Buffer.alloc(32), 'heartbeat', '{}'))?.proof).toHaveLength(32);
    expect(parseProofHeader(signNodeRequest(loadNodeKey(generateNodeKey()).privateKey, 'register', '{}'))?.proof).toHaveLength(64);
  });

  it('a stored node key whose halves do not belong together is refused', () => {
    const a = generateNodeKey();
    const b = generateNodeKey();
    expect(() => loadNodeKey({ ...a, x: b.x })).toThrow(/do not match/);
  });
});
