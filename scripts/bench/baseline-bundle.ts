import { createRequire } from 'node:module';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'vite';

/** The global the baseline script sets: `BenchBaseline.mount(container)`. */
export const BASELINE_GLOBAL = 'BenchBaseline';

// Plain JavaScript, no JSX: the entry needs no plugin, and the element is as trivial as a root can hold.
const ENTRY = `import { createElement } from 'react';
import { createRoot } from 'react-dom/client';

export function mount(container) {
  createRoot(container).render(createElement('h2', { 'data-bench-ready': '' }, 'Empty root'));
}
`;

export interface BaselineBundle {
  file: string;
  reactVersion: string;
}

/**
 * Builds the page-load baseline into `dir`: one IIFE script with React and react-dom (production) that
 * renders one element into a fresh root, built like the module's IIFE (Vite library mode, minified).
 * React is resolved from packages/registration-ui, so both scripts carry the very same React.
 */
export async function buildBaselineBundle(root: string, dir: string): Promise<BaselineBundle> {
  const fromModule = createRequire(path.join(root, 'packages/registration-ui/package.json'));
  const reactVersion = (fromModule('react/package.json') as { version: string }).version;
  const reactDomVersion = (fromModule('react-dom/package.json') as { version: string }).version;
  if (reactVersion !== reactDomVersion) throw new Error(`react ${reactVersion} and react-dom ${reactDomVersion} differ`);

  await mkdir(dir, { recursive: true });
  const entry = path.join(dir, 'baseline-entry.js');
  await writeFile(entry, ENTRY);
  const outDir = path.join(dir, 'dist');
  await build({
    configFile: false,
    root: dir,
    logLevel: 'silent',
    // The entry sits in a temp dir, outside any node_modules that holds React.
    resolve: {
      alias: [
        { find: /^react$/, replacement: fromModule.resolve('react') },
        { find: /^react-dom\/client$/, replacement: fromModule.resolve('react-dom/client') },
      ],
    },
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    build: {
      outDir,
      emptyOutDir: true,
      minify: true,
      lib: { entry, formats: ['iife'], name: BASELINE_GLOBAL, fileName: () => 'baseline.iife.js' },
      rolldownOptions: { output: { minify: true } },
    },
  });
  return { file: path.join(outDir, 'baseline.iife.js'), reactVersion };
}
