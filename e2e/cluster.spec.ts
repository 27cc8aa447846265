import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { describe as catalogueText } from '@registration/protocol/catalogue';
import {
  freshPostgresSchema,
  killAllBffProcesses,
  startBffProcess,
  type BffProcess,
  type PostgresSchema,
} from '../apps/bff/src/testing/bff-process.ts';
import { startLicenseServer, type RunningLicenseServer } from '../apps/bff/src/testing/license-server.ts';
import { demoNodeSettings, talkTo } from './support/bff-node.ts';
import { env, openRegistration, snap, switchLanguage } from './support/shell.ts';
import { submitPrivateCloud } from './support/registration.ts';

// Registration Information for a cluster (DESIGN §3.3): three real BFF processes on one PostgreSQL
// schema, with the demo system's keys (demoNodeSettings); the page's /api calls go to node-1 (talkTo).
//
// node-1, node-2 on 127.0.0.1; node-3 on 127.0.0.2 (its outgoing address too), which the license
// server (127.0.0.1 and ::1 only) refuses with 30003. Liveness is written every 500 ms,
// so a killed node is stale after ~3 s; the table polls every 3 s and must show it without a reload.

const databaseUrl = process.env.DATABASE_URL;
const required = process.env.REQUIRE_POSTGRES === '1';
const LIVENESS_MS = '500';

