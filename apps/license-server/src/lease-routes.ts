import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { HttpBindings } from '@hono/node-server';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Locale } from '@registration/protocol/catalogue';
import type { LeasePayload } from '@registration/protocol/license';
import {
  deregisterRequestSchema,
  heartbeatRequestSchema,
  NODE_PROOF_HEADER,
  registerRequestSchema,
  type LeaseResponse,
} from '@registration/protocol/license-server-api';
import { detail } from '@registration/protocol/details';
import { type Reason, reason } from '@registration/protocol/reason';
import { HEARTBEAT_INTERVAL_MS } from '@registration/licensing/time';
import { createExchangeKey, deriveLeaseKey, parseProofHeader, verifyNodeSignature, type ProofScheme } from '@registration/licensing/node-proof';
import type { LoadedBundle } from './bundle.ts';
import { releaseSlot, requestSlot, type SlotContext, type SlotOutcome, type SlotRequest } from './lease-book.ts';
import { EventLog } from './console/events.ts';
import { createLeaseSigner } from './lease-signer.ts';
import { peerAddress } from './peer.ts';
import { refusal } from './responses.ts';
import type { StateStore } from './store.ts';

/** Where a node finds the activation page: the origin it used to reach this server. */
function activationUrl(c: Context<Env>): string {
  try {
    return `${new URL(c.req.url).origin}/license/qrcode`;
  } catch {
    return '/license/qrcode';
  }
}

/**
 * Every header a JSON answer carries once `secureHeaders()` (hono's defaults, as app.ts installs it) has
 * run, in the order they go on the wire today (undici's Headers iterate sorted by name). A grant is built
 * with them in its init and marked in `preSecured`, so app.ts need not pass it through secureHeaders: that
 * turned the node adapter's plain header object into a WHATWG Headers, set eleven values one by one and
 * sorted them back out (about 8% of a heartbeat). secure-headers.test.ts checks that these are exactly
 * the headers, in the same order, that secureHeaders gives the other answers.
 */
export const SECURED_JSON_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'application/json',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=15552000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};

/** Answers that already carry every security header (see `SECURED_JSON_HEADERS`). */
export const preSecured = new WeakSet<Response>();

function securedJson(body: unknown, status: 200): Response {
  const response = new Response(JSON.stringify(body), { status, headers: SECURED_JSON_HEADERS });
  preSecured.add(response);
  return response;
}

/** The request's slot context; the activation URL is parsed only if a refusal names it, not per renewal. */
class RequestSlotContext implements SlotContext {
  constructor(
    private readonly c: Context<Env>,
    readonly bootId: string,
  ) {}

  get activationUrl(): string {
    return activationUrl(this.c);
  }
}

/** What the lease routes need; the same object `createLicenseServerApp` receives. */
export interface LeaseRouteDeps {
  bundle: LoadedBundle;
  store: StateStore;
  clock: () => Date;
  logger: Logger;
  language: Locale;
  /** This process run (default: a fresh id per app); leases from earlier runs meet the restart rule. */
  bootId?: string;
  /** When set, a register must present this key (`--registration-key-file`); null/absent = none needed. */
  registrationKey?: Buffer | null;
  /** Where registrations, refusals and the like are recorded for the console (default: memory only). */
  events?: EventLog;
}

/** A renewal this long after the previous one (two intervals) is recorded as renewed after a gap. */
const GAP_MS = 2 * HEARTBEAT_INTERVAL_MS;
/** Slots in use are sampled for the console's chart at most this often. */
const USAGE_SAMPLE_MS = 3600e3;

type Env = { Bindings: HttpBindings };

type Parsed<T> = { ok: true; data: T; body: string; proof: { scheme: ProofScheme; proof: Buffer } } | { ok: false; response: ReturnType<typeof refusal> };

/**
 * Reads a node request: JSON (10000), the node proof header (10002 CLIENT_PROTOCOL_OUTDATED for a client
 * from before node keys), then the fields (10001). Parsed by hand (not zValidator) so the three stay
 * distinct, and the exact body text is kept: the proof covers those bytes.
 */
