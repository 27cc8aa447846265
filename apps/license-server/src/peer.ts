import type { HttpBindings } from '@hono/node-server';

/** The TCP peer as the checks see it; IPv4-mapped IPv6 (`::ffff:10.0.0.1`) is reported as plain IPv4. */
/** Takes any route's context (whatever its variables): only the node request's socket is read. */
export function peerAddress(c: { env: Partial<HttpBindings> | undefined }): string {
  const address = c.env?.incoming?.socket?.remoteAddress ?? '';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return mapped?.[1] ?? address;
}
