import { Hono, type Context } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { SCRIPT_HASH, STYLE_HASH } from './assets.ts';
import { chooseLanguage } from './language.ts';
import { resolveScan } from './outcome.ts';
import { renderPage } from './page.ts';

export interface PhonePageDeps {
  /** The vendor directory whose `issued/` records hold each license's private activation key and binding. */
  vendorDir: string;
  clock: () => Date;
  /** Where unexpected failures are reported (default: stderr). */
  logError?: (message: string, error: unknown) => void;
}

/**
 * The vendor's phone page (DESIGN.md §2, §7): `GET /a/:token` turns a scanned QR code into its 6-digit
 * code, or a page saying why not and what to do. The first code shown binds the license to the
 * challenge's fingerprint; another fingerprint is refused until the vendor runs `vendor unbind`.
 */
export function createPhonePageApp(deps: PhonePageDeps) {
  const logError = deps.logError ?? ((message, error) => console.error(message, error));
  const language = (c: Context) => chooseLanguage(c.req.query('lang'), c.req.header('accept-language'));
  const page = (c: Context, outcome: Parameters<typeof renderPage>[1]) => {
    const lang = language(c);
    const { status, body } = renderPage(lang, outcome);
    c.header('Content-Language', lang);
    c.header('Vary', 'Accept-Language');
    return c.html(body, status);
  };

  const app = new Hono();
  app.use(
    secureHeaders({
      // Nothing but the page's own inline style and script (by hash); no fetches, frames, forms or images.
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        styleSrc: [STYLE_HASH],
        scriptSrc: [SCRIPT_HASH],
        baseUri: ["'none'"],
        formAction: ["'none'"],
        frameAncestors: ["'none'"],
      },
      xFrameOptions: 'DENY',
    }),
  );
  app.use(async (c, next) => {
    await next();
    // A code is for one person once; no shared cache or back/forward cache should keep it.
    c.header('Cache-Control', 'no-store');
    c.header('X-Robots-Tag', 'noindex');
  });

  app.get('/health', (c) => c.json({ status: 'ok' }, 200));
  app.get('/a/:token', async (c) => page(c, await resolveScan(deps.vendorDir, c.req.param('token'), deps.clock())));
  app.notFound((c) => page(c, { state: 'not-found' }));
  app.onError((error, c) => {
    logError(`phone page: ${c.req.method} ${c.req.path} failed`, error);
    return page(c, { state: 'error' });
  });
  return app;
}
