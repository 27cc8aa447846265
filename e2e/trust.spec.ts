import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { devices, expect, test } from '@playwright/test';
import { demoPaths } from '../scripts/lib/demo.ts';
import { getJson, startExtraLicenseServer } from './support/license-server.ts';
import { freePort } from './support/ports.ts';
import { readQrCode } from './support/qr.ts';
import { reRegisterIfRegistered } from './support/registration.ts';
import { env, openRegistration, snap, switchLanguage } from './support/shell.ts';

// Issue 10 in the browser: the registration key asked for only when the server wants one; a failed Submit
// that leaves the working registration in place; a copied license server that the vendor's phone page refuses.

const leasesInUse = async (serverUrl: string) => ((await getJson(`${serverUrl}/health`, env('E2E_CA'))) as { leasesInUse: number }).leasesInUse;

test('a license server with a registration key: Register Now asks for it only once the server says so, and registers with it', async ({ page }) => {
  const serverUrl = env('E2E_LS_KEYED_URL');
  await openRegistration(page, 'admin');
  await reRegisterIfRegistered(page);
  await page.getByRole('button', { name: 'Register Now' }).click();
  const dialog = page.getByRole('dialog', { name: 'Register Now' });
  await expect(dialog.getByLabel('Registration key')).toHaveCount(0);
  await dialog.getByLabel('Server Address').fill(serverUrl);
  await dialog.getByRole('button', { name: 'Submit' }).click();
  // Refused for want of the key: the dialog stays, with the field focused and the reason beside it.
  const field = dialog.getByLabel('Registration key');
  await expect(field).toBeFocused();
  await expect(dialog.getByRole('alert')).toContainText('Registration key required');
  await snap(page, '60-registration-key-asked-en');
  await field.fill('not-the-key-0123456789');
  await dialog.getByRole('button', { name: 'Submit' }).click();
  await expect(dialog.getByRole('alert')).toContainText('Wrong registration key');
  await field.fill(env('E2E_LS_REGISTRATION_KEY'));
  await dialog.getByRole('button', { name: 'Submit' }).click();
  await expect(page.getByRole('button', { name: 'Re-register' })).toBeVisible();
  await expect(page.getByText('Registered').first()).toBeVisible();
  expect(await leasesInUse(serverUrl)).toBe(1);
  await snap(page, '61-registered-with-key-en');

  // In Chinese, Test Connection says the same before any Submit.
  await reRegisterIfRegistered(page);
  await switchLanguage(page, 'zh-CN');
  await page.getByRole('button', { name: '立即注册' }).click();
  const zh = page.getByRole('dialog', { name: '立即注册' });
  await zh.getByLabel('服务器地址').fill(serverUrl);
  await zh.getByRole('button', { name: '测试连接' }).click();
  await expect(zh.getByLabel('注册密钥')).toBeVisible();
  await snap(page, '62-registration-key-test-zh-CN');
  await zh.getByRole('button', { name: '取消' }).click();
  await switchLanguage(page, 'en');
});

test('a Submit to a wrong address while registered changes nothing; the page names the attempt; Re-register frees the real slot', async ({ page }) => {
  const real = env('E2E_LS_URL');
  await openRegistration(page, 'admin');
  await reRegisterIfRegistered(page);
  await page.getByRole('button', { name: 'Register Now' }).click();
  const dialog = page.getByRole('dialog', { name: 'Register Now' });
  await dialog.getByLabel('Server Address').fill(real);
  await dialog.getByRole('button', { name: 'Submit' }).click();
  await expect(page.getByRole('button', { name: 'Re-register' })).toBeVisible();
  expect(await leasesInUse(real)).toBe(1);

  // Registered, the page offers Re-register, not Register Now: a second Submit comes from another tab or
  // an administrator's script. Sent here from the page itself, with the shell's session token.
  const typo = `https://127.0.0.1:${await freePort()}`;
  const token = await page.evaluate(() => (JSON.parse(sessionStorage.getItem('decision-platform.session') ?? '{}') as { token?: string }).token ?? null);
  expect(token).toBeTruthy();
  const submitted = await page.evaluate(
    async ({ url, bearer }) => {
      const res = await fetch('/api/registration/private-cloud', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
        body: JSON.stringify({ serverUrl: url }),
      });
      return { status: res.status, body: (await res.json()) as { ok: boolean; state: { status: string; serverUrl: string } } };
    },
    { url: typo, bearer: token },
  );
  expect(submitted.status).toBe(200);
  expect(submitted.body.ok).toBe(false);
  expect(submitted.body.state).toMatchObject({ status: 'registered', serverUrl: real });
  await page.reload();
  await expect(page.getByTestId('last-attempt')).toContainText(`The last Submit, to ${typo}`);
  await expect(page.getByTestId('last-attempt')).toContainText('Connection refused');
  await snap(page, '63-last-attempt-kept-registration-en');
  expect(await leasesInUse(real)).toBe(1);

  await reRegisterIfRegistered(page);
  expect(await leasesInUse(real)).toBe(0);
  await expect(page.getByTestId('last-attempt')).toHaveCount(0);
});

test('a copy of the activated license server (privateConfig + bundle) starts unactivated, and the vendor phone page refuses it as moved', async ({ browser }) => {
  const paths = demoPaths(env('E2E_DEMO_DIR'));
  const dir = await mkdtemp(path.join(os.tmpdir(), 'frr-clone-'));
  await cp(paths.licenseServerConfig, path.join(dir, 'config'), { recursive: true, filter: (src) => !src.endsWith('.lock') });
  const clone = await startExtraLicenseServer('ls-clone', dir);
  try {
    const { url } = clone;
    expect(((await getJson(`${url}/health`, env('E2E_CA'))) as { activated: boolean }).activated).toBe(false);
    const desk = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'en-US' });
    const activation = await desk.newPage();
    await activation.goto(`${url}/license/qrcode`);
    const scanned = (await readQrCode(browser, activation.locator('.qr svg'))) ?? '';
    await desk.close();
    for (const lang of ['en', 'zh-CN'] as const) {
      const phone = await browser.newContext({ ...devices['Pixel 5'], locale: lang === 'en' ? 'en-US' : 'zh-CN' });
      const phonePage = await phone.newPage();
      const res = await phonePage.goto(scanned);
      expect(res?.status()).toBe(409);
      await expect(phonePage.getByRole('heading')).toHaveText(lang === 'en' ? 'This license server has moved' : '授权服务器的位置变了');
      await expect(phonePage.locator('.code')).toHaveCount(0);
      await snap(phonePage, `64-phone-page-moved-${lang}`, { fullPage: false });
      await phone.close();
    }
  } finally {
    await clone.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
