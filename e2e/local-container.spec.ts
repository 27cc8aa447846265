import { expect, test, type Page } from '@playwright/test';
import { parsePhonePageUrl } from '@registration/licensing/challenge';
import { vendorCode } from '@registration/licensing/activation-code';
import { readRecord } from '@registration/vendor/records';
import { writeContainerLicense } from '../scripts/lib/demo.ts';
import { openRegistration, snap } from './support/shell.ts';
import { cancel, demo, licPayload, openLocalContainer, reRegisterIfRegistered } from './support/registration.ts';
import { scanWithPhone } from './support/phone.ts';

// Local Container (DESIGN.md §3.2) against the whole system global-setup starts: the demo vendor's
// Container.lic, the BFF's QR code, the vendor phone page in a phone-sized context.
//
// One BFF node shared by every spec file (workers: 1). Each test here starts by leaving whatever the
// last one left (Re-register if registered, "Upload another lic" if a lic is stored) and ends with the
// node unregistered, as activation.spec.ts and private-cloud.spec.ts expect. The wrong-code lock is
// kept per license for 15 minutes on the real clock, so the lock test uses a second Container.lic of
// its own and then puts the demo lic back as the stored one: the demo lic is never locked.

/** A date or instant as the module formats it in English, formatted by the page's own browser and time zone. */
function formatInPage(page: Page, iso: string, withTime: boolean): Promise<string> {
  return page.evaluate(
    ([value, time]) =>
      new Intl.DateTimeFormat('en', time ? { dateStyle: 'medium', timeStyle: 'short' } : { dateStyle: 'medium', timeZone: 'UTC' }).format(
        new Date(value),
      ),
    [iso, withTime] as const,
  );
}


test('an administrator uploads the vendor-issued Container.lic, scans the QR code with a phone, types the code and is registered', async ({
  browser,
  page,
}) => {
  await openRegistration(page, 'admin');
  await reRegisterIfRegistered(page);
  const dialog = await openLocalContainer(page);
  await expect(dialog.locator('button', { hasText: 'Upload lic' })).toBeVisible();
  // One control for a screen reader, not the button and the file input behind it.
  await expect(dialog.getByRole('button', { name: 'Upload lic' })).toHaveCount(1);
  await snap(page, '40-local-container-upload-panel');

  await dialog.getByTestId('lic-file-input').setInputFiles(demo().containerLic);
  const summary = dialog.getByTestId('lic-summary');
  await expect(summary).toBeVisible();
  await expect(summary).toContainText('Demo Company');
  await expect(summary).toContainText('Demo Project');
  await expect(summary).toContainText('webroot');
  await expect(summary).toContainText('11.0');
  await expect(dialog.getByRole('status').filter({ hasText: 'License file uploaded.' })).toBeVisible();

  // The QR step: a countdown from 5 minutes, and the code field.
  const qr = dialog.getByTestId('qr-image');
  await expect(qr).toBeVisible();
  await expect(qr).toHaveAttribute('src', /^data:image\/svg\+xml/);
  await expect(dialog.getByTestId('qr-countdown')).toHaveText(/The QR code expires in [45]:\d\d/);
  await snap(page, '41-local-container-qr-step');

  // The phone: scan the QR code on the screen and open what it encodes on the vendor's phone page.
  const scanned = await scanWithPhone(browser, qr, '42-local-container-phone-page');
  await expect(dialog.getByTestId('qr-link')).toHaveText(scanned.url);
  await dialog.getByTestId('verify-code').fill(scanned.code);
  await dialog.getByTestId('verify-submit').click();

  await expect(dialog).toBeHidden();
  await expect(page.getByText('Registration succeeded')).toBeVisible();
  await expect(page.locator('.frr-status[data-status="registered"]')).toBeVisible();
  const version = page.getByRole('region', { name: 'Version Information' });
  const fields = (label: string) => version.locator('dt', { hasText: new RegExp(`^${label}$`) }).locator('xpath=following-sibling::dd[1]');
  await expect(fields('Method')).toHaveText('Local Container');
  await expect(fields('Company')).toHaveText('Demo Company');
  await expect(fields('Project')).toHaveText('Demo Project');
  await expect(fields('App name')).toHaveText('webroot');
  await expect(fields('Licensed version')).toHaveText('11.0');
  await expect(fields('Max nodes')).toHaveText('3');
  await expect(fields('Features')).toHaveText('Reports, Dashboards, Mobile, Data entry');
  const { expiresAt } = await licPayload(demo().containerLic);
  await expect(fields('Expires')).toContainText(await formatInPage(page, expiresAt, true));
  await expect(page.getByRole('button', { name: 'Re-register' })).toBeVisible();
  await snap(page, '43-local-container-registered');

  // Re-register clears the cluster configuration; the lic stays stored, so Register Now > Local
  // Container opens at the QR step again.
  await reRegisterIfRegistered(page);
  await expect(page.locator('.frr-status[data-status="unregistered"]')).toBeVisible();
  await page.getByRole('button', { name: 'Register Now' }).first().click();
  await dialog.getByRole('radio', { name: 'Local Container' }).check();
  await expect(dialog.getByTestId('lic-summary')).toContainText('Demo Company');
  await expect(dialog.getByTestId('qr-image')).toBeVisible();
  await cancel(dialog);
});

