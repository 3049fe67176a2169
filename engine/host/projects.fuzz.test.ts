/**
 * Property tests of the project methods over the wire against the real engine host:
 * random paths (NUL bytes, `..`, absolute paths at files that are not projects, folders,
 * long names) and random documents. Each call ends in a result or a domain error that
 * quotes no foreign file and names no internal path; no file outside the data folder is
 * replaced or deleted (the overwrite flag is never sent), and the only new files there are
 * whole projects saved at a full path.
 *
 * Seeded: FUZZ_SEED=<n> replays a run (fast-check prints the seed of a failure).
 */
import fc from 'fast-check';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRAPH_FORMAT, GRAPH_VERSION } from '../graph/document';
import { serveApi } from '../protocol/rpc';
import { createMemoryTransportPair } from '../protocol/transports/memory';
import { isTemporaryName } from './atomic-file';
import { createEngineHost, type EngineHost } from './engine-host';

const seed = Number(process.env.FUZZ_SEED ?? 20261201);

const SECRET = 'TOP-SECRET-CONTENT-42';
/** Files that are not projects, outside the data folder: never to be changed or quoted. */
const FOREIGN_FILES: Record<string, string> = {
  'secret.txt': SECRET,
  'config.json': `{"password": "${SECRET}"}`,
  'empty.json': '',
  'array.json': `["${SECRET}"]`,
  'nested/deep.cnn.json': `not json ${SECRET}`,
};

let root: string;
let dataDir: string;
let outside: string;
let host: EngineHost;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cnn-fuzz-files-'));
  dataDir = join(root, 'data');
  outside = join(root, 'outside');
  for (const [name, content] of Object.entries(FOREIGN_FILES)) {
    await mkdir(join(outside, name, '..'), { recursive: true });
    await writeFile(join(outside, name), content);
  }
  host = createEngineHost({ dataDir, modules: { runs: null, backends: null, exporter: null } });
});
afterAll(async () => {
  await host.dispose();
  await rm(root, { recursive: true, force: true });
});

/** Every file under `dir` (relative path → content). */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const visit = async (folder: string) => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await visit(path);
      else files.set(relative(dir, path), await readFile(path, 'utf8'));
    }
  };
  await visit(dir);
  return files;
}

const validDocument = { format: GRAPH_FORMAT, version: GRAPH_VERSION, name: 'fuzzed', nodes: [], edges: [] };

const foreignPath = fc
  .constantFrom(...Object.keys(FOREIGN_FILES), 'nested/', 'nested/..', '.', 'nested//', 'nested/./')
  // Not path.join, which would normalise the tricks away; evaluated while generating, after beforeAll.
  .map((name) => `${outside}/${name}`);
const relativeTrick = fc
  .array(
    fc.constantFrom(
      '..',
      '.',
      'a',
      'x.json',
      'p.cnn.json',
      '%2e%2e',
      '~',
      '',
      '\u0000',
      'a\u0000b',
      ' ',
      'CON',
      '…',
      '\\..',
    ),
    {
      minLength: 1,
      maxLength: 5,
    },
  )
  .map((parts) => parts.join('/'));
const path = fc.oneof(
  foreignPath,
  relativeTrick,
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constant('x'.repeat(5000)),
);
const document = fc.oneof(
  fc.constant(validDocument),
  fc.jsonValue({ maxDepth: 2 }),
  fc.record({
    ...Object.fromEntries(Object.entries(validDocument).map(([k, v]) => [k, fc.constant(v)])),
    name: fc.jsonValue({ maxDepth: 1 }),
  }),
);
const call = fc.oneof(
  fc.tuple(fc.constant('saveProject'), fc.tuple(path, document)),
  fc.tuple(
    fc.constant('saveProject'),
    fc.tuple(path, document, fc.constantFrom({}, { overwrite: false }, null, 'yes')),
  ),
  fc.tuple(fc.constant('openProject'), fc.tuple(path)),
  fc.tuple(fc.constant('listProjects'), fc.oneof(fc.tuple(path), fc.constant([]))),
  fc.tuple(fc.constant('saveRecovery'), fc.tuple(document)),
  fc.tuple(fc.constant('analyze'), fc.tuple(document)),
);

/** Signs of an internal error leaking: Node error codes and messages, stacks, our temporary names. */
const RAW_ERROR_TEXT =
  /\b(E[A-Z]{3,}):|\n\s+at |node:internal|is not a function|Cannot read propert|cnnstudio-tmp|\.tmp\b/;

describe('project files over the wire under random calls', () => {
  it('answers in words and touches nothing outside the data folder', async () => {
    const before = await snapshot(outside);
    const [editor, engine] = createMemoryTransportPair();
    serveApi(engine, host);
    const replies = new Map<number, { error?: { name: string; message: string } }>();
    editor.onMessage((message) => {
      const reply = message as { id: number; error?: { name: string; message: string } };
      replies.set(reply.id, reply);
    });
    let id = 0;

    await fc.assert(
      fc.asyncProperty(call, async ([method, params]) => {
        const requestId = ++id;
        editor.send({ type: 'request', id: requestId, method, params });
        for (let wait = 0; !replies.has(requestId) && wait < 200; wait++)
          await new Promise((r) => setTimeout(r, 5));
        const reply = replies.get(requestId);
        expect(reply, `${method} was answered`).toBeDefined();
        if (reply?.error) {
          expect(reply.error.message).not.toMatch(RAW_ERROR_TEXT);
          expect(reply.error.message).not.toContain(SECRET);
          expect(reply.error.name).not.toMatch(/^(Error|TypeError|RangeError|SyntaxError)$/);
        }
      }),
      { seed, numRuns: 250 },
    );

    // Files outside the data folder: every one there before is unchanged; a new one can only
    // be a whole project (a full path is a person's choice of where to save), never a
    // temporary or a partial file.
    const after = await snapshot(outside);
    for (const [file, content] of before) expect(after.get(file), file).toBe(content);
    for (const [file, content] of after) {
      if (before.has(file)) continue;
      expect(file).toMatch(/\.json$/);
      expect(JSON.parse(content)).toMatchObject({ format: GRAPH_FORMAT });
    }
    const strays = [...(await snapshot(root)).keys()].filter(
      (file) => !file.startsWith('data/') && !file.startsWith('outside/'),
    );
    expect(strays.every((file) => file.endsWith('.json'))).toBe(true);
    const leftovers = [...(await snapshot(root)).keys()].filter((file) => isTemporaryName(basename(file)));
    expect(leftovers).toEqual([]); // failed writes removed their temporary files
  }, 30_000);
});
