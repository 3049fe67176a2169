/**
 * `cnn-studio serve`: browser mode. Starts the engine host and the web server, prints
 * exactly one line on stdout, `CNN Studio is running at <url>`, and runs until
 * interrupted (Ctrl+C / SIGTERM), then stops runs and closes cleanly.
 */
import { randomBytes } from 'node:crypto';
import { openDataset } from '../../datasets/index';
import { resolveDataDir } from '../data-dir';
import { createEngineHost } from '../engine-host';
import { datasetCacheParts } from '../dataset-cache-bytes';
import { openBrowser } from '../open-browser';
import { findProjectRoot } from '../project-root';
import { ensureRendererBuilt } from '../renderer-build';
import {
  loadTlsFiles,
  parseServeArgs,
  serveUsage,
  ServeUsageError,
  sessionToken,
  type ServeOptions,
} from '../serve-options';
import { startWebServer, type RunningWebServer } from '../web-server';

const note = (message: string) => console.error(message);

export async function run(args: string[]): Promise<number> {
  let options: ServeOptions;
  let token: string;
  try {
    options = parseServeArgs(args);
    token = sessionToken(process.env, () => randomBytes(24).toString('base64url'));
  } catch (error) {
    if (!(error instanceof ServeUsageError)) throw error;
    console.error(`cnn-studio serve: ${error.message}\n\n${serveUsage}`);
    return 2;
  }
  if (options.help) {
    console.log(serveUsage);
    return 0;
  }

  let tls: { cert: Buffer; key: Buffer } | undefined;
  try {
    tls = await loadTlsFiles(options);
  } catch (error) {
    console.error(`cnn-studio serve: ${(error as Error).message}`);
    return 2;
  }

  const staticDir = await ensureRendererBuilt(findProjectRoot(), note);
  const dataDir = resolveDataDir();
  const host = createEngineHost({ dataDir });
  // The window's training worker fetches a dataset as the engine's binary cache.
  const datasetCache = async (id: string) => datasetCacheParts(await openDataset(id, { dataDir }));
  const start = (port: number) =>
    startWebServer({
      host,
      staticDir,
      hostname: options.host,
      port,
      token,
      tls,
      datasetCache,
      log: (m) => note(`[web] ${m}`),
    });
  let server: RunningWebServer;
  try {
    server = await start(options.port).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EADDRINUSE' || options.portGiven) throw error;
      note(`Port ${options.port} is busy; using a free one.`);
      return start(0);
    });
  } catch (error) {
    await host.dispose();
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'EADDRINUSE'
        ? `port ${options.port} is in use (try --port 0)`
        : code === 'EADDRNOTAVAIL'
          ? `${options.host} is not an address of this machine`
          : String(error);
    console.error(`cnn-studio serve: cannot listen on ${options.host}:${options.port}: ${why}`);
    return 1;
  }

  console.log(`CNN Studio is running at ${server.url}`);
  note(`Data folder: ${dataDir}. Press Ctrl+C to stop.`);
  if (options.allowRemote) note(`Listening on ${options.host}: other machines can connect with the token.`);
  if (options.allowRemote && !tls) {
    note(
      'Without --tls-cert/--tls-key the token crosses the network in clear text; prefer TLS or an SSH tunnel (see README, Security).',
    );
  }
  if (options.open) openBrowser(server.url);

  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  note('Stopping…');
  await server.close();
  await host.dispose();
  return 0;
}
