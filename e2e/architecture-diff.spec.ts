/**
 * Architecture diff beside the compared curves: two runs of LeNet that differ in two
 * params, then a run against the graph being edited — the panel lists what was added,
 * removed and changed (which params), and the canvas marks it with a legend.
 * Screenshots are left in /tmp/arch-diff-*.png for a person to look at.
 */
import type { GraphDocument } from '../engine/graph/document';
import { expect, test } from './fixtures';
import { EditorPage } from './pages/editor-page';

function withParam(doc: GraphDocument, nodeId: string, name: string, value: number): GraphDocument {
  return {
    ...doc,
    nodes: doc.nodes.map((n) => (n.id === nodeId ? { ...n, params: { ...n.params, [name]: value } } : n)),
  };
}

test('two runs and a run against the edited graph: listed beside the curves and marked on the canvas', async ({
  page,
  engine,
}) => {
  test.setTimeout(180_000);
  // Two tiny finished runs, arranged through the engine API (training is training.spec's job).
  const lenet = await engine.getPreset('lenet');
  const variant = withParam(withParam(lenet, 'conv1', 'filters', 8), 'dense1', 'units', 100);
  const ids: string[] = [];
  for (const graph of [lenet, variant]) {
    const { runId } = await engine.startRun({
      graph,
      training: { ...graph.training, epochs: 1, batchSize: 64 },
      limit: 300,
    });
    await expect.poll(async () => (await engine.getRun(runId)).status, { timeout: 90_000 }).toBe('done');
    ids.push(runId);
  }
  const [first, second] = ids;
  await page.reload(); // the runs list is read when the engine connects
  const editor = new EditorPage(page);
  await editor.loadPreset('lenet');
  await page.getByTestId('dock-tab-training').click();
  await page.getByTestId(`run-compare-${first}`).check();
  await page.getByTestId(`run-compare-${second}`).check();
  await page.getByTestId('train-view-compare').click();
  await expect(page.getByTestId('chart-compare-accuracy')).toBeVisible();

  // Run → run: the two params that differ, with both values.
  const panel = page.getByTestId('arch-diff');
  await expect(panel.getByTestId('diff-from')).toHaveValue(first);
  await expect(panel.getByTestId('diff-to')).toHaveValue(second);
  await expect(panel.getByTestId('diff-summary')).toHaveText('0 new · 0 removed · 2 changed');
  await expect(panel.getByTestId('diff-item-conv1')).toContainText('filters 6 → 8');
  await expect(panel.getByTestId('diff-item-dense1')).toContainText('units 120 → 100');

  // Run → the graph being edited (LeNet as loaded): the same architecture, until it is edited.
  await panel.getByTestId('diff-to').selectOption('current');
  await expect(panel.getByTestId('diff-summary')).toHaveText('Same architecture.');
  await editor.canvas.click({ position: { x: 10, y: 10 } });
  await page.keyboard.press('f'); // the whole of LeNet on screen
  await editor.waitForSteadyView();
  await editor.select('conv2');
  await editor.setParam('filters', 32);
  await page.getByTestId('param-filters').press('Enter');
  await editor.select('dense2');
  await page.keyboard.press('Delete');
  await expect(editor.node('dense2')).toHaveCount(0);
  const added = await editor.addFromPalette('dropout', 760, 120);
  await expect(panel.getByTestId('diff-summary')).toHaveText('1 new · 1 removed · 2 changed');
  await expect(panel.getByTestId('diff-item-conv2')).toContainText('filters 16 → 32');
  await expect(panel.getByTestId('diff-item-dense3')).toContainText('inputs');

  // Marked on the canvas, with a legend.
  await panel.getByTestId('diff-mark').check();
  await expect(page.getByTestId('diff-legend')).toBeVisible();
  await expect(editor.node('conv2')).toHaveAttribute('data-diff', 'changed');
  await expect(editor.node('conv2').getByTestId('node-diff')).toContainText('filters 16 → 32');
  await expect(editor.node(added)).toHaveAttribute('data-diff', 'added');
  await expect(page.getByTestId('node-removed-dense2')).toBeVisible();
  await expect(editor.node('conv1')).not.toHaveAttribute('data-diff');
  await page.screenshot({ path: '/tmp/arch-diff-panel.png' });
  // The marks stay while the dock is hidden, for a roomier look at the graph.
  await page.getByRole('button', { name: 'Hide the dock' }).click();
  await page.keyboard.press('f');
  await editor.waitForSteadyView();
  await page.screenshot({ path: '/tmp/arch-diff-canvas.png' });
  await page.getByRole('button', { name: 'Show the dock' }).click();

  // Run → run, marked on the canvas: opening the second run's graph (undoable) carries the marks.
  await panel.getByTestId('diff-to').selectOption(second);
  await panel.getByTestId('diff-open-target').click();
  await expect(page.getByTestId('toast-info').last()).toContainText('Opened the graph of run');
  // The toolbar's Fit, not the F key: focus is still in the panel's select, where keys are typing.
  await page.getByTestId('fit-view').click();
  await editor.waitForSteadyView();
  await expect(editor.node('dense2')).toBeVisible();
  await expect(editor.node('conv1')).toHaveAttribute('data-diff', 'changed');
  await expect(editor.node('dense1')).toHaveAttribute('data-diff', 'changed');
  await expect(page.locator('[data-diff]')).toHaveCount(2);
  await expect(panel.getByTestId('diff-mark')).toBeChecked();
  await page.screenshot({ path: '/tmp/arch-diff-runs.png' });

  await page.getByTestId('diff-clear').click();
  await expect(page.getByTestId('diff-legend')).toHaveCount(0);
  await expect(page.locator('[data-diff]')).toHaveCount(0);
});
