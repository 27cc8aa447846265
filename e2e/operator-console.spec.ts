import { expect, test, type Page } from '@playwright/test';
import { killAllBffProcesses, startBffProcess, type BffProcess } from '../apps/bff/src/testing/bff-process.ts';
import { demoNodeSettings, talkTo } from './support/bff-node.ts';
import { registerOtherNode } from './support/license-server.ts';
import { scanWithPhone } from './support/phone.ts';
import { env, openRegistration, snap, switchLanguage } from './support/shell.ts';
import { submitPrivateCloud } from './support/registration.ts';

// Issue 11 §1: the license server's operator console. The `console` server of global-setup (one slot) is
// activated here by a person, who then sets the operator password from the activation page. A report
// server node of its own (heartbeat every 10 s) registers with it; the operator frees its slot; the
// module's page shows the refusal; a replacement takes the slot; the events and their CSV hold it all.

const PASSWORD = 'e2e operator password';
let node: BffProcess;

test.beforeAll(async () => {
  const { vendor, authPublicKey, allowedOrigins } = await demoNodeSettings();
  node = await startBffProcess({
    nodeId: 'node-console',
    authPublicKey,
    vendorPublicKey: vendor.publicJwk,
    env: { LOG_LEVEL: 'warn', ALLOWED_ORIGINS: allowedOrigins, LICENSE_SERVER_CA: env('E2E_CA'), HEARTBEAT_INTERVAL_MS: '10000' },
  });
});

test.afterAll(async () => {
  await node?.stop();
  await killAllBffProcesses();
});

/** The row of `nodeId` in the console's lease table. */
const leaseRow = (console: Page, nodeId: string) => console.getByRole('row').filter({ has: console.getByText(nodeId, { exact: true }) });

