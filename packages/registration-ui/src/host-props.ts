import { z } from 'zod';
import { LOCALES } from '@registration/protocol/catalogue';

// Duck-typed rather than `instanceof Element`: a host may hand over an element from another realm
// (qiankun sandboxes, iframes), where the instanceof check fails for a perfectly good element.
const elementSchema = z.custom<Element>(
  (v) => typeof v === 'object' && v !== null && (v as { nodeType?: unknown }).nodeType === 1,
  { message: 'must be a DOM Element' },
);

function fn<T>() {
  return z.custom<T>((v) => typeof v === 'function', { message: 'must be a function' });
}

/** `''` (same origin), a path (`/bff`) or an absolute http(s) URL; `/api/...` paths are appended. */
const apiBaseUrlSchema = z
  .string()
  .refine((s) => s === '' || s.startsWith('/') || /^https?:\/\/[^/]/.test(s), {
    message: 'must be "", a path like /bff or an absolute http(s) URL',
  });

/** CSS variable overrides, e.g. `{ '--frr-primary': '#0a58ca' }`; only the module's own variables. */
export const themeSchema = z.record(
  z.string().regex(/^--frr-[a-z0-9-]+$/, { message: 'keys must be CSS variables named --frr-*' }),
  z.string().max(200),
);
export type Theme = z.infer<typeof themeSchema>;

/** The props a host passes to `mount` / `update`. */
export const hostPropsSchema = z.object({
  container: elementSchema,
  basename: z.string().startsWith('/').default('/'),
  locale: z.enum(LOCALES).default('zh-CN'),
  apiBaseUrl: apiBaseUrlSchema,
  getAccessToken: fn<() => string | Promise<string>>(),
  theme: themeSchema.optional(),
  navigate: fn<(path: string) => void>(),
  onUnauthorized: fn<() => void>(),
});
export type HostPropsInput = z.input<typeof hostPropsSchema>;
export type HostProps = z.output<typeof hostPropsSchema>;

/** Validates host props; the error names every bad prop (`getAccessToken: must be a function`). */
export function parseHostProps(input: unknown): HostProps {
  const result = hostPropsSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.map(String).join('.') || '(props)'}: ${i.message}`);
  throw new Error(`Invalid registration host props: ${problems.join('; ')}`);
}
