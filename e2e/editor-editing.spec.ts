/**
 * Editing: undo/redo a sequence, copy/paste a block, tidy layout, expand and collapse a
 * residual block, and pasting garbage doing nothing harmful.
 */
import { expect, test } from './fixtures';
import { EditorPage } from './pages/editor-page';

test('undo and redo a sequence of edits', async ({ page }) => {
  const editor = new EditorPage(page);
  const input = await editor.addFromPalette('input', 120, 150);
  const dense = await editor.addFromPalette('flatten', 400, 150);
  await editor.connect(input, dense);
  await editor.select(input);
  await editor.setParam('height', 32);
  await editor.setParam('width', 32);
  await expect(editor.nodeShape(dense)).toHaveText('1024');

  await page.getByTestId('undo').click(); // width
  await expect(editor.nodeShape(dense)).toHaveText('896');
  await page.getByTestId('undo').click(); // height
  await expect(editor.nodeShape(dense)).toHaveText('784');
  await page.getByTestId('undo').click(); // the link
  await expect(editor.nodeShape(dense)).toHaveText('?');
  await page.getByTestId('undo').click(); // the flatten node
  await expect(editor.node(dense)).toHaveCount(0);
  await page.getByTestId('redo').click();
  await page.getByTestId('redo').click();
  await expect(editor.nodeShape(dense)).toHaveText('784');
  await editor.focusCanvas();
  await editor.press('Control+Shift+z');
  await editor.press('Control+y');
  await expect(editor.nodeShape(dense)).toHaveText('1024');
  await expect(page.getByTestId('redo')).toBeDisabled();
  await editor.press('Control+z');
  await expect(editor.nodeShape(dense)).toHaveText('896');
});

test('copy and paste a block keeps its params under a new id; garbage pastes nothing', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const editor = new EditorPage(page);
  await editor.loadPreset('resnet18');
  const before = (await editor.nodeIds()).length;
  await editor.select('residual1');
  await editor.press('Control+c');
  await editor.press('Control+v');
  await expect.poll(async () => (await editor.nodeIds()).length).toBe(before + 1);
  const pasted = (await editor.nodeIds()).find((id) => id.startsWith('residual_'))!;
  await expect(editor.node(pasted).getByTestId('node-params')).toHaveText(
    await editor.node('residual1').getByTestId('node-params').innerText(),
  );
  // Whatever else is on the system clipboard is ignored.
  await page.evaluate(() => navigator.clipboard.writeText('{"nodes": "rm -rf /"} not a graph'));
  await editor.select('conv1');
  await editor.press('Control+v');
  await expect.poll(async () => (await editor.nodeIds()).length).toBe(before + 2); // the internal copy again, not garbage
  await page.getByTestId('undo').click();
  await page.getByTestId('undo').click();
  await expect.poll(async () => (await editor.nodeIds()).length).toBe(before);
  await expect(page.getByTestId('summary-valid')).toBeVisible();
});

test('tidy layout moves nodes into layers and is undoable', async ({ page }) => {
  const editor = new EditorPage(page);
  const a = await editor.addFromPalette('input', 500, 380);
  const b = await editor.addFromPalette('flatten', 120, 80);
  await editor.connect(a, b);
  const box = async (id: string) => (await editor.node(id).boundingBox())!;
  expect((await box(b)).x).toBeLessThan((await box(a)).x);
  await page.getByTestId('layout-tidy').click();
  // Left to right: the input now comes before what it feeds.
  await expect.poll(async () => (await box(b)).x > (await box(a)).x + 50, { timeout: 15_000 }).toBe(true);
  await page.getByTestId('fit-view').click();
  await page.getByTestId('undo').click();
  await expect.poll(async () => (await box(b)).x < (await box(a)).x).toBe(true);
});