test('an operator frees the slot of a node in the console: the node shows why, a replacement registers, the events say so', async ({ browser, page }) => {
  test.setTimeout(180_000);
  const serverUrl = env('E2E_LS_CONSOLE_URL');
  const desk = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'en-US' });
  const console = await desk.newPage();

  // Activation by a person with a phone, then the link to set the operator password (one use, 15 min).
  await console.goto(`${serverUrl}/license/qrcode?lang=en`);
  const { code } = await scanWithPhone(browser, console.locator('.qr svg'));
  await console.getByLabel('Verification code').fill(code);
  await console.getByRole('button', { name: 'Submit' }).click();
  await console.getByRole('link', { name: /Set the operator password/ }).click();
  await expect(console.getByRole('heading', { name: 'Set the operator password' })).toBeVisible();
  await snap(console, '70-console-setup');
  await console.getByLabel('New operator password').fill('too short');
  await console.getByLabel('The same password again').fill('too short');
  await console.getByRole('button', { name: 'Set password' }).click();
  await expect(console.getByRole('alert')).toHaveText('The password must have at least 10 characters.');
  await expect(console.getByLabel('New operator password')).toHaveAttribute('aria-invalid', 'true');
  await console.getByLabel('New operator password').fill(PASSWORD);
  await console.getByLabel('The same password again').fill(PASSWORD);
  await console.getByRole('button', { name: 'Set password' }).click();
  await expect(console.getByRole('status')).toHaveText('The operator password is set. Sign in with it.');

  // Sign-in: a wrong password says how many attempts are left.
  await console.getByLabel('Operator password').fill('not the password');
  await console.getByRole('button', { name: 'Sign in' }).click();
  await expect(console.getByRole('alert')).toContainText('Wrong password. 4 attempts left');
  await snap(console, '71-console-sign-in-refused');
  await console.getByLabel('Operator password').fill(PASSWORD);
  await console.getByRole('button', { name: 'Sign in' }).click();
  await expect(console.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await expect(console.getByText('0 of 1')).toBeVisible();
  await snap(console, '72-console-overview');

  // The report server registers with it (its page talks to the node of this test).
  await talkTo(page, node);
  await openRegistration(page, 'admin');
  await submitPrivateCloud(page, serverUrl);
  await expect(page.getByRole('button', { name: 'Re-register' })).toBeVisible();

  // The overview counts it; the operator sees its lease, and frees the slot after a confirmation that names the node.
  await console.reload();
  await expect(console.getByText('1 of 1')).toBeVisible();
  await snap(console, '72-console-overview-in-use');
  await console.getByRole('link', { name: 'Leases' }).click();
  const row = leaseRow(console, 'node-console');
  await expect(row).toContainText('127.0.0.1');
  await expect(row).toContainText('webroot');
  await snap(console, '73-console-leases');
  await row.getByRole('link', { name: 'Free this slot' }).click();
  await expect(console.getByRole('alertdialog', { name: 'Free the slot of node node-console (127.0.0.1)?' })).toBeVisible();
  await snap(console, '74-console-confirm-free');
  await console.getByRole('button', { name: 'Free this slot' }).click();
  await expect(console.getByRole('status')).toHaveText('The slot of node-console is free.');
  await expect(leaseRow(console, 'node-console')).toHaveCount(0);

  // At its next heartbeat (10 s here) the node is refused, and its page says who freed the slot and what to do.
  await expect(async () => {
    await page.reload();
    await expect(page.getByText("The license server's operator freed this node's slot").first()).toBeVisible({ timeout: 3000 });
  }).toPass({ timeout: 60_000 });
  await page.locator('tr[data-node="node-console"]').getByRole('button', { name: /View Error Details/ }).click();
  const details = page.getByRole('dialog', { name: 'Error details' });
  await expect(details.locator('section[data-reason="LEASE_FREED"]')).toContainText('30014');
  await details.getByRole('button', { name: 'Close' }).first().click();
  await expect(details).toBeHidden();
  // History: what the node did by itself (no administrator), after the administrator's Submit.
  const history = page.getByTestId('registration-history');
  await expect(history.locator('tr[data-kind]').first()).toHaveAttribute('data-kind', 'refused-by-server');
  await expect(history.locator('tr[data-kind]').first()).toContainText('the node itself');
  await snap(page, '75-module-slot-freed');

  // The freed node does not take the slot back by itself: a replacement registers.
  await registerOtherNode(serverUrl, env('E2E_CA'), 'node-replacement');
  await console.reload();
  await expect(leaseRow(console, 'node-replacement')).toBeVisible();
  await leaseRow(console, 'node-replacement').getByRole('link', { name: 'Block' }).click();
  await expect(console.getByRole('alertdialog', { name: 'Block node node-replacement?' })).toBeVisible();
  await snap(console, '76-console-confirm-block');
  await console.getByRole('link', { name: 'Cancel' }).click();
  await expect(leaseRow(console, 'node-replacement')).toBeVisible();

  // Events: the registration, the freeing, the refusal with its code, the replacement; and as CSV.
  await console.getByRole('link', { name: 'Events' }).click();
  const events = console.getByRole('table');
  await expect(events.getByRole('row').filter({ hasText: 'slot freed' }).filter({ hasText: 'node-console' })).toHaveCount(1);
  await expect(events.getByRole('row').filter({ hasText: 'refused' }).filter({ hasText: '30014' })).toHaveCount(1);
  await expect(events.getByRole('row').filter({ hasText: 'registered' }).filter({ hasText: 'node-replacement' })).toHaveCount(1);
  await snap(console, '77-console-events');
  await console.getByLabel('Node', { exact: true }).fill('node-console');
  await console.getByLabel('Event', { exact: true }).selectOption('freed');
  await console.getByRole('button', { name: 'Apply' }).click();
  await expect(console.getByRole('table').getByRole('row')).toHaveCount(2);
  const csv = await (await desk.request.get(`${serverUrl}/console/events.csv`)).text();
  const lines = csv.replace(/^\uFEFF/, '').trim().split('\r\n');
  expect(lines[0]).toBe('time,event,node,address,codes,details');
  expect(lines.some((l) => /,freed,node-console,127\.0\.0\.1,,leaseId=/.test(l))).toBe(true);
  expect(lines.some((l) => l.includes(',refused,node-console,') && l.includes(',30014,'))).toBe(true);
  expect(lines.some((l) => l.includes(',registered,node-replacement,'))).toBe(true);

  // Migration: privateConfig for the vendor, and the destroy steps.
  await console.getByRole('link', { name: 'Migration' }).click();
  await snap(console, '78-console-migration');
  const privateConfig = (await (await desk.request.get(`${serverUrl}/console/privateConfig`)).json()) as { leases: Record<string, unknown> };
  expect(Object.keys(privateConfig.leases)).toEqual(['node-replacement']);

  // A form from a page that is out of date (its token replaced) changes nothing.
  await console.locator('header input[name="csrf"]').evaluate((input: HTMLInputElement) => (input.value = 'stale'));
  await console.getByRole('button', { name: 'Sign out' }).click();
  await expect(console.getByRole('alert')).toHaveText('This form is out of date. Open the page again and repeat.');
  await snap(console, '79-console-form-out-of-date');

  // The set-up link works once.
  await console.goto(`${serverUrl}/console/setup?token=used-or-made-up&lang=zh-CN`);
  await expect(console.getByRole('alert')).toContainText('设置密码的链接已过期或已使用');
  await snap(console, '80-console-setup-expired');

  // The operator frees the replacement's slot; the administrator registers the node again (Register Now, Submit),
  // then Re-registers it: History lists the Submit, the refusal, the Submit and the Re-register in order, in both languages.
  await console.goto(`${serverUrl}/console/leases?lang=en`);
  await leaseRow(console, 'node-replacement').getByRole('link', { name: 'Free this slot' }).click();
  await console.getByRole('button', { name: 'Free this slot' }).click();
  await expect(console.getByRole('status')).toHaveText('The slot of node-replacement is free.');
  await submitPrivateCloud(page, serverUrl);
  await page.getByRole('button', { name: 'Re-register' }).click();
  await page.getByRole('alertdialog', { name: 'Re-register' }).getByRole('button', { name: 'Re-register' }).click();
  await expect(page.getByRole('dialog', { name: 'Register Now' })).toBeVisible();
  await page.keyboard.press('Escape');
  const kinds = () => history.locator('tr[data-kind]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind')));
  await expect.poll(kinds).toEqual(['re-register', 'submit', 'refused-by-server', 'submit']);
  await expect(history.locator('tr[data-kind="submit"]').last()).toContainText('admin');
  await snap(page, '81-module-history');
  await switchLanguage(page, 'zh-CN');
  await expect(page.getByRole('heading', { name: '注册历史' })).toBeVisible();
  for (const text of ['重新注册', '被授权服务器拒绝', '提交注册', '节点自动']) await expect(history).toContainText(text);
  await switchLanguage(page, 'en');

  // Nothing of the console without a session.
  const stranger = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'en-US' });
  const strangerPage = await stranger.newPage();
  await strangerPage.goto(`${serverUrl}/console/leases`);
  await expect(strangerPage).toHaveURL(/\/console\/sign-in\?lang=en$/);
  expect((await stranger.request.get(`${serverUrl}/console/events.csv`, { maxRedirects: 0 })).status()).toBe(303);
  await stranger.close();
  await desk.close();
});
