/**
 * The evaluation loop, as a person uses it after a quick run: the learning curves on a log
 * scale and saved as CSV and PNG; a confusion-matrix cell clicked (or reached with the
 * arrow keys) shows its test images; Grad-CAM heatmaps over those images, the misclassified
 * ones and a drawn image; axe finds nothing serious in the panel.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { PNG } from 'pngjs';
import { expectAccessible } from './axe';
import { expect, test } from './fixtures';
import { EditorPage } from './pages/editor-page';

const root = fileURLToPath(new URL('..', import.meta.url));
const shots = `${root}test-results/evaluation`;
/** A quick run takes ~1 min alone; the machine these run on is often shared by other work. */
const TRAIN_TIMEOUT = 300_000;

async function setField(page: Page, testId: string, value: string | number): Promise<void> {
  const field = page.getByTestId(testId);
  await field.fill(String(value));
  await field.press('Enter');
}

/** BN-LeNet on Fashion-MNIST for one quick epoch: batch norm and Adam learn enough for a matrix worth reading. */
async function trainQuickRun(page: Page): Promise<void> {
  await new EditorPage(page).loadPreset('bn-lenet');
  await page.getByTestId('dock-tab-training').click();
  await expect(page.getByTestId('train-dataset')).toHaveValue('fashion-mnist');
  await page.getByTestId('train-optimizer').selectOption('adam');
  await setField(page, 'train-epochs', 1);
  await setField(page, 'train-batch-size', 32);
  await setField(page, 'train-limit', 1200);
  await setField(page, 'train-lr', 0.005);
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveText('done', { timeout: TRAIN_TIMEOUT });
}

/** The off-diagonal cell with the most images: [true, predicted, count]. */
async function busiestConfusion(page: Page): Promise<[number, number, number]> {
  const cells = page.locator('[data-testid^="confusion-cell-"]');
  let best: [number, number, number] = [0, 1, -1];
  for (const cell of await cells.all()) {
    const [t, p] = (await cell.getAttribute('data-testid'))!.split('-').slice(2).map(Number);
    const count = Number(await cell.textContent());
    if (t !== p && count > best[2]) best = [t, p, count];
  }
  return best;
}

