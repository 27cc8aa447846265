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

/**
 * Saves a full-page screenshot as a test artifact under test-results/e2e/screens, and checks the same
 * state with axe-core (WCAG 2.1 AA): every state worth looking at is a state that is scanned.
 */
export async function snap(page: Page, name: string, options: { fullPage?: boolean } = {}) {
  await page.screenshot({ path: `test-results/e2e/screens/${name}.png`, fullPage: options.fullPage ?? true });
  await checkA11y(page, name);
}
