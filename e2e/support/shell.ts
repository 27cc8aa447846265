import { expect, type Page } from '@playwright/test';
import { checkA11y } from './a11y.ts';

export const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the e2e tests through playwright.config.ts (global setup)`);
  return v;
};

/** Switches the shell's language with its own switch (login page or top bar). */
export async function switchLanguage(page: Page, locale: 'zh-CN' | 'en') {
  await page.getByRole('button', { name: locale === 'en' ? 'English' : '简体中文' }).first().click();
}

/** Signs in through the shell's login page, in the given language, and opens Registration Management. */
export async function openRegistration(page: Page, user: 'admin' | 'viewer', locale: 'zh-CN' | 'en' = 'en') {
  await signIn(page, user, locale);
  await expect(page.getByRole('heading', { name: locale === 'en' ? 'Version Information' : '版本信息' })).toBeVisible();
}

/** Signs in and opens Registration Management without expecting what the module shows. */
export async function signIn(page: Page, user: 'admin' | 'viewer', locale: 'zh-CN' | 'en' = 'en') {
  await page.goto(`${env('E2E_SHELL_URL')}/`);
  await switchLanguage(page, locale);
  await page.getByLabel(locale === 'en' ? 'User name' : '用户名').fill(user);
  await page.getByLabel(locale === 'en' ? 'Password' : '密码').fill(user);
  await page.getByRole('button', { name: locale === 'en' ? 'Sign in' : '登录', exact: true }).click();
  await page.getByRole('link', { name: locale === 'en' ? 'Registration Management' : '注册管理' }).first().click();
}

const NARROW = { width: 390, height: 844 };
const WIDE = { width: 1366, height: 860 };
const LOCALE_KEY = 'decision-platform.locale';

/** Whether the page is the shell's (whose language can follow another tab without losing what is open). */
function onShell(page: Page): boolean {
  return page.url().startsWith(new URL(env('E2E_SHELL_URL')).origin);
}

/**
 * Switches the shell's language the way a second tab does: the choice lands in localStorage there and
 * this tab follows through its `storage` event, with every dialog and field of this state left as it is.
 */
export async function switchLanguageFromAnotherTab(page: Page, locale: 'zh-CN' | 'en') {
  const tab = await page.context().newPage();
  try {
    await tab.goto(`${env('E2E_SHELL_URL')}/`);
    await tab.evaluate(([key, value]) => localStorage.setItem(key, value), [LOCALE_KEY, locale] as const);
  } finally {
    await tab.close();
  }
  await expect(page.locator('html')).toHaveAttribute('lang', locale);
  // The module's root follows the host's locale (shadow roots included: Playwright's CSS pierces them).
  const module = page.locator('.frr-root, [class*="frr-root"]').first();
  if ((await module.count()) > 0) await expect(module).toHaveAttribute('lang', locale);
}

async function shoot(page: Page, name: string, fullPage: boolean) {
  await page.screenshot({ path: `test-results/e2e/screens/${name}.png`, fullPage });
  await checkA11y(page, name);
}

/**
 * Saves a full-page screenshot as a test artifact under test-results/e2e/screens and checks the same
 * state with axe-core (WCAG 2.1 AA) — at 1366 and at 390 px, and on the shell in both languages — so
 * every state worth looking at is a state that is scanned four ways: `name`, `name@390`, and, for the
 * other language, `name~en` / `name~zh-CN` with their `@390`. The page is left as it was found.
 */
export async function snap(page: Page, name: string, options: { fullPage?: boolean } = {}) {
  const fullPage = options.fullPage ?? true;
  const size = page.viewportSize() ?? WIDE;
  const widths = async (base: string) => {
    await shoot(page, base, fullPage);
    if (size.width !== NARROW.width) {
      await page.setViewportSize(NARROW);
      await shoot(page, `${base}@390`, fullPage);
      await page.setViewportSize(size);
    }
  };
  await widths(name);
  if (!onShell(page)) return;
  const current = (await page.locator('html').getAttribute('lang')) === 'en' ? 'en' : 'zh-CN';
  const other = current === 'en' ? 'zh-CN' : 'en';
  await switchLanguageFromAnotherTab(page, other);
  await widths(`${name}~${other}`);
  await switchLanguageFromAnotherTab(page, current);
}
