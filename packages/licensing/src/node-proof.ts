import {
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  sign,
  timingSafeEqual,
  verify,
  type KeyObject,
} from 'node:crypto';

/**
 * Node identity on the license server's wire (DESIGN.md §8): every report-server node has an Ed25519 key
 * pair, and the lease it is granted is bound to the public half.
 *
 * - register: the body is signed with the node key (`ed25519 <sig>`), so only the key's holder can take
 *   or replace the lease of a node id. It also carries a fresh X25519 key; the server answers with its own
 *   in the signed lease, and both sides derive the same 32-byte *lease key* (HKDF over X25519).
 * - heartbeat / deregister: the body is MACed with the lease key (`hmac-sha256 <mac>`): a few µs for the
 *   server instead of an Ed25519 verify per renewal, and a relay that sees the traffic cannot derive it.
 *
 * The proof covers the operation and the exact body bytes, which carry the node id, lease id, a fresh
 * nonce and the node's clock, so a proof cannot be moved to another request or operation.
 */

/** What a proof authorises; part of the proven message so a proof for one cannot serve another. */
export type NodeOperation = 'register' | 'heartbeat' | 'deregister';
export type ProofScheme = 'ed25519' | 'hmac-sha256';

const LEASE_KEY_BYTES = 32;
const B64URL_43 = /^[A-Za-z0-9_-]{43}$/;

function message(op: NodeOperation, body: string): Buffer {
  return Buffer.from(`fr-node-proof/1\n${op}\n${body}`, 'utf8');
}

/** The header value for a body signed with the node key. */
export function signNodeRequest(nodeKey: KeyObject, op: NodeOperation, body: string): string {
  return `ed25519 ${sign(null, message(op, body), nodeKey).toString('base64url')}`;
}

/** The header value for a body MACed with the lease key. */
export function macNodeRequest(leaseKey: Uint8Array, op: NodeOperation, body: string): string {
  return `hmac-sha256 ${createHmac('sha256', leaseKey).update(message(op, body)).digest('base64url')}`;
}

/** A proof header split into its scheme and bytes; null when absent or malformed. */
export function parseProofHeader(value: string | undefined | null): { scheme: ProofScheme; proof: Buffer } | null {
  if (typeof value !== 'string' || value.length > 200) return null;
  const match = /^(ed25519|hmac-sha256) ([A-Za-z0-9_-]{43,86})$/.exec(value.trim());
  if (!match) return null;
  return { scheme: match[1] as ProofScheme, proof: Buffer.from(match[2] as string, 'base64url') };
}

/** An Ed25519 public key from its JWK `x`; null if it is not one. */
export function ed25519PublicKey(x: string): KeyObject | null {
  if (!B64URL_43.test(x)) return null;
  try {
    return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
  } catch {
    return null;
  }
}

/** Whether `proof` is the node key `x`'s signature of this operation and body. */
export function verifyNodeSignature(x: string, op: NodeOperation, body: string, proof: Uint8Array): boolean {
  const key = ed25519PublicKey(x);
  if (key === null || proof.length !== 64) return false;
  try {
    return verify(null, message(op, body), key, proof);
  } catch {
    return false;
  }
}

/** Whether `proof` is the lease key's MAC of this operation and body (constant time). */
export function verifyLeaseMac(leaseKey: Uint8Array, op: NodeOperation, body: string, proof: Uint8Array): boolean {
  const expected = createHmac('sha256', leaseKey).update(message(op, body)).digest();
  return proof.length === expected.length && timingSafeEqual(proof, expected);
}

/** A fresh X25519 key pair for one key agreement; the private half is never stored by the server. */
export function createExchangeKey(): { privateKey: KeyObject; publicX: string } {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  const x = publicKey.export({ format: 'jwk' }).x;
  if (typeof x !== 'string') throw new Error('X25519 public key without x');
  return { privateKey, publicX: x };
}

/** X25519(privateKey, peer): throws TypeError for a peer key that is not one, or a degenerate (all-zero) result. */
export function x25519Shared(privateKey: KeyObject, peerX: string): Buffer {
  if (!B64URL_43.test(peerX)) throw new TypeError('peer exchange key is not a 32-byte base64url value');
  let shared: Buffer;
  try {
    const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: peerX }, format: 'jwk' });
    shared = diffieHellman({ privateKey, publicKey });
  } catch (cause) {
    throw new TypeError('peer exchange key is not an X25519 public key', { cause });
  }
  // A low-order peer point gives zeros: the "secret" would be known to everyone.
  if (shared.every((b) => b === 0)) throw new TypeError('peer exchange key is a low-order point');
  return shared;
}

/** What a lease key is bound to besides the shared secret. */
export interface LeaseKeyContext {
  nodeId: string;
  /** The node key (`x`) the lease is bound to. */
  nodeKey: string;
  /** The register request's nonce. */
  nonce: string;
}

/** The lease key: HKDF-SHA256 of the X25519 secret, bound to the node, its key and the register's nonce. */
export function deriveLeaseKey(privateKey: KeyObject, peerX: string, context: LeaseKeyContext): Buffer {
  const shared = x25519Shared(privateKey, peerX);
  const info = Buffer.from(`fr-lease-key/1\0${context.nodeId}\0${context.nodeKey}`, 'utf8');
  return Buffer.from(hkdfSync('sha256', shared, Buffer.from(context.nonce, 'utf8'), info, LEASE_KEY_BYTES));
}

/** A node's identity key pair as JWKs (the private one carries `d`), for storing. */
export interface NodeKeyJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  d: string;
}

/** A fresh Ed25519 node key pair. */
export function generateNodeKey(): NodeKeyJwk {
  const { privateKey } = generateKeyPairSync('ed25519');
  const { x, d } = privateKey.export({ format: 'jwk' });
  if (typeof x !== 'string' || typeof d !== 'string') throw new Error('Ed25519 key without x/d');
  return { kty: 'OKP', crv: 'Ed25519', x, d };
}

/** A stored node key, ready to sign; throws TypeError if `x` is not the public half of `d`. */
export function loadNodeKey(jwk: NodeKeyJwk): { x: string; privateKey: KeyObject } {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x, d: jwk.d }, format: 'jwk' });
  } catch (cause) {
    throw new TypeError('node key is not an Ed25519 private key', { cause });
  }
  if (createPublicKey(privateKey).export({ format: 'jwk' }).x !== jwk.x) throw new TypeError('node key halves do not match');
  return { x: jwk.x, privateKey };
}
