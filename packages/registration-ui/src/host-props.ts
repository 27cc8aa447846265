// zod/mini: the functional, tree-shakable API (this file ships in the module's bundle).
import * as z from 'zod/mini';
import { LOCALES } from '@registration/protocol/catalogue';

/**
 * Where the module renders: an Element, or a ShadowRoot (qiankun's `strictStyleIsolation` hands one
 * over). Duck-typed rather than `instanceof`: a host may pass a node from another realm (qiankun's
 * sandbox, an iframe), where the instanceof check fails for a perfectly good node.
 */
export type HostContainer = Element | ShadowRoot;

/** True for an Element (nodeType 1) or a shadow root (a DocumentFragment, nodeType 11, with a host). */
export function isHostContainer(v: unknown): v is HostContainer {
  if (typeof v !== 'object' || v === null) return false;
  const node = v as { nodeType?: unknown; host?: unknown };
  return node.nodeType === 1 || (node.nodeType === 11 && typeof node.host === 'object' && node.host !== null);
}

const containerSchema = z.custom<HostContainer>(isHostContainer, { message: 'must be a DOM Element or a ShadowRoot' });

function fn<T>() {
  return z.custom<T>((v) => typeof v === 'function', { message: 'must be a function' });
}

/** `''` (same origin), a path (`/bff`) or an absolute http(s) URL; `/api/...` paths are appended. */
const apiBaseUrlSchema = z.string({ message: 'must be a string' }).check(
  z.refine((s) => s === '' || s.startsWith('/') || /^https?:\/\/[^/]/.test(s), {
    message: 'must be "", a path like /bff or an absolute http(s) URL',
  }),
);

/** CSS variable overrides, e.g. `{ '--frr-primary': '#0a58ca' }`; only the module's own variables. */
export const themeSchema = z.record(
  z.string().check(z.regex(/^--frr-[a-z0-9-]+$/, { message: 'keys must be CSS variables named --frr-*' })),
  z.string({ message: 'values must be strings' }).check(z.maxLength(200, { message: 'values must be at most 200 characters' })),
  { message: 'must be an object of --frr-* CSS variables' },
);
export type Theme = z.infer<typeof themeSchema>;

export const localeSchema = z.enum(LOCALES, { message: `must be one of ${LOCALES.map((l) => JSON.stringify(l)).join(', ')}` });

/**
 * The props a host passes to `mount` / `update`. Only `container` and `getAccessToken` are required.
 * Unknown keys (qiankun's `name`, `singleSpa`, a host's old `navigate` / `basename`) are ignored.
 */
export const hostPropsSchema = z.object({
  container: containerSchema,
  getAccessToken: fn<() => string | Promise<string>>(),
  /** Default `''`: the BFF is reached on the host page's own origin (a same-origin proxy). */
  apiBaseUrl: z._default(apiBaseUrlSchema, ''),
  locale: z._default(localeSchema, 'zh-CN'),
  theme: z.optional(themeSchema),
  /** Called once per episode of refused tokens (401 or a failing `getAccessToken`), not on every poll. */
  onUnauthorized: z._default(fn<() => void>(), () => () => {}),
  /** `'shadow'`: render inside a shadow root of the container, out of reach of the host page's CSS. */
  isolation: z._default(z.enum(['none', 'shadow'], { message: 'must be "none" or "shadow"' }), 'none'),
  /** qiankun's global state: `locale` and `theme` in it are applied live. */
  onGlobalStateChange: z.optional(fn<(callback: (state: Record<string, unknown>) => void, fireImmediately?: boolean) => void>()),
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
