import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { serve, type Http2Bindings, type HttpBindings } from '@hono/node-server';
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

/** Serves `app` over HTTPS on host:port (port 0 = any free port) and resolves once it listens. */
export function startHttpsServer(options: {
  app: { fetch: (request: Request, env: HttpBindings | Http2Bindings) => Response | Promise<Response> };
  host: string;
  port: number;
  tls: Pick<TlsMaterial, 'cert' | 'key'>;
}): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = serve(
      {
        fetch: options.app.fetch,
        hostname: options.host,
        port: options.port,
        createServer,
        serverOptions: { cert: options.tls.cert, key: options.tls.key },
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
    server.once('error', reject);
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
