/**
 * The node-type registry: every type the engine knows, in palette order. The palette,
 * inspector, validator, shape labels, compiler and exporter all read it.
 *
 * `macs` counts the multiply-adds of convolutions and dense layers (the usual "FLOPs / 2");
 * pooling, normalization and activations count 0.
 */
import { bottleneck } from './bottleneck';
import { denseBlock } from './dense-block';
import { depthwiseSeparable } from './depthwise-separable';
import { inception } from './inception';
import { invertedResidual } from './inverted-residual';
import { ninBlock } from './nin-block';
import { primitiveNodeTypes } from './primitives';
import { residual } from './residual';
import { squeezeExcitation } from './squeeze-excitation';
import { transition } from './transition';
import type { NodeTypeDefinition, NodeTypeId } from './types';
import { vggBlock } from './vgg-block';

/** All node types: the single layers, then the blocks. */
export const nodeTypes: readonly NodeTypeDefinition[] = [
  ...primitiveNodeTypes,
  vggBlock,
  ninBlock,
  inception,
  residual,
  denseBlock,
  transition,
  bottleneck,
  squeezeExcitation,
  depthwiseSeparable,
  invertedResidual,
];

const byId = new Map<string, NodeTypeDefinition>(nodeTypes.map((def) => [def.type, def]));

/**
 * Adds a node type beyond the built-in ones (an extension, or a type a test defines): from
 * then on validation, compile, the exporters and the importer know it through its
 * definition alone. Returns the function that removes it again.
 *
 * @throws Error when the type id is already taken.
 */
export function registerNodeType(definition: NodeTypeDefinition): () => void {
  if (byId.has(definition.type)) throw new Error(`node type "${definition.type}" is already registered`);
  byId.set(definition.type, definition);
  return () => {
    if (byId.get(definition.type) === definition) byId.delete(definition.type);
  };
}

/** Every known node type: the built-in ones (in palette order), then registered ones. */
export function allNodeTypes(): NodeTypeDefinition[] {
  return [...byId.values()];
}

/** The definition of a type id, or `undefined` for an unknown type. */
export function getNodeType(type: string): NodeTypeDefinition | undefined {
  return byId.get(type);
}

/** Narrows a string read from a file to a known type id. */
export function isNodeTypeId(s: unknown): s is NodeTypeId {
  return typeof s === 'string' && byId.has(s);
}
