import type { MiddlewareHandler } from 'hono';
import type { HttpBindings } from '@hono/node-server';
import { reason } from '@registration/protocol/reason';
import { refusal } from './responses.ts';

type Env = { Bindings: HttpBindings };

/**
 * The node API (`POST /api/v1/*`) is for report servers, never for web pages: a page that a browser inside
 * the license's IP range opens could otherwise take slots with a "simple" cross-site request (text/plain,
 * no preflight). A body that is not `application/json` is refused with 415 (a browser can send JSON across
 * sites only after a preflight, which gets no CORS header here), and anything a browser marks as its own
 * (`Sec-Fetch-Site`, `Origin`) with 403. Both are answered like the route's other refusals, before the body
 * is read.
 */
export function nodeRequestsOnly(): MiddlewareHandler<Env> {
  return async (c, next) => {
    if (c.req.method !== 'POST') return next();
    // Read from the node request when there is one: c.req.header() would build a WHATWG Request.
    const headers = c.env?.incoming?.headers;
    const header = (name: string): string | undefined => {
      const v = headers ? headers[name] : c.req.header(name);
      return typeof v === 'string' ? v : undefined;
    };
    const type = (header('content-type') ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
    if (type !== 'application/json') {
      const { body } = refusal([reason('UNSUPPORTED_MEDIA_TYPE', { contentType: type === '' ? '(none)' : type.slice(0, 100) })]);
      return c.json(body, 415);
    }
    const site = header('sec-fetch-site');
    const origin = header('origin');
    if (site !== undefined || origin !== undefined) {
      const { body } = refusal([reason('BROWSER_REQUEST_REFUSED', { origin: (origin ?? site ?? '').slice(0, 200) })]);
      return c.json(body, 403);
    }
    return next();
  };
}
