/**
 * Accessibility: axe-core checks the editor and each dialog and panel for serious or
 * critical violations (colour contrast included). Each check also leaves a screenshot in
 * /tmp/a11y-<name>.png: the white-on-white "Export" button once passed every other test, so
 * a person looks at these too.
 */
import { expectAccessible } from './axe';
import { expect, test } from './fixtures';
import { EditorPage } from './pages/editor-page';

const byTestId = (id: string) => `[data-testid="${id}"]`;

test('the editor with a model, its summary and the inspector', async ({ page }) => {
  const editor = new EditorPage(page);
  await expectAccessible(page, 'editor-empty');
  await editor.loadPreset('lenet');
  await expectAccessible(page, 'editor-lenet');
  await editor.select('conv1');
  await expectAccessible(page, 'inspector', byTestId('inspector'));
  await expectAccessible(page, 'summary', byTestId('summary'));
});

test('a graph with errors: the error colours are readable too', async ({ page }) => {
  const editor = new EditorPage(page);
  await editor.loadPreset('lenet');
  await editor.select('conv2');
  await editor.setParam('kernelSize', 30);
  await expect(editor.node('conv2')).toHaveAttribute('data-invalid', 'true');
  await expect(page.getByTestId('summary-issue').first()).toBeVisible();
  await expectAccessible(page, 'editor-errors');
});

test('the dialogs: presets, help, export, open, save', async ({ page }) => {
  const editor = new EditorPage(page);
  await page.getByTestId('presets').click();
  await expect(page.getByTestId('preset-gallery')).toBeVisible();
  await expectAccessible(page, 'preset-gallery', byTestId('preset-gallery'));
  await page.keyboard.press('Escape');

  await editor.loadPreset('lenet');
  await page.getByTestId('help').click();
  await expect(page.getByTestId('help-overlay')).toBeVisible();
  await expectAccessible(page, 'help-overlay', byTestId('help-overlay'));
  await page.keyboard.press('Escape');

  await page.getByTestId('file-export').click();
  await expect(page.getByTestId('export-dialog')).toBeVisible();
  await expectAccessible(page, 'export-dialog', byTestId('export-dialog'));
  await page.keyboard.press('Escape');

  // Open asks before replacing the unsaved preset (window.confirm); yes.
  page.on('dialog', (question) => void question.accept());
  await page.getByTestId('file-open').click();
  await expect(page.getByTestId('file-dialog-open')).toBeVisible();
  await expectAccessible(page, 'file-dialog-open', byTestId('file-dialog-open'));
  await page.keyboard.press('Escape');

  await page.getByTestId('file-save').click();
  await expect(page.getByTestId('file-dialog-save')).toBeVisible();
  await expectAccessible(page, 'file-dialog-save', byTestId('file-dialog-save'));
});

test('an opened block: its inside and the breadcrumb back', async ({ page }) => {
  const editor = new EditorPage(page);
  await editor.loadPreset('googlenet');
  await editor.node('inception1').getByTestId('open-block').click();
  await expect(page.getByTestId('inner-node-concat')).toBeVisible();
  await expectAccessible(page, 'open-block', byTestId('block-canvas'));
});

test('the architecture diff: its panel beside the compared curves and its marks on the canvas', async ({
  page,
  engine,
}) => {
  test.setTimeout(120_000);
  const lenet = await engine.getPreset('lenet');
  const { runId } = await engine.startRun({
    graph: lenet,
    training: { ...lenet.training, epochs: 1 },
    limit: 200,
  });
  await expect.poll(async () => (await engine.getRun(runId)).status, { timeout: 90_000 }).toBe('done');
  await page.reload(); // the runs list is read when the engine connects
  const editor = new EditorPage(page);
  await editor.loadPreset('lenet');
  await editor.select('conv1');
  await editor.setParam('filters', 8);
  await page.getByTestId('param-filters').press('Enter');
  await page.getByTestId('dock-tab-training').click();
  await page.getByTestId(`run-compare-${runId}`).check();
  await page.getByTestId('train-view-compare').click();
  await page.getByTestId('diff-mark').check();
  await expect(editor.node('conv1')).toHaveAttribute('data-diff', 'changed');
  await expectAccessible(page, 'architecture-diff', byTestId('arch-diff'));
  await expectAccessible(page, 'architecture-diff-canvas', byTestId('canvas'));
});

test('the recovery dialog', async ({ page, engine }) => {
  await engine.saveRecovery(await engine.getPreset('lenet'));
  await page.reload();
  await expect(page.getByTestId('recovery-dialog')).toBeVisible({ timeout: 20_000 });
  await expectAccessible(page, 'recovery-dialog', byTestId('recovery-dialog'));
});

test('the Training panel', async ({ page }) => {
  await new EditorPage(page).loadPreset('lenet');
  await page.getByTestId('dock-tab-training').click();
  await expect(page.getByTestId('training-panel')).toBeVisible();
  await expectAccessible(page, 'training-panel', byTestId('training-panel'));
});
