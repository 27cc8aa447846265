import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { except } from 'hono/combine';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { JSON_BODY_LIMIT_BYTES } from './config.ts';
import type { BffEnv } from './env.ts';
import { adminAuth } from './middleware/auth.ts';
import { apiCors } from './middleware/cors.ts';
import { formCsrf } from './middleware/csrf.ts';
import { notFound, onError } from './middleware/errors.ts';
import { requestLogger } from './middleware/request-logger.ts';
import { createRegistrationService, type RegistrationService, type ServiceDeps } from './registration/service.ts';
import { CONTAINER_LIC_UPLOAD_PATH, localContainerRoutes } from './routes/local-container.ts';
import { openApiDocument, OPENAPI_PATH } from './routes/openapi.ts';
import { registrationRoutes } from './routes/registration.ts';
import { trustRoutes } from './routes/trust.ts';

/** What the BFF is built from; tests pass real-but-local ones (PGlite in memory, loopback license server). */
export interface AppDeps extends ServiceDeps {
  /** Share one service with the heartbeat (they take turns on this node's row); built from deps if absent. */
  service?: RegistrationService;
}

/** Builds the BFF: middleware requestId → logger → secureHeaders → CORS → csrf → bodyLimit → auth → routes. */
export function createApp(deps: AppDeps) {
  const service = deps.service ?? createRegistrationService(deps);
  const app = new Hono<BffEnv>()
    .use(requestId())
    .use(requestLogger(deps.logger))
    .use(secureHeaders())
    // Preflights are answered here, before auth (a browser sends no Authorization on them).
    .use('/api/*', apiCors(deps.config.allowedOrigins))
    .use(formCsrf(deps.config.allowedOrigins))
    .use(
      // The Container.lic upload has its own, larger limit (64 KB file in a multipart body).
      except(
        CONTAINER_LIC_UPLOAD_PATH,
        bodyLimit({
          maxSize: JSON_BODY_LIMIT_BYTES,
          onError: () => {
            throw new HTTPException(413, { message: `body larger than ${JSON_BODY_LIMIT_BYTES} bytes` });
          },
        }),
      ),
    )
    .use('/api/*', adminAuth({ publicKey: deps.config.authPublicKey, clock: deps.clock }))
    .use('/api/*', async (c, next) => {
      // Upload, challenge, trust …: a state read after any of them must not join a read that began before.
      if (c.req.method !== 'GET') service.wrote();
      await next();
      if (c.req.method !== 'GET') service.wrote();
    })
    .get('/healthz', (c) => c.json({ status: 'ok' as const, nodeId: deps.config.nodeId }, 200))
    .route('/api/registration', registrationRoutes(service))
    .route('/api/registration/private-cloud/trust', trustRoutes({ ...deps, history: service.history }))
    .route('/api/registration/local-container', localContainerRoutes(service.localContainer, service.history))
    .get(OPENAPI_PATH, (c) => c.json(openApiDocument(), 200));
  app.onError(onError);
  app.notFound(notFound);
  return app;
}

/** The BFF's routes and their request/response types, for the UI's `hc<AppType>` client. */
export type AppType = ReturnType<typeof createApp>;
