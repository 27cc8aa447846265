import type { Browser, Locator } from '@playwright/test';
import jsQR from 'jsqr';

/**
 * Reads the QR code shown by `locator` as a phone camera would: a screenshot of the element, turned
 * into pixels by a blank page's canvas, decoded with jsQR. Null when no code can be read.
 */
export async function readQrCode(browser: Browser, locator: Locator): Promise<string | null> {
  const png = await locator.screenshot();
  const page = await browser.newPage();
  try {
    const pixels = await page.evaluate(async (base64: string) => {
      const img = new Image();
      img.src = `data:image/png;base64,${base64}`;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      const ctx = canvas.getContext('2d');
      if (!ctx) throw new Error('no 2d canvas');
      ctx.drawImage(img, 0, 0);
      const data = ctx.getImageData(0, 0, canvas.width, canvas.height);
      return { width: data.width, height: data.height, rgba: Array.from(data.data) };
    }, png.toString('base64'));
    return jsQR(Uint8ClampedArray.from(pixels.rgba), pixels.width, pixels.height)?.data ?? null;
  } finally {
    await page.close();
  }
}
