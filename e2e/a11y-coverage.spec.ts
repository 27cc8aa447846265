import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { AXE_OUT } from './support/a11y.ts';

// Runs after every other spec (its own Playwright project, which depends on the main one): every view
// the product declares (`data-view="…"` on a page or panel, `view="…"` on a module dialog) must have been
// on screen in at least one axe-core scan of this run. A new dialog or panel without a scanned state fails
// here, and so does a scan that was dropped.

const SOURCES = ['packages/registration-ui/src', 'apps/shell/src', 'apps/license-server/src', 'apps/vendor/src'];
const DECLARED = /(?:data-view|\bview)="([a-z][a-z0-9-]*)"|\bview\('([a-z][a-z0-9-]*)'\)/g;

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) && !e.parentPath.includes('testing'))
    .map((e) => path.join(e.parentPath, e.name));
}

test('every view declared in the source was scanned by axe-core in this run', async () => {
  const declared = new Map<string, string>();
  for (const dir of SOURCES) {
    for (const file of await sourceFiles(dir)) {
      for (const match of (await readFile(file, 'utf8')).matchAll(DECLARED)) declared.set((match[1] ?? match[2])!, file);
    }
  }
  expect(declared.size, 'views declared in the source').toBeGreaterThan(10);

  const scanned = new Set<string>();
  const scans = (await readdir(AXE_OUT)).filter((f) => f.endsWith('.json'));
  for (const file of scans) {
    const { views } = JSON.parse(await readFile(path.join(AXE_OUT, file), 'utf8')) as { views: string[] };
    for (const view of views) scanned.add(view);
  }
  const missing = [...declared].filter(([view]) => !scanned.has(view)).map(([view, file]) => `${view} (${file})`);
  expect(missing, `views never scanned in ${scans.length} scans`).toEqual([]);
});
