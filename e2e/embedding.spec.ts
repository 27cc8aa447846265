import { expect, test, type Page } from '@playwright/test';
import { adminToken, buildModule, startEmbedHost, type EmbedHost } from './support/embed-host.ts';
import { env, signIn, snap } from './support/shell.ts';

// The module as embedders run it: the built IIFE in real qiankun 2.x (from npm) with each of its
// sandboxes, in a plain script host with hostile CSS and stacking contexts, and on another origin than
// its BFF. The host pages are e2e/hosts/*.html, served on their own origin (E2E_EMBED_PORT), which the
// BFF names in ALLOWED_ORIGINS (global-setup).

let host: EmbedHost;
let token: string;

test.beforeAll(async () => {
  buildModule();
  host = await startEmbedHost(Number(env('E2E_EMBED_PORT')), env('E2E_BFF_URL'));
  token = await adminToken(env('E2E_SHELL_URL'));
  // Start unregistered (whatever an earlier spec left); the cross-origin test registers.
  await fetch(`${env('E2E_BFF_URL')}/api/registration`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
});
test.afterAll(async () => {
  await fetch(`${env('E2E_BFF_URL')}/api/registration`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
  await host?.close();
});

declare global {
  interface Window {
    hostToken: string;
    hostClicks?: number;
    host: {
      load(): Promise<void>;
      unload(): Promise<void>;
      update(props: Record<string, unknown>): Promise<void>;
      status(): string | null;
      setGlobalState(state: Record<string, unknown>): boolean;
      mount(extra?: Record<string, unknown>): Promise<void>;
      unmount(): Promise<void>;
    };
  }
}

/** Opens a host page with the admin's token; collects console errors and uncaught exceptions. */
async function openHost(page: Page, path: string): Promise<string[]> {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript((t) => (window.hostToken = t), token);
  await page.goto(`${host.origin}${path}`);
  return errors;
}

const versionHeading = (page: Page, name = 'Version Information') => page.getByRole('heading', { name, exact: true });

/** What the host page holds besides the module: window keys (but the test's own axe-core), styles, nodes. */
function hostFootprint(page: Page) {
  return page.evaluate(() => ({
    keys: Object.getOwnPropertyNames(window)
      .filter((k) => k !== 'axe' && k !== '__core-js_shared__') // axe-core's own
      .sort(),
    styles: document.querySelectorAll('style, link[rel="stylesheet"]').length,
    bodyNodes: document.body.querySelectorAll('*').length,
  }));
}

/** Focus, looking into shadow roots. */
function focusInOpenDialog(page: Page) {
  return page.evaluate(() => {
    let active = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return !!active?.closest('dialog[open]');
  });
}

/** Tab and Shift+Tab stay in the dialog however often pressed; Escape closes it; focus returns to the opener. */
async function checkDialogKeyboard(page: Page) {
  const opener = page.getByRole('button', { name: 'Register Now' }).first();
  await opener.click();
  const dialog = page.getByRole('dialog', { name: 'Register Now' });
  await expect(dialog).toBeVisible();
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Tab');
    expect(await focusInOpenDialog(page), `Tab ${i + 1}`).toBe(true);
  }
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Shift+Tab');
    expect(await focusInOpenDialog(page), `Shift+Tab ${i + 1}`).toBe(true);
  }
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(opener).toBeFocused();
}

const QIANKUN_OWN_KEYS = ['proxy', '__app_instance_name_map__', '__currentLockingSandbox__'];

const SANDBOXES = [
  ['default', 'the default sandbox'],
  ['scoped', 'experimentalStyleIsolation'],
  ['strict', 'strictStyleIsolation (a shadow root)'],
] as const;

