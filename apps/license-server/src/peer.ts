import type { Context } from 'hono';
import type { HttpBindings } from '@hono/node-server';

/** The TCP peer as the checks see it; IPv4-mapped IPv6 (`::ffff:10.0.0.1`) is reported as plain IPv4. */
export function peerAddress(c: Context<{ Bindings: HttpBindings }>): string {
  const address = c.env?.incoming?.socket?.remoteAddress ?? '';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return mapped?.[1] ?? address;
}
