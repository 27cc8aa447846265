import { createMiddleware } from 'hono/factory';
import type { Logger } from 'pino';
import type { BffEnv } from '../env.ts';

/** Puts a per-request child logger (with the request id) on the context and logs one line per request. */
export function requestLogger(logger: Logger, clock: () => number = () => performance.now()) {
  return createMiddleware<BffEnv>(async function requestLogger(c, next) {
    const log = logger.child({ requestId: c.get('requestId') });
    c.set('logger', log);
    const started = clock();
    await next();
    log.info(
      { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(clock() - started) },
      'request',
    );
  });
}
