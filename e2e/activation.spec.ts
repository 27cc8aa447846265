import { devices, expect, test } from '@playwright/test';
import { env, openRegistration, snap } from './support/shell.ts';
import { readQrCode } from './support/qr.ts';
import { reRegisterIfRegistered, submitInDialog, submitPrivateCloud } from './support/registration.ts';

// Issue 3: a person activates a fresh license server with a phone, then the console registers with it.

test('an operator activates a fresh license server by scanning its QR code, then the console registers with it', async ({ browser, page }) => {
  const serverUrl = env('E2E_LS_FRESH_URL');

  // The operator's desktop browser on the activation page (the demo certificate is self-signed).
  const desk = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'en-US' });
  const activation = await desk.newPage();
  await activation.goto(`${serverUrl}/license/qrcode`);
  await expect(activation.getByRole('heading', { name: 'License server activation' })).toBeVisible();
  await expect(activation.locator('#countdown')).toHaveText(/^[45]:\d\d$/);
  await snap(activation, '20-activation-page-en');

  // A wrong code first: the page says how many attempts are left.
  await activation.getByLabel('Verification code').fill('000000');
  await activation.getByRole('button', { name: 'Submit' }).click();
  await expect(activation.getByRole('alert')).toContainText('Wrong verification code');
  await expect(activation.locator('[data-lock="open"]')).toContainText('4 attempts left');

  // The phone: scan the QR code on the screen and open what it encodes.
  const scanned = await readQrCode(browser, activation.locator('.qr svg'));
  expect(scanned).toMatch(new RegExp(`^${env('E2E_VENDOR_URL').replace(/[.]/g, '\\.')}/a/[A-Za-z0-9_-]+$`));
  const phone = await browser.newContext({ ...devices['Pixel 5'], locale: 'en-US' });
  const phonePage = await phone.newPage();
  await phonePage.goto(scanned ?? '');
  const code = (await phonePage.locator('.code').textContent())?.trim() ?? '';
  expect(code).toMatch(/^\d{6}$/);
  // A license server's page asks for an activation code; a screen reader gets the digits one by one.
  await expect(phonePage.getByRole('heading', { name: 'Activation code' })).toBeVisible();
  await expect(phonePage.getByText(`Code ${code.split('').join(' ')}`)).toBeAttached();
  await snap(phonePage, '21-phone-page-code', { fullPage: false });

  await activation.getByLabel('Verification code').fill(code);
  await activation.getByRole('button', { name: 'Submit' }).click();
  const done = activation.getByRole('status');
  await expect(done).toContainText('Activated. Report servers can register now.');
  // …and what to type in the console, with Copy: the address this page was reached at.
  await expect(done).toContainText(`Register Now > Private Cloud and this Server Address:${serverUrl}`);
  await expect(done.getByRole('button', { name: 'Copy' })).toBeVisible();
  await expect(activation.locator('.qr')).toHaveCount(0);
  await snap(activation, '22-activation-done-en');
  await desk.close();
  await phone.close();

  // The console now registers with that server.
  await openRegistration(page, 'admin');
  await reRegisterIfRegistered(page);
  await submitPrivateCloud(page, serverUrl);
  await expect(page.getByRole('button', { name: 'Re-register' })).toBeVisible();
  await expect(page.getByText('Registered').first()).toBeVisible();
  await snap(page, '23-registered-with-activated-server');

  // Leave the node unregistered for the next test file.
  await reRegisterIfRegistered(page);
  await expect(page.getByRole('button', { name: 'Register Now' }).first()).toBeVisible();
});

test('before activation the console explains where to activate the license server', async ({ page }) => {
  await openRegistration(page, 'admin');
  await reRegisterIfRegistered(page);
  const dialog = await submitPrivateCloud(page, env('E2E_LS_UNACTIVATED_URL'));
  const failure = page.getByRole('alertdialog', { name: 'Registration failed' });
  const first = failure.locator('.frr-reason--primary');
  await expect(first).toContainText('The license server is not activated yet');
  await expect(first).toContainText('30010 SERVER_NOT_ACTIVATED');
  await first.getByRole('button', { name: 'Details' }).click();
  await expect(first).toContainText(`${env('E2E_LS_UNACTIVATED_URL')}/license/qrcode`);
  await snap(page, '24-not-activated-refusal');
  // Back returns to Register Now with the address as typed, to correct it.
  await failure.getByRole('button', { name: 'Back' }).click();
  await expect(dialog.getByLabel('Server Address')).toHaveValue(env('E2E_LS_UNACTIVATED_URL'));

  // Leave the node unregistered for the next test file: register with the demo server, then Re-register.
  await submitInDialog(dialog, env('E2E_LS_URL'));
  await expect(page.getByRole('button', { name: 'Re-register' })).toBeVisible();
  await reRegisterIfRegistered(page);
  await expect(page.getByText('Unregistered').first()).toBeVisible();
});