for (const [sandbox, label] of SANDBOXES) {
  for (const mode of ['load', 'register'] as const) {
    test(`qiankun ${mode === 'load' ? 'loadMicroApp' : 'registerMicroApps'} with ${label}: 20 mount/unmount cycles leave nothing behind`, async ({ page }) => {
      test.setTimeout(180_000);
      const errors = await openHost(page, `/qiankun.html?sandbox=${sandbox}&mode=${mode}`);
      const cdp = await page.context().newCDPSession(page);
      const heap = async () => {
        await cdp.send('HeapProfiler.collectGarbage');
        return (await cdp.send('Runtime.getHeapUsage')).usedSize;
      };
      const before = await hostFootprint(page);
      let afterFirst: Awaited<ReturnType<typeof hostFootprint>> | undefined;
      let heapAt5 = 0;
      for (let cycle = 1; cycle <= 20; cycle++) {
        if (mode === 'load') await page.evaluate(() => window.host.load());
        else await page.evaluate(() => (location.hash = '#/registration'));
        await expect(versionHeading(page)).toBeVisible();
        if (cycle === 1) {
          // The module's styles came with it, inside qiankun's container (a shadow root in strict mode).
          const where = await page.evaluate(() => {
            const wrapper = document.querySelector('#subapp > div');
            const root = wrapper?.shadowRoot ?? wrapper;
            return { inShadow: !!wrapper?.shadowRoot, styled: !!root?.querySelector('.frr-root > style') };
          });
          expect(where).toEqual({ inShadow: sandbox === 'strict', styled: true });
          await expect(page.getByRole('button', { name: 'Register Now' }).first()).toHaveCSS('background-color', 'rgb(26, 98, 230)');
          await snap(page, `70-qiankun-${sandbox}-${mode}`);
        }
        if (mode === 'load') await page.evaluate(() => window.host.unload());
        else await page.evaluate(() => (location.hash = '#/home'));
        await expect(versionHeading(page)).toHaveCount(0);
        await expect.poll(() => page.evaluate(() => document.getElementById('subapp')!.childNodes.length)).toBe(0);
        if (cycle === 1) afterFirst = await hostFootprint(page);
        if (cycle === 5) heapAt5 = await heap();
      }
      const heapAt20 = await heap();
      const after = await hostFootprint(page);
      // qiankun keeps its own bookkeeping on the real window from the first load on (import-html-entry's
      // `proxy`, `__app_instance_name_map__`); the module adds nothing, and cycles 2-20 change nothing.
      expect(after).toEqual(afterFirst);
      const added = after.keys.filter((k) => !before.keys.includes(k));
      expect(added.filter((k) => !QIANKUN_OWN_KEYS.includes(k))).toEqual([]);
      expect({ styles: after.styles, bodyNodes: after.bodyNodes }).toEqual({ styles: before.styles, bodyNodes: before.bodyNodes });
      expect(errors).toEqual([]);
      console.log(`qiankun ${mode} ${sandbox}: JS heap after cycle 5 ${(heapAt5 / 1048576).toFixed(2)} MB, after cycle 20 ${(heapAt20 / 1048576).toFixed(2)} MB`);
      expect(heapAt20 - heapAt5).toBeLessThan(1024 * 1024);
    });
  }
}

