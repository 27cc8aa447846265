// zod/mini (functional API, tree-shakable): these schemas ship in the registration module's bundle.
import * as z from 'zod/mini';
import { codeOf, ERROR_NAMES, type ErrorName } from './catalogue.ts';

/** Specifics of one failing reason, interpolated into the catalogue text (e.g. `{{peer}}`). */
export const reasonParamsSchema = z.record(
  z.string(),
  z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]),
);

/** One failing reason as it travels on every wire: catalogue code and name plus specifics. */
export const reasonSchema = z.object({
  code: z.int(),
  name: z.enum(ERROR_NAMES),
  params: z.optional(reasonParamsSchema),
});
export type Reason = z.infer<typeof reasonSchema>;
export type ReasonParams = z.infer<typeof reasonParamsSchema>;

/** A catalogue reason by name: its code looked up, its params only when there are some. The one place reasons are made. */
export function reason(name: ErrorName, params?: ReasonParams): Reason {
  return params === undefined ? { code: codeOf(name), name } : { code: codeOf(name), name, params };
}

/** The body of every non-2xx answer of the BFF and the license server's own errors. */
export const apiErrorSchema = z.object({
  code: z.int(),
  name: z.enum(ERROR_NAMES),
  message: z.string(),
  details: z.optional(z.object({ reasons: z.optional(z.array(reasonSchema)), issues: z.optional(z.array(z.string())) })),
});
export type ApiError = z.infer<typeof apiErrorSchema>;
