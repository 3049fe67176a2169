/**
 * Training health on the graph, as a person uses it: train a tiny LeNet run, choose a metric
 * to paint the layers by, see the nodes coloured with a legend, read a layer's figures and
 * history in the inspector. axe checks the overlay's control and legend and the inspector's
 * health section; screenshots go to /tmp/training-health-*.png and /tmp/a11y-training-health-*.png to be looked at.
 */
import { expectAccessible } from './axe';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { EditorPage } from './pages/editor-page';

const TRAIN_TIMEOUT = 120_000;

async function setField(page: Page, testId: string, value: string | number): Promise<void> {
  const field = page.getByTestId(testId);
  await field.fill(String(value));
  await field.press('Enter');
}

/** Fails listing every serious or critical axe violation inside `scope`. */
test('a trained run paints its layers by the chosen health metric, with a legend and the figures in the inspector', async ({
  page,
}) => {
  test.setTimeout(TRAIN_TIMEOUT * 2);
  const editor = new EditorPage(page);
  await editor.loadPreset('lenet');
  await page.getByTestId('dock-tab-training').click();
  await expect(page.getByTestId('training-panel')).toBeVisible();
  await page.getByTestId('train-optimizer').selectOption('adam');
  await setField(page, 'train-epochs', 1);
  await setField(page, 'train-batch-size', 32);
  await setField(page, 'train-limit', 640);
  await setField(page, 'train-lr', 0.005);
  // Before any run, nothing offers to paint.
  await expect(page.getByTestId('overlay-metric')).toHaveCount(0);
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveText('done', { timeout: TRAIN_TIMEOUT });

  const metric = page.getByTestId('overlay-metric');
  await expect(metric).toBeVisible();
  await expect(page.getByTestId('node-conv1')).not.toHaveAttribute('data-health', /.+/);
  await metric.selectOption('timeMs');
  await expect(page.getByTestId('health-legend')).toBeVisible();
  await expect(page.getByTestId('health-legend-max')).toContainText('ms');
  // Every layer that computes something is painted, and shows its figure (all in view).
  await page.getByTestId('fit-view').click();
  for (const id of ['conv1', 'avgpool1', 'conv2', 'dense1', 'dense3']) {
    await expect(page.getByTestId(`node-${id}`)).toHaveAttribute('data-health', /^#[0-9a-f]{6}$/);
    await expect(page.getByTestId(`node-${id}`).getByTestId('node-health')).toContainText('ms');
  }
  await metric.selectOption('zeroShare');
  await expect(page.getByTestId('node-conv1').getByTestId('node-health')).toContainText('%');
  await expect(page.getByTestId('health-legend-min')).toHaveText('0%');
  await expect(page.getByTestId('health-legend-max')).toHaveText('100%');
  await expectAccessible(page, 'training-health-overlay', '[data-testid="health-overlay"]');

  await editor.select('conv1');
  const section = page.getByTestId('inspector-health');
  await expect(section).toBeVisible();
  await expect(section.getByTestId('health-timeMs')).toContainText('ms');
  await expect(section.getByTestId('health-gradNorm')).toHaveText(/\d/);
  await expect(section.getByTestId('health-updateRatio')).toHaveText(/\d/);
  await expect(section.getByTestId('health-zeroShare')).toHaveText(/^\d+%$/);
  // The layer's history: one point per sampled batch (at least the second and the last).
  await expect
    .poll(async () => Number(await section.getByTestId('health-history').getAttribute('data-points')))
    .toBeGreaterThanOrEqual(2);
  await expectAccessible(page, 'training-health-inspector', '[data-testid="inspector-health"]');

  // Nothing: the nodes are plain again and the legend goes.
  await metric.selectOption('none');
  await expect(page.getByTestId('health-legend')).toHaveCount(0);
  await expect(page.getByTestId('node-conv1')).not.toHaveAttribute('data-health', /.+/);
});

test('a block opened after a tfjs run shows its inner layers painted', async ({ page }) => {
  test.setTimeout(TRAIN_TIMEOUT * 3);
  const editor = new EditorPage(page);
  await editor.loadPreset('resnet18');
  await page.getByTestId('dock-tab-training').click();
  await page.getByTestId('train-engine').selectOption('tfjs');
  await setField(page, 'train-epochs', 1);
  await setField(page, 'train-batch-size', 16);
  await setField(page, 'train-limit', 32);
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveText('done', { timeout: TRAIN_TIMEOUT * 2 });
  await page.getByTestId('overlay-metric').selectOption('gradNorm');
  await page.getByTestId('fit-view').click();
  await expect(page.getByTestId('node-residual1')).toHaveAttribute('data-health', /^#[0-9a-f]{6}$/);

  await editor.node('residual1').getByTestId('open-block').click();
  const inside = page.getByTestId('block-canvas');
  await expect(inside).toBeVisible();
  // Inner layers with weights carry their own gradient norm; the ReLUs have none.
  for (const id of ['conv1', 'bn1', 'conv2', 'bn2'])
    await expect(inside.getByTestId(`inner-node-${id}`)).toHaveAttribute('data-health', /^#[0-9a-f]{6}$/);
  await expect(inside.getByTestId('inner-node-relu1')).not.toHaveAttribute('data-health', /.+/);
  // The opened block has the same control (the model's canvas is behind it).
  await inside.getByTestId('overlay-metric').selectOption('zeroShare');
  await expect(inside.getByTestId('inner-node-relu1').getByTestId('inner-health')).toHaveText(/^\d+%$/);
  await expect(inside.getByTestId('health-legend')).toBeVisible();
  await page.screenshot({ path: '/tmp/training-health-block.png' });
});
