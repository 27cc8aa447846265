import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/** The WCAG 2.1 A and AA rules of axe-core. */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
/** Where every scan's findings and views are written (read back by a11y-coverage.spec.ts). */
export const AXE_OUT = 'test-results/e2e/axe';

export interface A11yFinding {
  rule: string;
  impact: string | null | undefined;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core (WCAG 2.1 A/AA) on the page as it is now, shadow roots and the top layer included;
 * writes the findings to test-results/e2e/axe/<name>.json and fails on any serious or critical one,
 * unless A11Y_REPORT=1 (measuring only).
 */
export async function checkA11y(page: Page, name: string): Promise<A11yFinding[]> {
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const findings: A11yFinding[] = results.violations.flatMap((v) =>
    v.nodes.map((n) => ({ rule: v.id, impact: n.impact ?? v.impact, help: v.help, targets: n.target.map(String) })),
  );
  // Which views of the product were on screen (data-view, shadow roots included): a11y-coverage.spec.ts
  // checks that every view the source declares was scanned at least once.
  const views = [...new Set(await page.locator('[data-view]').evaluateAll((els) => els.map((el) => el.getAttribute('data-view') ?? '')))];
  await mkdir(AXE_OUT, { recursive: true });
  await writeFile(path.join(AXE_OUT, `${name}.json`), JSON.stringify({ url: page.url(), views, findings }, null, 2));
  const blocking = findings.filter((f) => f.impact === 'serious' || f.impact === 'critical');
  if (process.env.A11Y_REPORT !== '1') {
    expect(blocking, `axe (WCAG 2.1 AA) on ${name}:\n${blocking.map((f) => `${f.rule} ${f.targets.join(' ')}: ${f.help}`).join('\n')}`).toEqual([]);
  }
  return findings;
}
