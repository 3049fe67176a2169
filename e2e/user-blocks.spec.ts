/**
 * Blocks of your own: in BN-LeNet, Dense → BatchNorm → Sigmoid becomes a block ("Make
 * block", its units exposed); a second instance from the palette takes the place of the
 * second Dense → BatchNorm → Sigmoid; the summary's totals stay the model's; editing the
 * definition changes both instances and one undo brings them back. axe checks both dialogs;
 * screenshots are left in /tmp/user-blocks-*.png for a person to look at.
 */
import { expectAccessible } from './axe';
import { expect, test } from './fixtures';
import { EditorPage } from './pages/editor-page';

async function selectMany(editor: EditorPage, ids: string[]): Promise<void> {
  await editor.select(ids[0]);
  for (const id of ids.slice(1))
    await editor
      .node(id)
      .locator('.layer-title')
      .click({ modifiers: ['Control'] });
  await expect(editor.page.getByTestId('inspector').locator('.panel-title')).toHaveText(
    `${ids.length} layers selected`,
  );
}

test('make a block of three layers, place a second instance, edit the definition, undo', async ({
  page,
  dataDir,
}) => {
  const editor = new EditorPage(page);
  await editor.loadPreset('bn-lenet');
  // All 17 layers on screen (the canvas draws only what is in view).
  await page.getByTestId('fit-view').click();
  await editor.waitForSteadyView();
  const trainable = await editor.trainable();
  const total = await editor.paramsTotal();

  await selectMany(editor, ['dense1', 'bn3', 'sigmoid3']);
  await page.getByTestId('make-block').click();
  const dialog = page.getByTestId('make-block-dialog');
  await expect(dialog).toBeVisible();
  await dialog.getByTestId('make-block-name').fill('Dense BN Sigmoid');
  await dialog.getByTestId('make-block-expose-dense1-units').check();
  await dialog.getByTestId('make-block-expose-dense1-units-min').fill('1');
  await page.screenshot({ path: '/tmp/user-blocks-dialog.png' });
  await expectAccessible(page, 'user-blocks-make-block-dialog', '[data-testid="make-block-dialog"]');
  await dialog.getByTestId('make-block-confirm').click();
  await expect(dialog).toBeHidden();

  // One instance in place of the three layers, wired the same; the totals are the model's.
  const first = 'denseBnSigmoid_1';
  await expect(editor.node('dense1')).toHaveCount(0);
  await expect(editor.nodeShape(first)).toHaveText('120');
  await expect(page.getByTestId('summary-valid')).toBeVisible();
  expect(await editor.trainable()).toBe(trainable);
  // The block is in the palette like any other, and in the library file.
  const paletteItem = page.getByTestId('palette-item-user.denseBnSigmoid');
  await expect(paletteItem).toBeVisible();
  await expect
    .poll(async () => {
      const { readFile } = await import('node:fs/promises');
      return readFile(`${dataDir}/blocks.json`, 'utf8').catch(() => '');
    })
    .toContain('"user.denseBnSigmoid"');

  // A second instance from the palette in place of Dense(84) → BatchNorm → Sigmoid.
  await selectMany(editor, ['dense2', 'bn4', 'sigmoid4']);
  await editor.press('Delete');
  await expect(editor.node('dense2')).toHaveCount(0);
  await editor.waitForSteadyView();
  const box = (await editor.node(first).boundingBox())!;
  const pane = (await editor.canvas.boundingBox())!;
  const second = await editor.addFromPalette(
    'user.denseBnSigmoid',
    box.x - pane.x + box.width / 2 + 260,
    box.y - pane.y + box.height / 2,
  );
  await editor.select(second);
  await editor.setParam('units', 84);
  await editor.connect(first, second);
  await editor.connect(second, 'dense3');
  await expect(page.getByTestId('summary-valid')).toBeVisible();
  await expect.poll(() => editor.trainable()).toBe(trainable);
  expect(await editor.paramsTotal()).toBe(total);
  await page.screenshot({ path: '/tmp/user-blocks-two-instances.png' });
  // The palette's own blocks and the inspector's block buttons are readable too.
  await expectAccessible(page, 'user-blocks-palette', '.palette');
  await expectAccessible(page, 'user-blocks-inspector', '[data-testid="inspector"]');

  // Opened, an instance shows its layers as a graph, with this instance's shapes.
  await editor.node(second).getByTestId('open-block').click();
  const inside = page.getByTestId('block-canvas');
  await expect(inside.getByTestId('inner-node-dense1').getByTestId('inner-shape')).toHaveText('84');
  await expect(inside.getByTestId('inner-node-sigmoid3').getByTestId('inner-shape')).toHaveText('84');
  await page.screenshot({ path: '/tmp/user-blocks-open.png' });
  await editor.press('Escape');
  await expect(inside).toHaveCount(0);

  // Edit the definition: no bias in the Dense layer, in both instances at once.
  await editor.select(second);
  await page.getByTestId('edit-block-definition').click();
  const definition = page.getByTestId('block-definition-dialog');
  await expect(definition).toBeVisible();
  await expect(definition).toContainText('2 in this model');
  await definition.getByTestId('definition-dense1-useBias').uncheck();
  await page.screenshot({ path: '/tmp/user-blocks-definition.png' });
  await expectAccessible(page, 'user-blocks-definition-dialog', '[data-testid="block-definition-dialog"]');
  await definition.getByTestId('block-definition-save').click();
  await expect(definition).toBeHidden();
  await expect.poll(() => editor.trainable()).toBe(trainable - 120 - 84);

  // One undo step brings both back.
  await editor.focusCanvas();
  await editor.press('Control+z');
  await expect.poll(() => editor.trainable()).toBe(trainable);

  // Removed from the library, the block stays in this project (and its palette).
  await editor.select(second);
  await page.getByTestId('edit-block-definition').click();
  await page.getByTestId('block-definition-forget').click();
  await expect
    .poll(async () => {
      const { readFile } = await import('node:fs/promises');
      return readFile(`${dataDir}/blocks.json`, 'utf8');
    })
    .not.toContain('"user.denseBnSigmoid"');
  await editor.press('Escape');
  await expect(paletteItem).toBeVisible();
});
