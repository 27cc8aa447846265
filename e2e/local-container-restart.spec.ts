import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { killAllBffProcesses, startBffProcess, type BffProcess } from '../apps/bff/src/testing/bff-process.ts';
import { demoNodeSettings, talkTo } from './support/bff-node.ts';
import { scanWithPhone } from './support/phone.ts';
import { env, openRegistration, snap, switchLanguage } from './support/shell.ts';

// Local Container across a report-server restart (issue 4, item 6; DESIGN §3.2): a BFF process of its
// own on a PGlite data folder this test keeps, so that it can be stopped and started again on the same
// data and port while the page stays open. After the restart the lic is still stored; the page says a
// scan is needed and "Scan the QR code again" goes straight to the QR step, no upload.

let node: BffProcess | undefined;
let dataDir: string | undefined;

test.afterAll(async () => {
  await node?.stop();
  await killAllBffProcesses();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

test('after a restart the Container.lic is kept and only the QR scan is repeated', async ({ browser, page }) => {
  test.setTimeout(120_000);
  const { paths, vendor, authPublicKey, allowedOrigins } = await demoNodeSettings();
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'frr-e2e-restart-'));
  const start = (port?: number) =>
    startBffProcess({
      nodeId: 'restart-node',
      authPublicKey,
      vendorPublicKey: vendor.publicJwk,
      ...(port === undefined ? {} : { port }),
      env: {
        LOG_LEVEL: 'warn',
        ALLOWED_ORIGINS: allowedOrigins,
        PHONE_PAGE_URL: env('E2E_VENDOR_URL'),
        DATA_DIR: dataDir, // outlives the process (the harness's own folder does not)
        LIVENESS_INTERVAL_MS: '500',
      },
    });
  node = await start();
  const port = Number(new URL(node.url).port);
  await talkTo(page, () => node!);

  // The lic is uploaded with the page's own token and origin, as an administrator's script would send it:
  // Chromium does not hand a File body to request interception, so talkTo would forward it empty. The
  // upload through the page itself is local-container.spec.ts's first test.
  const pageRequest = page.waitForRequest((r) => new URL(r.url()).pathname === '/api/registration' && r.method() === 'GET');
  await openRegistration(page, 'admin');
  const { authorization } = await (await pageRequest).allHeaders();
  const form = new FormData();
  form.append('file', new Blob([await readFile(paths.containerLic)]), 'Container.lic');
  const uploaded = await fetch(`${node.url}/api/registration/local-container/lic`, {
    method: 'POST',
    headers: { authorization: authorization ?? '', origin: new URL(env('E2E_SHELL_URL')).origin },
    body: form,
  });
  expect(uploaded.status, await uploaded.clone().text()).toBe(201);

  // Registered by Local Container: the stored lic opens Register Now at its QR step.
  await page.getByRole('button', { name: 'Register Now' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Register Now' });
  await dialog.getByRole('radio', { name: 'Local Container' }).check();
  await expect(dialog.getByTestId('lic-summary')).toContainText('Demo Company');
  const first = await scanWithPhone(browser, dialog.getByTestId('qr-image'));
  await dialog.getByTestId('verify-code').fill(first.code);
  await dialog.getByTestId('verify-submit').click();
  await expect(dialog).toBeHidden();
  const status = page.locator('.frr-status');
  await expect(status).toHaveAttribute('data-status', 'registered');

  // The report server restarts (SIGTERM, then the same data folder and port). The page is not reloaded:
  // its 3-s poll meets the node down, then the restarted node.
  await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
  expect(await node.stop()).toBe(0);
  node = await start(port);
  await expect(status).toHaveAttribute('data-status', 'verification-needed', { timeout: 20_000 });
  await expect(status).toContainText('Verification needed');
  await expect(status).toContainText('the lic is kept and need not be uploaded again');
  await expect(page.getByText('Registration succeeded')).toHaveCount(0); // the earlier success no longer holds
  const table = page.getByRole('table', { name: 'Registration Information' });
  await expect(table.locator('tr[data-node="restart-node"]')).toHaveAttribute('data-status', 'verification-needed');
  expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
  await page.evaluate(() => window.scrollTo(0, 0));
  await snap(page, '47-local-container-verification-needed');
  // The same in Chinese (the default language), with the shell's own switch; then back.
  await switchLanguage(page, 'zh-CN');
  await expect(status).toContainText('需要验证');
  await expect(status.getByTestId('verify-now')).toHaveText('重新扫码验证');
  await expect(page.getByRole('table', { name: '注册信息' }).locator('tr[data-node="restart-node"]')).toContainText('等待验证');
  await snap(page, '47-local-container-verification-needed-zh-CN');
  await switchLanguage(page, 'en');

  // "Scan the QR code again": the QR step of the stored lic, with no file picker.
  await status.getByTestId('verify-now').click();
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('radio', { name: 'Local Container' })).toBeChecked();
  await expect(dialog.getByTestId('lic-summary')).toContainText('Demo Company');
  await expect(dialog.getByTestId('lic-drop-zone')).toHaveCount(0);
  const qr = dialog.getByTestId('qr-image');
  await expect(qr).toBeVisible();
  await snap(page, '48-local-container-rescan-qr-step', { fullPage: false });

  const again = await scanWithPhone(browser, qr);
  expect(again.url).not.toBe(first.url); // a new challenge, not the one scanned before the restart
  await dialog.getByTestId('verify-code').fill(again.code);
  await dialog.getByTestId('verify-submit').click();
  await expect(dialog).toBeHidden();
  await expect(status).toHaveAttribute('data-status', 'registered');
  await expect(table.locator('tr[data-node="restart-node"]')).toHaveAttribute('data-status', 'registered');
});
