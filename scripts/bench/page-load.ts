/**
 * Part of `pnpm bench`: the registration module's time from script load to its Version Information card
 * in the DOM, in real Chromium with 4× CPU throttling, against an empty React root measured the same way
 * in the same run (React + react-dom, the module's version, production, one element). Both pages come
 * from one static server on 127.0.0.1, which also answers `GET /api/registration` with a fixed registered
 * state (and the History section's request with an empty page), so the network is equal and the time is the module's own work. Goal: module / empty ≤ 1.5×.
 */
import { constants } from 'node:fs';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { en } from '../../packages/registration-ui/src/locales/en.ts';
import { buildBaselineBundle } from './baseline-bundle.ts';
import { harnessHtml, type HarnessRun, type LoadTiming } from './harness-page.ts';
import { startPageServer, type PageServer } from './page-server.ts';
// The module's own test fixture: a registered server as the BFF answers it (schema-checked there).
import { registered } from '../../packages/registration-ui/src/testing/fixtures.ts';
import type { HistoryPage } from '@registration/protocol/bff-api';

const CPU_SLOWDOWN = 4;
const GOAL_RATIO = 1.5;
const RUN_TIMEOUT_MS = 20_000;
const JS = 'text/javascript; charset=utf-8';

export interface PageLoadOptions {
  /** Repository root; the module's IIFE must be built (packages/registration-ui/dist/iife). */
  root: string;
  /** Timed loads of each page, alternating, after one untimed load of each. */
  runs: number;
}

/** Measures both pages and prints medians and their ratio; throws with a clear cause if it cannot. */
export async function runPageLoadBench({ root, runs }: PageLoadOptions): Promise<void> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  await access(executablePath, constants.X_OK).catch(() => {
    throw new Error(`page-load bench: no Chromium at ${executablePath} (install Debian's chromium package, or set CHROMIUM_PATH)`);
  });
  const moduleFile = path.join(root, 'packages/registration-ui/dist/iife/registration-ui.iife.js');
  const moduleScript = await readFile(moduleFile).catch(() => {
    throw new Error(`page-load bench: ${moduleFile} is missing (pnpm --filter @registration/ui build)`);
  });

  const dir = await mkdtemp(path.join(os.tmpdir(), 'frr-bench-page-'));
  let pages: PageServer | undefined;
  let browser: Browser | undefined;
  try {
    const baseline = await buildBaselineBundle(root, dir);
    const served = await startPageServer({
      '/': { contentType: 'text/html; charset=utf-8', body: harnessHtml() },
      '/registration-ui.iife.js': { contentType: JS, body: moduleScript },
      '/baseline.iife.js': { contentType: JS, body: await readFile(baseline.file) },
      '/api/registration': { contentType: 'application/json', body: JSON.stringify(registered()) },
      // The History section below the cards asks for its first page: an empty one, as a new installation has.
      '/api/registration/events': { contentType: 'application/json', body: JSON.stringify({ events: [], nextCursor: null } satisfies HistoryPage) },
    });
    pages = served;
    const launched = await chromium.launch({
      executablePath,
      args: ['--no-sandbox', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      timeout: 30_000,
    });
    browser = launched;
    const load = (kind: HarnessRun['kind']) =>
      loadOnce(launched, served.url, {
        kind,
        src: kind === 'module' ? '/registration-ui.iife.js' : '/baseline.iife.js',
        title: en.version.title,
        timeoutMs: RUN_TIMEOUT_MS,
      });

    await load('baseline'); // warm-up: browser processes, Chromium's own files
    await load('module');
    const empty: LoadTiming[] = [];
    const module: LoadTiming[] = [];
    for (let i = 0; i < runs; i++) {
      // Alternating which goes first, so a drift of the machine weighs on both alike.
      if (i % 2 === 0) {
        module.push(await load('module'));
        empty.push(await load('baseline'));
      } else {
        empty.push(await load('baseline'));
        module.push(await load('module'));
      }
    }

    const e = median(empty.map((t) => t.ready));
    const m = median(module.map((t) => t.ready));
    const row = (label: string, ms: number, ts: LoadTiming[]) =>
      `  ${label.padEnd(29)}${ms.toFixed(0).padStart(7)} ms   (script run at ${median(ts.map((t) => t.loaded)).toFixed(0)} ms; runs: ${ts.map((t) => t.ready.toFixed(0)).join(', ')})`;
    console.log(`\nRegistration module page load in Chromium (${CPU_SLOWDOWN}× CPU throttling, static server on loopback, no cache, ${runs} fresh pages each, median)`);
    console.log(row(`empty React root (${baseline.reactVersion})`, e, empty));
    console.log(row('module: Version Information', m, module));
    console.log(`  ${'ratio module / empty root'.padEnd(29)}${(m / e).toFixed(2)}×   (goal ≤ ${GOAL_RATIO.toFixed(2)}×)`);
    if (served.unanswered.size > 0) {
      const what = [...served.unanswered].map(([req, n]) => `${req} ×${n}`).join(', ');
      console.log(`  note: requests the bench does not answer (404): ${what}`);
    }
  } finally {
    await browser?.close().catch(() => undefined);
    await pages?.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** One load in a fresh context (empty cache) and page, throttled before it navigates. */
async function loadOnce(browser: Browser, url: string, run: HarnessRun): Promise<LoadTiming> {
  const context = await browser.newContext();
  const errors: string[] = [];
  try {
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
    await page.goto(url, { waitUntil: 'load', timeout: 15_000 });
    // A string, not a function: see harness-page.ts. The in-page timeout settles it; this bounds the rest.
    const timing = page.evaluate(`window.__bench.run(${JSON.stringify(run)})`) as Promise<LoadTiming>;
    return await withTimeout(timing, RUN_TIMEOUT_MS + 10_000, `${run.kind} page did not settle`);
  } catch (cause) {
    const seen = errors.length > 0 ? `\n  page errors: ${errors.join('\n  ')}` : '';
    throw new Error(`page-load bench, ${run.kind} page: ${(cause as Error).message}${seen}`, { cause });
  } finally {
    await context.close().catch(() => undefined);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}
