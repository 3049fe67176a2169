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
import type { NodeParamsMap } from '../nodes/types';
import { ExportError, type ExportPlan, type PlannedNode } from './plan';
import { modulesFor } from './pytorch-model';

export type WeightKind = 'conv' | 'dense' | 'bn';

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

/** [tfjs suffix inside the block, module path inside the PyTorch block, kind], per block type. */
function blockWeights(layer: PlannedNode): Array<[string, string, WeightKind]> {
  switch (layer.type) {
    case 'vggBlock': {
      const p = layer.params as NodeParamsMap['vggBlock'];
      return Array.from({ length: p.numConvs }, (_, i): [string, string, WeightKind] => [
        `conv${i + 1}_conv`,
        String(2 * i),
        'conv',
      ]);
    }
    case 'ninBlock':
      return [
        ['conv1_conv', '0', 'conv'],
        ['conv2_conv', '2', 'conv'],
        ['conv3_conv', '4', 'conv'],
      ];
    case 'inception':
      return [
        ['p1_conv_conv', 'b1_1', 'conv'],
        ['p2_reduce_conv', 'b2_1', 'conv'],
        ['p2_conv_conv', 'b2_2', 'conv'],
        ['p3_reduce_conv', 'b3_1', 'conv'],
        ['p3_conv_conv', 'b3_2', 'conv'],
        ['p4_conv_conv', 'b4_2', 'conv'],
      ];
    case 'residual': {
      const weights: Array<[string, string, WeightKind]> = [
        ['conv1_conv', 'conv1', 'conv'],
        ['bn1_bn', 'bn1', 'bn'],
        ['conv2_conv', 'conv2', 'conv'],
        ['bn2_bn', 'bn2', 'bn'],
      ];
      if ((layer.params as NodeParamsMap['residual']).use1x1)
        weights.push(['shortcut_conv', 'conv3', 'conv']);
      return weights;
    }
    case 'denseBlock': {
      const p = layer.params as NodeParamsMap['denseBlock'];
      return Array.from({ length: p.numConvs }, (_, i): Array<[string, string, WeightKind]> => [
        [`bn${i + 1}_bn`, `net.${i}.0`, 'bn'],
        [`conv${i + 1}_conv`, `net.${i}.2`, 'conv'],
      ]).flat();
    }
    case 'transition':
      return [
        ['bn_bn', '0', 'bn'],
        ['conv_conv', '2', 'conv'],
      ];
    default:
      return [];
  }
}

const PRIMITIVE: Partial<Record<PlannedNode['type'], { suffix: string; kind: WeightKind; module: RegExp }>> =
  {
    conv2d: { suffix: 'conv', kind: 'conv', module: /^nn\.Conv2d\(/ },
    dense: { suffix: 'dense', kind: 'dense', module: /^nn\.Linear\(/ },
    batchNorm: { suffix: 'bn', kind: 'bn', module: /^nn\.BatchNorm/ },
  };

/** Layers that keep the feature order of their input. */
const ORDER_PRESERVING = new Set(['dropout', 'activation', 'batchNorm']);

/**
 * Every weight-holding layer of the planned model and its PyTorch home.
 *
 * @throws ExportError where a feature order cannot be followed (a Flatten of a feature map
 * merged with other features before a Dense layer).
 */
export function torchWeightTargets(plan: ExportPlan): TorchWeightTarget[] {
  const targets: TorchWeightTarget[] = [];
  /** Per value name: the [h, w, c] a flat vector was flattened from (null = same order as PyTorch). */
  const order = new Map<string, readonly [number, number, number] | 'mixed' | null>();
  let chainIndex = 0;

  for (const layer of plan.layers) {
    const modules = modulesFor(layer);
    const modulePath = (index: number): string =>
      plan.isChain
        ? `net.${chainIndex + index}`
        : modules.length === 1
          ? layer.name
          : `${layer.name}.${index}`;
    const inputOrder = layer.inputs.length > 0 ? (order.get(layer.inputs[0]) ?? null) : null;
    const primitive = PRIMITIVE[layer.type];

    if (primitive) {
      const index = modules.findIndex((code) => primitive.module.test(code));
      if (inputOrder === 'mixed' && primitive.kind !== 'conv')
        throw new ExportError(
          layer.node.id,
          'its inputs mix flattened feature maps with other features; the weights cannot be reordered for PyTorch',
        );
      targets.push({
        tfjsLayer: `${sanitize(layer.node.id)}_${primitive.suffix}`,
        torchModule: modulePath(index),
        kind: primitive.kind,
        flattenedFrom: primitive.kind === 'conv' || inputOrder === 'mixed' ? null : inputOrder,
      });
    }
    for (const [suffix, path, kind] of blockWeights(layer)) {
      targets.push({
        tfjsLayer: `${sanitize(layer.node.id)}_${suffix}`,
        torchModule: `${modulePath(0)}.${path}`,
        kind,
        flattenedFrom: null,
      });
    }

    order.set(
      layer.name,
      outputOrder(
        layer,
        inputOrder,
        layer.inputs.map((name) => order.get(name) ?? null),
      ),
    );
    if (plan.isChain) chainIndex += modules.length;
  }
  return targets;
}

function outputOrder(
  layer: PlannedNode,
  inputOrder: readonly [number, number, number] | 'mixed' | null,
  inputOrders: Array<readonly [number, number, number] | 'mixed' | null>,
): readonly [number, number, number] | 'mixed' | null {
  if (layer.type === 'flatten') {
    const shape: Shape = layer.inputShapes[0];
    // A 1×1 map or a single channel flattens the same way in both layouts.
    return shape.length === 3 && shape[0] * shape[1] > 1 && shape[2] > 1
      ? [shape[0], shape[1], shape[2]]
      : null;
  }
  if (ORDER_PRESERVING.has(layer.type)) return inputOrder;
  if ((layer.type === 'concat' || layer.type === 'add') && layer.outputShape.length === 1) {
    if (inputOrders.every((o) => o === null)) return null;
    if (
      layer.type === 'add' &&
      inputOrders.every((o) => JSON.stringify(o) === JSON.stringify(inputOrders[0]))
    )
      return inputOrders[0];
    return 'mixed';
  }
  return null;
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