test('an expired Container.lic and a license-server bundle are refused with their reasons, and nothing is stored', async ({ page }, testInfo) => {
  const expiredLic = testInfo.outputPath('expired', 'Container.lic');
  const expiresAt = new Date(Date.now() - 3 * 86_400_000);
  await writeContainerLicense(demo(), expiredLic, { expiresAt });
  const { expiresAt: certifiedExpiry } = await licPayload(expiredLic);

  await openRegistration(page, 'admin');
  await reRegisterIfRegistered(page);
  const dialog = await openLocalContainer(page);

  await dialog.getByTestId('lic-file-input').setInputFiles(expiredLic);
  const refusal = dialog.getByTestId('lic-refusal');
  await expect(refusal).toContainText('The license file was refused.');
  const expired = refusal.locator('[data-reason="LICENSE_EXPIRED"]');
  await expect(expired).toContainText('30000 LICENSE_EXPIRED');
  await expired.getByRole('button', { name: 'Details' }).click();
  await expect(expired).toContainText(await formatInPage(page, certifiedExpiry, true));
  // Everything else in the lic is the demo project's, so expiry is the only reason.
  await expect(refusal.locator('[data-reason]')).toHaveCount(1);
  await expect(dialog.getByTestId('lic-summary')).toHaveCount(0);
  await expect(dialog.getByTestId('qr-image')).toHaveCount(0);
  await snap(page, '44-local-container-refused-expired-details');

  // The license server's bundle picked by mistake: a different kind of license.
  await dialog.getByTestId('lic-file-input').setInputFiles(demo().bundle);
  const mismatch = refusal.locator('[data-reason="LIC_TYPE_MISMATCH"]');
  await expect(mismatch).toBeVisible();
  await expect(refusal.locator('[data-reason="LICENSE_EXPIRED"]')).toHaveCount(0);
  await mismatch.getByRole('button', { name: 'Details' }).click();
  await expect(mismatch).toContainText('license-server bundle');
  await snap(page, '45-local-container-refused-type-mismatch');
  await cancel(dialog);
  await expect(page.locator('.frr-status[data-status="unregistered"]')).toBeVisible();
});

