/**
 * Blocks a person makes from their own layers (the editor's "Make block"): a definition is a
 * subgraph with one input and one output, the inner params the person chose to expose (a
 * name, a default, bounds) and, on every instance, a repeat count (ResNet's stages of N
 * residual blocks). A definition becomes an ordinary node type through `defineComposite`,
 * the mechanism the built-in blocks use, so shape rules, counts, compile and training need
 * no second implementation; only the code export (a PyTorch class, a Keras function per
 * definition) is written in user-block-export.ts.
 *
 * Definitions travel in the graph document (`blocks`) and in the user library file; the
 * registry learns them through user-block-registry.ts.
 */
import type { Params, ParamValue, Shape } from '../graph/document';
import { defineComposite, evaluateSubgraph, type InnerTypeLookup } from './block';
import { userBlockExportRules } from './user-block-export';
import { resolveParamsFor } from './param-defaults';
import { ShapeError, type NodeTypeDefinition, type NodeTypeId, type ParamSpec, type Subgraph } from './types';

/** Every user block type id starts with this, so none can take a built-in type's id. */
export const USER_BLOCK_PREFIX = 'user.';

/** The param every user block has: how many copies of its layers run in a chain. */
export const REPEAT_PARAM = 'repeat';
/** The most copies a repeat may chain (ResNet-152's longest stage has 36). */
export const MAX_REPEAT = 64;

/** One inner layer of a definition. Ids are Python identifiers (they name modules in exports). */
export interface UserBlockNode {
  id: string;
  type: string;
  params: Params;
  label?: string;
}

/** A link between inner layers; `'$in'` is the block's input. Multi-port targets take them in order. */
export interface UserBlockEdge {
  source: string;
  target: string;
}

/** Where an exposed param goes: one param of one inner layer. */
export interface ExposedParamTarget {
  node: string;
  param: string;
}

/** The param kinds a person may expose: numbers, which generated code can take as arguments. */
export const EXPOSABLE_KINDS = ['int', 'float', 'size'] as const;
export type ExposableKind = (typeof EXPOSABLE_KINDS)[number];

/** An inner param the person made a param of the block itself. */
export interface ExposedParam {
  /** The block's param name (an identifier, not `repeat`). */
  name: string;
  label: string;
  default: ParamValue;
  /** Bounds for numbers (int, float, size); they narrow the inner param's own bounds. */
  min?: number;
  max?: number;
  /** Every inner param it sets; all of one kind (the first target's spec describes it). */
  targets: ExposedParamTarget[];
}

/** A block a person made: its own node type. */
export interface UserBlockDefinition {
  /** `user.<name>`; the palette's test id is `palette-item-<type>`. */
  type: string;
  label: string;
  doc?: string;
  /** Inner layers, each listed after the layers it reads. */
  nodes: UserBlockNode[];
  edges: UserBlockEdge[];
  /** The inner layer whose output is the block's output. */
  output: string;
  params: ExposedParam[];
  /** The input shape the block was made with: the definition editor and Keras export start from it. */
  exampleInput: number[];
}

/** An identifier safe as a Python name and a tfjs layer-name part. */
const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]*$/;
const RESERVED_IDS = new Set(['x', 'self', 'name', 'repeat', 'nn', 'F', 'torch', 'layers', 'keras']);

/**
 * Every problem of a definition, in words that name the block and the field, or [] for a
 * sound one. `lookup` finds inner types (the registry).
 */
