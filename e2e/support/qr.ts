import type { Browser, Locator } from '@playwright/test';
import jsQR from 'jsqr';

/** Side (CSS px) an <img> QR code is drawn at before decoding, like a phone camera held close to it. */
const IMAGE_SIDE = 800;

/**
 * Reads the QR code shown by `locator` as a phone camera would, decoded with jsQR; null when no code
 * can be read.
 * - Any element (the license server's inline <svg>): a screenshot of the element as the screen shows it.
 * - An <img> (the registration module's QR code, a data: URL): the image the page shows, drawn at
 *   {@link IMAGE_SIDE} px — a camera close to the screen sees the modules sharper than a 1× screenshot
 *   of a 180 px image, whose modules are about 2 px wide for a long phone-page URL.
 * Either way the pixels go through a blank page's canvas.
 */
export async function readQrCode(browser: Browser, locator: Locator): Promise<string | null> {
  const imageSrc = await locator.evaluate((el) => (el instanceof HTMLImageElement ? el.currentSrc || el.src : null));
  const src = imageSrc ?? `data:image/png;base64,${(await locator.screenshot()).toString('base64')}`;
  const page = await browser.newPage();
  try {
    const pixels = await page.evaluate(
      async ({ src, side }) => {
        const img = new Image();
        img.src = src;
        await img.decode();
        const canvas = document.createElement('canvas');
        canvas.width = side ?? img.naturalWidth;
        canvas.height = side ?? img.naturalHeight;
        const ctx = canvas.getContext('2d');
        if (!ctx) throw new Error('no 2d canvas');
        ctx.fillStyle = '#fff'; // a transparent background reads as black otherwise
        ctx.fillRect(0, 0, canvas.width, canvas.height);
        ctx.imageSmoothingEnabled = false;
        ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
        const data = ctx.getImageData(0, 0, canvas.width, canvas.height);
        // As base64: a plain array of 800×800×4 numbers takes half a minute to come over the wire.
        let binary = '';
        for (let i = 0; i < data.data.length; i += 0x8000) {
          binary += String.fromCharCode(...data.data.subarray(i, i + 0x8000));
        }
        return { width: data.width, height: data.height, rgba: btoa(binary) };
      },
      { src, side: imageSrc === null ? null : IMAGE_SIDE },
    );
    const rgba = Buffer.from(pixels.rgba, 'base64');
    return jsQR(new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, rgba.length), pixels.width, pixels.height)?.data ?? null;
  } finally {
    await page.close();
  }
}
