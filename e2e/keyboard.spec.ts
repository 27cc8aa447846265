import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { vendorCode } from '@registration/licensing/activation-code';
import { parsePhonePageUrl } from '@registration/licensing/challenge';
import { readRecord } from '@registration/vendor/records';
import { writeContainerLicense } from '../scripts/lib/demo.ts';
import { startExtraLicenseServer } from './support/license-server.ts';
import { cancel, demo, licPayload, openLocalContainer, reRegisterIfRegistered } from './support/registration.ts';
import { env, openRegistration, snap, switchLanguage } from './support/shell.ts';

// The paths an administrator takes with the keyboard alone (WCAG 2.1.1, 2.4.3, 2.4.7): every step below
// is a key press, except the file chooser of the lic upload (a browser dialog Playwright cannot drive).
// Runs after activation.spec.ts (the license server is activated) and leaves the node unregistered with
// the demo lic stored, as the later spec files expect.

// The activation page is served over HTTPS with the license server's own certificate.
test.use({ ignoreHTTPSErrors: true });

/** Presses Tab until `target` has focus; fails after `max` presses (the element is not in the tab order). */
async function tabTo(page: Page, target: Locator, max = 30) {
  for (let i = 0; i < max; i += 1) {
    if (await target.evaluate((el) => el.matches(':focus'))) return;
    await page.keyboard.press('Tab');
  }
  await expect(target, `reached by Tab within ${max} presses`).toBeFocused();
}

/** Whether focus is somewhere real (not dropped on <body> as a disabled button leaves it). */
const focusIsPlaced = (page: Page) =>
  page.evaluate(() => {
    let active = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return active !== null && active !== document.body;
  });

/** Register Now > Private Cloud with the keyboard: the dialog and its address field, focused. */
async function openPrivateCloudByKeyboard(page: Page): Promise<{ registerNow: Locator; dialog: Locator; address: Locator }> {
  const registerNow = page.getByRole('button', { name: 'Register Now' }).first();
  await tabTo(page, registerNow);
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Register Now' });
  await expect(dialog).toBeVisible();
  const privateCloud = dialog.getByRole('radio', { name: 'Private Cloud' });
  await tabTo(page, dialog.getByRole('radio').first());
  if (!(await privateCloud.isChecked())) {
    // Arrow keys move within a radio group (one tab stop for the group).
    await page.keyboard.press('ArrowUp');
    if (!(await privateCloud.isChecked())) await page.keyboard.press('ArrowDown');
  }
  await expect(privateCloud).toBeChecked();
  const address = dialog.getByLabel('Server Address');
  await tabTo(page, address);
  return { registerNow, dialog, address };
}

test('Register Now > Private Cloud > Test Connection > Escape, by keyboard: focus stays in the dialog, Escape closes it, focus returns', async ({ page }) => {
  await openRegistration(page, 'admin');
  await reRegisterIfRegistered(page);
  const { registerNow, dialog } = await openPrivateCloudByKeyboard(page);
  await page.keyboard.type(env('E2E_LS_URL'));
  await tabTo(page, dialog.getByRole('button', { name: 'Test Connection' }));
  await page.keyboard.press('Enter');
  await expect(dialog.locator('[data-view="connection-ok"]')).toBeVisible();
  // While it was testing the button was busy, not disabled: focus never fell to <body>.
  expect(await focusIsPlaced(page)).toBe(true);
  await expect(dialog.getByRole('button', { name: 'Test Connection' })).toBeFocused();
  await snap(page, '60-keyboard-test-connection');

  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(registerNow).toBeFocused();
});

