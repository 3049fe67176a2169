/**
 * What an import hands back is checked the way CNN Studio reads a file: the imported
 * graph is serialized, loaded (`loadGraphDocument`) and analyzed (`analyzeGraph`). What
 * can be repaired without guessing is repaired and named — a layer with no name gets one,
 * a value Keras has a default for gets that default — and everything still wrong is
 * listed, so nobody writes or opens a graph CNN Studio would refuse without being told.
 */
import { analyzeGraph } from '../graph/analyze';
import { IMPORT_OUTPUTS_META_KEY } from './import-keras';
import { describeValue } from '../graph/describe';
import type { GraphDocument, GraphNode, ParamValue, Params } from '../graph/document';
import { describeIssues, GraphLoadError } from '../graph/errors';
import { loadGraphDocument } from '../graph/load';
import { MAX_NAME_LENGTH } from '../graph/schema';
import { serializeGraphDocument } from '../graph/serialize';
import { resolveParams } from '../nodes/params';
import { getNodeType } from '../nodes/registry';
import type { ParamSpec } from '../nodes/types';

/** Key under the document's `meta` where the repairs of its import are kept. */
export const IMPORT_REPAIRS_META_KEY = 'importRepairs';

export interface CheckedImport {
  /**
   * The graph as it would be written: loaded back from its own serialized text, with the
   * repairs applied and listed under `meta.importRepairs`. `null` when even the repaired
   * graph cannot be read as a CNN Studio file (then `problems` says why).
   */
  document: GraphDocument | null;
  /** One sentence per repair, e.g. `layer 3 (Dense) had no name: named dense_3`. */
  repairs: string[];
  /** What is still wrong, one line each (at most about 20, then a count); empty when valid. */
  problems: string[];
}

/**
 * Values Keras uses when a layer's config leaves a setting out, by our node type and
 * param (a function where the default depends on other params). A param missing here has
 * no Keras default (filters, units, a dropout rate, an input size): it cannot be repaired.
 */
const KERAS_DEFAULTS: Record<string, Record<string, (params: Params) => ParamValue>> = {
  conv2d: {
    strides: () => 1,
    dilation: () => 1,
    padding: () => 'valid',
    activation: () => 'none',
    useBias: () => true,
  },
  maxPool2d: { poolSize: () => 2, strides: (p) => p.poolSize ?? 2, padding: () => 'valid' },
  avgPool2d: { poolSize: () => 2, strides: (p) => p.poolSize ?? 2, padding: () => 'valid' },
  batchNorm: { momentum: () => 0.99, epsilon: () => 1e-3 },
  dense: { activation: () => 'none', useBias: () => true },
  activation: { alpha: (p) => (p.fn === 'elu' ? 1 : 0.3) },
};

/**
 * Checks an imported graph as CNN Studio will read it, repairing what has one right answer.
 *
 * @example
 * const { document, repairs, problems } = checkImportedGraph(importLayersModel(text).document);
 * // repairs: ['layer 3 (Dense) had no name: named dense_3']
 * // problems: ['node conv1: filters is missing in the model, and Keras has no default for it …']
 */
export function checkImportedGraph(imported: GraphDocument): CheckedImport {
  const repairs: string[] = [];
  const unrecoverable: string[] = [];
  // What the importer already converted (channels_first, an input size given) stays listed first.
  const earlier = imported.meta?.[IMPORT_REPAIRS_META_KEY];
  const notes = Array.isArray(earlier)
    ? earlier.filter((line): line is string => typeof line === 'string')
    : [];
  const nodes = repairIds(imported.nodes, repairs);
  const renamed = new Map(nodes.map((node, i) => [imported.nodes[i].id, node.id]));
  const edges = imported.edges.map((edge, i) => {
    const id = isUsableName(edge.id) ? edge.id : `e${i + 1}`;
    if (id !== edge.id) repairs.push(`edge ${i + 1} had no id: named ${id}`);
    return {
      ...edge,
      id,
      source: renamed.get(edge.source) ?? edge.source,
      target: renamed.get(edge.target) ?? edge.target,
    };
  });
  for (const node of nodes) node.params = repairParams(node, repairs, unrecoverable);

  const candidate: GraphDocument = {
    ...imported,
    name: typeof imported.name === 'string' ? imported.name : 'Imported model',
    nodes,
    edges,
    meta:
      repairs.length > 0
        ? { ...imported.meta, [IMPORT_REPAIRS_META_KEY]: [...notes, ...repairs] }
        : imported.meta,
  };
  let document: GraphDocument;
  try {
    document = loadGraphDocument(serializeGraphDocument(candidate));
  } catch (error) {
    if (!(error instanceof GraphLoadError)) throw error;
    return { document: null, repairs, problems: [...unrecoverable, error.message] };
  }
  const analysis = analyzeGraph(document);
  const errors = analysis.issues.filter((issue) => issue.severity === 'error');
  const heads = headsToChooseFrom(document);
  const choose =
    heads.length > 1
      ? [
          `the model has ${heads.length} outputs (${heads.join(', ')}): choose the head to train (cnn-studio import --output <layer>, or Output in the Import dialog)`,
        ]
      : [];
  return { document, repairs, problems: [...choose, ...unrecoverable, ...describeIssues(errors)] };
}

