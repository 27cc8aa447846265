// Shared by the license-server tests: real bundles from the vendor functions, real HTTPS, real files.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { ServerBundle } from '@registration/protocol/server-bundle';
import { createVendorKeys, type VendorKeys } from '../../vendor/src/keys.ts';
import { issueServerBundle, type ServerLicenseTerms } from '../../vendor/src/server-bundle.ts';
import { ChallengeKeys, vendorCode } from '@registration/licensing/activation-code';
import { parsePhonePageUrl } from '@registration/licensing/challenge';
import { decodeDocumentUnverified } from '@registration/licensing/jws';
import { createExchangeKey, generateNodeKey, loadNodeKey, macNodeRequest, signNodeRequest, type NodeOperation } from '@registration/licensing/node-proof';
import {
  deregisterRequest,
  heartbeatRequest,
  leaseKeyFromGrant,
  registerRequest,
  type NodeFacts,
  type NodeSigningKey,
} from '@registration/licensing/node-requests';
import { leasePayloadSchema, serverLicensePayloadSchema } from '@registration/protocol/license';
import { NODE_PROOF_HEADER } from '@registration/protocol/license-server-api';
import type { ActivationKey } from '../../vendor/src/issued-record.ts';
import { currentChallenge, settleSite, submitActivationCode } from './activation.ts';
import { createLicenseServerApp } from './app.ts';
import { checkBundle } from './bundle.ts';
import { startHttpsServer } from './https-server.ts';
import type { RateLimits } from './rate-limit.ts';
import { installationSite } from './site.ts';
import { StateStore } from './store.ts';
import { loadOrCreateTls, type TlsMaterial } from './tls.ts';

export const T0 = new Date('2026-06-01T00:00:00.000Z');

/** A clock the test moves by hand. */
export function manualClock(start = T0) {
  let now = start;
  return {
    now: () => now,
    set(to: Date) {
      now = to;
    },
    advance(ms: number) {
      now = new Date(now.getTime() + ms);
    },
  };
}

export const TERMS: ServerLicenseTerms = {
  company: 'Acme Ltd',
  product: 'FineReport',
  productVersion: '11.0',
  ipRanges: '127.0.0.1, ::1',
  domains: ['localhost'],
  appNames: ['webroot'],
  port: 8081,
  maxConnections: 10,
  features: ['report'],
  expiresAt: new Date(T0.getTime() + 365 * 864e5),
};

