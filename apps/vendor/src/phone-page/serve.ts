import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createPhonePageApp, type PhonePageDeps } from './app.ts';

export interface RunningPhonePage {
  /** `http://host:port` as bound (IPv6 in brackets; the real port when 0 was asked for). */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Serves the phone page over HTTP on `host:port`; rejects if the port cannot be bound. */
export function startPhonePage(
  options: { vendorDir: string; host: string; port: number } & Partial<Pick<PhonePageDeps, 'clock' | 'logError'>>,
): Promise<RunningPhonePage> {
  const app = createPhonePageApp({
    vendorDir: options.vendorDir,
    clock: options.clock ?? (() => new Date()),
    ...(options.logError ? { logError: options.logError } : {}),
  });
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: options.host, port: options.port }, (info: AddressInfo) => {
      server.off('error', reject);
      const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${host}:${info.port}`,
        port: info.port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            // Phones keep connections alive; do not let an idle one hold the shutdown.
            if ('closeIdleConnections' in server) server.closeIdleConnections();
          }),
      });
    });
    server.once('error', reject);
  });
}
