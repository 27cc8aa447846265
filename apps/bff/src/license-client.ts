import { ChainError, verifyLeaseChain } from '@registration/licensing/chain';
import {
  deregisterRequest,
  heartbeatRequest,
  leaseKeyFromGrant,
  registerRequest,
  type ProvenRequest,
} from '@registration/licensing/node-requests';
import { documentDetail, verifyDocument } from '@registration/licensing/jws';
import type { ConnectionTestResult } from '@registration/protocol/bff-api';
import { detail } from '@registration/protocol/details';
import { DOC_TYPES, serverLicensePayloadSchema, type Ed25519PublicJwk } from '@registration/protocol/license';
import {
  deregisterResponseSchema,
  leaseResponseSchema,
  NODE_PROOF_HEADER,
  refusalResponseSchema,
  serverInfoSchema,
} from '@registration/protocol/license-server-api';
import type { Reason, ReasonParams } from '@registration/protocol/reason';
import { reason } from './errors.ts';
import { diagnose, hostOf, portOf, type Diagnosis } from './license-client/diagnose.ts';
import { DEFAULT_TRANSPORT, handshake, httpsJson, type HttpAnswer, type TransportOptions } from './license-client/transport.ts';
import { createTrustVerifier } from './license-client/trust.ts';
import type { CertificateInspection, DeregisterOutcome, LeaseOutcome, LicenseClient } from './license-client/types.ts';
import type { TrustedCertificateStore } from './store/types.ts';

export interface LicenseClientOptions {
  /** The only key trusted to certify license servers. */
  vendorKey: Ed25519PublicJwk;
  /** Extra PEM trusted for the license server's TLS (LICENSE_SERVER_CA). */
  ca: string | null;
  /** Fingerprints administrators confirmed per origin (the cluster store); null: only CAs are trusted. */
  trusted: TrustedCertificateStore | null;
  clock: () => Date;
  connectTimeoutMs?: number;
  totalTimeoutMs?: number;
  /** Source address for connections to the license server (LICENSE_CLIENT_LOCAL_ADDRESS). */
  localAddress?: string | null;
}

/**
 * Refusal specifics that point somewhere are shown only if they point at the server that was asked: a relay
 * in front of it must not make the page send an administrator to an address of its choosing. (A genuine
 * server names its own activation page; anything else is replaced by that page at the configured origin.)
 */
function pointingAt(serverUrl: string, reasons: Reason[]): Reason[] {
  const origin = new URL(serverUrl).origin;
  return reasons.map((r) => {
    const url = r.params?.activationUrl;
    if (url === undefined) return r;
    let same = false;
    try {
      same = typeof url === 'string' && new URL(url).origin === origin;
    } catch {
      same = false;
    }
    return same ? r : { ...r, params: { ...r.params, activationUrl: `${origin}/license/qrcode` } };
  });
}

type Exchange = { ok: true; answer: HttpAnswer } | { ok: false; reasons: Reason[]; seen: Omit<Diagnosis, 'reason'> };

const NOTHING_SEEN: Omit<Diagnosis, 'reason'> = { certificate: null, trust: null, confirmed: null };

/** `https://host:port[/prefix]` + `/api/v1/x`, keeping a reverse-proxy prefix if the admin typed one. */
function endpoint(serverUrl: string, path: string): URL {
  const base = new URL(serverUrl);
  return new URL(`${base.pathname.replace(/\/+$/, '')}${path}`, base.origin);
}

function parseJson(answer: HttpAnswer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(answer.text) };
  } catch {
    return { ok: false };
  }
}