test('qiankun: the language follows microApp.update() and the global state live; unmount still works after', async ({ page }) => {
  const errors = await openHost(page, '/qiankun.html?sandbox=strict&mode=load');
  await page.evaluate(() => window.host.load());
  await expect(versionHeading(page)).toBeVisible();
  await page.evaluate(() => window.host.update({ locale: 'zh-CN' }));
  await expect(versionHeading(page, '版本信息')).toBeVisible();
  expect(await page.evaluate(() => window.host.status())).toBe('MOUNTED');
  await page.evaluate(() => window.host.setGlobalState({ locale: 'en', theme: { '--frr-primary': '#0a58ca' } }));
  await expect(versionHeading(page)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Register Now' }).first()).toHaveCSS('background-color', 'rgb(10, 88, 202)');
  await page.evaluate(() => window.host.unload());
  await expect.poll(() => page.evaluate(() => document.getElementById('subapp')!.childNodes.length)).toBe(0);
  expect(errors).toEqual([]);
});

test('qiankun strict sandbox: the dialog keeps the keyboard inside its shadow root and gives focus back', async ({ page }) => {
  await openHost(page, '/qiankun.html?sandbox=strict&mode=load');
  await page.evaluate(() => window.host.load());
  await expect(versionHeading(page)).toBeVisible();
  await checkDialogKeyboard(page);
});

for (const isolation of ['none', 'shadow'] as const) {
  test(`script host, isolation ${isolation}: dialog keyboard (Tab wraps, Escape closes, focus returns)`, async ({ page }) => {
    const errors = await openHost(page, `/script.html?isolation=${isolation}`);
    await page.evaluate(() => window.host.mount());
    await expect(versionHeading(page)).toBeVisible();
    expect(await page.evaluate(() => !!document.getElementById('module')!.shadowRoot)).toBe(isolation === 'shadow');
    await checkDialogKeyboard(page);
    expect(errors).toEqual([]);
  });
}

for (const wrap of ['zindex', 'transform'] as const) {
  test(`a dialog opened inside a ${wrap === 'zindex' ? 'z-index: 1' : 'transform'} container covers the host's fixed z-index: 100 bar`, async ({ page }) => {
    await openHost(page, `/script.html?wrap=${wrap}`);
    await page.evaluate(() => window.host.mount());
    await expect(versionHeading(page)).toBeVisible();
    await page.getByRole('button', { name: 'Register Now' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Register Now' });
    await expect(dialog).toBeVisible();
    // What is on top where the host's bar is: the dialog's backdrop (hit-tests as the dialog), not the bar.
    const onTop = await page.evaluate(() => document.elementFromPoint(20, 20)?.localName);
    expect(onTop).toBe('dialog');
    await page.mouse.click(20, 20);
    expect(await page.evaluate(() => window.hostClicks ?? 0)).toBe(0);
    // Centred in the viewport and whole, not clipped by the transformed box.
    const box = (await dialog.boundingBox())!;
    const viewport = page.viewportSize()!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(viewport.height);
    expect(Math.abs(box.x + box.width / 2 - viewport.width / 2)).toBeLessThan(2);
    await snap(page, `71-dialog-above-${wrap}`);
    await page.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);
  });
}

test('a cross-origin host page registers through a BFF whose ALLOWED_ORIGINS names it (CORS, no proxy)', async ({ page }) => {
  const bff = env('E2E_BFF_URL');
  expect(new URL(bff).origin).not.toBe(host.origin);
  const errors = await openHost(page, `/script.html?api=${encodeURIComponent(bff)}`);
  const apiCalls: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/api/')) apiCalls.push(new URL(r.url()).origin);
  });
  await page.evaluate(() => window.host.mount());
  await expect(versionHeading(page)).toBeVisible();
  await page.getByRole('button', { name: 'Register Now' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Register Now' });
  await dialog.getByLabel('Private Cloud').check();
  await dialog.getByLabel('Server Address').fill(env('E2E_LS_URL'));
  await dialog.getByRole('button', { name: 'Test Connection' }).click();
  await expect(dialog.getByText(/Connected in \d+ ms/)).toBeVisible();
  await dialog.getByRole('button', { name: 'Submit' }).click();
  await expect(page.getByRole('button', { name: 'Re-register' })).toBeVisible();
  await expect(page.getByText('Demo Company')).toBeVisible();
  expect(new Set(apiCalls)).toEqual(new Set([new URL(bff).origin]));
  expect(errors).toEqual([]);
  await snap(page, '72-cross-origin-registered');
});

test('a host with aggressive global CSS (table, button, div, *, dialog) still shows the node table, buttons and dialogs', async ({ page }) => {
  const errors = await openHost(page, '/script.html?css=hostile');
  await page.evaluate(() => window.host.mount());
  await expect(versionHeading(page)).toBeVisible();
  await expect(page.getByTestId('registration-nodes')).toBeVisible();
  await expect(page.getByTestId('registration-nodes')).toHaveCSS('display', 'table');
  const button = page.getByRole('button', { name: 'Re-register' });
  await expect(button).toBeVisible();
  await expect(button).toHaveCSS('text-transform', 'none');
  await snap(page, '73-hostile-css');
  await button.click();
  await expect(page.getByRole('alertdialog', { name: 'Re-register' })).toBeVisible();
  await page.keyboard.press('Escape');
  expect(errors).toEqual([]);
});

test('loading the script twice is harmless: one global, the same lifecycles, unmount reaches the instance', async ({ page }) => {
  const errors = await openHost(page, '/script.html');
  const keysBefore = await page.evaluate(() => Object.getOwnPropertyNames(window));
  await page.evaluate(() => window.host.mount());
  await expect(versionHeading(page)).toBeVisible();
  const first = await page.evaluateHandle(() => window.FrRegistration);
  await page.addScriptTag({ url: '/frr/registration-ui.iife.js' });
  expect(await page.evaluate((f) => f === window.FrRegistration, first)).toBe(true);
  await page.evaluate(() => window.FrRegistration!.unmount({ container: document.getElementById('module')! }));
  await expect(versionHeading(page)).toHaveCount(0);
  expect(await page.evaluate(() => document.getElementById('module')!.childNodes.length)).toBe(0);
  const added = await page.evaluate((before) => Object.getOwnPropertyNames(window).filter((k) => !before.includes(k)), keysBefore);
  expect(added).toEqual([]);
  expect(errors).toEqual([]);
});

test("a host whose Content-Security-Policy forbids 'unsafe-eval' runs the module without a violation", async ({ page }) => {
  // Collected from the first script on; the module is mounted and driven by the page's own code and
  // clicks (code a test evaluates is exempt from the page's CSP).
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { violations: string[] }).violations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.sourceFile}:${e.lineNumber}`));
  });
  const errors = await openHost(page, '/script.html?csp=strict&automount=1');
  expect(await page.evaluate(() => (window as unknown as { evalAllowed: boolean }).evalAllowed)).toBe(false);
  await expect(versionHeading(page)).toBeVisible();
  await page.getByRole('button', { name: /^(Register Now|Re-register)$/ }).first().click();
  await expect(page.locator('dialog[open]')).toBeVisible();
  await page.keyboard.press('Escape');
  const violations = await page.evaluate(() => (window as unknown as { violations: string[] }).violations);
  // The page's own probe of the policy is one; none may come from the module's script.
  expect(violations.filter((v) => !v.includes('/script.html'))).toEqual([]);
  expect(errors.filter((e) => !/evaluate a string as JavaScript/.test(e))).toEqual([]);
});

test('loading the script adds exactly one global, FrRegistration', async ({ page }) => {
  await page.goto(`${host.origin}/qiankun.html?mode=none`); // qiankun loaded, nothing of ours yet
  const before = await page.evaluate(() => Object.getOwnPropertyNames(window));
  await page.addScriptTag({ url: '/frr/registration-ui.iife.js' });
  const added = await page.evaluate((b) => Object.getOwnPropertyNames(window).filter((k) => !b.includes(k)), before);
  expect(added).toEqual(['FrRegistration']);
});

for (const width of [320, 390, 768, 1366]) {
  test(`the shell's registration page reads well at ${width} px`, async ({ page }) => {
    await signIn(page, 'admin', 'en');
    await expect(versionHeading(page)).toBeVisible();
    await page.setViewportSize({ width, height: 860 });
    // No horizontal scrollbar on the page: the module lays out for its container's width.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await snap(page, `74-shell-${width}`);
    const menuButton = page.getByRole('button', { name: 'Menu', exact: true });
    if (width < 768) {
      // The shell's menu is behind its Menu button here: it opens over the page, Escape closes it.
      await expect(menuButton).toHaveAttribute('aria-expanded', 'false');
      await menuButton.click();
      await expect(menuButton).toHaveAttribute('aria-expanded', 'true');
      await expect(page.getByRole('link', { name: 'Registration Management' })).toBeVisible();
      await snap(page, `74-shell-${width}-menu`);
      await page.keyboard.press('Escape');
      await expect(menuButton).toHaveAttribute('aria-expanded', 'false');
      await expect(menuButton).toBeFocused();
    } else {
      await expect(menuButton).toBeHidden();
    }
    // Register Now or Re-register, whichever the state offers (the cross-origin test registered).
    await page.getByRole('button', { name: /^(Register Now|Re-register)$/ }).first().click();
    const dialog = page.locator('dialog[open]');
    await expect(dialog).toBeVisible();
    const box = (await dialog.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(width);
    await snap(page, `75-shell-${width}-dialog`);
  });
}
