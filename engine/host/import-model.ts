/**
 * Importing a model with its weights, as the CLI and the engine host do it: picks the
 * topology (model.json, Keras JSON, or a `.h5` file's `model_config`), imports it
 * (engine/export/import-keras.ts), checks it (import-repair.ts), reads the weights — the
 * shards a model.json's `weightsManifest` names, when they are among the files, or the
 * `.h5` file's — and saves them as ordinary model files through the imported-weights
 * carrier (engine/export/imported-weights.ts).
 */
import { mkdir, rm } from 'node:fs/promises';
import type * as tfjs from '@tensorflow/tfjs';
import { compileGraph } from '../compile/compile';
import {
  importLayersModel,
  kerasModelConfig,
  ModelImportError,
  type ImportOptions,
  type ImportResult,
  CHANNELS_FIRST_FLATTEN_META_KEY,
  EDITOR_GROUPS_META_KEY,
  IMPORT_GROUPS_META_KEY,
} from '../export/import-keras';
import {
  applyImportedWeights,
  IMPORTED_WEIGHTS_META_KEY,
  type ImportedWeightsRef,
  groupWeightsByLayer,
  layersByNode,
  weightsForNodes,
  WeightMismatchError,
  type ImportedTensor,
  type ImportedWeights,
} from '../export/imported-weights';
import { checkImportedGraph, type CheckedImport } from '../export/import-repair';
import { readKerasArchive } from '../export/keras-archive';
import { nameKerasThreeWeights, readKerasH5 } from '../export/keras-h5';
import { importOnnxModel } from '../export/onnx/import';
import { analyzeGraph } from '../graph/analyze';
import { foldBlocks, foldWeights, type Fold } from '../graph/fold';
import type { GraphDocument } from '../graph/document';
import type { RunRecord } from '../protocol/api';
import { writeModelFiles } from '../train/model-files';
import { newRunId, runPaths } from '../train/run-store';

type Tf = typeof tfjs;

/** One file the person gave: model.json, its weight shards, a `.h5`. */
export interface ModelFile {
  /** The file's name (a path's last part is what a manifest's `paths` are matched with). */
  name: string;
  bytes: Uint8Array;
}

/** A checked import and the weights read for its nodes (null: the files held no weights). */
export interface ImportedModel extends CheckedImport {
  unmapped: string[];
  /** Heads to choose from when the model has several outputs. */
  outputs: string[];
  weights: ImportedWeights | null;
  /** The file(s) the weights came from, e.g. `group1-shard1of2.bin, group1-shard2of2.bin`. */
  weightsSource: string | null;
  /** Layers whose weights have no node (a layer left out): their weights are not used. */
  unusedWeights: string[];
}

const baseName = (path: string): string => path.split(/[\\/]/).pop() ?? path;
const isH5 = (name: string): boolean => /\.(h5|hdf5|keras\.h5)$/i.test(name);

const toArrayBuffer = (bytes: Uint8Array): ArrayBuffer =>
  bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;

/** The model.json / Keras JSON among the files (the one JSON that is not metadata). */
function topologyFile(files: readonly ModelFile[]): ModelFile | null {
  const json = files.filter((file) => /\.json$/i.test(file.name));
  if (json.length <= 1) return json[0] ?? null;
  const named = json.find((file) => baseName(file.name).toLowerCase() === 'model.json');
  if (named) return named;
  throw new ModelImportError(
    `give one model JSON file, not ${json.length} (${json.map((f) => baseName(f.name)).join(', ')})`,
  );
}

/**
 * The tensors of a tfjs model.json's manifest, from shards among `files`; null when none of
 * its shards were given (a topology-only import).
 *
 * @throws ModelImportError naming a shard that is missing or too short.
 */