export function userBlockProblems(def: UserBlockDefinition, lookup: InnerTypeLookup): string[] {
  const problems: string[] = [];
  const name = `block "${def.label || def.type}"`;
  if (!def.type.startsWith(USER_BLOCK_PREFIX) || !IDENTIFIER.test(def.type.slice(USER_BLOCK_PREFIX.length)))
    problems.push(
      `${name}: type "${def.type}" must be "${USER_BLOCK_PREFIX}" followed by a letter, letters, digits or _`,
    );
  if (!def.label.trim()) problems.push(`${name}: the name is empty`);
  if (def.nodes.length === 0) problems.push(`${name}: it has no layers`);
  const seen = new Set<string>(['$in']);
  for (const node of def.nodes) {
    const where = `${name}, layer "${node.id}"`;
    if (!IDENTIFIER.test(node.id) || RESERVED_IDS.has(node.id) || /^r\d+_/.test(node.id))
      problems.push(`${where}: ids are a letter then letters, digits or _ (not x, self, name, r<n>_…)`);
    if (seen.has(node.id)) problems.push(`${where}: the id is used twice`);
    const type = lookup(node.type);
    if (!type) problems.push(`${where}: unknown layer type "${node.type}"`);
    else if (node.type === 'input' || node.type.startsWith(USER_BLOCK_PREFIX))
      problems.push(
        `${where}: a block cannot hold ${node.type === 'input' ? 'an Input' : 'another block of your own'}`,
      );
    const incoming = def.edges.filter((edge) => edge.target === node.id);
    if (incoming.length === 0) problems.push(`${where}: nothing feeds it`);
    for (const edge of incoming)
      if (!seen.has(edge.source))
        problems.push(`${where}: its source "${edge.source}" is not an earlier layer of the block`);
    seen.add(node.id);
  }
  for (const edge of def.edges)
    if (!def.nodes.some((node) => node.id === edge.target))
      problems.push(`${name}: a link goes to "${edge.target}", which is not a layer of the block`);
  if (!def.nodes.some((node) => node.id === def.output))
    problems.push(`${name}: the output "${def.output}" is not a layer of the block`);
  else {
    const used = new Set([def.output]);
    for (const node of [...def.nodes].reverse())
      if (used.has(node.id)) for (const edge of def.edges) if (edge.target === node.id) used.add(edge.source);
    for (const node of def.nodes)
      if (!used.has(node.id))
        problems.push(`${name}, layer "${node.id}": it does not lead to the block's output`);
  }
  const names = new Set<string>();
  for (const param of def.params) {
    const where = `${name}, param "${param.name}"`;
    if (!IDENTIFIER.test(param.name) || param.name === REPEAT_PARAM || RESERVED_IDS.has(param.name))
      problems.push(`${where}: a param name is a letter then letters, digits or _ (not repeat, x, name)`);
    if (names.has(param.name)) problems.push(`${where}: the name is used twice`);
    if (def.nodes.some((node) => node.id === param.name))
      problems.push(`${where}: a layer of the block has this name too`);
    names.add(param.name);
    if (param.targets.length === 0) problems.push(`${where}: it sets no inner param`);
    const kinds = new Set<string>();
    for (const target of param.targets) {
      const spec = innerSpec(def, target, lookup);
      if (!spec) problems.push(`${where}: layer "${target.node}" has no param "${target.param}"`);
      else if (!(EXPOSABLE_KINDS as readonly string[]).includes(spec.kind))
        problems.push(`${where}: ${spec.kind} params cannot be exposed`);
      else kinds.add(spec.kind);
    }
    if (kinds.size > 1)
      problems.push(`${where}: its inner params are of different kinds (${[...kinds].join(', ')})`);
    if (param.min !== undefined && param.max !== undefined && param.min > param.max)
      problems.push(`${where}: the lowest value ${param.min} is above the highest ${param.max}`);
  }
  return problems;
}

function innerSpec(
  def: UserBlockDefinition,
  target: ExposedParamTarget,
  lookup: InnerTypeLookup,
): ParamSpec | undefined {
  const node = def.nodes.find((candidate) => candidate.id === target.node);
  return node ? lookup(node.type)?.params.find((spec) => spec.name === target.param) : undefined;
}

/** The block's own param schema: the exposed params (bounds narrowed), then the repeat count. */
export function userBlockParamSpecs(def: UserBlockDefinition, lookup: InnerTypeLookup): ParamSpec[] {
  const specs = def.params.map((param): ParamSpec => {
    const inner = innerSpec(def, param.targets[0], lookup);
    if (!inner) throw new Error(`block "${def.label}": param "${param.name}" sets no known inner param`);
    const doc = `Sets ${param.targets.map((t) => `${t.node}.${t.param}`).join(', ')}.`;
    const spec = { ...inner, name: param.name, label: param.label || param.name, doc } as ParamSpec;
    if (spec.kind === 'int' || spec.kind === 'float' || spec.kind === 'size') {
      const min = [spec.min, param.min].filter((v): v is number => v !== undefined);
      const max = [spec.max, param.max].filter((v): v is number => v !== undefined);
      return {
        ...spec,
        default: param.default as number,
        ...(min.length > 0 ? { min: Math.max(...min) } : {}),
        ...(max.length > 0 ? { max: Math.min(...max) } : {}),
      };
    }
    return { ...spec, default: param.default } as ParamSpec;
  });
  specs.push({
    kind: 'int',
    name: REPEAT_PARAM,
    label: 'Repeat',
    doc: 'Copies of the block chained one after another (a stage); each copy must keep its input shape.',
    default: 1,
    min: 1,
    max: MAX_REPEAT,
  });
  return specs;
}