test('five wrong codes count the attempts down and lock verification until a shown time; the demo lic is left unlocked', async ({ page }, testInfo) => {
  // A lic of its own for the same project (another license id): the lock is per license and lasts
  // 15 minutes on the real clock, so locking the demo lic would break the first test for that long.
  const lockLic = testInfo.outputPath('lock', 'Container.lic');
  await writeContainerLicense(demo(), lockLic);
  const payload = await licPayload(lockLic);
  expect(payload.licenseId).not.toBe((await licPayload(demo().containerLic)).licenseId);

  await openRegistration(page, 'admin');
  await reRegisterIfRegistered(page);
  const dialog = await openLocalContainer(page);
  await dialog.getByTestId('lic-file-input').setInputFiles(lockLic);
  await expect(dialog.getByTestId('lic-summary')).toBeVisible();
  const link = dialog.getByTestId('qr-link');
  await expect(link).toHaveText(/\/a\//);

  // The right code for this challenge, as the phone page would compute it: every guess is another one.
  const challenge = parsePhonePageUrl(await link.textContent());
  expect(challenge.licenseId).toBe(payload.licenseId);
  const record = await readRecord(demo().vendorDir, payload.licenseId);
  if (!record?.activationKey) throw new Error('the vendor ledger has no activation key for the lic');
  const right = vendorCode(record.activationKey, challenge);
  const wrong = (n: number) => String((Number(right) + n) % 1_000_000).padStart(6, '0');

  const codeField = dialog.getByTestId('verify-code');
  for (const [n, left] of [4, 3, 2, 1].entries()) {
    await codeField.fill(wrong(n + 1));
    await dialog.getByTestId('verify-submit').click();
    await expect(dialog.getByTestId('verify-attempts-left')).toHaveText(`Wrong code: ${left} ${left === 1 ? 'attempt' : 'attempts'} left.`);
    await expect(codeField).toHaveValue('');
    // The field is marked wrong and carries the message (a screen reader reads it with the field).
    await expect(codeField).toHaveAttribute('aria-invalid', 'true');
    await expect(codeField).toHaveAccessibleDescription(new RegExp(`Wrong code: ${left} attempts? left`));
  }
  await codeField.fill(wrong(5));
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/registration/local-container/verify'));
  const submittedAt = Date.now();
  await dialog.getByTestId('verify-submit').click();
  const body = (await (await answer).json()) as { name: string; details: { reasons: { params: { until: string } }[] } };
  expect(body.name).toBe('VERIFY_LOCKED');
  const until = body.details.reasons[0]!.params.until;
  // The first lock lasts 15 minutes from the fifth wrong code.
  expect(Date.parse(until) - submittedAt).toBeGreaterThan(14 * 60_000);
  expect(Date.parse(until) - submittedAt).toBeLessThanOrEqual(15 * 60_000 + 5_000);
  const locked = dialog.getByTestId('verify-locked');
  await expect(locked).toHaveText(`Too many wrong codes: code entry is locked until ${await formatInPage(page, until, true)}. Then refresh the QR code, scan it and type the new code.`);
  await expect(dialog.getByTestId('verify-attempts-left')).toHaveCount(0);
  await expect(codeField).toBeDisabled();
  await expect(dialog.getByTestId('verify-submit')).toBeDisabled();
  await locked.scrollIntoViewIfNeeded(); // the dialog body scrolls; a page screenshot shows only its view
  await snap(page, '46-local-container-locked');

  // The lock is kept with the lic: open Register Now again and it is still shown, before any guess.
  await cancel(dialog);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Version Information' })).toBeVisible();
  await page.getByRole('button', { name: 'Register Now' }).first().click();
  await dialog.getByRole('radio', { name: 'Local Container' }).check();
  await expect(dialog.getByTestId('verify-locked')).toBeVisible();
  await expect(dialog.getByTestId('verify-code')).toBeDisabled();

  // Leave the demo lic stored (never locked) and the node unregistered for whatever runs next.
  await dialog.getByRole('button', { name: 'Upload another lic' }).click();
  await dialog.getByTestId('lic-file-input').setInputFiles(demo().containerLic);
  await expect(dialog.getByTestId('lic-summary')).toContainText('Demo Company');
  await expect(dialog.getByTestId('verify-locked')).toHaveCount(0);
  await expect(dialog.getByTestId('verify-code')).toBeEnabled();
  await cancel(dialog);
  await expect(page.locator('.frr-status[data-status="unregistered"]')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Register Now' }).first()).toBeVisible();
});
