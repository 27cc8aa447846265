import http from 'node:http';
import { isIP } from 'node:net';
import tls, { rootCertificates, type TLSSocket } from 'node:tls';
import { createTrustVerifier, type PeerCertificate, type TrustVerifier, type Verdict } from './trust.ts';

/** TLS trust and time limits for calls to a license server. */
export interface TransportOptions {
  /** Extra PEM trusted besides the system CAs (a self-signed license server's certificate). */
  ca: string | null;
  /** Name lookup + TCP connect + TLS handshake. */
  connectTimeoutMs: number;
  /** The whole exchange, answer included. */
  totalTimeoutMs: number;
  /** Largest answer read; a license server's answers are a few KB. */
  maxResponseBytes: number;
  /** Source address of the connections (a multi-homed node whose license allows only one of its addresses). */
  localAddress?: string | null;
}

export const DEFAULT_TRANSPORT: TransportOptions = {
  ca: null,
  connectTimeoutMs: 5_000,
  totalTimeoutMs: 10_000,
  maxResponseBytes: 256 * 1024,
};

/** An answer read in full; the body is left as text for the caller to parse against the protocol. */
export interface HttpAnswer {
  status: number;
  contentType: string;
  text: string;
  /** SHA-256 fingerprint of the certificate the server presented. */
  fingerprint: string | null;
  /** The certificate and why it was accepted. */
  verdict: Verdict;
  elapsedMs: number;
}

/** Our own time limits, told apart from the socket's errors by `code`. */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
  readonly code = 'BFF_TIMEOUT';
  constructor(
    readonly phase: 'lookup' | 'connect' | 'total',
    readonly timeoutMs: number,
  ) {
    super(`no ${phase === 'lookup' ? 'name resolution' : phase === 'connect' ? 'connection' : 'answer'} within ${timeoutMs} ms`);
  }
}

/** The answer was larger than `maxResponseBytes`. */
export class TooLargeError extends Error {
  override readonly name = 'TooLargeError';
  readonly code = 'BFF_TOO_LARGE';
  constructor(readonly limit: number) {
    super(`answer larger than ${limit} bytes`);
  }
}

/** The handshake worked, but the certificate is not one to send anything to (verdict says why). */
export class CertificateRefusedError extends Error {
  override readonly name = 'CertificateRefusedError';
  readonly code = 'BFF_CERT_REFUSED';
  constructor(readonly verdict: Verdict) {
    super(`certificate refused: ${verdict.refusal?.name ?? 'unknown'}`);
  }
}

/** Host of a URL without IPv6 brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

/** Port of a URL, with the scheme's default. */
export function portOf(url: URL): number {
  return Number(url.port || (url.protocol === 'http:' ? 80 : 443));
}

/** The TLS options every connection to a license server uses. */
export function tlsOptions(host: string, ca: string | null) {
  return {
    // `ca` replaces Node's default roots, so keep the system CAs next to the configured one.
    ...(ca ? { ca: [...rootCertificates, ca] } : {}),
    // SNI must be a host name; sending an IP is a protocol violation Node warns about.
    ...(isIP(host) === 0 ? { servername: host } : {}),
  };
}

/** A TLS connection whose certificate has not been judged yet: nothing was sent on it. */
export interface Handshake {
  socket: TLSSocket;
  peer: PeerCertificate;
}

/**
 * Connects and completes the TLS handshake without refusing any certificate, so that the caller can
 * judge it (CA, confirmed fingerprint) and show it. The caller owns the socket afterwards.
 */