/** One copy of the inner layers with the instance's exposed values put in. */
export function userBlockCopy(def: UserBlockDefinition, params: Params): Subgraph {
  const nodes = def.nodes.map((node) => {
    const inner: Params = { ...node.params };
    for (const param of def.params)
      for (const target of param.targets)
        if (target.node === node.id && params[param.name] !== undefined)
          inner[target.param] = params[param.name];
    return {
      id: node.id,
      type: node.type as NodeTypeId,
      params: inner,
      ...(node.label ? { label: node.label } : {}),
    };
  });
  return { nodes, edges: def.edges.map((edge) => ({ ...edge })), output: def.output };
}

/** The id an inner layer has in copy `copy` (1-based) of `copies`: unchanged when there is one. */
export function repeatedId(id: string, copy: number, copies: number): string {
  return copies === 1 ? id : `r${copy}_${id}`;
}

/** The repeat count of an instance's params (1 when absent or not a whole number ≥ 1). */
export function repeatOf(params: Params): number {
  const value = params[REPEAT_PARAM];
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 ? value : 1;
}

/** All inner layers of an instance: `repeat` copies chained, ids prefixed `r<k>_` when more than one. */
export function expandUserBlock(def: UserBlockDefinition, params: Params): Subgraph {
  const copies = repeatOf(params);
  const one = userBlockCopy(def, params);
  const nodes: Subgraph['nodes'] = [];
  const edges: Subgraph['edges'] = [];
  let previous = '$in';
  for (let copy = 1; copy <= copies; copy++) {
    const id = (inner: string) => (inner === '$in' ? previous : repeatedId(inner, copy, copies));
    nodes.push(...one.nodes.map((node) => ({ ...node, id: id(node.id) })));
    edges.push(...one.edges.map((edge) => ({ source: id(edge.source), target: id(edge.target) })));
    previous = id(one.output);
  }
  return { nodes, edges, output: previous };
}

/** The shape every inner layer of one copy outputs, from the copy's input shape. */
export function copyShapes(
  subgraph: Subgraph,
  input: Shape,
  lookup: InnerTypeLookup,
): { output: Shape; layers: Map<string, { params: Params; inputs: Shape[]; output: Shape }> } {
  const layers = new Map<string, { params: Params; inputs: Shape[]; output: Shape }>();
  const output = evaluateSubgraph<Shape>(
    subgraph,
    input,
    (node, def, params, inputs) => {
      const shape = def.inferShape(params, inputs);
      layers.set(node.id, { params: resolveParamsFor(def, params as Params), inputs, output: shape });
      return shape;
    },
    lookup,
  );
  return { output, layers };
}

/** A node type whose every use reports the definition's problems (the file is kept, the block shows why). */
function brokenBlock(def: UserBlockDefinition, problems: readonly string[]): NodeTypeDefinition {
  const fail = (): never => {
    throw new ShapeError(problems.join('; '));
  };
  return {
    type: def.type as NodeTypeId,
    label: def.label || def.type,
    category: 'Blocks',
    doc: `A block of your own that cannot be used: ${problems[0]}`,
    inputs: [{ name: 'in' }],
    outputs: [{ name: 'out' }],
    params: [],
    summarize: () => 'broken',
    inferShape: fail,
    paramCount: fail,
    macs: fail,
    compile: fail,
  };
}

/**
 * The node type of a definition: built by `defineComposite` like every built-in block, its
 * subgraph the chained copies. A definition with problems becomes a type whose shape rule
 * names them, so the instances show the error and nothing is lost.
 */
export function userBlockNodeType(def: UserBlockDefinition, lookup: InnerTypeLookup): NodeTypeDefinition {
  const problems = userBlockProblems(def, lookup);
  if (problems.length > 0) return brokenBlock(def, problems);
  const params = userBlockParamSpecs(def, lookup);
  return defineComposite<Params>(
    {
      type: def.type,
      label: def.label,
      doc: def.doc?.trim() || `Your block: ${def.nodes.map((node) => node.label ?? node.id).join(' → ')}.`,
      params,
      summarize(values) {
        const parts = def.params.map((param) => formatValue(values[param.name]));
        const copies = repeatOf(values);
        if (copies > 1) parts.push(`×${copies}`);
        return parts.join(' · ') || `${def.nodes.length} layers`;
      },
      expand: (values) => expandUserBlock(def, values),
      export: userBlockExportRules(def, lookup),
    },
    lookup,
  );
}

function formatValue(value: ParamValue | undefined): string {
  if (Array.isArray(value)) return value.join('×');
  return String(value);
}