test('a refused Submit by keyboard: Back returns to the form with the address kept; the long View Error Details scrolls with PageDown', async ({ page }) => {
  await openRegistration(page, 'admin');
  await reRegisterIfRegistered(page);
  const { dialog, address } = await openPrivateCloudByKeyboard(page);
  // A license server whose license does not cover this report server's address (30003).
  const refusing = env('E2E_LS_IP_URL');
  await page.keyboard.type(refusing);
  await page.keyboard.press('Enter'); // submits the form

  const popup = page.getByRole('alertdialog', { name: 'Registration failed' });
  await expect(popup).toBeVisible();
  const back = popup.getByRole('button', { name: 'Back' });
  await expect(back).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(popup).toBeHidden();
  await expect(address).toHaveValue(refusing);
  expect(await focusIsPlaced(page)).toBe(true);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  // The node failed with the reason: at phone width its View Error Details is longer than the screen.
  await page.setViewportSize({ width: 390, height: 700 });
  const view = page.getByRole('button', { name: 'View Error Details' }).first();
  await tabTo(page, view, 60);
  await page.keyboard.press('Enter');
  const details = page.getByRole('dialog', { name: 'Error details' });
  await expect(details).toBeVisible();
  const body = details.locator('.frr-dialog-body');
  expect(await body.evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true);
  await tabTo(page, body);
  await page.keyboard.press('PageDown');
  await expect.poll(() => body.evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
  await page.keyboard.press('End');
  await expect.poll(() => body.evaluate((el) => Math.ceil(el.scrollTop + el.clientHeight) >= el.scrollHeight)).toBe(true);
  await snap(page, '61-keyboard-error-details-scrolled');
  await page.keyboard.press('Escape');
  await expect(details).toBeHidden();
  await expect(view).toBeFocused();
  await page.setViewportSize({ width: 1366, height: 860 });
});

test('a wrong Local Container code twice by keyboard: each is announced with the field, which keeps focus', async ({ page }, testInfo) => {
  // A lic of its own (its own count of wrong codes), then the demo lic is stored again.
  const lic = testInfo.outputPath('keyboard', 'Container.lic');
  await writeContainerLicense(demo(), lic);
  await openRegistration(page, 'admin');
  await reRegisterIfRegistered(page);
  const dialog = await openLocalContainer(page);
  await dialog.getByTestId('lic-file-input').setInputFiles(lic);
  await expect(dialog.getByTestId('lic-summary')).toBeVisible();

  const challenge = parsePhonePageUrl(await dialog.getByTestId('qr-link').textContent());
  const record = await readRecord(demo().vendorDir, (await licPayload(lic)).licenseId);
  if (!record?.activationKey) throw new Error('the vendor ledger has no activation key for the lic');
  const right = vendorCode(record.activationKey, challenge);
  const wrong = (n: number) => String((Number(right) + n) % 1_000_000).padStart(6, '0');

  const code = dialog.getByTestId('verify-code');
  for (const [n, left] of [4, 3].entries()) {
    await tabTo(page, code);
    await page.keyboard.type(wrong(n + 1));
    await page.keyboard.press('Enter');
    const message = dialog.getByTestId('verify-attempts-left');
    await expect(message).toHaveText(`Wrong code: ${left} attempts left.`);
    await expect(code).toHaveAttribute('aria-invalid', 'true');
    await expect(code).toHaveAccessibleDescription(new RegExp(`Wrong code: ${left} attempts left`));
    await expect(code).toBeFocused();
  }
  await snap(page, '62-keyboard-wrong-code');

  await dialog.getByRole('button', { name: 'Upload another lic' }).click();
  await dialog.getByTestId('lic-file-input').setInputFiles(demo().containerLic);
  await expect(dialog.getByTestId('lic-summary')).toContainText('Demo Company');
  await cancel(dialog);
});

test('the activation page reads in both languages at both widths (after activation)', async ({ page }) => {
  for (const lang of ['zh-CN', 'en'] as const) {
    await page.goto(`${env('E2E_LS_URL')}/license/qrcode?lang=${lang}`);
    await expect(page.locator('html')).toHaveAttribute('lang', lang);
    await expect(page.locator('[data-view="activation"]')).toBeVisible();
    await snap(page, `63-activation-page-${lang}`);
  }
});

test('the sign-in page, and what Test Connection finds: a certificate nobody vouches for, a server that answers but refuses', async ({ page }) => {
  await page.goto(`${env('E2E_SHELL_URL')}/`);
  await switchLanguage(page, 'en');
  await expect(page.getByLabel('User name')).toBeVisible();
  await snap(page, '65-sign-in');

  // A license server with a certificate of its own making (an empty --tls folder): no CA the BFF trusts.
  const dir = await mkdtemp(path.join(os.tmpdir(), 'frr-self-signed-'));
  const server = await startExtraLicenseServer('ls-self-signed', dir, { tls: path.join(dir, 'tls') });
  try {
    await openRegistration(page, 'admin');
    await reRegisterIfRegistered(page);
    const { dialog, address } = await openPrivateCloudByKeyboard(page);
    await page.keyboard.type(server.url);
    const test = dialog.getByRole('button', { name: 'Test Connection' });
    await tabTo(page, test);
    await page.keyboard.press('Enter');
    const trust = dialog.locator('[data-view="certificate-trust"]');
    await expect(trust).toBeVisible();
    await expect(trust.getByRole('button', { name: /^Copy Fingerprint/ })).toBeVisible();
    await trust.scrollIntoViewIfNeeded();
    await snap(page, '66-test-connection-untrusted-certificate');

    // Reached, genuine, but not activated (30010): "connected, but the license server refuses".
    await address.fill(env('E2E_LS_UNACTIVATED_URL'));
    await tabTo(page, test);
    await page.keyboard.press('Enter');
    const refused = dialog.locator('[data-view="connection-refused"]');
    await expect(refused).toBeVisible();
    await expect(refused).toContainText('SERVER_NOT_ACTIVATED');
    await snap(page, '67-test-connection-refused');
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