test('curves on a log scale and saved; a confusion cell opens its images; Grad-CAM over the images', async ({
  page,
}) => {
  test.setTimeout(TRAIN_TIMEOUT * 2);
  mkdirSync(shots, { recursive: true });
  await trainQuickRun(page);

  // Learning curves: log-scale loss axis, then CSV and PNG through the browser's download.
  await expect(page.getByTestId('chart-loss')).toHaveAttribute('data-y-scale', 'linear');
  await page.getByTestId('curves-log-scale').check();
  await expect(page.getByTestId('chart-loss')).toHaveAttribute('data-y-scale', 'log');
  await expect
    .poll(async () => Number(await page.getByTestId('chart-loss').getAttribute('data-points')))
    .toBeGreaterThan(3);
  await page.screenshot({ path: `${shots}/curves-log.png` });

  const [csvDownload] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('curves-export-csv').click(),
  ]);
  expect(csvDownload.suggestedFilename()).toMatch(/^LeNet-with-batch-norm.*-curves\.csv$/);
  const csv = readFileSync((await csvDownload.path())!, 'utf8')
    .trim()
    .split('\n');
  expect(csv[0]).toBe(
    'epoch,batch_loss,batch_loss_smoothed,train_loss,test_loss,batch_accuracy,batch_accuracy_smoothed,train_accuracy,test_accuracy',
  );
  expect(csv.length).toBeGreaterThan(3);
  const lastRow = csv.at(-1)!.split(',');
  expect(lastRow[0]).toBe('1'); // the epoch's evaluation closes the table
  expect(Number(lastRow[4])).toBeGreaterThan(0); // its test loss

  const [pngDownload] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('curves-export-png').click(),
  ]);
  expect(pngDownload.suggestedFilename()).toMatch(/-curves\.png$/);
  await pngDownload.saveAs(`${shots}/exported-curves.png`);
  const picture = PNG.sync.read(readFileSync((await pngDownload.path())!));
  expect(picture.width).toBeGreaterThan(400);
  expect(picture.height).toBeGreaterThan(150);
  await expectAccessible(page, 'curves-toolbar', '.curves-toolbar');

  // Evaluation: click the busiest off-diagonal cell → its images, each truly that cell.
  await page.getByTestId('train-view-evaluate').click();
  await expect(page.getByTestId('confusion-matrix')).toBeVisible();
  const [t, p, count] = await busiestConfusion(page);
  expect(count).toBeGreaterThan(0);
  const cell = page.getByTestId(`confusion-cell-${t}-${p}`);
  await expect(cell).toHaveAttribute('aria-label', new RegExp(`^${count} images?: true .+, predicted .+$`));
  await cell.click();
  await expect(cell).toHaveAttribute('aria-pressed', 'true');
  const panel = page.getByTestId('cell-images');
  await expect(panel.getByTestId('cell-images-count')).toHaveText(new RegExp(`— ${count} images?`), {
    timeout: 30_000,
  });
  await expect(panel.getByTestId('cell-image')).toHaveCount(Math.min(count, 48));
  const trueName = (await page.getByTestId(`confusion-row-${t}`).locator('th').getAttribute('title'))!;
  await expect(panel.getByTestId('cell-image').first().locator('.truth')).toHaveText(trueName);
  await panel.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${shots}/cell-images.png` });

  // The keyboard: the matrix is one tab stop; arrows move, Enter opens the cell there.
  await cell.focus();
  const nextColumn = p + 1 < 10 ? p + 1 : p - 1;
  await page.keyboard.press(nextColumn > p ? 'ArrowRight' : 'ArrowLeft');
  const neighbour = page.getByTestId(`confusion-cell-${t}-${nextColumn}`);
  await expect(neighbour).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(neighbour).toHaveAttribute('aria-pressed', 'true');
  const neighbourCount = Number(await neighbour.textContent());
  await expect(panel.getByTestId('cell-images-count')).toHaveText(new RegExp(`— ${neighbourCount} images?`));
  await page.getByTestId(`confusion-cell-${t}-${p}`).click();
  await expect(panel.getByTestId('cell-image')).toHaveCount(Math.min(count, 48));

  // Grad-CAM: a heatmap over every cell image and misclassified image, and the legend names the layer.
  await page.getByTestId('gradcam-toggle').check();
  await expect(panel.getByTestId('gradcam-overlay')).toHaveCount(Math.min(count, 48), { timeout: 30_000 });
  const wrong = page.getByTestId('misclassified-grid');
  await expect(wrong.getByTestId('gradcam-overlay').first()).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('gradcam-layer')).toContainText(/Grad-CAM at \w+ \(\d+×\d+\)/);
  // The maps can explain the true class instead ("where is the pullover the model missed?").
  await page.getByTestId('gradcam-class').selectOption('true');
  await expect(page.getByTestId('gradcam-legend')).toContainText('evidence for the true class');
  await expect(panel.getByTestId('gradcam-overlay')).toHaveCount(Math.min(count, 48), { timeout: 30_000 });

  // Try an image: draw a stroke; the guess comes with its heatmap over the drawing.
  const canvas = page.getByTestId('predict-canvas');
  await canvas.scrollIntoViewIfNeeded();
  const box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.15);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.85, { steps: 8 });
  await page.mouse.up();
  await expect(page.getByTestId('predict-top')).not.toHaveText('', { timeout: 30_000 });
  await expect(page.getByTestId('predict-gradcam')).toBeVisible({ timeout: 30_000 });
  await page.getByTestId('evaluation').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${shots}/gradcam.png` });
  // The README's picture: refreshed on request only, so test runs leave tracked files alone.
  if (process.env.UPDATE_DOCS_SCREENSHOTS) await page.screenshot({ path: `${root}docs/evaluation.png` });
  await panel.screenshot({ path: `${shots}/gradcam-cell.png` });
  await expectAccessible(page, 'evaluation-gradcam', '[data-testid="evaluation"]');

  // Off again: the overlays go; closing the cell hands the focus back to the matrix.
  await page.getByTestId('gradcam-toggle').uncheck();
  await expect(page.getByTestId('gradcam-overlay')).toHaveCount(0);
  await panel.getByTestId('cell-images-close').click();
  await expect(page.getByTestId('cell-images')).toHaveCount(0);
  await expect(page.getByTestId(`confusion-cell-${t}-${p}`)).toBeFocused();
});

test('a model without a convolution says why it has no heatmap', async ({ page, engine }) => {
  test.setTimeout(TRAIN_TIMEOUT);
  const lenet = await engine.getPreset('lenet');
  const input = lenet.nodes.find((n) => n.type === 'input')!;
  const mlp = {
    ...lenet,
    name: 'MLP',
    nodes: [
      input,
      { id: 'flat', type: 'flatten', params: {}, position: { x: 0, y: 100 } },
      { id: 'out', type: 'dense', params: { units: 10, activation: 'none' }, position: { x: 0, y: 200 } },
    ],
    edges: [
      { id: 'e1', source: input.id, sourcePort: 'out', target: 'flat', targetPort: 'in' },
      { id: 'e2', source: 'flat', sourcePort: 'out', target: 'out', targetPort: 'in' },
    ],
  };
  const { runId } = await engine.startRun({
    graph: mlp,
    training: { ...lenet.training, epochs: 1, optimizer: 'adam', learningRate: 0.005 },
    limit: 300,
  });
  await expect.poll(async () => (await engine.getRun(runId)).status, { timeout: TRAIN_TIMEOUT }).toBe('done');
  await page.reload();
  await page.getByTestId('dock-tab-training').click();
  await page.getByTestId(`run-${runId}`).locator('.run-name').click();
  await page.getByTestId('train-view-evaluate').click();
  await page.getByTestId('gradcam-toggle').check();
  await expect(page.getByTestId('gradcam-error').first()).toContainText(/no convolution/, {
    timeout: 30_000,
  });
});