function manifestTensors(tf: Tf, result: ImportResult, files: readonly ModelFile[]): ImportedTensor[] | null {
  const manifest = result.weightsManifest;
  if (!manifest || manifest.every((group) => group.weights.length === 0)) return null;
  const byName = new Map(files.map((file) => [baseName(file.name), file]));
  const shards = manifest.flatMap((group) => group.paths.map(baseName));
  const present = shards.filter((shard) => byName.has(shard));
  if (present.length === 0) return null;
  const missing = shards.filter((shard) => !byName.has(shard));
  if (missing.length > 0)
    throw new ModelImportError(
      `the weights manifest names ${shards.length} shard file(s); missing: ${missing.join(', ')} (give all of them, or none for the topology alone)`,
    );
  const tensors: ImportedTensor[] = [];
  manifest.forEach((group, g) => {
    const parts = group.paths.map((path) => byName.get(baseName(path))!.bytes);
    const total = parts.reduce((sum, part) => sum + part.byteLength, 0);
    const joined = new Uint8Array(total);
    let offset = 0;
    for (const part of parts) {
      joined.set(part, offset);
      offset += part.byteLength;
    }
    const specs = group.weights.map((weight, i) => ({
      ...weight,
      name: `#${i}`,
    })) as tfjs.io.WeightsManifestEntry[];
    let decoded: tfjs.NamedTensorMap;
    try {
      decoded = tf.io.decodeWeights(joined.buffer, specs);
    } catch (error) {
      throw new ModelImportError(
        `weightsManifest[${g}]: the shard(s) ${group.paths.join(', ')} (${total} bytes) do not hold the tensors it lists: ${(error as Error).message}`,
      );
    }
    group.weights.forEach((weight, i) => {
      const tensor = decoded[`#${i}`];
      tensors.push({ name: weight.name, shape: weight.shape, values: Float32Array.from(tensor.dataSync()) });
      tensor.dispose();
    });
  });
  return tensors;
}

/**
 * Reorders the kernel rows of each Dense that follows a Flatten of a channels-first model:
 * Keras flattened channels × height × width, CNN Studio flattens height × width × channels.
 */
function reorderChannelsFirstDense(document: GraphDocument, weights: ImportedWeights): void {
  const flattens = document.meta[CHANNELS_FIRST_FLATTEN_META_KEY];
  if (!Array.isArray(flattens)) return;
  const analysis = analyzeGraph(document);
  for (const flattenId of flattens as string[]) {
    const into = document.edges.find((edge) => edge.target === flattenId);
    const shape = into ? analysis.nodes[into.source]?.outputShape : null;
    if (!shape || shape.length !== 3) continue;
    const [h, w, c] = shape;
    for (const edge of document.edges.filter((e) => e.source === flattenId)) {
      const kernel = weights.get(edge.target)?.[0];
      if (!kernel || kernel.shape.length !== 2 || kernel.shape[0] !== h * w * c) continue;
      const units = kernel.shape[1];
      const reordered = new Float32Array(kernel.values.length);
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++)
          for (let ch = 0; ch < c; ch++) {
            const ours = ((y * w + x) * c + ch) * units;
            const theirs = ((ch * h + y) * w + x) * units;
            reordered.set(kernel.values.subarray(theirs, theirs + units), ours);
          }
      kernel.values = reordered;
    }
  }
}

/** The node that makes each tfjs layer of `graph`'s compiled model, by layer name. */
function compiledLayerOwners(tf: Tf, graph: GraphDocument): Map<string, string> {
  const layerOwners = new Map<string, string>();
  compileGraph(tf, graph, { layerOwners }).dispose();
  return layerOwners;
}

/**
 * An ONNX file (engine/export/onnx/import.ts) with its initializers as weights. An op with
 * no node is a problem too: the graph is wired through it, but it is not the file's model.
 */
function importOnnxFile(file: ModelFile, options: ImportOptions): ImportedModel {
  const result = importOnnxModel(file.bytes, options);
  const checked = checkImportedGraph(result.document);
  const leftOut = result.unmapped.map((line) => `ONNX op ${line} (left out: the graph is wired through it)`);
  return {
    ...checked,
    problems: [...leftOut, ...checked.problems],
    unmapped: result.unmapped,
    outputs: [],
    weights: result.weights.size > 0 ? result.weights : null,
    weightsSource: result.weights.size > 0 ? baseName(file.name) : null,
    unusedWeights: [],
  };
}

