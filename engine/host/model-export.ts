/**
 * Export and import as the engine host offers them (the `ExportModule` of engine-modules):
 * code from engine/export, plus what needs tfjs itself — the TensorFlow.js model files and
 * trained weights converted to PyTorch's layout.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { compileGraph } from '../compile/compile';
import { exportCode } from '../export/index';
import { GRAPH_METADATA_KEY, type ImportOptions } from '../export/import-keras';
import { exportOnnx, modelWeightSource } from '../export/onnx/export';
import { findLeafLayer } from '../export/model-layers';
import { planExport } from '../export/plan';
import { flattenPermutation, torchWeightTargets, type TorchWeightTarget } from '../export/pytorch-weights';
import type { GraphDocument } from '../graph/document';
import type { ExportedFile, ExportTarget } from '../protocol/api';
import { MODEL_FILE, readModelWeights, WEIGHTS_FILE, writeModelFiles } from '../train/model-files';
import { importForEditor, type EditorImport, type ModelFile } from './import-model';

type Tf = typeof tfjs;

export interface ExportOptions {
  /** A finished run's saved model (model.json + weights.bin); null exports fresh weights. */
  modelDir: string | null;
  /** The tfjs to use; the engine's chosen backend by default. */
  tf?: Tf;
}

async function engineTf(options: ExportOptions): Promise<Tf> {
  if (options.tf) return options.tf;
  const { selectBackend } = await import('../backends/select');
  return (await selectBackend()).tf;
}

const utf8 = (path: string, content: string): ExportedFile => ({ path, content, encoding: 'utf8' });
const binary = (path: string, bytes: Uint8Array): ExportedFile => ({
  path,
  content: Buffer.from(bytes).toString('base64'),
  encoding: 'base64',
});

/** Builds the graph's model with the run's weights (or fresh ones) and hands it to `use`. */
async function withModel<T>(
  graph: GraphDocument,
  options: ExportOptions,
  use: (tf: Tf, model: tfjs.LayersModel) => Promise<T>,
): Promise<T> {
  const tf = await engineTf(options);
  const model = compileGraph(tf, graph);
  try {
    if (options.modelDir) await readModelWeights(tf, model, options.modelDir);
    return await use(tf, model);
  } finally {
    model.dispose();
  }
}

/** model.json (with the graph document in its metadata, so re-import is exact) and weights.bin. */
async function tfjsFiles(graph: GraphDocument, options: ExportOptions): Promise<ExportedFile[]> {
  let dir = options.modelDir;
  let temporary: string | null = null;
  if (!dir) {
    temporary = await mkdtemp(join(tmpdir(), 'cnn-studio-export-'));
    dir = temporary;
    await withModel(graph, options, (tf, model) => writeModelFiles(tf, model, temporary!));
  }
  try {
    const modelJson = JSON.parse(await readFile(join(dir, MODEL_FILE), 'utf8')) as Record<string, unknown>;
    modelJson.userDefinedMetadata = {
      ...(modelJson.userDefinedMetadata as object),
      [GRAPH_METADATA_KEY]: graph,
    };
    return [
      utf8(MODEL_FILE, JSON.stringify(modelJson)),
      binary(WEIGHTS_FILE, await readFile(join(dir, WEIGHTS_FILE))),
    ];
  } finally {
    if (temporary) await rm(temporary, { recursive: true, force: true });
  }
}

