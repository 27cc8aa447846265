import { zValidator } from '@hono/zod-validator';
import type { core } from 'zod';
import { apiError } from '../errors.ts';

/**
 * `zValidator('json', schema)` whose failures answer 400 PARAM_INPUT_ERROR with every issue,
 * in the same `{ code, name, message, details }` shape as every other error.
 */
export function validJson<T extends core.$ZodType>(schema: T) {
  return zValidator('json', schema, (result, c) => {
    if (result.success) return;
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
    const fields = [...new Set(result.error.issues.map((i) => i.path.join('.') || '(body)'))];
    return c.json(apiError('PARAM_INPUT_ERROR', { fields }, { issues }), 400);
  });
}

/** The same for a query string. */
export function validQuery<T extends core.$ZodType>(schema: T) {
  return zValidator('query', schema, (result, c) => {
    if (result.success) return;
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(query)'}: ${i.message}`);
    const fields = [...new Set(result.error.issues.map((i) => i.path.join('.') || '(query)'))];
    return c.json(apiError('PARAM_INPUT_ERROR', { fields }, { issues }), 400);
  });
}