test.describe('Registration Information for a cluster of three BFF nodes', () => {
  test.skip(!databaseUrl && !required, 'needs PostgreSQL: set DATABASE_URL (CI does, with REQUIRE_POSTGRES=1)');

  let ls: RunningLicenseServer | undefined;
  let schema: PostgresSchema | undefined;
  let nodes: BffProcess[] = [];

  test.beforeAll(async () => {
    if (!databaseUrl) throw new Error('REQUIRE_POSTGRES=1 but DATABASE_URL is not set');
    test.setTimeout(120_000);
    const { paths, vendor, authPublicKey, allowedOrigins } = await demoNodeSettings();
    // The demo license server's certificate, so that E2E_CA is the CA every node trusts.
    const tls = {
      cert: await readFile(path.join(paths.licenseServerTls, 'cert.pem'), 'utf8'),
      key: await readFile(path.join(paths.licenseServerTls, 'key.pem'), 'utf8'),
    };
    // Ten connections (the demo terms): with only two, node-3 is refused 30003 alone or 30003 + 30007,
    // depending on whether node-1 and node-2 took both slots before its attempt was checked.
    ls = await startLicenseServer({ vendor, tls, clock: () => new Date() });
    schema = await freshPostgresSchema(databaseUrl, 'e2e_cluster');
    const hosts = ['127.0.0.1', '127.0.0.1', '127.0.0.2'];
    nodes = await Promise.all(
      hosts.map((host, i) =>
        startBffProcess({
          nodeId: `node-${i + 1}`,
          host,
          authPublicKey,
          vendorPublicKey: vendor.publicJwk,
          databaseUrl: schema!.url,
          env: {
            LOG_LEVEL: 'warn',
            ALLOWED_ORIGINS: allowedOrigins,
            LICENSE_SERVER_CA: env('E2E_CA'),
            LICENSE_CLIENT_LOCAL_ADDRESS: host,
            LIVENESS_INTERVAL_MS: LIVENESS_MS,
          },
        }),
      ),
    );
  });

  test.afterAll(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await killAllBffProcesses();
    await ls?.close();
    await schema?.drop();
  });

  /**
   * Screenshots under test-results/e2e/screens, as snap() takes them. A full-page capture of a scrolled
   * window draws the shell's fixed top bar at the scroll offset, in the middle of the picture: full-page
   * shots are taken from the top, and an open dialog is captured as the viewport the administrator sees.
   */
  async function shot(page: Page, name: string, what: 'page' | 'viewport') {
    if (what === 'viewport') {
      await snap(page, name, { fullPage: false });
      return;
    }
    await page.evaluate(() => window.scrollTo(0, 0));
    await snap(page, name);
  }

  test('every node with status, reason and View Error Details, in en and zh-CN; a killed node turns stale without a reload', async ({ page }) => {
    test.setTimeout(120_000);
    const [, node2] = nodes as [BffProcess, BffProcess, BffProcess];
    await talkTo(page, nodes[0]!);
    await openRegistration(page, 'admin', 'en');

    const table = page.getByRole('table', { name: 'Registration Information' });
    const row = (id: string) => table.locator(`tr[data-node="${id}"]`);
    // Every node has written its row before the submit, so the submit waits for all three.
    await expect(table.locator('tbody tr[data-node]')).toHaveCount(3);
    await expect(row('node-1').getByTestId('this-node')).toBeVisible();

    const dialog = await submitPrivateCloud(page, ls!.url);

    const ipError = catalogueText('LICENSE_IP_ERROR', 'en', { peer: '127.0.0.2', allowed: '127.0.0.1, ::1' });
    const popup = page.getByRole('alertdialog', { name: 'Registration failed' });
    await expect(popup).toBeVisible({ timeout: 30_000 });
    await expect(popup).toContainText('node-3');
    await expect(popup).toContainText(ipError.title);
    await expect(popup).toContainText('30003');
    await shot(page, '50-cluster-submit-popup-en', 'viewport');
    await popup.getByRole('button', { name: 'Back' }).click();
    await expect(popup).toBeHidden();
    await expect(dialog.getByLabel('Server Address')).toHaveValue(ls!.url); // back at the form, address kept
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    // Two registered on 127.0.0.1, node-3 refused for its address.
    for (const id of ['node-1', 'node-2']) {
      await expect(row(id)).toHaveAttribute('data-status', 'registered');
      await expect(row(id).getByTestId('node-status')).toHaveText('Registered');
      await expect(row(id).getByTestId('first-reason')).toHaveCount(0);
      await expect(row(id).getByRole('button', { name: /View Error Details/ })).toHaveCount(0);
    }
    const node3 = row('node-3');
    await expect(node3).toHaveAttribute('data-status', 'failed');
    await expect(node3.getByTestId('node-status')).toHaveText('Registration failed');
    await expect(node3.getByTestId('first-reason')).toHaveText(ipError.title);
    await expect(node3).toContainText(ipError.explanation);
    await expect(node3.getByTestId('more-reasons')).toHaveCount(0); // one reason only
    await expect(node3.getByRole('button', { name: /View Error Details/ })).toBeVisible();
    await expect(table.getByTestId('nodes-summary')).toHaveText('Nodes: 3; needing attention: 1');
    await shot(page, '51-cluster-table-en', 'page');

    // node-2 crashes. The page is not reloaded: the marker survives and the 3-s poll brings the change.
    await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
    await node2.kill();
    await expect(row('node-2')).toHaveAttribute('data-status', 'stale', { timeout: 15_000 });
    await expect(row('node-2').getByTestId('node-status')).toHaveText('Unreachable (stale)');
    await expect(row('node-2').getByTestId('first-reason')).toContainText('Not reporting since');
    await expect(row('node-2').getByRole('button', { name: /View Error Details/ })).toBeVisible();
    await expect(table.getByTestId('nodes-summary')).toHaveText('Nodes: 3; needing attention: 2');
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    await shot(page, '52-cluster-node-2-stale-en', 'page');

    await node3.getByRole('button', { name: /View Error Details/ }).click();
    const details = page.getByRole('dialog', { name: 'Error details' });
    const reason = details.locator('section[data-reason="LICENSE_IP_ERROR"]');
    await expect(reason).toContainText(ipError.title);
    await expect(reason).toContainText('30003');
    await expect(reason).toContainText(ipError.explanation);
    for (const step of ipError.troubleshooting) await expect(reason).toContainText(step);
    await expect(details.locator('section[data-reason]')).toHaveCount(1);
    await shot(page, '53-cluster-error-details-node-3-en', 'viewport');
    await details.getByRole('button', { name: 'Close' }).first().click();
    await expect(details).toBeHidden();

    // The same table in Chinese, switched with the shell's own language switch.
    await switchLanguage(page, 'zh-CN');
    const zhTable = page.getByRole('table', { name: '注册信息' });
    const zhRow = (id: string) => zhTable.locator(`tr[data-node="${id}"]`);
    const zhIpError = catalogueText('LICENSE_IP_ERROR', 'zh-CN', { peer: '127.0.0.2', allowed: '127.0.0.1, ::1' });
    await expect(zhRow('node-1').getByTestId('node-status')).toHaveText('已注册');
    await expect(zhRow('node-2').getByTestId('node-status')).toHaveText('失联（节点无响应）');
    await expect(zhRow('node-2').getByTestId('first-reason')).toContainText('未上报');
    await expect(zhRow('node-3').getByTestId('node-status')).toHaveText('注册失败');
    await expect(zhRow('node-3').getByTestId('first-reason')).toHaveText(zhIpError.title);
    await expect(zhRow('node-3')).toContainText(zhIpError.explanation);
    await expect(zhRow('node-3').getByRole('button', { name: /查看错误详情/ })).toBeVisible();
    await expect(zhTable).not.toContainText('View Error Details');
    await shot(page, '54-cluster-table-zh-CN', 'page');

    await zhRow('node-3').getByRole('button', { name: /查看错误详情/ }).click();
    const zhDetails = page.getByRole('dialog', { name: '错误详情' });
    const zhReason = zhDetails.locator('section[data-reason="LICENSE_IP_ERROR"]');
    await expect(zhReason).toContainText(zhIpError.title);
    await expect(zhReason).toContainText(zhIpError.explanation);
    for (const step of zhIpError.troubleshooting) await expect(zhReason).toContainText(step);
    await shot(page, '55-cluster-error-details-node-3-zh-CN', 'viewport');
    await zhDetails.getByRole('button', { name: '关闭' }).first().click();
    await expect(zhDetails).toBeHidden();
  });
});