/** A license server's answers over HTTPS, verified against the vendor key; every failure becomes catalogue reasons. */
export function createLicenseClient(options: LicenseClientOptions): LicenseClient {
  const transport: TransportOptions = {
    ...DEFAULT_TRANSPORT,
    ca: options.ca,
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_TRANSPORT.connectTimeoutMs,
    totalTimeoutMs: options.totalTimeoutMs ?? DEFAULT_TRANSPORT.totalTimeoutMs,
    localAddress: options.localAddress ?? null,
  };
  const verify = createTrustVerifier({ store: options.trusted, clock: options.clock });

  async function exchange(serverUrl: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<Exchange> {
    const url = endpoint(serverUrl, path);
    // The license server only speaks HTTPS; sending node details in clear text is not worth a try.
    if (url.protocol !== 'https:') {
      return { ok: false, reasons: [reason('PLAIN_HTTP', { host: hostOf(url), port: portOf(url) })], seen: NOTHING_SEEN };
    }
    try {
      return { ok: true, answer: await httpsJson(url, method, body, transport, verify) };
    } catch (e) {
      const { reason: why, ...seen } = diagnose(e, url, transport);
      return { ok: false, reasons: [why], seen };
    }
  }

  const notLicenseServer = (serverUrl: string, why: ReasonParams): LeaseOutcome => ({
    ok: false,
    kind: 'unreachable',
    reasons: [reason('NOT_A_LICENSE_SERVER', { serverUrl: new URL(serverUrl).origin, ...why })],
  });

  /** A 2xx must be a lease that verifies; anything else is a refusal with reasons or not a license server. */
  async function interpretLease(serverUrl: string, answer: HttpAnswer, nodeId: string, nonce: string, nodeKey: string): Promise<LeaseOutcome> {
    const json = parseJson(answer);
    if (!json.ok) return notLicenseServer(serverUrl, detail('answer.notJson', { httpStatus: answer.status }));
    if (answer.status !== 200) {
      const refusal = refusalResponseSchema.safeParse(json.value);
      if (refusal.success) {
        const reasons = pointingAt(serverUrl, refusal.data.reasons);
        // Over the server's rate limit: nothing is wrong with the registration, so it is retried like an outage.
        return { ok: false, kind: answer.status === 429 ? 'unreachable' : 'refused', reasons };
      }
      if (answer.status >= 500) {
        const why = detail('answer.serverError', { httpStatus: answer.status });
        return { ok: false, kind: 'unreachable', reasons: [reason('CONNECTION_FAILED', { serverUrl: new URL(serverUrl).origin, ...why })] };
      }
      return notLicenseServer(serverUrl, detail('answer.notRefusal', { httpStatus: answer.status }));
    }
    const parsed = leaseResponseSchema.safeParse(json.value);
    if (!parsed.success) return notLicenseServer(serverUrl, detail('answer.noLease'));
    try {
      const { license, lease } = await verifyLeaseChain({
        serverLicense: parsed.data.serverLicense,
        lease: parsed.data.lease,
        vendorKey: options.vendorKey,
        nodeId,
        nonce,
        nodeKey,
        now: options.clock(),
      });
      return { ok: true, license, lease };
    } catch (e) {
      if (e instanceof ChainError && e.stage === 'server-license') {
        return { ok: false, kind: 'untrusted', reasons: [reason('SERVER_LICENSE_UNTRUSTED', e.params)] };
      }
      if (e instanceof ChainError && e.stage === 'unbound') {
        return { ok: false, kind: 'refused', reasons: [reason('LICENSE_SERVER_OUTDATED', { serverUrl: new URL(serverUrl).origin })] };
      }
      const why = e instanceof ChainError ? e.params : detail('document.unverifiable');
      return { ok: false, kind: 'untrusted', reasons: [reason('LEASE_INVALID', why)] };
    }
  }

  async function send(serverUrl: string, path: string, request: ProvenRequest): Promise<Exchange> {
    return exchange(serverUrl, 'POST', path, { raw: request.body, headers: { [NODE_PROOF_HEADER]: request.proof } });
  }

  return {
    async register(serverUrl, node, auth) {
      const request = registerRequest({ node, key: auth.key, time: options.clock(), registrationKey: auth.registrationKey ?? null });
      const res = await send(serverUrl, '/api/v1/register', request);
      if (!res.ok) return { ok: false, kind: 'unreachable', reasons: res.reasons };
      const outcome = await interpretLease(serverUrl, res.answer, node.nodeId, request.nonce, auth.key.x);
      if (!outcome.ok) return outcome;
      try {
        return { ...outcome, leaseKey: leaseKeyFromGrant(request.exchange, outcome.lease, auth.key.x) };
      } catch {
        return { ok: false, kind: 'untrusted', reasons: [reason('LEASE_INVALID', detail('lease.keyExchange'))] };
      }
    },

    async heartbeat(serverUrl, node, lease, nodeKey) {
      const request = heartbeatRequest({ node, lease, time: options.clock() });
      const res = await send(serverUrl, '/api/v1/heartbeat', request);
      if (!res.ok) return { ok: false, kind: 'unreachable', reasons: res.reasons };
      return interpretLease(serverUrl, res.answer, node.nodeId, request.nonce, nodeKey);
    },

    async deregister(serverUrl, input): Promise<DeregisterOutcome> {
      const request = deregisterRequest({ nodeId: input.nodeId, time: options.clock(), by: input.by });
      const res = await send(serverUrl, '/api/v1/deregister', request);
      if (!res.ok) return { ok: false, kind: 'unreachable', reasons: res.reasons };
      const json = parseJson(res.answer);
      const parsed = json.ok ? deregisterResponseSchema.safeParse(json.value) : null;
      if (!parsed?.success) {
        const why = detail('answer.notDeregister', { httpStatus: res.answer.status });
        return { ok: false, kind: 'unreachable', reasons: [reason('NOT_A_LICENSE_SERVER', { serverUrl: new URL(serverUrl).origin, ...why })] };
      }
      if (parsed.data.ok) return { ok: true };
      return { ok: false, kind: res.answer.status === 429 ? 'unreachable' : 'refused', reasons: pointingAt(serverUrl, parsed.data.reasons) };
    },

    async testConnection(serverUrl): Promise<ConnectionTestResult> {
      const origin = new URL(serverUrl).origin;
      const res = await exchange(serverUrl, 'GET', '/api/v1/info');
      if (!res.ok) {
        const fingerprint = res.seen.certificate?.fingerprint ?? null;
        return { ok: false, serverUrl, reasons: res.reasons, fingerprint, latencyMs: null, ...res.seen, registrationKeyRequired: false };
      }
      const { answer } = res;
      const { certificate, trust, confirmed } = answer.verdict;
      const result = (reasons: Reason[]): ConnectionTestResult => ({
        ok: reasons.length === 0,
        serverUrl,
        reasons,
        fingerprint: answer.fingerprint,
        latencyMs: answer.elapsedMs,
        certificate,
        trust,
        confirmed,
        registrationKeyRequired: false,
      });
      const json = parseJson(answer);
      const info = json.ok && answer.status === 200 ? serverInfoSchema.safeParse(json.value) : null;
      if (!info?.success) {
        return result([reason('NOT_A_LICENSE_SERVER', { serverUrl: origin, ...detail('answer.noIdentity', { httpStatus: answer.status }) })]);
      }
      try {
        await verifyDocument(info.data.serverLicense, options.vendorKey, DOC_TYPES.serverLicense, serverLicensePayloadSchema);
      } catch (e) {
        return result([reason('SERVER_LICENSE_UNTRUSTED', documentDetail(e))]);
      }
      const withKey = (r: ConnectionTestResult): ConnectionTestResult => ({ ...r, registrationKeyRequired: info.data.registrationKeyRequired ?? false });
      // Reachable and genuine, but registering would fail until someone activates it: say so now.
      if (!info.data.activated) return withKey(result([reason('SERVER_NOT_ACTIVATED', { activationUrl: `${origin}/license/qrcode` })]));
      // Genuine but from before node keys: every lease it grants could be taken over, so it is refused.
      if (info.data.nodeProof !== true) return withKey(result([reason('LICENSE_SERVER_OUTDATED', { serverUrl: origin })]));
      return withKey(result([]));
    },

    async inspectCertificate(serverUrl): Promise<CertificateInspection> {
      const url = new URL(serverUrl);
      if (url.protocol !== 'https:') return { ok: false, reason: reason('PLAIN_HTTP', { host: hostOf(url), port: portOf(url) }) };
      try {
        const { socket, peer } = await handshake(url, transport);
        socket.destroy(); // only looked at: nothing is sent on it
        return { ok: true, verdict: await verify(url.origin, hostOf(url), peer) };
      } catch (e) {
        return { ok: false, reason: diagnose(e, url, transport).reason };
      }
    },
  };
}
