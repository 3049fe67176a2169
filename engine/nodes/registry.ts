/**
 * The node-type registry: every type the engine knows, in palette order. The palette,
 * inspector, validator, shape labels, compiler and exporter all read it.
 *
 * `macs` counts the multiply-adds of convolutions and dense layers (the usual "FLOPs / 2");
 * pooling, normalization and activations count 0.
 */
import { denseBlock } from './dense-block';
import { inception } from './inception';
import { ninBlock } from './nin-block';
import { primitiveNodeTypes } from './primitives';
import { residual } from './residual';
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
];

const byId = new Map<string, NodeTypeDefinition>(nodeTypes.map((def) => [def.type, def]));

/** The definition of a type id, or `undefined` for an unknown type. */
export function getNodeType(type: string): NodeTypeDefinition | undefined {
  return byId.get(type);
}

/** Narrows a string read from a file to a known type id. */
export function isNodeTypeId(s: unknown): s is NodeTypeId {
  return typeof s === 'string' && byId.has(s);
}