/** Import choices, and whether to fold the book's blocks (default: yes). */
export interface ImportFilesOptions extends ImportOptions {
  /** Recognise blocks (bottleneck, inverted residual, …) and fold them; false keeps one node per layer. */
  fold?: boolean;
}

/**
 * Imports the files the person gave and reads the weights for the graph's nodes; the book's
 * blocks are folded (engine/graph/fold.ts) unless `options.fold` is false.
 *
 * @throws ModelImportError (or its InputSizeNeededError) when the files are not a model.
 */
export function importModelFiles(
  tf: Tf,
  files: readonly ModelFile[],
  options: ImportFilesOptions = {},
): ImportedModel {
  const imported = importFlat(tf, files, options);
  if (options.fold === false || !imported.document || imported.problems.length > 0) return imported;
  const { document, folds } = foldBlocks(imported.document);
  if (folds.length === 0) return imported;
  return {
    ...imported,
    document: regroup(document, folds),
    // A folded block takes its inner layers' weights, in the order its layers are made.
    weights: imported.weights ? foldWeights(imported.weights, folds) : null,
  };
}

/** Group members (`meta.editorGroups`, `meta.importGroups`) after folding: a folded layer is its block. */
function regroup(document: GraphDocument, folds: readonly Fold[]): GraphDocument {
  const blockOf = new Map(
    folds.flatMap((fold) => Object.values(fold.inner).map((flat): [string, string] => [flat, fold.blockId])),
  );
  const meta = { ...document.meta };
  for (const key of [EDITOR_GROUPS_META_KEY, IMPORT_GROUPS_META_KEY]) {
    const groups = meta[key];
    if (!Array.isArray(groups)) continue;
    meta[key] = (groups as Array<{ nodeIds: string[] }>).map((group) => ({
      ...group,
      nodeIds: [...new Set(group.nodeIds.map((id) => blockOf.get(id) ?? id))],
    }));
  }
  return { ...document, meta };
}

/** The import, one node per layer. */
function importFlat(tf: Tf, files: readonly ModelFile[], options: ImportOptions): ImportedModel {
  const onnx = files.find((file) => /\.onnx$/i.test(file.name));
  if (onnx) return importOnnxFile(onnx, options);
  const archive = files.find((file) => /\.keras$/i.test(file.name)) ?? null;
  const h5 = archive ? null : (files.find((file) => isH5(file.name)) ?? null);
  const json = archive ? null : topologyFile(files);
  let h5Tensors: ImportedTensor[] | null = null;
  let topology: unknown;
  if (archive) {
    const read = readKerasArchive(archive.bytes, baseName(archive.name));
    topology = read.modelConfig;
    h5Tensors = read.tensors;
  } else if (h5) {
    const read = readKerasH5(toArrayBuffer(h5.bytes), baseName(h5.name));
    topology = json ? new TextDecoder().decode(json.bytes) : read.modelConfig;
    if (topology === null)
      throw new ModelImportError(
        `${baseName(h5.name)} holds weights only (no model_config): give the model's JSON (model.to_json()) with it`,
      );
    h5Tensors =
      read.layout === 'keras3'
        ? nameKerasThreeWeights(read.tensors, kerasModelConfig(topology))
        : read.tensors;
  } else if (json) {
    topology = new TextDecoder().decode(json.bytes);
  } else {
    throw new ModelImportError('give a model.json, a Keras JSON file, a Keras .h5 file or a .keras archive');
  }
  const result = importLayersModel(topology, options);
  const checked = checkImportedGraph(result.document);
  const tensors = h5Tensors ?? manifestTensors(tf, result, files);
  const base = { ...checked, unmapped: result.unmapped, outputs: result.outputs };
  if (!tensors || tensors.length === 0)
    return { ...base, weights: null, weightsSource: null, unusedWeights: [] };
  // A model.json CNN Studio exported holds its graph: its weights are named after the
  // compiled layers, whose nodes compiling the graph tells.
  const nodeOfLayer =
    result.nodeOfLayer.size === 0 && checked.document
      ? compiledLayerOwners(tf, checked.document)
      : result.nodeOfLayer;
  // Keras 2 .h5 names carry the layer group first; a nested model's carry the inner layer last.
  const layerOf = (tensor: ImportedTensor): string => {
    const parts = tensor.name.replace(/:\d+$/, '').split('/');
    const candidates = [parts[parts.length - 2], parts[0]].filter((part) => part !== undefined);
    return candidates.find((part) => nodeOfLayer.has(part)) ?? candidates[0] ?? tensor.name;
  };
  const { weights, unused } = weightsForNodes(groupWeightsByLayer(tensors, layerOf), nodeOfLayer);
  if (checked.document) reorderChannelsFirstDense(checked.document, weights);
  const source = archive
    ? baseName(archive.name)
    : h5
      ? baseName(h5.name)
      : (result.weightsManifest ?? []).flatMap((group) => group.paths.map(baseName)).join(', ');
  return { ...base, weights, weightsSource: source, unusedWeights: unused };
}