export function handshake(url: URL, options: TransportOptions): Promise<Handshake> {
  const host = hostOf(url);
  return new Promise((resolve, reject) => {
    let resolved = isIP(host) !== 0;
    let settled = false;
    const socket = tls.connect({
      host,
      port: portOf(url),
      rejectUnauthorized: false,
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
      ...tlsOptions(host, options.ca),
    });
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      reject(e);
    };
    // A resolver that never answers is a name problem, not a slow server: say which phase ran out.
    const timer = setTimeout(
      () => fail(new TimeoutError(resolved ? 'connect' : 'lookup', options.connectTimeoutMs)),
      options.connectTimeoutMs,
    );
    socket.once('lookup', (err: Error | null) => {
      if (!err) resolved = true;
    });
    socket.on('error', fail);
    socket.once('secureConnect', () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.off('error', fail);
      // Errors after this point reach whoever uses the socket next; never an unhandled 'error'.
      socket.on('error', () => undefined);
      const cert = socket.getPeerCertificate();
      if (!cert?.raw) {
        socket.destroy();
        reject(Object.assign(new Error('the server presented no certificate'), { code: 'BFF_NO_CERTIFICATE' }));
        return;
      }
      // Node runs its host-name check only once the chain verified; the trust rule does its own.
      const error = socket.authorized ? null : String(socket.authorizationError ?? 'CERT_UNTRUSTED');
      const verifyError = error === 'ERR_TLS_CERT_ALTNAME_INVALID' ? null : error;
      resolve({ socket, peer: { der: cert.raw, verifyError } });
    });
  });
}

// Without a verifier only CA-trusted certificates are used (tests reading a server's /health).
const CA_ONLY: TrustVerifier = createTrustVerifier({ store: null, clock: () => new Date() });

/** A JSON body sent as exactly these bytes (a node proof covers them), with extra request headers. */
export interface RawJsonBody {
  raw: string;
  headers: Record<string, string>;
}

/**
 * One HTTPS exchange on a fresh connection (no pooling: heartbeats are hours apart). The request is
 * written only after `verify` accepted the certificate; a refused one throws CertificateRefusedError.
 * `body` is serialised as JSON, unless it is a `RawJsonBody`, which is sent as is.
 */
export async function httpsJson(
  url: URL,
  method: 'GET' | 'POST',
  body: unknown,
  options: TransportOptions,
  verify: TrustVerifier = CA_ONLY,
  clock: () => number = () => performance.now(),
): Promise<HttpAnswer> {
  const started = clock();
  const raw = isRaw(body) ? body : null;
  const payload = raw !== null ? Buffer.from(raw.raw, 'utf8') : body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const extraHeaders = raw?.headers ?? {};
  const host = hostOf(url);
  let total: NodeJS.Timeout | undefined;
  let socket: TLSSocket | undefined;
  let expired = false;
  const deadline = new Promise<never>((_, reject) => {
    total = setTimeout(() => {
      expired = true;
      socket?.destroy();
      reject(new TimeoutError('total', options.totalTimeoutMs));
    }, options.totalTimeoutMs);
  });
  // A handshake that completes after the deadline must not leave its socket open.
  const shaking = handshake(url, options).then((s) => {
    socket = s.socket;
    if (expired) s.socket.destroy();
    return s;
  });
  try {
    const shake = await Promise.race([shaking, deadline]);
    const verdict = await Promise.race([verify(url.origin, host, shake.peer), deadline]);
    if (verdict.refusal) {
      shake.socket.destroy();
      throw new CertificateRefusedError(verdict);
    }
    const answer = await Promise.race([exchange(shake.socket, url, method, payload, extraHeaders, options), deadline]).catch((e: unknown) => {
      // Keep what the handshake showed, so a diagnosis after it still names the certificate.
      throw Object.assign(e instanceof Error ? e : new Error(String(e)), { verdict });
    });
    return { ...answer, fingerprint: verdict.certificate.fingerprint, verdict, elapsedMs: Math.round(clock() - started) };
  } finally {
    clearTimeout(total);
    socket?.destroy();
  }
}

function isRaw(body: unknown): body is RawJsonBody {
  return typeof body === 'object' && body !== null && typeof (body as RawJsonBody).raw === 'string' && typeof (body as RawJsonBody).headers === 'object';
}

/** HTTP/1.1 over an already verified TLS socket. */
function exchange(
  socket: TLSSocket,
  url: URL,
  method: 'GET' | 'POST',
  payload: Buffer | undefined,
  extraHeaders: Record<string, string>,
  options: TransportOptions,
): Promise<{ status: number; contentType: string; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      createConnection: () => socket,
      host: url.hostname,
      port: portOf(url),
      path: `${url.pathname}${url.search}`,
      method,
      headers: {
        accept: 'application/json',
        connection: 'close',
        ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
        ...extraHeaders,
      },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxResponseBytes) {
          req.destroy(new TooLargeError(options.maxResponseBytes));
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', reject);
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type'] ?? ''),
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.end(payload);
  });
}
