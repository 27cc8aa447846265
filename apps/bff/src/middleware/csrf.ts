import { createMiddleware } from 'hono/factory';
import { csrf } from 'hono/csrf';
import type { BffEnv } from '../env.ts';

/**
 * hono/csrf (origin must be one of `allowedOrigins`) for every method a form can send.
 * DELETE is left out: hono/csrf reads a request without Content-Type as `text/plain` and would refuse
 * `curl -X DELETE /api/registration` from an admin's script (no Origin). An HTML form cannot send
 * DELETE, a cross-site fetch DELETE needs a CORS preflight this server grants only to ALLOWED_ORIGINS
 * (middleware/cors.ts), and every /api call needs a Bearer token a browser never attaches by itself.
 */
export function formCsrf(allowedOrigins: string[]) {
  const check = csrf({ origin: allowedOrigins });
  return createMiddleware<BffEnv>(async function formCsrf(c, next) {
    if (c.req.method === 'DELETE') return next();
    return check(c, next);
  });
}
