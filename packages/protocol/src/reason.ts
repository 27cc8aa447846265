import { z } from 'zod';
import { ERROR_NAMES } from './catalogue.ts';

/** Specifics of one failing reason, interpolated into the catalogue text (e.g. `{{peer}}`). */
export const reasonParamsSchema = z.record(
  z.string(),
  z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]),
);

/** One failing reason as it travels on every wire: catalogue code and name plus specifics. */
export const reasonSchema = z.object({
  code: z.number().int(),
  name: z.enum(ERROR_NAMES),
  params: reasonParamsSchema.optional(),
});
export type Reason = z.infer<typeof reasonSchema>;
export type ReasonParams = z.infer<typeof reasonParamsSchema>;

/** The body of every non-2xx answer of the BFF and the license server's own errors. */
export const apiErrorSchema = z.object({
  code: z.number().int(),
  name: z.enum(ERROR_NAMES),
  message: z.string(),
  details: z
    .object({ reasons: z.array(reasonSchema).optional(), issues: z.array(z.string()).optional() })
    .optional(),
});
export type ApiError = z.infer<typeof apiErrorSchema>;
