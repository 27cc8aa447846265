import { expect, test, type Page } from '@playwright/test';
import { describe as catalogueText, type ErrorName } from '@registration/protocol/catalogue';
import { env, openRegistration, signIn, snap, switchLanguage } from './support/shell.ts';
import { getJson } from './support/license-server.ts';
import { submitPrivateCloud } from './support/registration.ts';

// One report-server node shared by every test (workers: 1): each test starts from whatever the last
// left, so a test that needs an unregistered node re-registers first.

async function reRegister(page: Page) {
  await page.getByRole('button', { name: 'Re-register' }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Re-register' });
  await confirm.getByRole('button', { name: 'Re-register' }).click();
  await expect(page.getByRole('button', { name: 'Register Now' }).first()).toBeVisible();
}

async function leasesInUse(serverUrl: string): Promise<number> {
  const health = (await getJson(`${serverUrl}/health`, env('E2E_CA'))) as { leasesInUse: number };
  return health.leasesInUse;
}

test('an administrator registers by Private Cloud and sees what the license grants; Re-register frees the slot', async ({ page }) => {
  await openRegistration(page, 'admin');
  if (await page.getByRole('button', { name: 'Re-register' }).isVisible()) await reRegister(page);
  await expect(page.getByText('Unregistered').first()).toBeVisible();
  await snap(page, '01-unregistered-en');

  await page.getByRole('button', { name: 'Register Now' }).click();
  const dialog = page.getByRole('dialog', { name: 'Register Now' });
  await dialog.getByLabel('Private Cloud').check();
  await dialog.getByLabel('Server Address').fill('not an address');
  await dialog.getByRole('button', { name: 'Submit' }).click();
  await expect(dialog.getByText('Enter an address like https://host:port.')).toBeVisible();
  await dialog.getByLabel('Server Address').fill(env('E2E_LS_URL'));
  await dialog.getByRole('button', { name: 'Test Connection' }).click();
  await expect(dialog.getByText(/Connected in \d+ ms/)).toBeVisible();
  await snap(page, '02-register-dialog-tested');
  await dialog.getByRole('button', { name: 'Submit' }).click();

  await expect(page.getByRole('button', { name: 'Re-register' })).toBeVisible();
  await expect(page.getByText('Demo Company')).toBeVisible();
  await expect(page.getByText('webroot').first()).toBeVisible();
  await expect(page.getByText('10 / 1')).toBeVisible();
  await snap(page, '03-registered-en');
  expect(await leasesInUse(env('E2E_LS_URL'))).toBe(1);

  await reRegister(page);
  expect(await leasesInUse(env('E2E_LS_URL'))).toBe(0);
  await snap(page, '04-after-re-register');
});

const refusals: { name: string; url: string; reason: ErrorName; code: number; params: Record<string, string | number> }[] = [
  { name: 'ip', url: 'E2E_LS_IP_URL', reason: 'LICENSE_IP_ERROR', code: 30003, params: { peer: '127.0.0.1', allowed: '10.0.0.0/8' } },
  { name: 'appname', url: 'E2E_LS_APPNAME_URL', reason: 'LICENSE_APPNAME_ERROR', code: 30005, params: { appName: 'webroot', allowed: 'analytics' } },
  { name: 'expired', url: 'E2E_LS_EXPIRED_URL', reason: 'LICENSE_EXPIRED', code: 30000, params: {} },
  { name: 'full', url: 'E2E_LS_FULL_URL', reason: 'REGISTER_OUT_OF_LIMIT', code: 30007, params: { max: 1, inUse: 1 } },
];

for (const r of refusals) {
  test(`a refusal with ${r.code} ${r.reason} shows every reason with Details and stays in Registration Information`, async ({ page }) => {
    await openRegistration(page, 'admin');
    await submitPrivateCloud(page, env(r.url));

    const popup = page.getByRole('alertdialog', { name: 'Registration failed' });
    await expect(popup).toBeVisible();
    const text = catalogueText(r.reason, 'en', r.params);
    const first = popup.locator('.frr-reason--primary');
    await expect(first).toContainText(text.title);
    await expect(first).toContainText(`${r.code} ${r.reason}`);
    if (Object.keys(r.params).length > 0) await expect(first).toContainText(text.explanation);
    await first.getByRole('button', { name: 'Details' }).click();
    for (const step of text.troubleshooting) await expect(first).toContainText(step);
    await snap(page, `10-refused-${r.code}-popup`);
    await popup.getByRole('button', { name: 'Back' }).click();
    await expect(popup).toBeHidden();
    // Back is at the form again, the address kept for correcting; Cancel leaves it.
    const form = page.getByRole('dialog', { name: 'Register Now' });
    await expect(form.getByLabel('Server Address')).toHaveValue(env(r.url));
    await form.getByRole('button', { name: 'Cancel' }).click();

    const table = page.getByRole('table', { name: 'Registration Information' });
    await expect(table).toContainText('Registration failed');
    await expect(table).toContainText(text.title);
    await table.getByRole('button', { name: 'View Error Details' }).first().click();
    const details = page.getByRole('dialog', { name: 'Error details' });
    await expect(details).toContainText(String(r.code));
    await expect(details).toContainText(text.troubleshooting[0]!);
    await snap(page, `11-refused-${r.code}-error-details`);
    await details.getByRole('button', { name: 'Close' }).first().click();
  });
}

test('a viewer cannot register: the module shows the catalogue text for FORBIDDEN', async ({ page }) => {
  await signIn(page, 'viewer');
  await expect(page.getByText(catalogueText('FORBIDDEN', 'en').explanation)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Register Now' })).toHaveCount(0);
  await snap(page, '20-viewer-forbidden');
});

test('every label of the module follows the shell language', async ({ page }) => {
  await openRegistration(page, 'admin', 'zh-CN');
  await expect(page.getByRole('heading', { name: '注册信息' })).toBeVisible();
  await expect(page.getByRole('button', { name: '立即注册' })).toBeVisible();
  await snap(page, '30-zh-CN');
  await switchLanguage(page, 'en');
  await expect(page.getByRole('heading', { name: 'Version Information' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Registration Information' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Register Now' })).toBeVisible();
  await expect(page.getByText('立即注册')).toHaveCount(0);
  await snap(page, '31-en');
  await switchLanguage(page, 'zh-CN');
  await expect(page.getByRole('heading', { name: '版本信息' })).toBeVisible();
});
