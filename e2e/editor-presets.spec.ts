/**
 * Every preset loads through the gallery with the book's shapes and totals, and a
 * screenshot of the editor is kept (test-results/, and docs/editor.png for the README).
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from './fixtures';
import { EditorPage } from './pages/editor-page';

const root = fileURLToPath(new URL('..', import.meta.url));

test('each preset loads with its shapes and totals', async ({ page, engine }) => {
  test.setTimeout(180_000);
  const editor = new EditorPage(page);
  const presets = await engine.listPresets();
  // The book's nine, then Keras Applications' ResNet-50 and MobileNetV2.
  expect(presets.length).toBe(11);
  mkdirSync(`${root}test-results/editor`, { recursive: true });
  for (const preset of presets) {
    await editor.loadPreset(preset.id);
    await expect(page.getByTestId('doc-title')).toContainText(preset.name);
    await expect.poll(() => editor.trainable(), { message: preset.id }).toBe(preset.trainableParams);
    // The book's networks classify Fashion-MNIST's 10 classes, Keras Applications' ImageNet's 1,000.
    const classes = ['resnet50', 'mobilenetv2'].includes(preset.id) ? '1000' : '10';
    await expect(page.getByTestId('summary-output-shape')).toHaveText(classes);
    await expect(page.getByTestId('summary-valid')).toBeVisible();
    await expect(page.locator('[data-invalid="true"]')).toHaveCount(0);
    // The input node shows the preset's input size.
    const [h, w, c] = preset.inputShape;
    await expect(
      page.locator('[data-testid="node-shape"]', { hasText: `${h}×${w}×${c}` }).first(),
    ).toBeVisible();
    await page.screenshot({ path: `${root}test-results/editor/preset-${preset.id}.png` });
  }
  // Loading a preset is one undoable step.
  await page.getByTestId('undo').click();
  await expect(page.getByTestId('doc-title')).toContainText(presets[presets.length - 2].name);
});

test('screenshot for the README: ResNet-18 with its first residual block expanded', async ({ page }) => {
  const editor = new EditorPage(page);
  await editor.loadPreset('resnet18');
  await page.getByTestId('toast-info').click(); // dismiss "Loaded ResNet-18"
  await editor.node('residual1').getByTestId('node-expand').click();
  // Pan up so the expanded block sits in the middle of the view.
  const pane = (await editor.canvas.boundingBox())!;
  await page.mouse.move(pane.x + 200, pane.y + 460);
  await page.mouse.down();
  await page.mouse.move(pane.x + 200, pane.y + 200, { steps: 6 });
  await page.mouse.up();
  await editor.select('residual1');
  await page.waitForTimeout(400);
  await page.screenshot({ path: `${root}test-results/editor/readme.png` });
  // The README's copy is refreshed on request, so a test run leaves the work tree as it was.
  if (process.env.UPDATE_DOCS_SCREENSHOTS) await page.screenshot({ path: `${root}docs/editor.png` });
});
