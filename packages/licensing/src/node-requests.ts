import { randomBytes, type KeyObject } from 'node:crypto';
import type {
  DeregisterRequest,
  HeartbeatRequest,
  RegisterRequest,
} from '@registration/protocol/license-server-api';
import type { ProjectIdentity } from '@registration/protocol/project-identity';
import { createExchangeKey, deriveLeaseKey, macNodeRequest, signNodeRequest } from './node-proof.ts';

/**
 * The node's side of the license server's wire: request bodies with their proofs (node-proof.ts). The BFF's
 * license client, the benchmark and the tests all build requests here, so there is one way to prove a node.
 */

/** What a node tells the license server about itself. */
export interface NodeFacts {
  nodeId: string;
  productVersion: string;
  appName: string;
  domain: string;
  project?: ProjectIdentity;
}

/** A request ready to send: the exact body bytes and the proof header's value for them. */
export interface ProvenRequest {
  body: string;
  proof: string;
  nonce: string;
}

/** A node's identity key, loaded (`loadNodeKey`). */
export interface NodeSigningKey {
  x: string;
  privateKey: KeyObject;
}

/** A held lease as the node keeps it: its id and the key that proves its renewals. */
export interface HeldLease {
  leaseId: string;
  leaseKey: Uint8Array;
}

const freshNonce = () => randomBytes(16).toString('base64url');

function facts(node: NodeFacts) {
  const { nodeId, productVersion, appName, domain, project } = node;
  return { nodeId, productVersion, appName, domain, ...(project === undefined ? {} : { project }) };
}

/**
 * A register signed with the node key. Keep `exchange` until the answer: with the lease's `exchangeKey` it
 * gives the lease key (`leaseKeyFromGrant`); it is never stored.
 */
export function registerRequest(input: {
  node: NodeFacts;
  key: NodeSigningKey;
  time: Date;
  registrationKey?: string | null;
  nonce?: string;
}): ProvenRequest & { exchange: KeyObject } {
  const nonce = input.nonce ?? freshNonce();
  const exchange = createExchangeKey();
  const request: RegisterRequest = {
    ...facts(input.node),
    nonce,
    time: input.time.toISOString(),
    nodeKey: input.key.x,
    exchangeKey: exchange.publicX,
    ...(input.registrationKey ? { registrationKey: input.registrationKey } : {}),
  };
  const body = JSON.stringify(request);
  return { body, nonce, proof: signNodeRequest(input.key.privateKey, 'register', body), exchange: exchange.privateKey };
}

/** The lease key of a verified grant: X25519 with the server's `exchangeKey`, bound to this node and request. */
export function leaseKeyFromGrant(
  exchange: KeyObject,
  lease: { exchangeKey?: string | undefined; nodeId: string; nonce: string },
  nodeKey: string,
): Buffer {
  if (lease.exchangeKey === undefined) throw new TypeError('the lease carries no exchange key');
  return deriveLeaseKey(exchange, lease.exchangeKey, { nodeId: lease.nodeId, nodeKey, nonce: lease.nonce });
}

/** A heartbeat proven with the lease key. */
export function heartbeatRequest(input: { node: NodeFacts; lease: HeldLease; time: Date; nonce?: string }): ProvenRequest {
  const nonce = input.nonce ?? freshNonce();
  const request: HeartbeatRequest = { ...facts(input.node), nonce, time: input.time.toISOString(), leaseId: input.lease.leaseId };
  const body = JSON.stringify(request);
  return { body, nonce, proof: macNodeRequest(input.lease.leaseKey, 'heartbeat', body) };
}

/**
 * A deregister: proven with the lease key when the node holds its lease, or signed with the node key when it
 * does not know it (a crash between the grant and the node's own write) — the server frees whatever live
 * lease of this node id is bound to that key.
 */
export function deregisterRequest(input: {
  nodeId: string;
  time: Date;
  by: { lease: HeldLease } | { key: NodeSigningKey };
  nonce?: string;
}): ProvenRequest {
  const nonce = input.nonce ?? freshNonce();
  const request: DeregisterRequest = {
    nodeId: input.nodeId,
    nonce,
    time: input.time.toISOString(),
    ...('lease' in input.by ? { leaseId: input.by.lease.leaseId } : {}),
  };
  const body = JSON.stringify(request);
  const proof = 'lease' in input.by ? macNodeRequest(input.by.lease.leaseKey, 'deregister', body) : signNodeRequest(input.by.key.privateKey, 'deregister', body);
  return { body, nonce, proof };
}
