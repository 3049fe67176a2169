/**
 * Freezing for transfer learning: the inspector's Freeze box and the Freeze command (a
 * shortcut) freeze layers, the node shows a snowflake badge, the summary's trainable and
 * non-trainable counts follow, and undo takes it back in one step. Axe checks the inspector
 * and the frozen node; screenshots in /tmp/freeze-*.png and /tmp/a11y-freeze-*.png are for a person to look at. A block
 * unfolds into its layers from the inspector, and undo folds it back.
 */
import { expectAccessible } from './axe';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { EditorPage } from './pages/editor-page';

const nonTrainable = async (page: Page) =>
  Number((await page.getByTestId('summary-non-trainable').textContent())?.replace(/,/g, ''));

test('freezing layers from the inspector and by command, with the counts following', async ({ page }) => {
  const editor = new EditorPage(page);
  await editor.loadPreset('resnet18');
  const trainable = await editor.trainable();
  const fixed = await nonTrainable(page);

  // The stem conv: 7·7·1·64 + 64 = 3,200 weights stop training.
  await editor.select('conv1');
  await page.getByTestId('node-freeze').check();
  await expect(editor.node('conv1').getByTestId('frozen-badge')).toBeVisible();
  await expect(editor.node('conv1')).toHaveAttribute('data-frozen', 'true');
  await expect.poll(() => editor.trainable()).toBe(trainable - 3_200);
  await expect.poll(() => nonTrainable(page)).toBe(fixed + 3_200);
  await expectAccessible(page, 'freeze-inspector', '[data-testid="inspector"]');
  await expectAccessible(page, 'freeze-node', '[data-testid="node-conv1"]');

  // The Freeze command on a block, then undo: one step back.
  await editor.select('residual1');
  await editor.focusCanvas();
  await editor.node('residual1').locator('.layer-title').click();
  await editor.press('Control+Shift+F');
  await expect(editor.node('residual1').getByTestId('frozen-badge')).toBeVisible();
  await expect.poll(() => editor.trainable()).toBeLessThan(trainable - 3_200);
  await page.screenshot({ path: '/tmp/freeze-canvas.png' });
  await editor.press('Control+z');
  await expect(editor.node('residual1').getByTestId('frozen-badge')).toHaveCount(0);
  await expect(editor.node('conv1').getByTestId('frozen-badge')).toBeVisible();
  await expect.poll(() => editor.trainable()).toBe(trainable - 3_200);

  // A block unfolds into its layers from the inspector (one undo step), counts unchanged.
  await editor.select('residual2');
  await expectAccessible(page, 'freeze-inspector-block', '[data-testid="inspector"]');
  await page.getByTestId('unfold-block').click();
  await expect(editor.node('residual2_conv1')).toBeVisible();
  await expect.poll(() => editor.trainable()).toBe(trainable - 3_200);
  await editor.press('Control+z');
  await expect(editor.node('residual2_conv1')).toHaveCount(0);

  // Unchecking the box unfreezes.
  await editor.select('conv1');
  await page.getByTestId('node-freeze').uncheck();
  await expect(editor.node('conv1').getByTestId('frozen-badge')).toHaveCount(0);
  await expect.poll(() => editor.trainable()).toBe(trainable);
});
