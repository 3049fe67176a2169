/**
 * axe-core through Playwright, as e2e/accessibility.spec.ts runs it: serious or critical
 * violations (colour contrast included) fail the test, listed one per line; a screenshot of
 * what was checked goes to /tmp/a11y-<name>.png for a person to look at.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect } from './fixtures';

/** Runs axe on the page, or only inside the CSS selector `scope`. */
export async function expectAccessible(page: Page, name: string, scope?: string): Promise<void> {
  // Let opening animations and React Flow's first layout finish, so contrast is measured on the final paint.
  await page.waitForTimeout(300);
  await page.screenshot({ path: `/tmp/a11y-${name}.png` });
  let axe = new AxeBuilder({ page });
  if (scope) axe = axe.include(scope);
  const { violations } = await axe.analyze();
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = serious.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `  ${n.target.join(' ')} — ${n.failureSummary ?? ''}`).join('\n')}`,
  );
  expect(report, `${name}: accessibility violations`).toEqual([]);
}
