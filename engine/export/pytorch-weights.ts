/**
 * Where each trained tfjs weight goes in the exported PyTorch model: the tfjs layer that
 * holds it (compiled names are `<node>_<suffix>`, inside blocks `<block>_<inner>_<suffix>`),
 * the `state_dict` prefix of the PyTorch module, and what layout change it needs.
 *
 * Layouts differ in two ways: tfjs kernels are [kh, kw, in, out] / [in, out] where PyTorch
 * has [out, in, kh, kw] / [out, in]; and tfjs flattens [h, w, c] channels-last where
 * PyTorch flattens [c, h, w], so the first Dense (or BatchNorm1d) after a Flatten of a
 * feature map sees its inputs in another order.
 */
import type { Shape } from '../graph/document';
import type { FeatureOrder, TorchWeightKind } from '../nodes/interchange';
import { ExportError, applyRules, type ExportPlan, type PlannedNode } from './plan';
import { isSequentialNet, torchModules } from './pytorch-model';

export type WeightKind = TorchWeightKind;

export interface TorchWeightTarget {
  /** Name of the tfjs layer holding the weights. */
  tfjsLayer: string;
  /** `state_dict` key prefix, e.g. `net.0` or `b3.b2_2`. */
  torchModule: string;
  kind: WeightKind;
  /** For dense / 1-D batch norm after a Flatten of [h, w, c]: that shape, to reorder features. */
  flattenedFrom: readonly [number, number, number] | null;
}

/** Mirrors compile/layer-names.ts: the characters tfjs layer names keep. */
const sanitize = (text: string): string => text.replace(/[^A-Za-z0-9_]/g, '_') || 'node';

/**
 * Every weight-holding layer of the planned model and its PyTorch home.
 *
 * @throws ExportError where a feature order cannot be followed (a Flatten of a feature map
 * merged with other features before a Dense layer).
 */
export function torchWeightTargets(plan: ExportPlan): TorchWeightTarget[] {
  const targets: TorchWeightTarget[] = [];
  /** Per value name: the [h, w, c] a flat vector was flattened from (null = same order as PyTorch). */
  const order = new Map<string, FeatureOrderState>();
  const sequential = isSequentialNet(plan);
  let chainIndex = 0;

  for (const layer of plan.layers) {
    const modules = torchModules(layer);
    const modulePath = (index: number): string =>
      sequential ? `net.${chainIndex + index}` : modules.length === 1 ? layer.name : `${layer.name}.${index}`;
    const inputOrders = layer.inputs.map((name) => order.get(name) ?? null);
    const inputOrder = inputOrders[0] ?? null;

    modules.forEach((module, index) => {
      for (const weight of module.weights ?? []) {
        if (inputOrder === 'mixed' && weight.kind !== 'conv')
          throw new ExportError(
            layer.node.id,
            'its inputs mix flattened feature maps with other features; the weights cannot be reordered for PyTorch',
          );
        targets.push({
          tfjsLayer: `${sanitize(layer.node.id)}_${weight.tfjsSuffix}`,
          torchModule: weight.path ? `${modulePath(index)}.${weight.path}` : modulePath(index),
          kind: weight.kind,
          flattenedFrom: weight.kind === 'conv' || inputOrder === 'mixed' ? null : inputOrder,
        });
      }
    });

    const featureOrder = applyRules(layer, 'pytorch', (rules) => rules.featureOrder);
    order.set(layer.name, outputOrder(layer, featureOrder, inputOrders));
    if (sequential) chainIndex += modules.length;
  }
  return targets;
}

type FeatureOrderState = readonly [number, number, number] | 'mixed' | null;

function outputOrder(
  layer: PlannedNode,
  featureOrder: FeatureOrder | undefined,
  inputOrders: FeatureOrderState[],
): FeatureOrderState {
  switch (featureOrder) {
    case 'flattens': {
      const shape: Shape = layer.inputShapes[0];
      // A 1×1 map or a single channel flattens the same way in both layouts.
      return shape.length === 3 && shape[0] * shape[1] > 1 && shape[2] > 1
        ? [shape[0], shape[1], shape[2]]
        : null;
    }
    case 'keeps':
      return inputOrders[0] ?? null;
    case 'sums':
    case 'concatenates': {
      if (layer.outputShape.length !== 1 || inputOrders.every((o) => o === null)) return null;
      // A sum of vectors all in one order keeps it; a concatenation of reordered vectors cannot be followed.
      const same = inputOrders.every((o) => JSON.stringify(o) === JSON.stringify(inputOrders[0]));
      return featureOrder === 'sums' && same ? inputOrders[0] : 'mixed';
    }
    default:
      return null;
  }
}

/**
 * Reorders a flat feature index from PyTorch's [c, h, w] flattening to tfjs's [h, w, c]:
 * `tfjsIndex[torchIndex]`.
 */
export function flattenPermutation([h, w, c]: readonly [number, number, number]): Uint32Array {
  const map = new Uint32Array(h * w * c);
  for (let k = 0; k < c; k++)
    for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) map[(k * h + i) * w + j] = (i * w + j) * c + k;
  return map;
}
