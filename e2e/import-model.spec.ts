/**
 * Import in the Export / Import dialog: a Keras .h5 brings its weights (kept as a run), an
 * input of unknown size is asked for, and a model with several outputs asks which head to
 * train; the dialog stays accessible while it asks.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expectAccessible } from './axe';
import { expect, test } from './fixtures';
import { EditorPage } from './pages/editor-page';

const h5 = fileURLToPath(new URL('../engine/export/fixtures/tiny-keras.h5', import.meta.url));
const kerasArchive = fileURLToPath(new URL('../engine/export/fixtures/tiny-keras3.keras', import.meta.url));
const trainedKeras = fileURLToPath(
  new URL('../engine/export/fixtures/keras-3.10-fashion-mnist-cnn.keras', import.meta.url),
);

const layer = (class_name: string, name: string, config: object, inbound: string[] = []) => ({
  class_name,
  name,
  config: { name, ...config },
  inbound_nodes: inbound.length ? [inbound.map((source) => [source, 0, 0, {}])] : [],
});

/** A functional Keras model: an input of unknown size and two heads. */
const openModel = JSON.stringify({
  class_name: 'Functional',
  config: {
    name: 'two_heads',
    layers: [
      layer('InputLayer', 'pixels', { batch_input_shape: [null, null, null, 3] }),
      layer('Conv2D', 'trunk', { filters: 4, kernel_size: [3, 3], padding: 'same', activation: 'relu' }, [
        'pixels',
      ]),
      layer('GlobalAveragePooling2D', 'gap', {}, ['trunk']),
      layer('Dense', 'classes', { units: 10 }, ['gap']),
      layer('Dense', 'box', { units: 4 }, ['gap']),
    ],
    input_layers: [['pixels', 0, 0]],
    output_layers: [
      ['classes', 0, 0],
      ['box', 0, 0],
    ],
  },
});

test('a Keras .h5 imports with its weights, kept as a run', async ({ page, engine }) => {
  await new EditorPage(page).loadPreset('lenet');
  await page.getByTestId('file-export').click();
  await page.getByTestId('import-model-file').setInputFiles({
    name: 'tiny-keras.h5',
    mimeType: 'application/octet-stream',
    buffer: readFileSync(h5),
  });
  // The first import with weights starts the engine's compute backend: give it time on a busy machine.
  await expect(page.getByTestId('doc-title')).toContainText('tiny', { timeout: 60_000 });
  await expect
    .poll(async () => (await engine.listRuns()).map((run) => run.name))
    .toEqual(['Imported weights: tiny']);
});

test('a Keras 3 .keras archive imports with its weights, kept as a run', async ({ page, engine }) => {
  const editor = new EditorPage(page);
  await editor.loadPreset('lenet');
  await page.getByTestId('file-export').click();
  await page.getByTestId('import-model-file').setInputFiles({
    name: 'tiny-keras3.keras',
    mimeType: 'application/octet-stream',
    buffer: readFileSync(kerasArchive),
  });
  await expect(page.getByTestId('doc-title')).toContainText('tiny3', { timeout: 60_000 });
  // The nested model is a group frame on the canvas; its layers are nodes.
  await expect
    .poll(async () => (await editor.nodeIds()).filter((id) => id.startsWith('trunk_')))
    .toEqual(['trunk_conv', 'trunk_bn']);
  await expect
    .poll(async () => (await engine.listRuns()).map((run) => run.name))
    .toEqual(['Imported weights: tiny3']);
});

test('a trained Keras model imports and is evaluated on Fashion-MNIST: its confusion matrix and accuracy', async ({
  page,
  engine,
}) => {
  await new EditorPage(page).loadPreset('lenet');
  await page.getByTestId('file-export').click();
  await page.getByTestId('import-model-file').setInputFiles({
    name: 'keras-3.10-fashion-mnist-cnn.keras',
    mimeType: 'application/octet-stream',
    buffer: readFileSync(trainedKeras),
  });
  await expect(page.getByTestId('doc-title')).toContainText('sequential', { timeout: 60_000 });
  await page.keyboard.press('Escape');
  await page.getByTestId('dock-tab-training').click();
  const [run] = await engine.listRuns();
  await page.getByTestId(`run-${run.id}`).click();
  await page.getByTestId('train-view-evaluate').click();
  // Imported weights have no result until measured; Try an image works at once.
  await expect(page.getByTestId('predict-canvas')).toBeVisible();
  await page.getByTestId('evaluate-run').click();
  await expect(page.getByTestId('confusion-matrix')).toBeVisible({ timeout: 120_000 });
  // The repository's model, as trained there: about 0.93 on these 10,000 test images.
  await expect(page.getByTestId(`run-${run.id}`)).toContainText(/9\d\.\d %/);
  expect((await engine.getRun(run.id))!.result!.testAccuracy).toBeGreaterThan(0.85);
});

test('asks for an unknown input size and the head to train, then imports', async ({ page }) => {
  await new EditorPage(page).loadPreset('lenet');
  await page.getByTestId('file-export').click();
  const file = { name: 'model.json', mimeType: 'application/json', buffer: Buffer.from(openModel) };
  await page.getByTestId('import-model-file').setInputFiles(file);

  // First the size: the input's name is in the question.
  const needs = page.getByTestId('import-needs');
  await expect(needs).toContainText('Image size for input “pixels”');
  await expect(page.getByTestId('import-retry')).toBeDisabled();
  await page.getByTestId('import-input-size').fill('big');
  await expect(needs).toContainText('like 224 or 224x160');
  await page.getByTestId('import-input-size').fill('32');
  await expectAccessible(page, 'import-input-size', '[data-testid="export-dialog"]');
  await page.getByTestId('import-input-size').press('Enter');

  // Then the head: both outputs are offered.
  await expect(page.getByTestId('import-output').locator('option')).toHaveText(['classes', 'box']);
  await expectAccessible(page, 'import-output', '[data-testid="export-dialog"]');
  await page.getByTestId('import-output').selectOption('classes');
  await page.getByTestId('import-retry').click();
  await expect(page.getByTestId('doc-title')).toContainText('two_heads');
  await expect(page.getByTestId('node-classes')).toBeVisible();
  await expect(page.getByTestId('node-box')).toHaveCount(0);
});
