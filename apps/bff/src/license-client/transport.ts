import https from 'node:https';
import { isIP } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { rootCertificates } from 'node:tls';

/** TLS trust and time limits for calls to a license server. */
export interface TransportOptions {
  /** Extra PEM trusted besides the system CAs (a self-signed license server's certificate). */
  ca: string | null;
  /** TCP connect + TLS handshake. */
  connectTimeoutMs: number;
  /** The whole exchange, answer included. */
  totalTimeoutMs: number;
  /** Largest answer read; a license server's answers are a few KB. */
  maxResponseBytes: number;
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
  elapsedMs: number;
}

/** Our own time limits, told apart from the socket's errors by `code`. */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
  readonly code = 'BFF_TIMEOUT';
  constructor(
    readonly phase: 'connect' | 'total',
    readonly timeoutMs: number,
  ) {
    super(`no ${phase === 'connect' ? 'connection' : 'answer'} within ${timeoutMs} ms`);
  }
}

/** The answer was larger than `maxResponseBytes`. */
export class TooLargeError extends Error {
  override readonly name = 'TooLargeError';
  readonly code = 'BFF_TOO_LARGE';
}

/** The TLS options every connection to a license server uses (also the fingerprint probe). */
export function tlsOptions(host: string, ca: string | null) {
  return {
    // `ca` replaces Node's default roots, so keep the system CAs next to the configured one.
    ...(ca ? { ca: [...rootCertificates, ca] } : {}),
    // SNI must be a host name; sending an IP is a protocol violation Node warns about.
    ...(isIP(host) === 0 ? { servername: host } : {}),
  };
}

/** One HTTPS exchange with a fresh connection (no pooling: heartbeats are hours apart). */
export function httpsJson(
  url: URL,
  method: 'GET' | 'POST',
  body: unknown,
  options: TransportOptions,
  clock: () => number = () => performance.now(),
): Promise<HttpAnswer> {
  const started = clock();
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise<HttpAnswer>((resolve, reject) => {
    let fingerprint: string | null = null;
    const req = https.request({
      protocol: 'https:',
      host,
      port: url.port || 443,
      path: `${url.pathname}${url.search}`,
      method,
      agent: false,
      rejectUnauthorized: true,
      ...tlsOptions(host, options.ca),
      headers: {
        accept: 'application/json',
        ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
      },
    });
    const total = setTimeout(() => req.destroy(new TimeoutError('total', options.totalTimeoutMs)), options.totalTimeoutMs);
    const fail = (e: Error) => {
      clearTimeout(total);
      reject(e);
    };
    req.on('socket', (socket) => {
      const connect = setTimeout(
        () => req.destroy(new TimeoutError('connect', options.connectTimeoutMs)),
        options.connectTimeoutMs,
      );
      socket.once('secureConnect', () => {
        clearTimeout(connect);
        fingerprint = (socket as TLSSocket).getPeerCertificate().fingerprint256 ?? null;
      });
      socket.once('close', () => clearTimeout(connect));
    });
    req.on('error', fail);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxResponseBytes) {
          req.destroy(new TooLargeError(`answer larger than ${options.maxResponseBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', fail);
      res.on('end', () => {
        clearTimeout(total);
        resolve({
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type'] ?? ''),
          text: Buffer.concat(chunks).toString('utf8'),
          fingerprint,
          elapsedMs: Math.round(clock() - started),
        });
      });
    });
    req.end(payload);
  });
}