async function readRequest<T extends z.ZodObject>(c: Context<Env>, schema: T): Promise<Parsed<z.infer<T>>> {
  const body = await c.req.text();
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, response: refusal([reason('JSON_PARSER_ERROR')]) };
  }
  // From the node request's own headers when there is one: c.req.header() would build a WHATWG Request.
  const incoming = c.env?.incoming;
  const header = incoming ? incoming.headers[NODE_PROOF_HEADER] : c.req.header(NODE_PROOF_HEADER);
  const proof = parseProofHeader(typeof header === 'string' ? header : undefined);
  if (proof === null) return { ok: false, response: refusal([reason('CLIENT_PROTOCOL_OUTDATED', { missing: NODE_PROOF_HEADER })]) };
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, data: result.data, body, proof };
  const named = result.error.issues.map((issue) => issue.path[0]).filter((key) => key !== undefined).map(String);
  // A body that is not an object at all gets every expected field named.
  const required = Object.entries(schema.shape as Record<string, z.ZodType>).filter(([, field]) => !field.safeParse(undefined).success);
  const fields = named.length > 0 ? [...new Set(named)] : required.map(([key]) => key);
  return { ok: false, response: refusal([reason('PARAM_INPUT_ERROR', { fields: fields.join(', ') })]) };
}

