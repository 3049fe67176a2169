/**
 * Browser mode end to end: the page talks to the engine host over the token-guarded
 * WebSocket; a preset loads; the project is saved to the engine's disk and reopened; a
 * bad project file is refused with its reason while the open project stays.
 */
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { E2E_TOKEN, expect, test } from './fixtures';

test('open the app, load a preset, save the project and reopen it', async ({ page, dataDir, engine }) => {
  page.on('dialog', (dialog) => void dialog.accept()); // "discard unsaved changes?" confirmations

  await page.getByTestId('presets').click();
  await page.getByTestId('preset-lenet').click();
  await expect(page.getByTestId('summary-params-total')).toHaveText('61706');

  const path = join(dataDir, 'projects', 'my-lenet.cnn.json');
  await page.getByTestId('file-save').click();
  await page.getByTestId('file-dialog-path').fill(path);
  await page.getByTestId('file-dialog-submit').click();
  await expect(page.getByTestId('file-dialog-save')).toHaveCount(0);
  await expect(page.getByTestId('dirty-marker')).toHaveCount(0);

  // On the engine's disk, in the one graph format.
  const saved = JSON.parse(await readFile(path, 'utf8')) as {
    format: string;
    name: string;
    nodes: unknown[];
  };
  expect(saved.format).toBe('cnn-studio-graph');
  expect(saved.nodes.length).toBeGreaterThan(5);
  expect((await engine.recentProjects()).map((f) => f.path)).toEqual([path]);

  await page.getByTestId('file-new').click();
  await expect(page.getByTestId('summary-params-total')).not.toHaveText('61706');

  await page.getByTestId('file-open').click();
  await page.getByTestId('file-item-my-lenet').click();
  await expect(page.getByTestId('summary-params-total')).toHaveText('61706');
  await expect(page.getByTestId('doc-title')).toContainText(saved.name);
  await page.screenshot({ path: 'test-results/host-reopened.png' });
});

test('a bad project file names its problem and the open project stays', async ({ page, dataDir }) => {
  page.on('dialog', (dialog) => void dialog.accept());
  await page.getByTestId('presets').click();
  await page.getByTestId('preset-lenet').click();
  await expect(page.getByTestId('summary-params-total')).toHaveText('61706');

  await mkdir(join(dataDir, 'projects'), { recursive: true });
  await writeFile(
    join(dataDir, 'projects', 'broken.cnn.json'),
    '{"format": "cnn-studio-graph", "version": 1, "nodes": 7}',
  );
  await page.getByTestId('file-open').click();
  await page.getByTestId('file-item-broken').click();
  const toast = page.getByTestId('toast-error');
  await expect(toast).toContainText('broken.cnn.json');
  await expect(toast).toContainText('nodes: expected a list, got 7');
  await expect(page.getByTestId('summary-params-total')).toHaveText('61706');
});

test('the token leaves the address bar for a cookie; the socket refuses a wrong token and a foreign origin', async ({
  page,
  app,
}) => {
  expect(page.url()).not.toContain('token'); // traded for an HttpOnly cookie on the first load
  expect(await page.evaluate(() => document.cookie)).toBe(''); // which the page's scripts cannot read
  const attempts = () =>
    page.evaluate(
      async ({ port, token }) => {
        const attempt = (url: string) =>
          new Promise<string>((resolve) => {
            const ws = new WebSocket(url);
            ws.onopen = () => {
              ws.close();
              resolve('open');
            };
            ws.onerror = () => resolve('refused');
          });
        return {
          wrongToken: await attempt(`ws://127.0.0.1:${port}/ws?token=wrong`),
          noToken: await attempt(`ws://127.0.0.1:${port}/ws`),
          rightToken: await attempt(`ws://127.0.0.1:${port}/ws?token=${token}`),
        };
      },
      { port: app.port, token: E2E_TOKEN },
    );
  expect(await attempts()).toEqual({ wrongToken: 'refused', noToken: 'open', rightToken: 'open' }); // the cookie
  await page.context().clearCookies();
  expect(await attempts()).toEqual({ wrongToken: 'refused', noToken: 'refused', rightToken: 'open' });

  // A page on another origin (here: the same server under a different host name is not
  // possible without DNS, so use about:blank → its Origin is 'null').
  const other = await page.context().newPage();
  await other.goto('about:blank');
  const fromElsewhere = await other.evaluate(
    ({ port, token }) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${token}`);
        ws.onopen = () => resolve('open');
        ws.onerror = () => resolve('refused');
      }),
    { port: app.port, token: E2E_TOKEN },
  );
  expect(fromElsewhere).toBe('refused');
});
