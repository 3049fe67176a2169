/**
 * Fix-its: each of the editor's own error cases offers its repairs on the node
 * (`node-fix`), one click makes the graph valid, and one undo brings the error back.
 */
import { expect, test } from './fixtures';
import { EditorPage } from './pages/editor-page';

test('Dense after an image: insert Flatten or Global average pooling, one undo step', async ({ page }) => {
  const editor = new EditorPage(page);
  await editor.loadPreset('lenet');
  // Bypassing Flatten feeds the 5×5×16 image straight into the first Dense layer.
  await editor.select('flatten1');
  await editor.press('Control+b');
  const dense = editor.node('dense1');
  await expect(dense).toHaveAttribute('data-invalid', 'true');
  const fixes = dense.getByTestId('node-fix');
  await expect(fixes).toHaveText(['Insert Flatten', 'Insert Global average pooling']);

  await fixes.filter({ hasText: 'Global average pooling' }).click();
  await expect(dense).not.toHaveAttribute('data-invalid', 'true');
  await expect(page.getByTestId('summary-valid')).toBeVisible();
  await expect(editor.nodeShape('dense1')).toHaveText('120');

  await editor.press('Control+z');
  await expect(dense).toHaveAttribute('data-invalid', 'true');
  await dense.getByTestId('node-fix').filter({ hasText: 'Insert Flatten' }).click();
  await expect(page.getByTestId('summary-valid')).toBeVisible();
});

test('Add of mismatched shapes: a 1×1 convolution on the shortcut', async ({ page }) => {
  const editor = new EditorPage(page);
  const input = await editor.addFromPalette('input', 120, 200);
  const conv = await editor.addFromPalette('conv2d', 400, 90);
  const add = await editor.addFromPalette('add', 680, 200);
  await editor.connect(input, conv);
  // Links are refused between mismatched shapes, so wire a matching pair first, then break it.
  await editor.select(conv);
  await editor.setParam('filters', 1);
  await editor.connect(conv, add);
  await editor.connect(input, add);
  await expect(editor.nodeShape(add)).toHaveText('28×28×1');
  await editor.select(conv);
  await editor.setParam('strides', 2);
  await editor.setParam('filters', 16);
  await expect(editor.node(add)).toHaveAttribute('data-invalid', 'true');

  await editor.node(add).getByTestId('node-fix').click();
  await expect(editor.node(add)).not.toHaveAttribute('data-invalid', 'true');
  await expect(editor.nodeShape(add)).toHaveText('14×14×16');
});

test('a kernel larger than its input: padding "same", from the inspector too', async ({ page }) => {
  const editor = new EditorPage(page);
  await editor.loadPreset('lenet');
  await editor.select('conv2');
  await editor.setParam('kernelSize', 30);
  await expect(editor.node('conv2')).toHaveAttribute('data-invalid', 'true');
  await expect(editor.node('conv2').getByTestId('node-fix')).toHaveText([
    'Use padding "same"',
    'Use a 13×13 kernel',
  ]);
  // The inspector offers the same fixes beside the issue.
  await page.getByTestId('inspector').getByTestId('node-fix').filter({ hasText: 'padding' }).click();
  await expect(editor.node('conv2')).not.toHaveAttribute('data-invalid', 'true');
  await expect(page.getByTestId('summary-valid')).toBeVisible();
});

test('a kernel larger than its input: the largest smaller kernel that fits, one undo step', async ({
  page,
}) => {
  const editor = new EditorPage(page);
  await editor.loadPreset('lenet');
  await editor.select('conv2');
  await editor.setParam('kernelSize', 30);
  await expect(editor.node('conv2')).toHaveAttribute('data-invalid', 'true');
  // 14×14 would leave the 2×2 pooling after it a 1×1 image: 13×13 is the largest that fits.
  await editor.node('conv2').getByTestId('node-fix').filter({ hasText: 'Use a 13×13 kernel' }).click();
  await expect(page.getByTestId('summary-valid')).toBeVisible();
  await expect(editor.nodeShape('conv2')).toHaveText('2×2×16');
  await expect(page.getByTestId('param-kernelSize')).toHaveValue('13');

  await editor.focusCanvas();
  await editor.press('Control+z');
  await expect(editor.node('conv2')).toHaveAttribute('data-invalid', 'true');
});

test("a preset's input made too small: insert a Resize to the preset's size", async ({ page }) => {
  const editor = new EditorPage(page);
  await editor.loadPreset('alexnet');
  const trainable = await editor.trainable();
  await editor.select('input');
  await editor.setParam('height', 28);
  await editor.setParam('width', 28);
  await page.getByTestId('fit-view').click();
  await editor.waitForSteadyView();
  const invalid = page.locator('[data-invalid="true"]');
  await expect(invalid).toHaveCount(1);
  const resize = invalid
    .getByTestId('node-fix')
    .filter({ hasText: 'Insert Resize to 224×224 after the input' });
  await resize.click();
  await expect(page.getByTestId('summary-valid')).toBeVisible();
  expect(await editor.trainable()).toBe(trainable);
  await page.screenshot({ path: '/tmp/fixits-resize.png' });

  await editor.focusCanvas();
  await editor.press('Control+z');
  await expect(page.locator('[data-invalid="true"]')).toHaveCount(1);
});
