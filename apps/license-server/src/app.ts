import { dirname } from 'node:path';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import type { HttpBindings } from '@hono/node-server';
import { LICENSE_SERVER_SERVICE, type Health, type ServerInfo } from '@registration/protocol/license-server-api';
import pkg from '../package.json' with { type: 'json' };
import { activationRoutes, type ActivationDeps } from './activation-routes.ts';
import { DEFAULT_RETENTION_DAYS, EventLog } from './console/events.ts';
import { OperatorPassword } from './console/operator-password.ts';
import { consoleRoutes } from './console/routes.ts';
import { SetupTokens } from './console/setup-tokens.ts';
import { liveLeases } from './lease-book.ts';
import { leaseRoutes, preSecured } from './lease-routes.ts';
import { nodeRequestsOnly } from './node-requests-only.ts';
import { peerAddress } from './peer.ts';
import { NO_RATE_LIMITS, rateLimit } from './rate-limit.ts';
import { apiError } from './responses.ts';

/** Dependencies of the license server app; tests pass real ones built on a temp dir and an injected clock. */
export type LicenseServerDeps = ActivationDeps & {
  /** How long the console keeps events (days; default 90). */
  eventRetentionDays?: number;
  /** Console sign-in attempts per source address per minute (default 10; 0 = none). */
  signInPerMinute?: number;
};

export const BODY_LIMIT_BYTES = 64 * 1024;

/** The license server's HTTP app: lease routes, info and health, with the JSON error shape for the rest. */
export function createLicenseServerApp(input: LicenseServerDeps) {
  const { bundle, store, clock, logger, language } = input;
  // The console's parts: given by main.ts (events on disk), made here otherwise (memory only).
  const deps = {
    ...input,
    events: input.events ?? EventLog.memory(clock),
    password: input.password ?? new OperatorPassword(dirname(store.path), clock),
    setupTokens: input.setupTokens ?? new SetupTokens(clock),
  };
  const app = new Hono<{ Bindings: HttpBindings }>();

  app.use(async (c, next) => {
    // Checked per request (the level can be changed at run time); at info and above this line is never written.
    if (!logger.isLevelEnabled('debug')) return next();
    const started = performance.now();
    await next();
    const ms = Math.round((performance.now() - started) * 10) / 10;
    logger.debug({ method: c.req.method, path: c.req.path, status: c.res.status, ms, peer: peerAddress(c) }, 'request');
  });
  const secure = secureHeaders();
  app.use(async (c, next) => {
    await next();
    // A lease grant is built with every header secureHeaders would set (lease-routes.ts); anything else gets them here.
    if (preSecured.has(c.res)) return;
    await secure(c, async () => undefined);
  });
  const tooLarge = (c: Context) => c.json(apiError('PAYLOAD_TOO_LARGE', language), 413);
  const limitStreamedBody = bodyLimit({ maxSize: BODY_LIMIT_BYTES, onError: tooLarge });
  app.use((c, next) => {
    // hono's bodyLimit starts with `c.req.raw.body`, which makes the node adapter build a full WHATWG
    // Request with a web stream over the socket for every request (about 15% of a heartbeat's CPU) and
    // takes the handler's body read off its direct fast path. For a body with a declared length it then only
    // compares that length, and so does this, from the node request's headers (Node reads exactly that many
    // bytes, and refuses a request carrying both content-length and transfer-encoding). A body without a
    // declared length, or a request not coming through the node adapter, still goes through bodyLimit.
    const incoming = c.env?.incoming;
    if (incoming !== undefined) {
      const method = c.req.method;
      // No body is read for these (the adapter gives them no body stream, so bodyLimit passes them too).
      if (method === 'GET' || method === 'HEAD' || method === 'TRACE') return next();
      const declared = incoming.headers['content-length'];
      if (declared !== undefined && incoming.headers['transfer-encoding'] === undefined) {
        return parseInt(declared || '0', 10) > BODY_LIMIT_BYTES ? Promise.resolve(tooLarge(c)) : next();
      }
    }
    return limitStreamedBody(c, next);
  });

  const limits = deps.rateLimits ?? NO_RATE_LIMITS;
  app.use('/api/v1/*', nodeRequestsOnly());
  app.use('/api/v1/register', rateLimit({ perMinute: limits.register, clock }));
  const renewals = rateLimit({ perMinute: limits.heartbeat, clock });
  app.use('/api/v1/heartbeat', renewals);
  app.use('/api/v1/deregister', renewals);
  app.route('/api/v1', leaseRoutes(deps));
  // The activation forms must come from the page itself: a cross-site form could refresh the QR code.
  app.use('/license/*', csrf());
  app.route('/license', activationRoutes(deps));
  // The console's forms also carry the session's token; this refuses any cross-site POST first.
  app.use('/console/*', csrf());
  app.use('/console', csrf());
  app.route(
    '/console',
    consoleRoutes({ ...deps, retentionDays: deps.eventRetentionDays ?? DEFAULT_RETENTION_DAYS, ...(deps.signInPerMinute === undefined ? {} : { signInPerMinute: deps.signInPerMinute }) }),
  );

  app.get('/api/v1/info', (c) => {
    const body: ServerInfo = {
      service: LICENSE_SERVER_SERVICE,
      version: pkg.version,
      activated: store.state.activatedAt !== null,
      serverLicense: bundle.bundle.serverLicense,
      nodeProof: true,
      registrationKeyRequired: (deps.registrationKey ?? null) !== null,
    };
    return c.json(body, 200);
  });

  app.get('/health', (c) => {
    const state = store.state;
    const body: Health = {
      status: state.destroyedAt === null ? 'ok' : 'destroyed',
      activated: state.activatedAt !== null,
      leasesInUse: liveLeases(state, clock()).size,
      maxConnections: bundle.license.maxConnections,
      lastWriteAt: store.lastWriteAt,
    };
    return c.json(body, 200);
  });

  app.notFound((c) => c.json(apiError('NOT_FOUND', language), 404));
  app.onError((error, c) => {
    // The csrf middleware refuses a cross-site form with a 403 HTTPException: an answer, not a failure.
    if (error instanceof HTTPException && error.status === 403) return c.json(apiError('FORBIDDEN', language), 403);
    logger.error({ err: error, path: c.req.path }, 'request failed');
    return c.json(apiError('INTERNAL_ERROR', language), 500);
  });
  return app;
}
