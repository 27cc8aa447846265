import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { serve, type Http2Bindings, type HttpBindings } from '@hono/node-server';
import { addressKey } from '@registration/licensing/rate-limit';
import type { TlsMaterial } from './tls.ts';

/** A listening HTTPS server and how to stop it. */
export interface RunningServer {
  server: Server;
  port: number;
  /** `https://host:port` with IPv6 hosts in brackets. */
  url: string;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), then drops what is left. */
  close(graceMs?: number): Promise<void>;
}

/** How long a client may take to send a request's headers, and the whole request (slowloris). */
export const HEADERS_TIMEOUT_MS = 10_000;
export const REQUEST_TIMEOUT_MS = 30_000;
/** An idle keep-alive connection is closed after this (node's default is 5 s). */
export const KEEP_ALIVE_TIMEOUT_MS = 10_000;
/** A TLS handshake that has not finished by then is dropped. */
export const HANDSHAKE_TIMEOUT_MS = 10_000;
/** How often node checks open connections against the header and request timeouts (its default is 30 s). */
export const CONNECTIONS_CHECK_MS = 2_000;

/**
 * Serves `app` over HTTPS on host:port (port 0 = any free port) and resolves once it listens. Slow clients
 * are cut off (handshake, headers, request timeouts) and one source address may hold at most
 * `maxConnectionsPerAddress` connections (IPv6: per /64): a client in the license's range cannot tie up
 * the server's sockets.
 */
export function startHttpsServer(options: {
  app: { fetch: (request: Request, env: HttpBindings | Http2Bindings) => Response | Promise<Response> };
  host: string;
  port: number;
  tls: Pick<TlsMaterial, 'cert' | 'key'>;
  maxConnectionsPerAddress?: number;
  /** Shorter timeouts for tests; production uses the constants above. */
  timeouts?: { headersMs: number; requestMs: number; checkMs: number };
}): Promise<RunningServer> {
  const t = options.timeouts ?? { headersMs: HEADERS_TIMEOUT_MS, requestMs: REQUEST_TIMEOUT_MS, checkMs: CONNECTIONS_CHECK_MS };
  return new Promise((resolve, reject) => {
    const server = serve(
      {
        fetch: options.app.fetch,
        hostname: options.host,
        port: options.port,
        createServer,
        serverOptions: {
          cert: options.tls.cert,
          key: options.tls.key,
          handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
          headersTimeout: t.headersMs,
          requestTimeout: t.requestMs,
          connectionsCheckingInterval: t.checkMs,
          keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
        },
      },
      (info: AddressInfo) => {
        server.off('error', reject);
        const host = options.host.includes(':') ? `[${options.host}]` : options.host;
        resolve({
          server,
          port: info.port,
          url: `https://${host}:${info.port}`,
          close: (graceMs = 5000) => closeServer(server, graceMs),
        });
      },
    ) as Server;
    if (options.maxConnectionsPerAddress !== undefined) capConnectionsPerAddress(server, options.maxConnectionsPerAddress);
    server.once('error', reject);
  });
}

/** Closes a new connection at once when its source address already holds `max` open ones. */
export function capConnectionsPerAddress(server: Server, max: number): void {
  const open = new Map<string, number>();
  // 'connection' is the raw TCP socket, before any TLS work is spent on it.
  server.on('connection', (socket: Socket) => {
    const key = addressKey((socket.remoteAddress ?? '').replace(/^::ffff:(?=\d+\.)/i, ''));
    const held = open.get(key) ?? 0;
    if (held >= max) {
      socket.destroy();
      return;
    }
    open.set(key, held + 1);
    socket.once('close', () => {
      const left = (open.get(key) ?? 1) - 1;
      if (left <= 0) open.delete(key);
      else open.set(key, left);
    });
  });
}

function closeServer(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    // Keep-alive sockets with no request in flight would otherwise hold close() open.
    server.closeIdleConnections();
  });
}
