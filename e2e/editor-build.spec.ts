/**
 * Building LeNet from an empty canvas, the way a person does: drag each layer from the
 * palette, wire the handles, type the params, and watch the shapes and the parameter
 * count arrive at the book's 61,706.
 */
import { expect, test } from './fixtures';
import { EditorPage } from './pages/editor-page';

test('build LeNet by dragging and wiring, reaching 61,706 parameters', async ({ page }) => {
  const editor = new EditorPage(page);
  await expect(page.getByText('Start a model')).toBeVisible();

  const layout: Array<[string, number, number]> = [
    ['input', 110, 70],
    ['conv2d', 390, 70],
    ['avgPool2d', 670, 70],
    ['conv2d', 110, 240],
    ['avgPool2d', 390, 240],
    ['flatten', 670, 240],
    ['dense', 110, 410],
    ['dense', 390, 410],
    ['dense', 670, 410],
  ];
  const ids: string[] = [];
  for (const [type, x, y] of layout) ids.push(await editor.addFromPalette(type, x, y));
  const [input, conv1, pool1, conv2, pool2, flatten, dense1, dense2, dense3] = ids;

  // The Input's default is 28×28×1 (Fashion-MNIST); its shape shows at once.
  await expect(editor.nodeShape(input)).toHaveText('28×28×1');

  await editor.connect(input, conv1);
  await expect(editor.nodeShape(conv1)).toHaveText('28×28×16'); // defaults: 3×3, 16 filters, padding 1
  await editor.select(conv1);
  await editor.setParam('filters', 6);
  await editor.setParam('kernelSize', 5);
  await editor.setPaddingPixels(2);
  await editor.choose('activation', 'sigmoid');
  await expect(editor.nodeShape(conv1)).toHaveText('28×28×6');
  await expect(editor.node(conv1).getByTestId('node-params')).toContainText('5×5 · 6 · p2');

  await editor.connect(conv1, pool1);
  await editor.select(pool1);
  await editor.setParam('poolSize', 2);
  await expect(editor.nodeShape(pool1)).toHaveText('14×14×6');

  await editor.connect(pool1, conv2);
  await editor.select(conv2);
  await editor.setParam('filters', 16);
  await editor.setParam('kernelSize', 5);
  await editor.setPaddingPixels(0);
  await editor.choose('activation', 'sigmoid');
  await expect(editor.nodeShape(conv2)).toHaveText('10×10×16');

  await editor.connect(conv2, pool2);
  await expect(editor.nodeShape(pool2)).toHaveText('5×5×16');
  await editor.connect(pool2, flatten);
  await expect(editor.nodeShape(flatten)).toHaveText('400');

  for (const [id, units, activation] of [
    [dense1, 120, 'sigmoid'],
    [dense2, 84, 'sigmoid'],
    [dense3, 10, 'none'],
  ] as const) {
    await editor.connect(id === dense1 ? flatten : id === dense2 ? dense1 : dense2, id);
    await editor.select(id);
    await editor.setParam('units', units);
    await editor.choose('activation', activation);
    await expect(editor.nodeShape(id)).toHaveText(String(units));
  }

  // Every link carries its shape.
  await expect(page.locator('[data-testid^="edge-shape-"]', { hasText: '5×5×16' })).toHaveCount(1);
  await expect(page.getByTestId('summary-params-total')).toHaveText('61706');
  await expect(page.getByTestId('summary-output-shape')).toHaveText('10');
  await expect(page.getByTestId('summary-valid')).toBeVisible();
  await expect(page.locator('[data-invalid="true"]')).toHaveCount(0);
});

test('a dragged link dropped on empty canvas offers only layers that fit, and connects them', async ({
  page,
}) => {
  const editor = new EditorPage(page);
  const input = await editor.addFromPalette('input', 120, 150);
  const flatten = await editor.addFromPalette('flatten', 400, 150);
  await editor.connect(input, flatten);
  const handle = editor.node(flatten).getByTestId('handle-out-out');
  const box = (await handle.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + 200, box.y + 120, { steps: 8 });
  await page.mouse.up();
  const menu = page.getByTestId('add-menu');
  await expect(menu).toBeVisible();
  await expect(menu.getByTestId('add-menu-item-dense')).toBeVisible();
  await expect(menu.getByTestId('add-menu-item-conv2d')).toHaveCount(0); // a vector can't feed a convolution
  await menu.getByTestId('add-menu-item-dense').click();
  await expect(page.locator('[data-testid^="edge-shape-"]', { hasText: '784' })).toHaveCount(1);
  await expect(page.getByTestId('summary-output-shape')).toHaveText('10'); // Dense's default units
});
