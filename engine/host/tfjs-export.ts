/**
 * TensorFlow.js export: a graph as `model.json` + `weights.bin`, the standard tfjs layers
 * format. With a run, the run's trained model files; without, the graph compiled with its
 * initial (untrained) weights. Either way the graph itself rides along in
 * `userDefinedMetadata.cnnStudioGraph`, so importing the file back gives the exact graph.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GraphDocument } from '../graph/document';
import type { ExportedFile } from '../protocol/api';

/** Key under `userDefinedMetadata` the importer (engine/export/import-keras.ts) reads back. */
const GRAPH_METADATA_KEY = 'cnnStudioGraph';

interface ModelJson {
  weightsManifest?: Array<{ paths: string[] }>;
  userDefinedMetadata?: Record<string, unknown>;
  [key: string]: unknown;
}

/** The files of a tfjs model folder, with the graph embedded in model.json. */
export async function readTfjsModelFiles(dir: string, document: GraphDocument): Promise<ExportedFile[]> {
  const modelJson = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as ModelJson;
  modelJson.userDefinedMetadata = { ...modelJson.userDefinedMetadata, [GRAPH_METADATA_KEY]: document };
  const weightFiles = [...new Set((modelJson.weightsManifest ?? []).flatMap((group) => group.paths))];
  const weights = await Promise.all(
    weightFiles.map(async (path): Promise<ExportedFile> => {
      if (path.includes('/') || path.includes('\\') || path.startsWith('.')) throw new Error(`model.json in ${dir} names an unexpected weights path '${path}'`);
      return { path, content: (await readFile(join(dir, path))).toString('base64'), encoding: 'base64' };
    }),
  );
  return [{ path: 'model.json', content: JSON.stringify(modelJson), encoding: 'utf8' }, ...weights];
}

/**
 * Exports `document` for TensorFlow.js: from `modelDir` (a finished run's model) when
 * given, else freshly compiled (untrained weights).
 */
export async function exportTfjsModel(document: GraphDocument, options: { modelDir: string | null }): Promise<ExportedFile[]> {
  if (options.modelDir) return readTfjsModelFiles(options.modelDir, document);
  const [{ selectBackend }, { compileGraph }, { writeModelFiles }] = await Promise.all([import('../backends/select'), import('../compile/compile'), import('../train/model-files')]);
  const { tf } = await selectBackend();
  const model = compileGraph(tf, document);
  const dir = await mkdtemp(join(tmpdir(), 'cnn-studio-tfjs-'));
  try {
    await writeModelFiles(tf, model, dir);
    return await readTfjsModelFiles(dir, document);
  } finally {
    model.dispose();
    await rm(dir, { recursive: true, force: true });
  }
}
