/**
 * Training on PyTorch from the Training panel: pick `pytorch` in the engine select, see the
 * backend line name PyTorch and its device, set mixed precision (axe on the settings), train LeNet on a few images, watch the curves
 * grow, and evaluate the run with the weights that came back from PyTorch. Needs Debian's
 * python3-torch (the test command installs it); without it the backend line's refusal fails
 * the test with what to install.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expectAccessible } from './axe';
import { expect, test } from './fixtures';
import { EditorPage } from './pages/editor-page';

const root = fileURLToPath(new URL('..', import.meta.url));
const TRAIN_TIMEOUT = 180_000;

test('pick PyTorch in the Training panel, train LeNet a little, watch the curves and evaluate', async ({
  page,
}) => {
  test.setTimeout(TRAIN_TIMEOUT * 2);
  await new EditorPage(page).loadPreset('lenet');
  await page.getByTestId('dock-tab-training').click();
  await expect(page.getByTestId('training-panel')).toBeVisible();

  await page.getByTestId('train-engine').selectOption('pytorch');
  const backend = page.getByTestId('train-backend');
  await expect(backend).toContainText(/Runs on pytorch — CPU \(\d+ cores?\), PyTorch \d/, {
    timeout: 60_000,
  });
  // Why the others were not picked, one click away.
  await backend.click();
  await expect(page.getByTestId('train-backend-skipped')).toContainText('tfjs');

  // Mixed precision, a PyTorch run setting: auto (on for GPUs), on, off; a native select, so the keyboard works.
  const amp = page.getByTestId('train-amp');
  await expect(amp).toHaveValue('auto');
  await amp.focus();
  await amp.selectOption('off');
  await expect(amp).toHaveValue('off');
  await expectAccessible(page, 'train-settings-pytorch', '[data-testid="train-settings"]');
  await page.getByTestId('train-engine').selectOption('tfjs');
  await expect(amp).toBeHidden(); // a tfjs run has no such setting
  await page.getByTestId('train-engine').selectOption('pytorch');
  await expect(amp).toHaveValue('off'); // kept, like the engine choice

  await page.getByTestId('train-optimizer').selectOption('adam');
  for (const [testId, value] of [
    ['train-epochs', 2],
    ['train-batch-size', 32],
    ['train-limit', 1000],
    ['train-lr', 0.005],
  ] as const) {
    await page.getByTestId(testId).fill(String(value));
    await page.getByTestId(testId).press('Enter');
  }

  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveText('running', { timeout: 60_000 });
  const points = async () => Number(await page.getByTestId('chart-loss').getAttribute('data-points'));
  await expect.poll(points, { timeout: TRAIN_TIMEOUT }).toBeGreaterThan(2);
  const early = await points();
  await expect.poll(points, { timeout: TRAIN_TIMEOUT }).toBeGreaterThan(early);
  await expect(page.getByTestId('metric-epoch')).toContainText('/ 2');
  await expect(page.getByTestId('train-status')).toHaveText('done', { timeout: TRAIN_TIMEOUT });
  const accuracy = Number(await page.getByTestId('metric-test-accuracy').textContent());
  expect(accuracy).toBeGreaterThan(0.1);

  mkdirSync(`${root}test-results/pytorch-engine`, { recursive: true });
  await page.waitForTimeout(300); // the last throttled redraw
  await page.screenshot({ path: `${root}test-results/pytorch-engine/curves.png` });

  // Evaluate with the weights PyTorch sent back: matrix, misclassified images, try an image.
  await page.getByTestId('train-view-evaluate').click();
  const matrix = page.getByTestId('confusion-matrix');
  await expect(matrix.locator('tbody tr')).toHaveCount(10);
  const counts = await matrix.locator('tbody td:not(.class-accuracy)').allTextContents();
  expect(counts.reduce((sum, c) => sum + Number(c), 0)).toBeGreaterThan(0);
  await expect(page.getByTestId('misclassified-grid').getByTestId('misclassified-item').first()).toBeVisible({
    timeout: 60_000,
  });
  await page.screenshot({ path: `${root}test-results/pytorch-engine/evaluate.png` });
});
