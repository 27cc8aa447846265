import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import type { Ed25519PublicJwk } from '@registration/protocol/license';
import { loadVendorKeys } from '@registration/vendor/keys';
import { demoPaths } from '../../scripts/lib/demo.ts';
import type { BffProcess } from '../../apps/bff/src/testing/bff-process.ts';
import { env } from './shell.ts';

/**
 * What a BFF process of its own needs to serve the shell's page: the demo platform key (so the shell's
 * login token is accepted), the demo vendor key (so it trusts what that vendor issued) and the shell's
 * origins (CSRF: the page's requests carry the shell's Origin).
 */
export async function demoNodeSettings() {
  const paths = demoPaths(env('E2E_DEMO_DIR'));
  const vendor = await loadVendorKeys(paths.vendorDir);
  const authPublicKey = JSON.parse(await readFile(paths.platformPublicKey, 'utf8')) as Ed25519PublicJwk;
  const shell = new URL(env('E2E_SHELL_URL'));
  const allowedOrigins = [`http://localhost:${shell.port}`, `http://127.0.0.1:${shell.port}`].join(',');
  return { paths, vendor, authPublicKey, allowedOrigins };
}

/**
 * Sends the page's /api calls to `node` instead of the shell's BFF (only /api: module sources live under
 * …/api/ too). The shell proxies /api to the demo's BFF and takes its target only at start-up, so a test
 * that runs BFF processes of its own points the page at one of them this way; login, menu, module
 * mount and language stay the shell's. `node` is read on every request, so a restarted node can be
 * swapped in by the getter.
 */
export async function talkTo(page: Page, node: BffProcess | (() => BffProcess)) {
  const current = typeof node === 'function' ? node : () => node;
  await page.route(
    (url) => url.pathname.startsWith('/api/'),
    async (route) => {
      const from = new URL(route.request().url());
      try {
        const response = await route.fetch({ url: new URL(from.pathname + from.search, current().url).href });
        await route.fulfill({ response });
      } catch {
        // The node is down (being restarted): the page sees what a browser sees, a failed request.
        await route.abort('connectionrefused');
      }
    },
  );
}