/** Whether `presented` is the registration key (constant time over the hashes, so its length leaks nothing). */
function sameRegistrationKey(expected: Buffer, presented: string): boolean {
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(presented, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** register, heartbeat and deregister under `/api/v1`. */
export function leaseRoutes(deps: LeaseRouteDeps) {
  const { bundle, store, clock, logger } = deps;
  const { license } = bundle;
  const signLease = createLeaseSigner(bundle.bundle.serverPrivateKey);
  const bootId = deps.bootId ?? randomUUID();
  const registrationKey = deps.registrationKey ?? null;
  const events = deps.events ?? EventLog.memory(clock);
  let lastUsageSample = Number.NEGATIVE_INFINITY;

  /** What the console keeps of an answer: every new slot, refusal, gap and expiry, and the use per hour. */
  function record(outcome: SlotOutcome, nodeId: string, peer: string, kind: string): void {
    if (!outcome.ok) {
      // The restart rule's decision is an event of its own: the node waits for a new scan.
      const rescan = outcome.reasons.some((r) => r.name === 'PROJECT_RESCAN_REQUIRED');
      events.record({ kind: rescan ? 'rescan-required' : 'refused', nodeId, peer, codes: outcome.reasons.map((r) => r.code), data: { request: kind } });
      return;
    }
    for (const expired of outcome.expired) events.record({ kind: 'expired', nodeId: expired });
    if (!outcome.renewed) events.record({ kind: 'registered', nodeId, peer, data: { inUse: outcome.inUse, leaseId: outcome.lease.leaseId } });
    else if (outcome.gapMs !== null && outcome.gapMs > GAP_MS) events.record({ kind: 'renewed-after-gap', nodeId, peer, data: { minutes: Math.round(outcome.gapMs / 60_000) } });
    const t = clock().getTime();
    if (t - lastUsageSample >= USAGE_SAMPLE_MS) {
      lastUsageSample = t;
      events.record({ kind: 'usage', data: { inUse: outcome.inUse } });
    }
  }

  async function answer(c: Context<Env>, outcome: SlotOutcome, nodeId: string, nonce: string, peer: string, kind: string, exchangeKey?: string) {
    record(outcome, nodeId, peer, kind);
    if (!outcome.ok) {
      logger.info({ kind, peer, codes: outcome.reasons.map((r) => r.code) }, `${kind} refused`);
      const { body, status } = refusal(outcome.reasons);
      return c.json(body, status);
    }
    const payload: LeasePayload = {
      type: 'lease',
      leaseId: outcome.lease.leaseId,
      licenseId: license.licenseId,
      nodeId: outcome.nodeId,
      nonce,
      peer,
      issuedAt: outcome.lease.renewedAt,
      expiresAt: outcome.lease.expiresAt,
      maxConnections: license.maxConnections,
      inUse: outcome.inUse,
      ...(outcome.lease.nodeKey === undefined ? {} : { nodeKey: outcome.lease.nodeKey }),
      ...(exchangeKey === undefined ? {} : { exchangeKey }),
    };
    const lease = await signLease(payload);
    const level = outcome.renewed ? 'debug' : 'info';
    logger[level]({ kind, nodeId: outcome.nodeId, peer, leaseId: payload.leaseId, inUse: outcome.inUse }, `${kind} granted`);
    const body: LeaseResponse = { ok: true, serverLicense: bundle.bundle.serverLicense, lease };
    return securedJson(body, 200);
  }

  const refuse = (c: Context<Env>, kind: string, peer: string, reason: Reason, nodeId: string) => {
    events.record({ kind: 'refused', nodeId, peer, codes: [reason.code], data: { request: kind } });
    logger.info({ kind, peer, codes: [reason.code] }, `${kind} refused`);
    const { body, status } = refusal([reason]);
    return c.json(body, status);
  };

  return new Hono<Env>()
    .post('/register', async (c) => {
      const parsed = await readRequest(c, registerRequestSchema);
      if (!parsed.ok) return c.json(parsed.response.body, parsed.response.status);
      const { nonce, nodeKey, exchangeKey, registrationKey: presented, ...node } = parsed.data;
      const peer = peerAddress(c);
      // The cheap checks first: an unknown client without the key costs no signature check.
      if (registrationKey !== null) {
        if (presented === undefined) return refuse(c, 'register', peer, reason('REGISTRATION_KEY_REQUIRED'), node.nodeId);
        if (!sameRegistrationKey(registrationKey, presented)) return refuse(c, 'register', peer, reason('REGISTRATION_KEY_INVALID'), node.nodeId);
      }
      if (parsed.proof.scheme !== 'ed25519' || !verifyNodeSignature(nodeKey, 'register', parsed.body, parsed.proof.proof)) {
        return refuse(c, 'register', peer, reason('NODE_PROOF_INVALID', detail('proof.register')), node.nodeId);
      }
      // The lease key: X25519 with the node's fresh key; our half is used once here and never stored.
      const exchange = createExchangeKey();
      let leaseKey: Buffer;
      try {
        leaseKey = deriveLeaseKey(exchange.privateKey, exchangeKey, { nodeId: node.nodeId, nodeKey, nonce });
      } catch {
        return refuse(c, 'register', peer, reason('PARAM_INPUT_ERROR', { fields: 'exchangeKey' }), node.nodeId);
      }
      // Resolves only once the new lease is durable in privateConfig.
      const request: SlotRequest = { ...node, nonce, kind: 'register', nodeKey, leaseKey: leaseKey.toString('base64url') };
      const outcome = await store.update(requestSlot(license, request, peer, clock, new RequestSlotContext(c, bootId)));
      return answer(c, outcome, node.nodeId, nonce, peer, 'register', exchange.publicX);
    })
    .post('/heartbeat', async (c) => {
      const parsed = await readRequest(c, heartbeatRequestSchema);
      if (!parsed.ok) return c.json(parsed.response.body, parsed.response.status);
      const peer = peerAddress(c);
      if (parsed.proof.scheme !== 'hmac-sha256') {
        return refuse(c, 'heartbeat', peer, reason('NODE_PROOF_INVALID', detail('proof.heartbeatScheme')), parsed.data.nodeId);
      }
      const { nonce } = parsed.data;
      const request: SlotRequest = { ...parsed.data, kind: 'heartbeat', body: parsed.body, proof: parsed.proof.proof };
      // A pure renewal is answered once decided (write-behind, see requestSlot); re-acquiring a lost slot
      // or dropping expired leases still waits until privateConfig is durable.
      const outcome = await store.update(requestSlot(license, request, peer, clock, new RequestSlotContext(c, bootId)));
      return answer(c, outcome, parsed.data.nodeId, nonce, peer, 'heartbeat');
    })
    .post('/deregister', async (c) => {
      const parsed = await readRequest(c, deregisterRequestSchema);
      if (!parsed.ok) return c.json(parsed.response.body, parsed.response.status);
      const { nodeId, leaseId, time, nonce } = parsed.data;
      const peer = peerAddress(c);
      const released = await store.update(
        releaseSlot({ nodeId, time, nonce, body: parsed.body, proof: parsed.proof, ...(leaseId === undefined ? {} : { leaseId }) }, clock),
      );
      if (!released.ok) return refuse(c, 'deregister', peer, released.reason, nodeId);
      events.record({ kind: 'deregistered', nodeId, peer, data: { leaseId: released.leaseId } });
      logger.info({ nodeId, leaseId: released.leaseId, peer }, 'deregistered');
      return c.json({ ok: true as const }, 200);
    });
}
