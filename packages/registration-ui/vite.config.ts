import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * Two library builds from one config:
 * - default: ESM (`src/index.ts`) for hosts that bundle.
 * - `--mode iife`: one self-contained script (`src/iife.ts`, React and everything else inside) that
 *   sets `window.FrRegistration` and defines `<fr-registration>` for qiankun / script-injecting hosts.
 *
 * ESM externals: every runtime dependency of package.json (React, react-query, i18next, react-i18next,
 * zod, hono), not only React. A bundling host resolves them from this package's dependencies and
 * dedupes them with its own copies; sharing the code shares no state, because every mount creates its
 * own QueryClient and i18next instance. Measured earlier (gzip): React-only external 73.6 KB, over the
 * 50 KB goal (classic zod alone was ~25 KB, i18next ~15 KB, react-query ~11 KB).
 * `@registration/protocol` is bundled: it is workspace TypeScript source, not a published package.
 * Everything the module's bundles validate with is `zod/mini` (the functional, tree-shakable API):
 * classic zod in the IIFE weighed 25 KB gzip and built every schema with all its methods at start-up.
 */
const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
};
const externals = Object.keys(pkg.dependencies).filter((name) => !name.startsWith('@registration/'));
const isExternal = (id: string) => externals.some((name) => id === name || id.startsWith(`${name}/`));

/**
 * zod keeps its global config and registry on `globalThis.__zod_globalConfig` / `__zod_globalRegistry`,
 * shared with any zod of the host page (whose `z.config()` would then change our messages). In the IIFE,
 * where zod is our own copy, they become module-local: the page gets no global but `FrRegistration`.
 */
function zodWithoutGlobals(): Plugin {
  return {
    name: 'frr-zod-without-globals',
    transform(code, id) {
      if (!/[\\/]zod[\\/]v4[\\/]core[\\/](core|registries)\.js$/.test(id) || !code.includes('globalThis')) return null;
      return { code: `const __frrZodScope = {};\n${code.replaceAll('globalThis', '__frrZodScope')}`, map: null };
    },
  };
}

export default defineConfig(({ mode }) => {
  const iife = mode === 'iife';
  return {
    plugins: iife ? [react(), zodWithoutGlobals()] : [react()],
    resolve: {
      alias: {
        // See the file: react-i18next's CommonJS shim would need `require('react')` at run time.
        'use-sync-external-store/shim': fileURLToPath(new URL('./src/lib/use-sync-external-store-shim.ts', import.meta.url)),
      },
    },
    // Lib mode leaves process.env.NODE_ENV alone; React inside the IIFE needs it replaced.
    define: {
      __FRR_VERSION__: JSON.stringify(pkg.version),
      ...(iife ? { 'process.env.NODE_ENV': JSON.stringify('production') } : {}),
    },
    build: {
      outDir: iife ? 'dist/iife' : 'dist/esm',
      emptyOutDir: true,
      sourcemap: true,
      minify: true,
      lib: iife
        ? { entry: 'src/iife.ts', formats: ['iife'], name: 'FrRegistrationBundle', fileName: () => 'registration-ui.iife.js' }
        : { entry: 'src/index.ts', formats: ['es'], fileName: () => 'registration-ui.js' },
      // Lib mode keeps whitespace in ES output unless the output itself is asked to minify.
      rolldownOptions: { external: iife ? [] : isExternal, output: { minify: true } },
    },
    test: { name: 'registration-ui', environment: 'jsdom', setupFiles: ['./src/testing/setup.ts'] },
  };
});