test('expand and collapse a residual block', async ({ page }) => {
  const editor = new EditorPage(page);
  await editor.loadPreset('resnet18');
  const block = editor.node('residual1');
  await expect(block.getByTestId('node-inner')).toHaveCount(0);
  await block.getByTestId('node-expand').click();
  const inner = block.getByTestId('node-inner');
  await expect(inner).toBeVisible();
  expect(await inner.locator('li').count()).toBeGreaterThanOrEqual(6);
  await expect(inner).toContainText('24×24×64');
  await expect(block).toHaveAttribute('data-expanded', 'true');
  await block.getByTestId('node-expand').click();
  await expect(block.getByTestId('node-inner')).toHaveCount(0);
  await page.getByTestId('undo').click();
  await expect(block.getByTestId('node-inner')).toBeVisible();
});

test('group a selection (Ctrl+G), collapse it into one box and open it again', async ({ page }) => {
  const editor = new EditorPage(page);
  await editor.loadPreset('lenet');
  await editor.select('conv2');
  await editor
    .node('avgpool2')
    .locator('.layer-title')
    .click({ modifiers: ['Control'] });
  await editor.press('Control+g');
  const frame = page.locator('[data-testid="group-group_1"]');
  await expect(frame).toBeVisible();
  await frame.getByTestId('group-toggle').click();
  await expect(editor.node('conv2')).toHaveCount(0);
  await expect(frame).toHaveAttribute('data-collapsed', 'true');
  await expect(frame.getByTestId('node-shape')).toHaveText('5×5×16');
  await expect(page.getByTestId('summary-params-total')).toHaveText('61706'); // groups are only visual
  await page.getByTestId('undo').click();
  await expect(editor.node('conv2')).toBeVisible();
  await frame.getByTestId('group-ungroup').click();
  await expect(frame).toHaveCount(0);
});

test('search to add: double-click the canvas or press /, type, Enter', async ({ page }) => {
  const editor = new EditorPage(page);
  await editor.canvas.locator('.react-flow__pane').dblclick({ position: { x: 300, y: 200 } });
  await expect(page.getByTestId('add-menu')).toBeVisible();
  await page.getByTestId('add-menu-search').fill('input');
  await page.keyboard.press('Enter');
  await expect.poll(() => editor.nodeIds()).toEqual(['input_1']);
  await page.mouse.move(700, 300);
  await editor.press('/');
  await page.getByTestId('add-menu-search').fill('max pool');
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await editor.nodeIds()).sort()).toEqual(['input_1', 'maxPool2d_1']);
  await editor.press('?');
  await expect(page.getByTestId('help-overlay')).toContainText('Ctrl+G');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('help-overlay')).toHaveCount(0);
});

test('drag a link end onto another layer to rewire it; drop it on empty canvas to remove it', async ({
  page,
}) => {
  const editor = new EditorPage(page);
  const input = await editor.addFromPalette('input', 100, 150);
  const flatten = await editor.addFromPalette('flatten', 420, 80);
  const conv = await editor.addFromPalette('conv2d', 420, 300);
  await editor.connect(input, flatten);
  await expect(editor.nodeShape(flatten)).toHaveText('784');
  const edge = page.locator('[data-testid^="rf__edge-"]').first();
  const end = (await edge.locator('.react-flow__edgeupdater-target').boundingBox())!;
  const target = (await editor.node(conv).getByTestId('handle-in-in').boundingBox())!;
  await page.mouse.move(end.x + end.width / 2, end.y + end.height / 2);
  await page.mouse.down();
  await page.mouse.move(target.x + target.width / 2, target.y + target.height / 2, { steps: 10 });
  await page.mouse.up();
  await expect(editor.nodeShape(conv)).toHaveText('28×28×16');
  await expect(editor.nodeShape(flatten)).toHaveText('?');

  const moved = (await edge.locator('.react-flow__edgeupdater-target').boundingBox())!;
  await page.mouse.move(moved.x + moved.width / 2, moved.y + moved.height / 2);
  await page.mouse.down();
  await page.mouse.move(moved.x + 150, moved.y + 200, { steps: 10 });
  await page.mouse.up();
  await expect(page.locator('[data-testid^="rf__edge-"]')).toHaveCount(0);
  await expect(editor.nodeShape(conv)).toHaveText('?');
});
