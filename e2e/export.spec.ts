/**
 * File → Export…: LeNet as PyTorch code, offered for download; TensorFlow.js files with the
 * weights of a finished run; a broken import is explained.
 */
import { expect, test } from './fixtures';
import { EditorPage } from './pages/editor-page';

test('export LeNet to PyTorch and download model.py', async ({ page }) => {
  await new EditorPage(page).loadPreset('lenet');
  await page.getByTestId('file-export').click();
  const dialog = page.getByTestId('export-dialog');
  await expect(dialog).toBeVisible();
  await dialog.getByTestId('export-target').selectOption('pytorch');
  await dialog.getByTestId('export-go').click();
  const file = dialog.getByTestId('export-file').filter({ hasText: 'model.py' });
  await expect(file).toBeVisible({ timeout: 30_000 });
  await expect(dialog.getByTestId('export-files')).toContainText(/\d+(\.\d)? (B|KB)/);
  const [download] = await Promise.all([page.waitForEvent('download'), file.click()]);
  expect(download.suggestedFilename()).toBe('model.py');
  const text = await (await import('node:fs/promises')).readFile((await download.path())!, 'utf8');
  expect(text).toMatch(/nn\.Module/);
});

test('importing a file that is not a model says why and leaves the graph alone', async ({ page }) => {
  await new EditorPage(page).loadPreset('lenet');
  await page.getByTestId('file-export').click();
  await page
    .getByTestId('import-model-file')
    .setInputFiles({ name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('{"hello": 1}') });
  await expect(page.getByTestId('import-error')).toContainText('notes.json');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('doc-title')).toContainText('LeNet');
});

test('export TensorFlow.js files with the weights of a finished run', async ({ page, engine }) => {
  test.setTimeout(120_000);
  // Arrange a small finished run through the engine API (training itself is training.spec's job).
  const graph = await engine.getPreset('lenet');
  const { runId } = await engine.startRun({
    graph,
    training: { ...graph.training, epochs: 1, batchSize: 64 },
    limit: 300,
  });
  await expect.poll(async () => (await engine.getRun(runId)).status, { timeout: 90_000 }).toBe('done');

  await page.getByTestId('file-export').click();
  const dialog = page.getByTestId('export-dialog');
  await dialog.getByTestId('export-target').selectOption('tfjs');
  await expect(dialog.getByTestId('export-run').locator('option')).toHaveCount(2);
  await dialog.getByTestId('export-run').selectOption(runId);
  await dialog.getByTestId('export-go').click();
  await expect(dialog.getByTestId('export-file').filter({ hasText: 'model.json' })).toBeVisible({
    timeout: 30_000,
  });
  await expect(dialog.getByTestId('export-file').filter({ hasText: '.bin' })).toHaveCount(1);
});