/** A temp dir with vendor keys and a TLS pair shared by all servers of one test file. */
export async function createFixture() {
  const dir = await mkdtemp(join(tmpdir(), 'license-server-test-'));
  const vendor: VendorKeys = await createVendorKeys(join(dir, 'vendor'));
  const tls: TlsMaterial = await loadOrCreateTls(join(dir, 'tls'));
  const agent = new Agent({ ca: tls.cert, keepAlive: true, maxSockets: 64 });
  // The vendor's ledger of these tests: each license's activation key pair (the bundles carry only `x`).
  const ledger = new Map<string, ActivationKey>();
  return {
    dir,
    vendor,
    tls,
    agent,
    ledger,
    async bundle(terms: Partial<ServerLicenseTerms> = {}, options: { issuedAt?: Date } = {}): Promise<ServerBundle> {
      const issued = await issueServerBundle({ ...TERMS, ...terms, vendor, issuedAt: options.issuedAt ?? new Date(T0.getTime() - 864e5) });
      ledger.set(licenseIdOf(issued.bundle), issued.activationKey);
      return issued.bundle;
    },
    /** The activation key pair the vendor keeps for a bundle issued by this fixture. */
    activationKey(bundle: ServerBundle): ActivationKey {
      const key = ledger.get(licenseIdOf(bundle));
      if (!key) throw new Error('no such bundle in this fixture');
      return key;
    },
    /** The code the vendor's phone page shows for a QR code URL (of a license this fixture issued). */
    phoneCode(url: string): string {
      const scanned = parsePhonePageUrl(url);
      const key = ledger.get(scanned.licenseId);
      if (!key) throw new Error(`no license ${scanned.licenseId} in this fixture`);
      return vendorCode(key, scanned);
    },
    newConfigDir: () => join(dir, `config-${randomBytes(4).toString('hex')}`),
    async cleanup() {
      agent.destroy();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
export type Fixture = Awaited<ReturnType<typeof createFixture>>;

const licenseIdOf = (bundle: ServerBundle) => serverLicensePayloadSchema.parse(decodeDocumentUnverified(bundle.serverLicense).payload).licenseId;

/**
 * Activates a server the way its page does (challenge, the code the vendor's phone page computes with the
 * license's activation key, submit), but straight on the store: for tests about something else than activation.
 */
export async function activateStore(store: StateStore, activationKey: ActivationKey, clock: () => Date, keys = new ChallengeKeys()): Promise<void> {
  const challenge = await store.update(currentChallenge(clock(), true, keys));
  const code = vendorCode(activationKey, {
    challengeId: challenge.challengeId,
    fingerprint: challenge.fingerprint,
    expiresAt: new Date(challenge.expiresAt),
    challengeKey: challenge.exchangeKey ?? '',
    licenseId: store.state.licenseId,
    kind: 'server',
  });
  const outcome = await store.update(submitActivationCode({ keys, licenseKey: activationKey.x, challengeId: challenge.challengeId, code, now: clock() }));
  if (!outcome.ok) throw new Error(`test activation failed: ${outcome.reason.name}`);
}

export const PHONE_PAGE_URL = 'http://127.0.0.1:8090';

/**
 * The whole server as main.ts wires it, on 127.0.0.1 and an ephemeral port, with an injected clock;
 * activated unless `activated: false` (or its config dir was activated before).
 */
export async function startServer(
  fixture: Fixture,
  options: {
    bundle: ServerBundle;
    configDir?: string;
    clock?: () => Date;
    activated?: boolean;
    language?: 'en' | 'zh-CN';
    registrationKey?: string;
    rateLimits?: RateLimits;
    maxConnectionsPerAddress?: number;
    timeouts?: { headersMs: number; requestMs: number; checkMs: number };
    /** Console sign-in attempts per address per minute (the app's default otherwise). */
    signInPerMinute?: number;
  },
) {
  const clock = options.clock ?? (() => T0);
  const loaded = await checkBundle(options.bundle, 'test bundle');
  const logger = pino({ level: 'silent' });
  const configDir = options.configDir ?? fixture.newConfigDir();
  const store = await StateStore.open({ dir: configDir, licenseId: loaded.license.licenseId, now: clock, logger });
  // As main.ts: the activation belongs to this site (machine and config folder).
  const site = await installationSite(configDir, {});
  await store.update(settleSite(site, clock()));
  if (options.activated !== false && store.state.activatedAt === null) await activateStore(store, fixture.activationKey(options.bundle), clock);
  const app = createLicenseServerApp({
    bundle: loaded,
    store,
    clock,
    logger,
    language: options.language ?? 'en',
    phonePageUrl: PHONE_PAGE_URL,
    registrationKey: options.registrationKey === undefined ? null : Buffer.from(options.registrationKey, 'utf8'),
    ...(options.rateLimits ? { rateLimits: options.rateLimits } : {}),
    ...(options.signInPerMinute === undefined ? {} : { signInPerMinute: options.signInPerMinute }),
    site,
  });
  const running = await startHttpsServer({
    app,
    host: '127.0.0.1',
    port: 0,
    tls: fixture.tls,
    ...(options.maxConnectionsPerAddress === undefined ? {} : { maxConnectionsPerAddress: options.maxConnectionsPerAddress }),
    ...(options.timeouts ? { timeouts: options.timeouts } : {}),
  });
  return {
    ...running,
    store,
    license: loaded.license,
    async stop() {
      await running.close(1000);
      await store.close();
    },
  };
}

export interface JsonResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  // Assertion-only access into JSON bodies; the shapes are pinned by toEqual and the protocol schemas.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** One HTTPS request that trusts only the fixture's certificate; `raw` bodies are sent as they are. */
export function call(
  fixture: Fixture,
  url: string,
  path: string,
  options: { method?: string; json?: unknown; raw?: string | Buffer; headers?: Record<string, string>; localAddress?: string; agent?: Agent } = {},
): Promise<JsonResponse> {
  const payload = options.raw ?? (options.json === undefined ? undefined : JSON.stringify(options.json));
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, url),
      {
        method: options.method ?? (payload === undefined ? 'GET' : 'POST'),
        // A chosen source address (127.0.0.x) needs its own socket, not the pooled agent's.
        ...(options.localAddress === undefined ? { agent: options.agent ?? fixture.agent } : { localAddress: options.localAddress, ca: fixture.tls.cert, agent: false }),
        headers: {
          ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON: keep the text for the assertion message
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Each node id's key in these tests: the same id registering twice is the same node. */
const nodeKeys = new Map<string, NodeSigningKey>();
export function nodeKeyOf(nodeId: string): NodeSigningKey {
  let key = nodeKeys.get(nodeId);
  if (key === undefined) {
    key = loadNodeKey(generateNodeKey());
    nodeKeys.set(nodeId, key);
  }
  return key;
}

const FACTS = { productVersion: '11.0.18', appName: 'webroot', domain: 'localhost' };

/**
 * A valid register body for `nodeId` (its test key, a fresh nonce, exchange key and time): sign it with
 * `proven('register', body)` to send it, after any overrides a test wants to try.
 */
export function registerBody(nodeId: string, overrides: Record<string, unknown> = {}) {
  return {
    nodeId,
    nonce: randomBytes(16).toString('base64url'),
    time: new Date().toISOString(),
    ...FACTS,
    nodeKey: nodeKeyOf(nodeId).x,
    exchangeKey: createExchangeKey().publicX,
    ...overrides,
  };
}

/**
 * `call` options that send `body` (an object, or text sent as is) with its node proof: signed with the node
 * key (by default its `nodeId`'s test key), or MACed with a lease key.
 */
export function proven(op: NodeOperation, body: object | string, by?: NodeSigningKey | Uint8Array) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  by ??= nodeKeyOf(String(typeof body === 'string' ? '' : (body as { nodeId?: unknown }).nodeId));
  const proof = by instanceof Uint8Array ? macNodeRequest(by, op, raw) : signNodeRequest(by.privateKey, op, raw);
  return { raw, headers: { [NODE_PROOF_HEADER]: proof } };
}

/** A lease as a test node holds it. */
export interface TestLease {
  leaseId: string;
  leaseKey: Buffer;
}

type CallOptions = Parameters<typeof call>[3];

/**
 * A report-server node as the tests drive it, making its requests exactly as the BFF does
 * (`@registration/licensing/node-requests`): `register` keeps the granted lease (id and key) for
 * `heartbeat` and `deregister`.
 */
export class TestNode {
  lease: TestLease | null = null;
  readonly key: NodeSigningKey;

  constructor(
    readonly nodeId: string,
    readonly facts: Partial<NodeFacts> = {},
    key?: NodeSigningKey,
  ) {
    this.key = key ?? nodeKeyOf(nodeId);
  }

  #facts(overrides: Partial<NodeFacts>): NodeFacts {
    return { nodeId: this.nodeId, ...FACTS, ...this.facts, ...overrides };
  }

  async register(fx: Fixture, url: string, options: { facts?: Partial<NodeFacts>; registrationKey?: string; call?: CallOptions; time?: Date } = {}): Promise<JsonResponse> {
    const request = registerRequest({ node: this.#facts(options.facts ?? {}), key: this.key, time: options.time ?? new Date(), registrationKey: options.registrationKey ?? null });
    const res = await call(fx, url, '/api/v1/register', { ...options.call, raw: request.body, headers: { ...options.call?.headers, [NODE_PROOF_HEADER]: request.proof } });
    if (res.status === 200) {
      const lease = leasePayloadSchema.parse(decodeDocumentUnverified(res.body.lease).payload);
      this.lease = { leaseId: lease.leaseId, leaseKey: leaseKeyFromGrant(request.exchange, lease, this.key.x) };
    }
    return res;
  }

  heartbeat(fx: Fixture, url: string, options: { facts?: Partial<NodeFacts>; lease?: TestLease; call?: CallOptions; time?: Date } = {}): Promise<JsonResponse> {
    const lease = options.lease ?? this.lease;
    if (lease === null) throw new Error(`${this.nodeId} holds no lease to renew`);
    const request = heartbeatRequest({ node: this.#facts(options.facts ?? {}), lease, time: options.time ?? new Date() });
    return call(fx, url, '/api/v1/heartbeat', { ...options.call, raw: request.body, headers: { ...options.call?.headers, [NODE_PROOF_HEADER]: request.proof } });
  }

  /** Frees the slot with the lease's proof, or (`byKey`, or holding no lease) signed with the node key. */
  async deregister(fx: Fixture, url: string, options: { byKey?: boolean; lease?: TestLease; call?: CallOptions; time?: Date } = {}): Promise<JsonResponse> {
    const lease = options.lease ?? this.lease;
    const by = options.byKey || lease === null ? { key: this.key } : { lease };
    const request = deregisterRequest({ nodeId: this.nodeId, time: options.time ?? new Date(), by });
    const res = await call(fx, url, '/api/v1/deregister', { ...options.call, raw: request.body, headers: { ...options.call?.headers, [NODE_PROOF_HEADER]: request.proof } });
    if (res.status === 200) this.lease = null;
    return res;
  }
}
