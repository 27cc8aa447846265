import { randomBytes } from 'node:crypto';
import { ChainError, verifyLeaseChain } from '@registration/licensing/chain';
import { verifyDocument } from '@registration/licensing/jws';
import type { ConnectionTestResult } from '@registration/protocol/bff-api';
import { DOC_TYPES, serverLicensePayloadSchema, type Ed25519PublicJwk } from '@registration/protocol/license';
import {
  deregisterResponseSchema,
  leaseResponseSchema,
  refusalResponseSchema,
  serverInfoSchema,
} from '@registration/protocol/license-server-api';
import type { Reason } from '@registration/protocol/reason';
import { reason } from './errors.ts';
import { diagnose, hostOf, portOf, type Diagnosis } from './license-client/diagnose.ts';
import { DEFAULT_TRANSPORT, handshake, httpsJson, type HttpAnswer, type TransportOptions } from './license-client/transport.ts';
import { createTrustVerifier } from './license-client/trust.ts';
import type { CertificateInspection, DeregisterOutcome, LeaseOutcome, LicenseClient, NodeIdentity } from './license-client/types.ts';
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

  const notLicenseServer = (serverUrl: string, detail: string): LeaseOutcome => ({
    ok: false,
    kind: 'unreachable',
    reasons: [reason('NOT_A_LICENSE_SERVER', { serverUrl: new URL(serverUrl).origin, detail })],
  });

  /** A 2xx must be a lease that verifies; anything else is a refusal with reasons or not a license server. */
  async function interpretLease(serverUrl: string, answer: HttpAnswer, nodeId: string, nonce: string): Promise<LeaseOutcome> {
    const json = parseJson(answer);
    if (!json.ok) return notLicenseServer(serverUrl, `HTTP ${answer.status} answer is not JSON`);
    if (answer.status !== 200) {
      const refusal = refusalResponseSchema.safeParse(json.value);
      if (refusal.success) return { ok: false, kind: 'refused', reasons: refusal.data.reasons };
      if (answer.status >= 500) {
        const detail = `the license server answered HTTP ${answer.status}`;
        return { ok: false, kind: 'unreachable', reasons: [reason('CONNECTION_FAILED', { serverUrl: new URL(serverUrl).origin, detail })] };
      }
      return notLicenseServer(serverUrl, `HTTP ${answer.status} answer is not a license-server refusal`);
    }
    const parsed = leaseResponseSchema.safeParse(json.value);
    if (!parsed.success) return notLicenseServer(serverUrl, 'HTTP 200 answer carries no server license and lease');
    try {
      const { license, lease } = await verifyLeaseChain({
        serverLicense: parsed.data.serverLicense,
        lease: parsed.data.lease,
        vendorKey: options.vendorKey,
        nodeId,
        nonce,
        now: options.clock(),
      });
      return { ok: true, license, lease };
    } catch (e) {
      if (e instanceof ChainError && e.stage === 'server-license') {
        return { ok: false, kind: 'untrusted', reasons: [reason('SERVER_LICENSE_UNTRUSTED', { detail: e.detail })] };
      }
      const detail = e instanceof ChainError ? e.detail : (e as Error).message;
      return { ok: false, kind: 'untrusted', reasons: [reason('LEASE_INVALID', { detail })] };
    }
  }

  async function leaseCall(serverUrl: string, path: string, node: NodeIdentity, extra: object): Promise<LeaseOutcome> {
    // Fresh per request: the lease must echo it, so a replayed or forged answer cannot pass.
    const nonce = randomBytes(16).toString('base64url');
    const body = { nodeId: node.nodeId, nonce, productVersion: node.productVersion, appName: node.appName, domain: node.domain, ...(node.project ? { project: node.project } : {}), ...extra };
    const res = await exchange(serverUrl, 'POST', path, body);
    if (!res.ok) return { ok: false, kind: 'unreachable', reasons: res.reasons };
    return interpretLease(serverUrl, res.answer, node.nodeId, nonce);
  }

  return {
    register: (serverUrl, node) => leaseCall(serverUrl, '/api/v1/register', node, {}),
    heartbeat: (serverUrl, node, leaseId) => leaseCall(serverUrl, '/api/v1/heartbeat', node, { leaseId }),

    async deregister(serverUrl, input): Promise<DeregisterOutcome> {
      const res = await exchange(serverUrl, 'POST', '/api/v1/deregister', input);
      if (!res.ok) return { ok: false, kind: 'unreachable', reasons: res.reasons };
      const json = parseJson(res.answer);
      const parsed = json.ok ? deregisterResponseSchema.safeParse(json.value) : null;
      if (!parsed?.success) {
        const detail = `HTTP ${res.answer.status} answer to deregister is not a license-server answer`;
        return { ok: false, kind: 'unreachable', reasons: [reason('NOT_A_LICENSE_SERVER', { serverUrl: new URL(serverUrl).origin, detail })] };
      }
      return parsed.data.ok ? { ok: true } : { ok: false, kind: 'refused', reasons: parsed.data.reasons };
    },

    async testConnection(serverUrl): Promise<ConnectionTestResult> {
      const origin = new URL(serverUrl).origin;
      const res = await exchange(serverUrl, 'GET', '/api/v1/info');
      if (!res.ok) {
        const fingerprint = res.seen.certificate?.fingerprint ?? null;
        return { ok: false, serverUrl, reasons: res.reasons, fingerprint, latencyMs: null, ...res.seen };
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
      });
      const json = parseJson(answer);
      const info = json.ok && answer.status === 200 ? serverInfoSchema.safeParse(json.value) : null;
      if (!info?.success) {
        const detail = `GET /api/v1/info answered HTTP ${answer.status} without a license-server identity`;
        return result([reason('NOT_A_LICENSE_SERVER', { serverUrl: origin, detail })]);
      }
      try {
        await verifyDocument(info.data.serverLicense, options.vendorKey, DOC_TYPES.serverLicense, serverLicensePayloadSchema);
      } catch (e) {
        return result([reason('SERVER_LICENSE_UNTRUSTED', { detail: (e as Error).message })]);
      }
      // Reachable and genuine, but registering would fail until someone activates it: say so now.
      if (!info.data.activated) return result([reason('SERVER_NOT_ACTIVATED', { activationUrl: `${origin}/license/qrcode` })]);
      return result([]);
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