/** Re-lays one layer's tfjs weights as PyTorch `state_dict` entries. */
function torchTensors(
  target: TorchWeightTarget,
  weights: Float32Array[],
  shapes: number[][],
): Array<{ key: string; shape: number[]; data: Float32Array }> {
  const perm = target.flattenedFrom ? flattenPermutation(target.flattenedFrom) : null;
  const permuted = (values: Float32Array): Float32Array =>
    perm ? Float32Array.from(perm, (from) => values[from]) : values;
  const key = (name: string) => `${target.torchModule}.${name}`;
  if (target.kind === 'bn') {
    const [gamma, beta, mean, variance] = weights.map(permuted);
    return [
      { key: key('weight'), shape: [gamma.length], data: gamma },
      { key: key('bias'), shape: [beta.length], data: beta },
      { key: key('running_mean'), shape: [mean.length], data: mean },
      { key: key('running_var'), shape: [variance.length], data: variance },
    ];
  }
  const [kernel, bias] = weights;
  const out: Array<{ key: string; shape: number[]; data: Float32Array }> = [];
  if (target.kind === 'conv') {
    const [kh, kw, cin, cout] = shapes[0];
    const data = new Float32Array(kernel.length);
    for (let o = 0; o < cout; o++)
      for (let i = 0; i < cin; i++)
        for (let y = 0; y < kh; y++)
          for (let x = 0; x < kw; x++)
            data[((o * cin + i) * kh + y) * kw + x] = kernel[((y * kw + x) * cin + i) * cout + o];
    out.push({ key: key('weight'), shape: [cout, cin, kh, kw], data });
  } else {
    const [units, outputs] = shapes[0];
    const data = new Float32Array(kernel.length);
    for (let o = 0; o < outputs; o++)
      for (let t = 0; t < units; t++) data[o * units + t] = kernel[(perm ? perm[t] : t) * outputs + o];
    out.push({ key: key('weight'), shape: [outputs, units], data });
  }
  if (bias) out.push({ key: key('bias'), shape: [bias.length], data: bias });
  return out;
}

/** weights.json + weights.bin that model.py's `load_weights` reads. */
async function torchWeightFiles(graph: GraphDocument, options: ExportOptions): Promise<ExportedFile[]> {
  const targets = torchWeightTargets(planExport(graph));
  return withModel(graph, options, async (_tf, model) => {
    const entries: Array<{ key: string; shape: number[]; offset: number }> = [];
    const chunks: Float32Array[] = [];
    let offset = 0;
    for (const target of targets) {
      const layer = findLeafLayer<tfjs.layers.Layer>(model, target.tfjsLayer);
      if (!layer)
        throw new Error(
          `internal: the compiled model has no layer "${target.tfjsLayer}" for ${target.torchModule}`,
        );
      const values = layer.getWeights();
      const tensors = torchTensors(
        target,
        values.map((v) => v.dataSync() as Float32Array),
        values.map((v) => v.shape),
      );
      for (const tensor of tensors) {
        entries.push({ key: tensor.key, shape: tensor.shape, offset });
        chunks.push(tensor.data);
        offset += tensor.data.length;
      }
    }
    const flat = new Float32Array(offset);
    let at = 0;
    for (const chunk of chunks) {
      flat.set(chunk, at);
      at += chunk.length;
    }
    const manifest = { format: 'cnn-studio-torch-weights', version: 1, model: graph.name, tensors: entries };
    return [
      utf8('weights.json', JSON.stringify(manifest, null, 1)),
      binary('weights.bin', new Uint8Array(flat.buffer)),
    ];
  });
}

/** model.onnx (opset 13, NCHW input) with the run's weights, or freshly initialised ones. */
async function onnxFiles(graph: GraphDocument, options: ExportOptions): Promise<ExportedFile[]> {
  return withModel(graph, options, async (_tf, model) => [
    binary('model.onnx', exportOnnx(graph, modelWeightSource(model))),
  ]);
}

/**
 * Files for `target`. PyTorch with a trained model adds its weights; TensorFlow.js and ONNX
 * are the model itself (trained weights when there is a run, fresh ones otherwise).
 */
export async function exportModel(
  graph: GraphDocument,
  target: ExportTarget,
  options: ExportOptions,
): Promise<ExportedFile[]> {
  if (target === 'tfjs') return tfjsFiles(graph, options);
  if (target === 'onnx') return onnxFiles(graph, options);
  const files = exportCode(graph, target);
  if (target === 'pytorch' && options.modelDir) files.push(...(await torchWeightFiles(graph, options)));
  return files;
}

/** Exports fresh or trained weights for PyTorch regardless of a run (tests, CLI `--weights`). */
export { torchWeightFiles };

/** Imports model files for the editor, weights saved as a finished run (engine/host/import-model.ts). */
export async function importModel(
  files: readonly ModelFile[],
  options: ImportOptions,
  dataDir: string,
  tf?: Tf,
): Promise<EditorImport> {
  return importForEditor(tf ?? (await engineTf({ modelDir: null })), files, options, dataDir);
}
