/**
 * How a block a person made is written as code: one PyTorch `nn.Module` class and one Keras
 * function per definition, whose instances all reuse it. Each inner layer is written by its
 * own type's export rules; this file only wraps them.
 *
 * - PyTorch: the class holds the definition's wiring (`forward`); its constructor takes the
 *   inner modules, so every instance passes its own (channel counts differ per place). A
 *   repeat of N is N instances in a row.
 * - Keras: `def user_<name>(x, name, <exposed params>, repeat=1)` builds the layers; each
 *   exposed number is a Python argument.
 */
import type { Params, Shape } from '../graph/document';
import { indent, pyComment, pyLiteral } from '../export/python';
import type { InnerTypeLookup } from './block';
import {
  UnexportableLayerError,
  type ExportLayer,
  type KerasRules,
  type NodeExportRules,
  type PytorchRules,
  type TorchModule,
  type TorchWeight,
} from './interchange';
import type { NodeTypeDefinition, Subgraph } from './types';
import { copyShapes, repeatedId, repeatOf, userBlockCopy, type UserBlockDefinition } from './user-block';

/** The PyTorch class name of a definition: `user.convBnRelu` → `UserConvBnRelu`. */
export function userBlockClassName(def: Pick<UserBlockDefinition, 'type'>): string {
  const slug = def.type.slice(def.type.indexOf('.') + 1);
  const words = slug.split('_').filter(Boolean);
  return `User${words.map((word) => word[0].toUpperCase() + word.slice(1)).join('')}`;
}

/** The Keras function name of a definition: `user.convBnRelu` → `user_convBnRelu`. */
export function userBlockFunctionName(def: Pick<UserBlockDefinition, 'type'>): string {
  return `user_${def.type.slice(def.type.indexOf('.') + 1)}`;
}

interface InnerLayer {
  id: string;
  definition: NodeTypeDefinition;
  layer: ExportLayer<Params>;
}

/** The export view of one copy's layers, with Python names = inner ids (`x` the copy's input). */
function innerLayers(
  copy: Subgraph,
  input: Shape,
  lookup: InnerTypeLookup,
): { layers: InnerLayer[]; output: Shape } {
  const { output, layers: shapes } = copyShapes(copy, input, lookup);
  const layers = copy.nodes.map((node) => {
    const shape = shapes.get(node.id)!;
    return {
      id: node.id,
      definition: lookup(node.type)!,
      layer: {
        name: node.id,
        params: shape.params,
        inputs: copy.edges
          .filter((edge) => edge.target === node.id)
          .map((edge) => (edge.source === '$in' ? 'x' : edge.source)),
        inputShapes: shape.inputs,
        outputShape: shape.output,
      },
    };
  });
  return { layers, output };
}

function rulesOf<K extends 'pytorch' | 'keras'>(
  inner: InnerLayer,
  target: K,
  def: UserBlockDefinition,
): NonNullable<NodeExportRules<Params>[K]> {
  const rules = (inner.definition.export as NodeExportRules<Params> | undefined)?.[target];
  if (!rules)
    throw new UnexportableLayerError(
      `block "${def.label}": its layer "${inner.id}" (${inner.definition.label}) has no ${target === 'pytorch' ? 'PyTorch' : 'Keras'} export`,
    );
  return rules;
}

function innerHelpers(
  def: UserBlockDefinition,
  lookup: InnerTypeLookup,
  target: 'pytorch' | 'keras',
): string[] {
  const sources = def.nodes.map((node) => lookup(node.type)?.export?.[target]?.helper);
  return [...new Set(sources.filter((source): source is string => source !== undefined))];
}

/** True when the inner type is written as a forward expression (add, concat), not a module. */
const isForwardOnly = (definition: NodeTypeDefinition | undefined): boolean =>
  definition?.export?.pytorch?.forward !== undefined;

function pytorchClass(def: UserBlockDefinition, lookup: InnerTypeLookup): string {
  const name = userBlockClassName(def);
  const withModules = def.nodes.filter((node) => !isForwardOnly(lookup(node.type)));
  const init = withModules.map((node) => `self.${node.id} = ${node.id}`);
  const forward = def.nodes.map((node) => {
    const inputs = def.edges
      .filter((edge) => edge.target === node.id)
      .map((edge) => (edge.source === '$in' ? 'x' : edge.source));
    const rules = lookup(node.type)?.export?.pytorch;
    return isForwardOnly(lookup(node.type))
      ? `${node.id} = ${rules!.forward!(inputs)}`
      : `${node.id} = self.${node.id}(${inputs[0]})`;
  });
  return `class ${name}(nn.Module):
    """${pyComment(def.label)}: a block made in CNN Studio (${def.nodes.map((node) => node.id).join(', ')}).
    Each instance passes its own inner modules; the wiring is the block's."""

    def __init__(self, ${withModules.map((node) => node.id).join(', ')}):
        super().__init__()
${indent(init.join('\n'), 2)}

    def forward(self, x):
${indent([...forward, `return ${def.output}`].join('\n'), 2)}`;
}

