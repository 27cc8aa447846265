import type { ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorName } from '@registration/protocol/catalogue';
import { JSON_BODY_LIMIT_BYTES } from '../config.ts';
import type { BffEnv } from '../env.ts';
import { apiError, CatalogueError } from '../errors.ts';

const httpNames: Partial<Record<number, ErrorName>> = {
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
};

/**
 * The one error handler: catalogue errors and HTTP exceptions become `{ code, name, message, details? }`;
 * anything else is a bug — logged with its stack, answered 500 with only the request id.
 */
export const onError: ErrorHandler<BffEnv> = (err, c) => {
  const log = c.get('logger');
  if (err instanceof CatalogueError) {
    log?.warn({ err: err.message, name: err.errorName }, 'request failed');
    return c.json(apiError(err.errorName, err.params, err.details), err.status as ContentfulStatusCode);
  }
  if (err instanceof HTTPException) {
    const name = httpNames[err.status];
    if (name) {
      log?.info({ status: err.status, reason: err.message }, 'request refused');
      const params = name === 'PAYLOAD_TOO_LARGE' ? { limit: JSON_BODY_LIMIT_BYTES } : undefined;
      // hono/csrf throws a bare 403: say why, since "only administrators" would mislead an admin.
      const details = err.status === 403 && !err.message ? { issues: ['cross-site form request refused (Origin not allowed)'] } : undefined;
      return c.json(apiError(name, params, details), err.status as ContentfulStatusCode);
    }
    if (err.status === 400) {
      // Malformed JSON etc. thrown by the validator before the schema ran.
      return c.json(apiError('PARAM_INPUT_ERROR', { fields: '(body)' }, { issues: [err.message] }), 400);
    }
  }
  const requestId = c.get('requestId') ?? 'unknown';
  log?.error({ err, requestId }, 'unhandled error');
  return c.json(apiError('INTERNAL_ERROR', { requestId }), 500);
};

/** Unknown routes answer the catalogue's NOT_FOUND. */
export const notFound: NotFoundHandler<BffEnv> = (c) => c.json(apiError('NOT_FOUND'), 404);