/** The output nodes of a model imported with several outputs and no head chosen yet. */
export function headsToChooseFrom(document: GraphDocument): string[] {
  const marker = document.meta[IMPORT_OUTPUTS_META_KEY];
  if (typeof marker !== 'object' || marker === null) return [];
  const { outputs, chosen } = marker as { outputs?: unknown; chosen?: unknown };
  if (typeof chosen === 'string' || !Array.isArray(outputs)) return [];
  const present = new Set(document.nodes.map((node) => node.id));
  const heads = outputs.filter((id): id is string => typeof id === 'string' && present.has(id));
  // Once the person has deleted all heads but one in the editor, the choice is made.
  return heads.length > 1 ? heads : [];
}

function isUsableName(id: unknown): id is string {
  return typeof id === 'string' && id.trim() !== '' && id.length <= MAX_NAME_LENGTH;
}

/** Copies of the nodes, each with a usable unique id (`dense_3` for the third node, a Dense). */
function repairIds(list: readonly GraphNode[], repairs: string[]): GraphNode[] {
  const taken = new Set(list.map((node) => node.id).filter(isUsableName));
  return list.map((node, index) => {
    if (isUsableName(node.id)) return { ...node, params: { ...node.params } };
    let id = `${node.type.toLowerCase()}_${index + 1}`;
    for (let n = 2; taken.has(id); n++) id = `${node.type.toLowerCase()}_${index + 1}_${n}`;
    taken.add(id);
    const what =
      node.id === '' || typeof node.id !== 'string'
        ? 'had no name'
        : `had the name ${describeValue(node.id)}`;
    repairs.push(`layer ${index + 1} (${getNodeType(node.type)?.label ?? node.type}) ${what}: named ${id}`);
    return { ...node, id, params: { ...node.params } };
  });
}

/**
 * The node's params with every missing or unreadable value (null, NaN, a wrong type) set:
 * to Keras's default where there is one (a repair), else to CNN Studio's default, which is
 * then listed in `unrecoverable` because the model's value is lost.
 */
function repairParams(node: GraphNode, repairs: string[], unrecoverable: string[]): Params {
  const definition = getNodeType(node.type);
  if (!definition) return node.params;
  const params = { ...node.params };
  const broken = definition.params.filter((spec) => !readable(spec, params[spec.name]));
  for (const spec of broken) delete params[spec.name];
  const ours = resolveParams(definition, params);
  for (const spec of broken) {
    const was = node.params[spec.name];
    const how =
      was === undefined || was === null || typeof was === 'number'
        ? 'was missing'
        : `was ${describeValue(was)}`;
    const kerasDefault = KERAS_DEFAULTS[node.type]?.[spec.name];
    if (kerasDefault) {
      params[spec.name] = kerasDefault({ ...ours, ...params });
      repairs.push(
        `${node.id}.${spec.name} ${how}: used the Keras default ${describeValue(params[spec.name])}`,
      );
    } else {
      params[spec.name] = ours[spec.name];
      unrecoverable.push(
        `node ${node.id}: ${spec.name} ${how} in the model, and Keras has no default for it (CNN Studio's default ${describeValue(ours[spec.name])} stands in; set the real value)`,
      );
    }
  }
  return params;
}

/** Whether `value` is a present, finite value of the JSON type `spec` takes (ranges are analysis's job). */
function readable(spec: ParamSpec, value: unknown): boolean {
  const finite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  switch (spec.kind) {
    case 'int':
    case 'float':
      return finite(value);
    case 'bool':
      return typeof value === 'boolean';
    case 'choice':
      return typeof value === 'string';
    case 'padding':
      return typeof value === 'string' || finite(value);
    case 'intPair':
      return Array.isArray(value) && value.every(finite);
    case 'size':
      return finite(value) || (Array.isArray(value) && value.length === 2 && value.every(finite));
  }
}
