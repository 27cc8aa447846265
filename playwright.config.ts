import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests in Debian's Chromium against the whole system started as `pnpm start` starts it
 * (see e2e/global-setup.ts). Browsers are never downloaded: the executable comes from the machine.
 */
export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results/e2e',
  globalSetup: './e2e/global-setup.ts',
  // One BFF node and one registration: the tests change shared state, so they run in order.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  projects: [
    { name: 'e2e', testIgnore: /a11y-coverage\.spec\.ts$/ },
    // After everything else: every view the source declares was scanned by axe-core in this run.
    { name: 'a11y-coverage', testMatch: /a11y-coverage\.spec\.ts$/, dependencies: ['e2e'] },
  ],
  use: {
    browserName: 'chromium',
    viewport: { width: 1366, height: 860 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
