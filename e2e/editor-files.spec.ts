/**
 * Files: save a model through the browser-mode dialog, start a new one, reopen the saved
 * file; a bad file is refused with its reason and the current project is kept.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures';
import { EditorPage } from './pages/editor-page';

test('save, new, reopen; the unsaved marker follows the edits', async ({ page, dataDir }) => {
  const editor = new EditorPage(page);
  await editor.loadPreset('lenet');
  await expect(page.getByTestId('dirty-marker')).toBeVisible();
  await page.getByTestId('file-save').click();
  const path = join(dataDir, 'projects', 'my-lenet.cnn.json');
  await page.getByTestId('file-dialog-path').fill(path);
  await page.getByTestId('file-dialog-submit').click();
  await expect(page.getByTestId('file-dialog-save')).toBeHidden();
  await expect(page.getByTestId('dirty-marker')).toHaveCount(0);
  await expect(page.getByTestId('doc-title')).toContainText('my-lenet.cnn.json');

  await page.getByTestId('file-new').click();
  await expect(page.getByText('Start a model')).toBeVisible();

  await page.getByTestId('file-open').click();
  await page.getByTestId('file-dialog-path').fill(path);
  await page.getByTestId('file-dialog-submit').click();
  await expect(page.getByTestId('summary-params-total')).toHaveText('61706');
  await expect(page.getByTestId('dirty-marker')).toHaveCount(0);
});

test('a broken file is refused with its reason and the current model stays', async ({ page, dataDir }) => {
  const editor = new EditorPage(page);
  await editor.loadPreset('lenet');
  const bad = join(dataDir, 'broken.cnn.json');
  writeFileSync(bad, '{"format": "cnn-studio-graph", "version": 1, "nodes": [{"id": 3}]');
  page.on('dialog', (dialog) => void dialog.accept()); // "discard unsaved changes?"
  await page.getByTestId('file-open').click();
  await page.getByTestId('file-dialog-path').fill(bad);
  await page.getByTestId('file-dialog-submit').click();
  await expect(page.getByTestId('toast-error')).toContainText('broken.cnn.json');
  await expect(page.getByTestId('file-dialog-open')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('summary-params-total')).toHaveText('61706');
});

test('saving over a file that is not a model asks first, and keeps it when told no', async ({
  page,
  dataDir,
}) => {
  const editor = new EditorPage(page);
  await editor.loadPreset('lenet');
  const foreign = join(dataDir, 'settings.json');
  writeFileSync(foreign, '{"theme": "dark"}');
  const asked: string[] = [];
  let answer = false;
  page.on('dialog', (dialog) => {
    asked.push(dialog.message());
    void (answer ? dialog.accept() : dialog.dismiss());
  });

  await page.getByTestId('file-save').click();
  await page.getByTestId('file-dialog-path').fill(foreign);
  await page.getByTestId('file-dialog-submit').click();
  await expect(page.getByText('Not saved; settings.json was left as it was.')).toBeVisible();
  expect(asked).toEqual(['settings.json is not a CNN Studio project. Replace it?']);
  expect(readFileSync(foreign, 'utf8')).toBe('{"theme": "dark"}');

  answer = true;
  await page.getByTestId('file-dialog-submit').click();
  await expect(page.getByTestId('file-dialog-save')).toBeHidden();
  expect(asked).toHaveLength(2);
  expect(JSON.parse(readFileSync(foreign, 'utf8'))).toMatchObject({
    format: 'cnn-studio-graph',
    name: 'LeNet',
  });
});

test('a layer dropped on a link is inserted into it', async ({ page }) => {
  const editor = new EditorPage(page);
  const input = await editor.addFromPalette('input', 100, 200);
  const flatten = await editor.addFromPalette('flatten', 640, 200);
  await editor.connect(input, flatten);
  const a = (await editor.node(input).getByTestId('handle-out-out').boundingBox())!;
  const b = (await editor.node(flatten).getByTestId('handle-in-in').boundingBox())!;
  const canvas = (await editor.canvas.boundingBox())!;
  const conv = await editor.addFromPalette('conv2d', (a.x + b.x) / 2 - canvas.x, (a.y + b.y) / 2 - canvas.y);
  await expect(page.getByTestId('toast-info')).toContainText('Inserted');
  await expect(editor.nodeShape(conv)).toHaveText('28×28×16');
  await expect(editor.nodeShape(flatten)).toHaveText('12544');
});

test('autosaved work is offered back on start and comes back unsaved', async ({ page, engine }) => {
  await engine.saveRecovery(await engine.getPreset('lenet'));
  await page.reload();
  await expect(page.getByTestId('recovery-dialog')).toBeVisible({ timeout: 20_000 });
  await page.getByTestId('recovery-restore').click();
  await expect(page.getByTestId('summary-params-total')).toHaveText('61706');
  await expect(page.getByTestId('dirty-marker')).toBeVisible();
});

test('edits are autosaved to the engine within a few seconds', async ({ page, engine }) => {
  const editor = new EditorPage(page);
  await editor.loadPreset('bn-lenet');
  await expect
    .poll(async () => (await engine.loadRecovery())?.name, { timeout: 15_000 })
    .toBe('LeNet with batch norm');
});
