/**
 * Page object for the editor: the gestures a person makes (drag from the palette, wire
 * two handles, type into the inspector, load a preset) and what they read back (shapes,
 * totals, errors), by the stable test ids.
 */
import { expect, type Locator, type Page } from '@playwright/test';

export class EditorPage {
  constructor(readonly page: Page) {}

  get canvas(): Locator {
    return this.page.getByTestId('canvas');
  }

  node(id: string): Locator {
    return this.page.getByTestId(`node-${id}`);
  }

  nodeShape(id: string): Locator {
    return this.node(id).getByTestId('node-shape');
  }

  /** Ids of the nodes on the canvas. */
  async nodeIds(): Promise<string[]> {
    return this.page
      .locator('.react-flow__node')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-id') ?? ''));
  }

  /** Drags a palette entry onto the canvas at (x, y) in canvas-pane pixels; returns the new node's id. */
  async addFromPalette(type: string, x: number, y: number): Promise<string> {
    const before = new Set(await this.nodeIds());
    await this.page.getByTestId(`palette-item-${type}`).dragTo(this.canvas, { targetPosition: { x, y } });
    await expect.poll(async () => (await this.nodeIds()).length).toBe(before.size + 1);
    return (await this.nodeIds()).find((id) => !before.has(id))!;
  }

  /** Drags from a node's output handle to another node's input handle. */
  async connect(source: string, target: string, sourcePort = 'out', targetPort = 'in'): Promise<void> {
    await this.node(source)
      .getByTestId(`handle-out-${sourcePort}`)
      .dragTo(this.node(target).getByTestId(`handle-in-${targetPort}`));
  }

  async select(id: string): Promise<void> {
    await this.node(id).locator('.layer-title').click();
    await expect(this.page.getByTestId('inspector').locator('dd').first()).toHaveText(id);
  }

  /** Types a value into a text/number field of the selected node's inspector. */
  async setParam(name: string, value: string | number): Promise<void> {
    await this.page.getByTestId(`param-${name}`).fill(String(value));
  }

  async choose(name: string, option: string): Promise<void> {
    await this.page.getByTestId(`param-${name}`).selectOption(option);
  }

  async setPaddingPixels(pixels: number): Promise<void> {
    await this.page.getByTestId('param-padding-mode').selectOption('pixels');
    await this.page.getByTestId('param-padding-pixels').fill(String(pixels));
  }

  async loadPreset(id: string): Promise<void> {
    await this.page.getByTestId('presets').click();
    await this.page.getByTestId(`preset-${id}`).click();
    await expect(this.page.getByTestId('preset-gallery')).toBeHidden();
    await this.waitForSteadyView();
  }

  /** Waits until the canvas has finished easing into its new view (fit view animates). */
  async waitForSteadyView(): Promise<void> {
    const viewport = this.page.locator('.react-flow__viewport');
    let previous = '';
    await expect
      .poll(
        async () => {
          const now = await viewport.evaluate((el) => getComputedStyle(el).transform);
          const steady = now === previous;
          previous = now;
          return steady;
        },
        { intervals: [150], timeout: 10_000 },
      )
      .toBe(true);
  }

  async paramsTotal(): Promise<number> {
    return Number(await this.page.getByTestId('summary-params-total').textContent());
  }

  async trainable(): Promise<number> {
    return Number((await this.page.getByTestId('summary-trainable').textContent())?.replace(/,/g, ''));
  }

  /** Clicks on empty canvas so the keyboard goes to the editor, not a field. */
  async focusCanvas(): Promise<void> {
    await this.canvas.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
  }

  async press(keys: string): Promise<void> {
    await this.page.keyboard.press(keys);
  }
}
