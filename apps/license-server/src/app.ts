import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import type { HttpBindings } from '@hono/node-server';
import { LICENSE_SERVER_SERVICE, type Health, type ServerInfo } from '@registration/protocol/license-server-api';
import pkg from '../package.json' with { type: 'json' };
import { activationRoutes, type ActivationDeps } from './activation-routes.ts';
import { liveLeases } from './lease-book.ts';
import { leaseRoutes, peerAddress } from './lease-routes.ts';
import { apiError } from './responses.ts';

/** Dependencies of the license server app; tests pass real ones built on a temp dir and an injected clock. */
export type LicenseServerDeps = ActivationDeps;

export const BODY_LIMIT_BYTES = 64 * 1024;

/** The license server's HTTP app: lease routes, info and health, with the JSON error shape for the rest. */
export function createLicenseServerApp(deps: LicenseServerDeps) {
  const { bundle, store, clock, logger, language } = deps;
  const app = new Hono<{ Bindings: HttpBindings }>();

  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    const ms = Math.round((performance.now() - started) * 10) / 10;
    logger.debug({ method: c.req.method, path: c.req.path, status: c.res.status, ms, peer: peerAddress(c) }, 'request');
  });
  app.use(secureHeaders());
  app.use(bodyLimit({ maxSize: BODY_LIMIT_BYTES, onError: (c) => c.json(apiError('PAYLOAD_TOO_LARGE', language), 413) }));

  app.route('/api/v1', leaseRoutes(deps));
  // The activation forms must come from the page itself: a cross-site form could refresh the QR code.
  app.use('/license/*', csrf());
  app.route('/license', activationRoutes(deps));

  app.get('/api/v1/info', (c) => {
    const body: ServerInfo = {
      service: LICENSE_SERVER_SERVICE,
      version: pkg.version,
      activated: store.state.activatedAt !== null,
      serverLicense: bundle.bundle.serverLicense,
    };
    return c.json(body, 200);
  });

  app.get('/health', (c) => {
    const state = store.state;
    const body: Health = {
      status: state.destroyedAt === null ? 'ok' : 'destroyed',
      activated: state.activatedAt !== null,
      leasesInUse: Object.keys(liveLeases(state, clock())).length,
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