/** One instance as PyTorch modules: one class instance per repeat, with the trained weights each takes. */
function pytorchModules(
  def: UserBlockDefinition,
  lookup: InnerTypeLookup,
  layer: ExportLayer<Params>,
): TorchModule[] {
  const copies = repeatOf(layer.params);
  const copy = userBlockCopy(def, layer.params);
  const modules: TorchModule[] = [];
  let input = layer.inputShapes[0];
  for (let k = 1; k <= copies; k++) {
    const { layers, output } = innerLayers(copy, input, lookup);
    const args: string[] = [];
    const weights: TorchWeight[] = [];
    for (const inner of layers) {
      if (isForwardOnly(inner.definition)) continue;
      const innerModules = rulesOf(inner, 'pytorch', def).modules(inner.layer);
      const expression =
        innerModules.length === 1
          ? innerModules[0].code
          : `nn.Sequential(${innerModules.map((module) => module.code).join(', ')})`;
      args.push(`${inner.id}=${expression}`);
      innerModules.forEach((module, index) => {
        const path = innerModules.length === 1 ? inner.id : `${inner.id}.${index}`;
        for (const weight of module.weights ?? [])
          weights.push({
            kind: weight.kind,
            tfjsSuffix: `${repeatedId(inner.id, k, copies)}_${weight.tfjsSuffix}`,
            path: weight.path ? `${path}.${weight.path}` : path,
          });
      });
    }
    modules.push({ code: `${userBlockClassName(def)}(${args.join(', ')})`, weights });
    input = output;
  }
  return modules;
}

/** Sentinel values an exposed number takes while its Keras statements are written, then named. */
function sentinel(index: number, kind: string): number {
  return kind === 'float' ? 0.7000017 + index * 1e-6 : 7000017 + index * 1000;
}

/** The inner layers on the definition's example input (the Keras function is written from them). */
function exampleLayers(def: UserBlockDefinition, values: Params, lookup: InnerTypeLookup): InnerLayer[] {
  try {
    return innerLayers(userBlockCopy(def, values), def.exampleInput, lookup).layers;
  } catch (error) {
    throw new UnexportableLayerError(
      `block "${def.label}": its layers do not fit its example input ${def.exampleInput.join('×')} (${(error as Error).message})`,
    );
  }
}

/** The Python variable of an inner layer's value inside the Keras function. */
const kerasValue = (id: string): string => `v_${id}`;

function kerasFunction(def: UserBlockDefinition, lookup: InnerTypeLookup): string {
  const name = userBlockFunctionName(def);
  const kinds = def.params.map((param) => {
    const node = def.nodes.find((candidate) => candidate.id === param.targets[0]?.node);
    return (
      lookup(node?.type ?? '')?.params.find((spec) => spec.name === param.targets[0]?.param)?.kind ?? 'int'
    );
  });
  const sentinels: Params = Object.fromEntries(
    def.params.map((param, i) => [param.name, sentinel(i, kinds[i])]),
  );
  // Shapes from the example input at the defaults; the statements are written with sentinels.
  const defaults: Params = Object.fromEntries(def.params.map((param) => [param.name, param.default]));
  const shapes = exampleLayers(def, defaults, lookup);
  const copy = userBlockCopy(def, sentinels);
  const statements = copy.nodes.map((node) => {
    const inner = shapes.find((candidate) => candidate.id === node.id)!;
    const params = { ...inner.layer.params };
    for (const param of def.params)
      for (const target of param.targets)
        if (target.node === node.id) params[target.param] = sentinels[param.name];
    // Values are `v_<id>`: a bare id (`conv`) would shadow the script's helper of that name.
    const layer = {
      ...inner.layer,
      name: kerasValue(node.id),
      inputs: inner.layer.inputs.map((input) => (input === 'x' ? 'x' : kerasValue(input))),
      params,
    };
    let text = rulesOf(inner, 'keras', def).statement(layer);
    text = text.split(`name=${pyLiteral(layer.name)}`).join(`name=f'{prefix}_${node.id}'`);
    def.params.forEach((param, i) => {
      text = text.split(pyLiteral(sentinel(i, kinds[i]))).join(param.name);
    });
    return text;
  });
  const args = [
    'x',
    'name',
    ...def.params.map((param) => `${param.name}=${pyLiteral(param.default)}`),
    'repeat=1',
  ];
  return `def ${name}(${args.join(', ')}):
    """${pyComment(def.label)}: a block made in CNN Studio, repeated \`repeat\` times."""
    for copy in range(1, repeat + 1):
        prefix = name if repeat == 1 else f'{name}_r{copy}'
${indent(statements.join('\n'), 2)}
        x = ${kerasValue(def.output)}
    return x`;
}

/** The export rules of a definition's node type. */
export function userBlockExportRules(
  def: UserBlockDefinition,
  lookup: InnerTypeLookup,
): NodeExportRules<Params> {
  let pytorchHelper: string | undefined;
  let kerasHelper: string | undefined;
  const pytorch: PytorchRules<Params> = {
    // Written on first use: a definition that is never exported costs nothing.
    get helper() {
      pytorchHelper ??= [...innerHelpers(def, lookup, 'pytorch'), pytorchClass(def, lookup)].join('\n\n\n');
      return pytorchHelper;
    },
    modules: (layer) => pytorchModules(def, lookup, layer),
  };
  const keras: KerasRules<Params> = {
    get helper() {
      kerasHelper ??= [...innerHelpers(def, lookup, 'keras'), kerasFunction(def, lookup)].join('\n\n\n');
      return kerasHelper;
    },
    statement: ({ name, inputs, params }) => {
      const args = [
        inputs[0],
        pyLiteral(name),
        ...def.params.map((param) => `${param.name}=${pyLiteral(params[param.name])}`),
        ...(repeatOf(params) > 1 ? [`repeat=${repeatOf(params)}`] : []),
      ];
      return `${name} = ${userBlockFunctionName(def)}(${args.join(', ')})`;
    },
  };
  return { pytorch, keras };
}
