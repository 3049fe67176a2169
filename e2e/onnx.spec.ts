/**
 * ONNX in the Export / Import dialog: LeNet exported as model.onnx (offered for download),
 * and that file imported back with its weights (kept as a run); the dialog stays accessible.
 */
import { readFile } from 'node:fs/promises';
import { expectAccessible } from './axe';
import { expect, test } from './fixtures';
import { EditorPage } from './pages/editor-page';

test('export LeNet to ONNX, then import the .onnx file with its weights', async ({ page, engine }) => {
  test.setTimeout(120_000);
  await new EditorPage(page).loadPreset('lenet');
  await page.getByTestId('file-export').click();
  const dialog = page.getByTestId('export-dialog');
  await dialog.getByTestId('export-target').selectOption('onnx');
  await expect(dialog).toContainText('model.onnx (opset 13, NCHW input)');
  await expectAccessible(page, 'onnx-export', '[data-testid="export-dialog"]');
  await dialog.getByTestId('export-go').click();
  const file = dialog.getByTestId('export-file').filter({ hasText: 'model.onnx' });
  await expect(file).toBeVisible({ timeout: 30_000 });
  await page.screenshot({ path: 'test-results/onnx-export-dialog.png' });
  const [download] = await Promise.all([page.waitForEvent('download'), file.click()]);
  expect(download.suggestedFilename()).toBe('model.onnx');
  const bytes = await readFile((await download.path())!);

  await page.getByTestId('import-model-file').setInputFiles({
    name: 'lenet.onnx',
    mimeType: 'application/octet-stream',
    buffer: bytes,
  });
  await expect(page.getByTestId('doc-title')).toContainText('LeNet');
  await expect
    .poll(async () => (await engine.listRuns()).map((run) => run.name))
    .toEqual([expect.stringMatching(/^Imported weights/)]);
});
