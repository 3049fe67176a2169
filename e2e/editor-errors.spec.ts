/**
 * Shape errors say what is wrong and where, and go away when fixed: Dense before Flatten,
 * an Add of mismatched tensors, a kernel larger than its input, letters in a number field.
 */
import { expect, test } from './fixtures';
import { EditorPage } from './pages/editor-page';

test('Dense before Flatten: the error is shown on the Dense node, and fixing it clears it', async ({
  page,
}) => {
  const editor = new EditorPage(page);
  await editor.loadPreset('lenet');
  // Bypassing Flatten feeds the 5×5×16 image straight into the first Dense layer.
  await editor.select('flatten1');
  await editor.press('Control+b');
  await expect(editor.node('flatten1')).toHaveAttribute('data-bypassed', 'true');
  const dense = editor.node('dense1');
  await expect(dense).toHaveAttribute('data-invalid', 'true');
  await expect(dense.getByTestId('node-error')).toContainText(/flatten/i);
  await expect(page.getByTestId('summary-issues')).toContainText(/flatten/i);
  await editor.press('Control+b');
  await expect(dense).not.toHaveAttribute('data-invalid', 'true');
  await expect(page.getByTestId('summary-valid')).toBeVisible();
});

test('Add of mismatched tensors: the message names the shapes; fixing the branch clears it', async ({
  page,
}) => {
  const editor = new EditorPage(page);
  const input = await editor.addFromPalette('input', 120, 200);
  const conv = await editor.addFromPalette('conv2d', 400, 90);
  const add = await editor.addFromPalette('add', 680, 200);
  await editor.connect(input, conv);
  await editor.select(conv);
  await editor.setParam('filters', 1); // 28×28×1, like the input
  await editor.connect(conv, add);
  await editor.connect(input, add);
  await expect(editor.nodeShape(add)).toHaveText('28×28×1');
  await expect(editor.node(add)).not.toHaveAttribute('data-invalid', 'true');

  await editor.select(conv);
  await editor.setParam('filters', 6);
  await expect(editor.node(add)).toHaveAttribute('data-invalid', 'true');
  await expect(editor.node(add).getByTestId('node-error')).toContainText('[28, 28, 6]');
  await expect(editor.nodeShape(add)).toHaveText('?');
  await editor.setParam('filters', 1);
  await expect(editor.node(add)).not.toHaveAttribute('data-invalid', 'true');
  await expect(editor.nodeShape(add)).toHaveText('28×28×1');
});

test('bad input in the inspector stays in the field with the reason and never reaches the model', async ({
  page,
}) => {
  const editor = new EditorPage(page);
  await editor.loadPreset('lenet');
  await editor.select('conv1');
  await editor.setParam('filters', '6x');
  await expect(page.getByTestId('param-filters-error')).toContainText('whole number');
  await expect(page.getByTestId('param-filters')).toHaveValue('6x');
  await editor.setParam('filters', '0');
  await expect(page.getByTestId('param-filters-error')).toContainText('≥ 1');
  await expect(page.getByTestId('summary-params-total')).toHaveText('61706');
  // A kernel larger than its input is a shape error on the node.
  await editor.select('conv2');
  await editor.setParam('kernelSize', 30);
  await expect(editor.node('conv2')).toHaveAttribute('data-invalid', 'true');
  await expect(editor.node('conv2').getByTestId('node-error')).toContainText('30');
  await editor.setParam('kernelSize', 5);
  await expect(editor.node('conv2')).not.toHaveAttribute('data-invalid', 'true');
});

test('a link that would make a cycle is refused with the reason', async ({ page }) => {
  const editor = new EditorPage(page);
  const input = await editor.addFromPalette('input', 100, 150);
  const a = await editor.addFromPalette('conv2d', 360, 150);
  const b = await editor.addFromPalette('add', 620, 150);
  await editor.connect(input, a);
  await editor.connect(a, b);
  await editor.connect(b, a);
  await expect(page.getByTestId('toast-error')).toContainText(/already connected|cycle/);
});
