import { devices, expect, type Browser, type Locator } from '@playwright/test';
import { readQrCode } from './qr.ts';
import { env } from './shell.ts';

/**
 * A phone scans the QR code `qr` shows and opens it on the vendor's phone page (a Pixel 5 context);
 * returns the URL the code encodes and the 6-digit code the page shows. With `screenshot`, the phone's
 * screen is saved under test-results/e2e/screens.
 */
export async function scanWithPhone(browser: Browser, qr: Locator, screenshot?: string): Promise<{ url: string; code: string }> {
  const url = (await readQrCode(browser, qr)) ?? '';
  const vendorUrl = env('E2E_VENDOR_URL');
  expect(url, 'the QR code must point at the vendor phone page the system runs (PHONE_PAGE_URL)').toMatch(
    new RegExp(`^${vendorUrl.replace(/[.]/g, '\\.')}/a/[A-Za-z0-9_-]+$`),
  );
  const phone = await browser.newContext({ ...devices['Pixel 5'], locale: 'en-US' });
  try {
    const phonePage = await phone.newPage();
    await phonePage.goto(url);
    const code = (await phonePage.locator('.code').textContent())?.trim() ?? '';
    expect(code).toMatch(/^\d{6}$/);
    await expect(phonePage.getByText('Demo Company').first()).toBeVisible();
    if (screenshot) await phonePage.screenshot({ path: `test-results/e2e/screens/${screenshot}.png` });
    return { url, code };
  } finally {
    await phone.close();
  }
}
