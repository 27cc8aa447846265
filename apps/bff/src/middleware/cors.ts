import { cors } from 'hono/cors';

/**
 * CORS for hosts on another origin (an admin console at https://console.example that calls this BFF
 * directly instead of through a same-origin proxy). The same `ALLOWED_ORIGINS` that the CSRF check
 * uses decides: a listed origin is echoed in `Access-Control-Allow-Origin`, any other gets no CORS
 * header at all (the browser then refuses to hand the answer to the page). Preflights are answered
 * here, before authentication, since a browser never sends credentials on a preflight. No cookies:
 * every /api call carries a Bearer token the host's code attaches, so credentials stay off.
 */
export function apiCors(allowedOrigins: readonly string[]) {
  const allowed = new Set(allowedOrigins);
  return cors({
    origin: (origin) => (allowed.has(origin) ? origin : null),
    allowMethods: ['GET', 'POST', 'PUT', 'DELETE'],
    allowHeaders: ['Authorization', 'Content-Type'],
    // The module reads the request id (shown beside errors) and Retry-After (rate-limited answers).
    exposeHeaders: ['X-Request-Id', 'Retry-After'],
    maxAge: 600,
    credentials: false,
  });
}
