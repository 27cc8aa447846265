import { randomUUID } from 'node:crypto';
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
  registerRequestSchema,
  type LeaseResponse,
} from '@registration/protocol/license-server-api';
import type { LoadedBundle } from './bundle.ts';
import { releaseSlot, requestSlot, type SlotContext, type SlotOutcome } from './lease-book.ts';
import { createLeaseSigner } from './lease-signer.ts';
import { reasonOf, refusal } from './responses.ts';
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
}

type Env = { Bindings: HttpBindings };

/** The TCP peer as the checks see it; IPv4-mapped IPv6 (`::ffff:10.0.0.1`) is reported as plain IPv4. */
export function peerAddress(c: Context<Env>): string {
  const address = c.env?.incoming?.socket?.remoteAddress ?? '';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return mapped?.[1] ?? address;
}

type Parsed<T> = { ok: true; data: T } | { ok: false; response: ReturnType<typeof refusal> };

// Parsed by hand (not zValidator) so that unparsable JSON (10000) and invalid fields (10001) stay distinct.
async function readRequest<T extends z.ZodObject>(c: Context<Env>, schema: T): Promise<Parsed<z.infer<T>>> {
  let json: unknown;
  try {
    json = JSON.parse(await c.req.text());
  } catch {
    return { ok: false, response: refusal([reasonOf('JSON_PARSER_ERROR')]) };
  }
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, data: result.data };
  const named = result.error.issues.map((issue) => issue.path[0]).filter((key) => key !== undefined).map(String);
  // A body that is not an object at all gets every expected field named.
  const required = Object.entries(schema.shape as Record<string, z.ZodType>).filter(([, field]) => !field.safeParse(undefined).success);
  const fields = named.length > 0 ? [...new Set(named)] : required.map(([key]) => key);
  return { ok: false, response: refusal([reasonOf('PARAM_INPUT_ERROR', { fields: fields.join(', ') })]) };
}

/** register, heartbeat and deregister under `/api/v1`. */
export function leaseRoutes(deps: LeaseRouteDeps) {
  const { bundle, store, clock, logger } = deps;
  const { license } = bundle;
  const signLease = createLeaseSigner(bundle.bundle.serverPrivateKey);
  const bootId = deps.bootId ?? randomUUID();

  async function answer(c: Context<Env>, outcome: SlotOutcome, nonce: string, peer: string, kind: string) {
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
    };
    const lease = await signLease(payload);
    const level = outcome.renewed ? 'debug' : 'info';
    logger[level]({ kind, nodeId: outcome.nodeId, peer, leaseId: payload.leaseId, inUse: outcome.inUse }, `${kind} granted`);
    const body: LeaseResponse = { ok: true, serverLicense: bundle.bundle.serverLicense, lease };
    return securedJson(body, 200);
  }

  return new Hono<Env>()
    .post('/register', async (c) => {
      const parsed = await readRequest(c, registerRequestSchema);
      if (!parsed.ok) return c.json(parsed.response.body, parsed.response.status);
      const { nonce, ...node } = parsed.data;
      const peer = peerAddress(c);
      // Resolves only once the new lease is durable in privateConfig.
      const outcome = await store.update(requestSlot(license, node, peer, clock, new RequestSlotContext(c, bootId)));
      return answer(c, outcome, nonce, peer, 'register');
    })
    .post('/heartbeat', async (c) => {
      const parsed = await readRequest(c, heartbeatRequestSchema);
      if (!parsed.ok) return c.json(parsed.response.body, parsed.response.status);
      const { nonce, ...node } = parsed.data;
      const peer = peerAddress(c);
      // A pure renewal is answered once decided (write-behind, see requestSlot); re-acquiring a lost slot
      // or dropping expired leases still waits until privateConfig is durable.
      const outcome = await store.update(requestSlot(license, node, peer, clock, new RequestSlotContext(c, bootId)));
      return answer(c, outcome, nonce, peer, 'heartbeat');
    })
    .post('/deregister', async (c) => {
      const parsed = await readRequest(c, deregisterRequestSchema);
      if (!parsed.ok) return c.json(parsed.response.body, parsed.response.status);
      const { nodeId, leaseId } = parsed.data;
      const released = await store.update(releaseSlot(nodeId, leaseId, clock));
      if (!released) {
        const { body, status } = refusal([reasonOf('DO_NOT_NEED_DEACTIVATE', { nodeId })]);
        return c.json(body, status);
      }
      logger.info({ nodeId, leaseId, peer: peerAddress(c) }, 'deregistered');
      return c.json({ ok: true as const }, 200);
    });
}
