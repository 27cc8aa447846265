import { z } from 'zod';

/** A mistake in the command line; printed as one line, exit code 1. */
export class UsageError extends Error {}

/** Where a command prints its lines. */
export type Out = (line: string) => void;

export const str = { type: 'string' } as const;
export const bool = { type: 'boolean' } as const;

export const text = z.string().trim().min(1, 'must not be empty');
export const csv = z
  .string()
  .optional()
  .transform((s) => (s ?? '').split(',').map((v) => v.trim()).filter((v) => v.length > 0));
export const int = (min: number, max: number) =>
  z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(min).max(max));
export const when = z.union([z.iso.datetime({ offset: true }), z.iso.date()], 'must be an ISO date like 2027-12-31');

/** `--expires` and `--days`: exactly one of them (refine a schema that has both). */
export const oneExpiry = {
  check: (v: { expires?: string | undefined; days?: number | undefined }) => (v.expires === undefined) !== (v.days === undefined),
  message: { message: 'or --days: give exactly one of them', path: ['expires'] },
};

/** The expiry instant from `--expires` (ISO date or date-time) or `--days` from now. */
export function expiryFrom(args: { expires?: string | undefined; days?: number | undefined }, now: Date): Date {
  return args.expires !== undefined ? new Date(args.expires) : new Date(now.getTime() + (args.days ?? 0) * 864e5);
}

/** Parsed flags, or a UsageError naming the first bad flag. */
export function validate<T>(schema: z.ZodType<T>, values: unknown): T {
  const result = schema.safeParse(values);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const flag = issue?.path[0];
  const message = issue?.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue?.message;
  throw new UsageError(flag === undefined ? String(message) : `--${String(flag)} ${message}`);
}

/** The single positional argument of `command` (a file, a license id). */
export function onePositional(positionals: string[], command: string, what: string): string {
  if (positionals.length !== 1 || positionals[0] === undefined) throw new UsageError(`${command} takes exactly one ${what}`);
  return positionals[0];
}
