/**
 * Opening a block: GoogLeNet's Inception shows its four branches meeting at the concat,
 * ResNet-18's downsampling Residual its 1×1 shortcut beside the two convolutions, every
 * link labelled with its shape; the breadcrumb (or Escape) goes back to the model.
 * Screenshots are left in /tmp/open-block-*.png for a person to look at.
 */
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { EditorPage } from './pages/editor-page';

/** The shape labels on the links leaving `source` inside the opened block. */
function linksFrom(page: Page, source: string): Locator {
  return page.getByTestId('block-canvas').locator(`[data-testid^="edge-shape-${source}->"]`);
}

function linksInto(page: Page, target: string): Locator {
  return page
    .getByTestId('block-canvas')
    .locator(`[data-testid^="edge-shape-"][data-testid*="->${target}#"]`);
}

async function openBlock(editor: EditorPage, id: string): Promise<Locator> {
  await editor.node(id).getByTestId('open-block').click();
  const inside = editor.page.getByTestId('block-canvas');
  await expect(inside).toBeVisible();
  // Laid out and fitted: the nodes are visible once elk has placed them.
  await expect(inside.getByTestId('inner-node-block_input')).toBeVisible();
  await editor.page.waitForTimeout(400);
  return inside;
}

test('an Inception opens as its four branches, and the breadcrumb goes back', async ({ page }) => {
  const editor = new EditorPage(page);
  await editor.loadPreset('googlenet');
  const inside = await openBlock(editor, 'inception1');

  await expect(page.getByTestId('block-breadcrumb')).toContainText('GoogLeNet');
  await expect(page.getByTestId('block-breadcrumb')).toContainText('inception1 (Inception)');
  // Four branches leave the block input and meet at the concat, each link with its shape.
  await expect(linksFrom(page, 'block_input')).toHaveCount(4);
  await expect(linksFrom(page, 'block_input').first()).toHaveText('12×12×192');
  await expect(linksInto(page, 'concat')).toHaveText(['12×12×64', '12×12×128', '12×12×32', '12×12×32']);
  // Inner layers show their params, shape, parameter count and multiply-adds.
  const conv = inside.getByTestId('inner-node-p2_conv');
  await expect(conv.getByTestId('inner-params')).toContainText('3×3');
  await expect(conv.getByTestId('inner-shape')).toHaveText('12×12×128');
  await expect(conv.getByTestId('inner-param-count')).toContainText('params');
  await expect(conv.getByTestId('inner-macs')).toContainText('MACs');
  await expect(inside.getByTestId('inner-node-concat').getByTestId('inner-shape')).toHaveText('12×12×256');
  await page.screenshot({ path: '/tmp/open-block-inception.png' });

  await page.getByTestId('block-breadcrumb').getByRole('button', { name: 'GoogLeNet' }).click();
  await expect(page.getByTestId('block-canvas')).toHaveCount(0);
  await expect(editor.node('inception1')).toBeVisible();
});

test("a downsampling Residual opens with its shortcut, follows the block's params, and Escape goes back", async ({
  page,
}) => {
  const editor = new EditorPage(page);
  await editor.loadPreset('resnet18');
  // Room for the whole block at a readable size: hide the dock, as a person looking inside would.
  await page.getByRole('button', { name: 'Hide the dock' }).click();
  // The long network opens at its start; fit it all so the third block is on screen.
  await editor.canvas.click({ position: { x: 10, y: 10 } });
  await page.keyboard.press('f');
  await editor.waitForSteadyView();
  await editor.select('residual3');
  const inside = await openBlock(editor, 'residual3');
  await expect(page.getByTestId('block-breadcrumb')).toContainText('ResNet-18');
  await expect(page.getByTestId('block-breadcrumb')).toContainText('residual3 (Residual)');

  // The input goes both through the convolutions and along the 1×1 shortcut; both reach the add.
  await expect(linksFrom(page, 'block_input')).toHaveCount(2);
  await expect(linksFrom(page, 'shortcut')).toHaveText(['12×12×128']);
  await expect(linksInto(page, 'add')).toHaveText(['12×12×128', '12×12×128']);
  await expect(inside.getByTestId('inner-node-shortcut').getByTestId('inner-params')).toContainText('1×1');
  await page.screenshot({ path: '/tmp/open-block-residual.png' });

  // Turning the 1×1 shortcut off in the inspector: the inside follows and names the failing add.
  await page.getByTestId('param-use1x1').click();
  await expect(inside.getByTestId('inner-node-shortcut')).toHaveCount(0);
  await expect(inside.getByTestId('inner-node-add')).toHaveAttribute('data-invalid', 'true');
  await expect(inside.getByTestId('inner-node-add').getByTestId('inner-error')).toBeVisible();
  await page.screenshot({ path: '/tmp/open-block-residual-broken.png' });

  // (Escape while a field has focus belongs to the field, as with every shortcut.)
  await inside.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('block-canvas')).toHaveCount(0);
  await expect(editor.node('residual3')).toHaveAttribute('data-invalid', 'true');
});

test('double-clicking a block opens it; deleting it while open goes back to the model', async ({ page }) => {
  const editor = new EditorPage(page);
  await editor.loadPreset('resnet18');
  await editor.node('residual1').locator('.layer-title').dblclick();
  await expect(page.getByTestId('block-canvas')).toBeVisible();
  await expect(linksInto(page, 'add')).toHaveCount(2);
  await page.getByTestId('undo').click(); // undoes loading the preset: residual1 is gone
  await expect(page.getByTestId('block-canvas')).toHaveCount(0);
});
