/**
 * Importing a dataset from the Training panel, as a person does it: Import… beside the
 * dataset list, a path on the engine's machine, errors in words (a missing folder, an image
 * whose header claims 20000×20000), then a small image folder whose samples and class names
 * the dialog shows, and the dataset chosen for training afterwards.
 */
import AxeBuilder from '@axe-core/playwright';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pngClaiming, writePng } from '../engine/datasets/test-support/fixtures';
import { expect, test as base } from './fixtures';
import { EditorPage } from './pages/editor-page';

const SIDE = 16;

/** RGBA of a filled circle (class 0) or square (class 1) in a colour on a dark background. */
function shape(kind: 'circle' | 'square', colour: [number, number, number]): Uint8Array {
  const rgba = new Uint8Array(SIDE * SIDE * 4);
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const dx = x - SIDE / 2 + 0.5;
      const dy = y - SIDE / 2 + 0.5;
      const inside = kind === 'circle' ? dx * dx + dy * dy < 30 : Math.abs(dx) < 5 && Math.abs(dy) < 5;
      rgba.set(inside ? [...colour, 255] : [20, 20, 30, 255], (y * SIDE + x) * 4);
    }
  }
  return rgba;
}

/** circle/ and square/, five colourful 16×16 PNGs each. */
function shapesFolder(root: string): string {
  const colours: Array<[number, number, number]> = [
    [230, 80, 60],
    [60, 160, 230],
    [250, 200, 40],
    [90, 200, 110],
    [200, 100, 220],
  ];
  colours.forEach((colour, i) => {
    writePng(join(root, 'circle', `${i}.png`), SIDE, SIDE, shape('circle', colour));
    writePng(join(root, 'square', `${i}.png`), SIDE, SIDE, shape('square', colour));
  });
  return root;
}

/** A fresh folder for the test's source files, removed when the test ends. */
const test = base.extend<{ sources: string }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies as a pattern.
  sources: async ({}, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'cnn-e2e-import-'));
    await use(dir);
    rmSync(dir, { recursive: true, force: true });
  },
});

test('imports an image folder from the Training panel and shows its samples and classes', async ({
  page,
  sources,
}) => {
  await new EditorPage(page).loadPreset('lenet');
  await page.getByTestId('dock-tab-training').click();
  await page.getByTestId('dataset-import').click();
  const dialog = page.getByTestId('dataset-import-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('on the machine it runs on');

  // A folder that is not there: the engine's words, naming it.
  await page.getByTestId('dataset-import-path').fill(join(sources, 'missing'));
  await page.getByTestId('dataset-import-submit').click();
  await expect(page.getByTestId('dataset-import-error')).toContainText(
    `${join(sources, 'missing')}: no such file or folder`,
  );

  // An image whose header claims 20000×20000 is refused by name, not decoded.
  const huge = shapesFolder(join(sources, 'huge'));
  writeFileSync(join(huge, 'square', '9.png'), pngClaiming(20000, 20000));
  await page.getByTestId('dataset-import-path').fill(huge);
  await page.getByTestId('dataset-import-submit').click();
  await expect(page.getByTestId('dataset-import-error')).toContainText(
    '9.png: the image is 20000×20000 = 400,000,000 pixels; at most 16,777,216 pixels per image',
  );
  await dialog.screenshot({ path: '/tmp/dataset-import-error.png' });

  const good = shapesFolder(join(sources, 'shapes'));
  await page.getByTestId('dataset-import-path').fill(good);
  await expect(page.getByTestId('dataset-import-kind')).toHaveValue('folder');
  await page.getByTestId('dataset-import-name').fill('Shapes');
  await page.getByTestId('dataset-import-submit').click();
  const result = page.getByTestId('dataset-import-result');
  await expect(result).toContainText('Imported Shapes as shapes: 8 train · 2 test · 16×16×3 · 2 classes');
  await expect(page.getByTestId('dataset-import-error')).toHaveCount(0);
  await expect(page.getByTestId('dataset-import-classes')).toContainText('circle · square');
  await expect(page.getByTestId('dataset-import-samples').locator('canvas')).toHaveCount(2);
  await expect(page.getByTestId('dataset-import-samples')).toContainText('circle');

  // Readable: axe finds no contrast or labelling problems in the dialog.
  const axe = await new AxeBuilder({ page }).include('[data-testid="dataset-import-dialog"]').analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual(
    [],
  );
  // axe counts white-on-white as intentionally hidden text, so check the main button's colours too.
  const colours = await page
    .getByTestId('dataset-import-use')
    .evaluate((button) => [getComputedStyle(button).color, getComputedStyle(button).backgroundColor]);
  expect(colours[1]).not.toBe(colours[0]);
  expect(colours[1]).not.toMatch(/^rgba\(0, 0, 0, 0\)$|^rgb\(255, 255, 255\)$/);
  await dialog.screenshot({ path: '/tmp/dataset-import-dialog.png' });

  await page.getByTestId('dataset-import-use').click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId('train-dataset')).toHaveValue('shapes');
  await expect(page.getByTestId('train-dataset-info')).toHaveText('8 train · 2 test · 16×16×3 · 2 classes');
  await expect(page.getByTestId('train-dataset')).toContainText('Shapes (imported)');
});