/**
 * Builds `graph`'s model, sets the imported weights and writes model.json + weights.bin
 * into `dir` (created if missing): the files runs, Evaluate and export read.
 *
 * @throws WeightMismatchError naming the weight that does not fit the graph.
 */
export async function saveImportedWeights(
  tf: Tf,
  graph: GraphDocument,
  weights: ImportedWeights,
  dir: string,
): Promise<void> {
  const layerOwners = new Map<string, string>();
  const model = compileGraph(tf, graph, { layerOwners });
  try {
    applyImportedWeights(tf, layersByNode(model, layerOwners), weights);
    await mkdir(dir, { recursive: true });
    await writeModelFiles(tf, model, dir);
  } finally {
    model.dispose();
  }
}

/** What the engine host gets from an import in the editor. */
export interface EditorImport {
  document: GraphDocument | null;
  problems: string[];
  unmapped: string[];
  outputs: string[];
  /** The finished run that now holds the imported weights (to register), or null. */
  weightsRun: RunRecord | null;
}

/**
 * Imports for the editor: with weights, saves them as the model of a new finished run in
 * `dataDir` (named in the graph's `meta.importedWeights`) and returns its record, which the
 * host hands to the run manager. A graph with problems gets no run.
 *
 * @throws ModelImportError / InputSizeNeededError for files that are not a model as given;
 *   WeightMismatchError naming a weight that does not fit (nothing is kept).
 */
export async function importForEditor(
  tf: Tf,
  files: readonly ModelFile[],
  options: ImportOptions,
  dataDir: string,
): Promise<EditorImport> {
  const imported = importModelFiles(tf, files, options);
  const { document, problems, unmapped, outputs, weights } = imported;
  if (!document || problems.length > 0 || !weights)
    return { document, problems, unmapped, outputs, weightsRun: null };
  const runId = newRunId();
  const paths = runPaths(dataDir, runId);
  try {
    await saveImportedWeights(tf, document, weights, paths.model);
  } catch (error) {
    await rm(paths.dir, { recursive: true, force: true });
    throw error;
  }
  const ref: ImportedWeightsRef = { runId, source: imported.weightsSource ?? 'the model files' };
  const graph: GraphDocument = { ...document, meta: { ...document.meta, [IMPORTED_WEIGHTS_META_KEY]: ref } };
  const weightsRun: RunRecord = {
    id: runId,
    name: `Imported weights: ${document.name}`,
    startedAt: new Date().toISOString(),
    status: 'done',
    graph,
    training: graph.training,
    datasetId: graph.training.dataset,
    backend: null,
    epochs: [],
    result: null,
    error: null,
    resumable: false,
  };
  return { document: graph, problems, unmapped, outputs, weightsRun };
}

export { WeightMismatchError };
