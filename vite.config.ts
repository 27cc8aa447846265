import { defineConfig } from 'vitest/config';

// Root config: vitest runs every workspace package as its own project. Each package
// keeps its environment (node or jsdom) in its own vite/vitest config when it needs one.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'protocol', root: 'packages/protocol', environment: 'node' } },
      { test: { name: 'licensing', root: 'packages/licensing', environment: 'node' } },
      { test: { name: 'vendor', root: 'apps/vendor', environment: 'node', testTimeout: 30_000 } },
      { test: { name: 'license-server', root: 'apps/license-server', environment: 'node', testTimeout: 60_000, hookTimeout: 60_000 } },
      { test: { name: 'bff', root: 'apps/bff', environment: 'node', testTimeout: 60_000, hookTimeout: 60_000 } },
      { test: { name: 'shell', root: 'apps/shell', environment: 'node', include: ['src/**/*.test.ts'] } },
      'packages/registration-ui',
    ],
  },
});
