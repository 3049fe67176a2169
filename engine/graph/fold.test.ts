/**
 * Folding flat graphs into blocks: every preset's blocks, unfolded into single layers, fold
 * back into the same block nodes with the same params and counts; a folded ResNet-18 and a
 * MobileNet-style chain compute the flat graph's outputs with its weights; foreign layers
 * around the blocks and blocks whose inner values leak stay as they are.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../compile/compile';
import { resolveParams } from '../nodes/params';
import { getNodeType } from '../nodes/registry';
import { chainGraph } from '../nodes/test-support/export-check';
import { getPreset, presetIds } from '../presets/index';
import { analyzeGraph } from './analyze';
import type { GraphDocument } from './document';
import { foldBlocks, foldWeights, unfoldAll, unfoldBlock, type Fold } from './fold';
import { applyImportedWeights, layersByNode, type ImportedTensor } from '../export/imported-weights';
import { importLayersModel } from '../export/import-keras';
import { setFrozen } from './freeze';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterAll(() => {
  tf.disposeVariables();
});

const isBlock = (type: string) => Boolean(getNodeType(type)?.expand);
/** The block nodes' types and full params. */
const blocksOf = (doc: GraphDocument) =>
  doc.nodes
    .filter((node) => isBlock(node.type))
    .map((node) => [node.type, resolveParams(getNodeType(node.type)!, node.params)]);

/** Parameters and multiply-adds (activation memory is counted per node, so a block counts fewer). */
const counts = (doc: GraphDocument) => {
  const { trainable, nonTrainable, macs } = analyzeGraph(doc).totals;
  return { trainable, nonTrainable, macs };
};

/** A MobileNet-style chain: a depthwise-separable block, inverted residuals with and without SE. */
function mobileChain(): GraphDocument {
  return chainGraph(
    'mobile',
    [16, 16, 3],
    [
      [
        'stem',
        'conv2d',
        { filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'none', useBias: false },
      ],
      ['stem_bn', 'batchNorm', { momentum: 0.999, epsilon: 1e-3 }],
      ['stem_relu', 'activation', { fn: 'relu6' }],
      ['dwsep', 'depthwiseSeparable', { filters: 8 }],
      ['ir1', 'invertedResidual', { channels: 8, expansion: 1, filters: 8 }],
      [
        'ir2',
        'invertedResidual',
        { channels: 8, expansion: 4, filters: 12, strides: 2, squeezeExcitation: true },
      ],
      ['ir3', 'invertedResidual', { channels: 12, expansion: 3, filters: 12, squeezeExcitation: true }],
      ['se', 'squeezeExcitation', { channels: 12, squeezeChannels: 4 }],
      ['gap', 'globalAvgPool2d', {}],
      ['flat', 'flatten', {}],
      ['head', 'dense', { units: 5 }],
    ],
  );
}

/** Outputs of the flat and the folded model, the folded one given the flat one's weights. */
function outputsWithSameWeights(flat: GraphDocument, folded: GraphDocument, folds: Fold[], input: number[]) {
  const flatOwners = new Map<string, string>();
  const flatModel = compileGraph(tf, flat, { layerOwners: flatOwners });
  const foldedModel = compileGraph(tf, folded);
  const blockOf = new Map<string, { blockId: string; innerId: string }>();
  for (const fold of folds)
    for (const [innerId, flatId] of Object.entries(fold.inner))
      blockOf.set(flatId, { blockId: fold.blockId, innerId });
  try {
    for (const layer of flatModel.layers) {
      if (layer.getWeights().length === 0) continue;
      const owner = flatOwners.get(layer.name)!;
      const inBlock = blockOf.get(owner);
      const name = inBlock
        ? `${inBlock.blockId}_${inBlock.innerId}_${layer.name.slice(owner.length + 1)}`
        : layer.name;
      foldedModel.getLayer(name).setWeights(layer.getWeights());
    }
    return tf.tidy(() => {
      const x = tf.randomNormal([2, ...input], 0, 1, 'float32', 9);
      const a = flatModel.predict(x) as tf.Tensor;
      const b = foldedModel.predict(x) as tf.Tensor;
      return { difference: a.sub(b).abs().max().dataSync()[0], scale: a.abs().max().dataSync()[0] };
    });
  } finally {
    flatModel.dispose();
    foldedModel.dispose();
  }
}

describe('foldBlocks', () => {
  it.each(presetIds.filter((id) => getPreset(id).nodes.some((node) => isBlock(node.type))))(
    "folds %s's blocks, unfolded into layers, back into the same blocks with the same counts",
    (id) => {
      const preset = getPreset(id);
      const flat = unfoldAll(preset);
      expect(flat.nodes.some((node) => isBlock(node.type))).toBe(false);
      const flatAnalysis = analyzeGraph(flat);
      expect(flatAnalysis.issues.filter((issue) => issue.severity === 'error')).toEqual([]);
      const { document, folds } = foldBlocks(flat);
      expect(blocksOf(document)).toEqual(blocksOf(preset));
      expect(folds).toHaveLength(blocksOf(preset).length);
      expect(counts(document)).toEqual(counts(flat));
      expect(counts(document)).toEqual(counts(preset));
      expect(analyzeGraph(document).outputShape).toEqual(flatAnalysis.outputShape);
      expect(document.nodes).toHaveLength(preset.nodes.length);
    },
    60_000,
  );

  it('ResNet-50 from 177 layers opens as a stem, sixteen bottlenecks and a head', () => {
    const flat = unfoldAll(getPreset('resnet50'));
    expect(flat.nodes.length).toBeGreaterThan(170);
    const { document } = foldBlocks(flat);
    expect(document.nodes.filter((node) => node.type === 'bottleneck')).toHaveLength(16);
    expect(document.nodes).toHaveLength(24);
    expect(counts(document)).toMatchObject({ trainable: 25_583_592, nonTrainable: 53_120 });
  });

  it('gives a folded ResNet-18 the flat one’s outputs with its weights', () => {
    const flat = unfoldAll(getPreset('resnet18'));
    const { document, folds } = foldBlocks(flat);
    const { difference, scale } = outputsWithSameWeights(flat, document, folds, [96, 96, 1]);
    expect(scale).toBeGreaterThan(0);
    expect(difference).toBeLessThan(1e-4 * Math.max(1, scale));
  }, 120_000);

  it('folds MobileNet blocks (SE inside the inverted residual too) with the same outputs', () => {
    const built = mobileChain();
    const flat = unfoldAll(built);
    const { document, folds } = foldBlocks(flat);
    expect(blocksOf(document)).toEqual(blocksOf(built));
    const { difference, scale } = outputsWithSameWeights(flat, document, folds, [16, 16, 3]);
    expect(scale).toBeGreaterThan(0);
    expect(difference).toBeLessThan(1e-5 * Math.max(1, scale));
  }, 120_000);

  it('moves imported per-node weights onto the blocks (foldWeights), giving the same outputs', () => {
    const flat = unfoldAll(mobileChain());
    const { document, folds } = foldBlocks(flat);
    const flatOwners = new Map<string, string>();
    const flatModel = compileGraph(tf, flat, { layerOwners: flatOwners });
    const foldedOwners = new Map<string, string>();
    const foldedModel = compileGraph(tf, document, { layerOwners: foldedOwners });
    try {
      // The flat model's weights as an importer would hand them: per node, in layer order.
      const weights = new Map<string, ImportedTensor[]>();
      for (const [nodeId, layers] of layersByNode(flatModel, flatOwners))
        weights.set(
          nodeId,
          layers.flatMap((layer) =>
            (layer as unknown as tf.layers.Layer).getWeights().map((tensor, i) => ({
              name: `${layer.name}/${i}`,
              shape: tensor.shape,
              values: tensor.dataSync() as Float32Array,
            })),
          ),
        );
      applyImportedWeights(tf, layersByNode(foldedModel, foldedOwners), foldWeights(weights, folds));
      const difference = tf.tidy(() => {
        const x = tf.randomNormal([2, 16, 16, 3], 0, 1, 'float32', 4);
        const a = flatModel.predict(x) as tf.Tensor;
        const b = foldedModel.predict(x) as tf.Tensor;
        return a.sub(b).abs().max().dataSync()[0];
      });
      expect(difference).toBeLessThan(1e-5);
    } finally {
      flatModel.dispose();
      foldedModel.dispose();
    }
  }, 120_000);

  it('folds a bottleneck as Keras Applications writes it (shortcut first, Add([shortcut, x]), separate ReLUs)', () => {
    const layer = (
      className: string,
      name: string,
      config: Record<string, unknown>,
      inbound: string[] = [],
    ) => ({
      class_name: className,
      name,
      config: { name, ...config },
      inbound_nodes: inbound.length ? [inbound.map((source) => [source, 0, 0, {}])] : [],
    });
    const conv = (
      name: string,
      filters: number,
      kernel: number,
      strides: number,
      from: string,
      padding = 'valid',
    ) =>
      layer(
        'Conv2D',
        name,
        {
          filters,
          kernel_size: [kernel, kernel],
          strides: [strides, strides],
          padding,
          activation: 'linear',
          use_bias: true,
        },
        [from],
      );
    const bn = (name: string, from: string) =>
      layer('BatchNormalization', name, { axis: 3, momentum: 0.99, epsilon: 1.001e-5 }, [from]);
    const relu = (name: string, from: string) => layer('Activation', name, { activation: 'relu' }, [from]);
    const { document, unmapped } = importLayersModel({
      modelTopology: {
        class_name: 'Functional',
        config: {
          name: 'resnet_stage',
          layers: [
            layer('InputLayer', 'input_1', { batch_input_shape: [null, 16, 16, 64] }),
            conv('b1_0_conv', 256, 1, 2, 'input_1'),
            bn('b1_0_bn', 'b1_0_conv'),
            conv('b1_1_conv', 64, 1, 2, 'input_1'),
            bn('b1_1_bn', 'b1_1_conv'),
            relu('b1_1_relu', 'b1_1_bn'),
            conv('b1_2_conv', 64, 3, 1, 'b1_1_relu', 'same'),
            bn('b1_2_bn', 'b1_2_conv'),
            relu('b1_2_relu', 'b1_2_bn'),
            conv('b1_3_conv', 256, 1, 1, 'b1_2_relu'),
            bn('b1_3_bn', 'b1_3_conv'),
            layer('Add', 'b1_add', {}, ['b1_0_bn', 'b1_3_bn']),
            relu('b1_out', 'b1_add'),
            layer('GlobalAveragePooling2D', 'avg_pool', {}, ['b1_out']),
            layer('Dense', 'predictions', { units: 10, activation: 'softmax' }, ['avg_pool']),
          ],
          input_layers: [['input_1', 0, 0]],
          output_layers: [['predictions', 0, 0]],
        },
      },
    });
    expect(unmapped).toEqual([]);
    const { document: folded, folds } = foldBlocks(document);
    expect(folds.map((fold) => fold.type)).toEqual(['bottleneck']);
    expect(folded.nodes.find((node) => node.type === 'bottleneck')?.params).toEqual({
      filters: 64,
      projection: true,
      strides: 2,
    });
    expect(counts(folded)).toEqual(counts(document));
    expect(folds[0].inner).toMatchObject({ conv1: 'b1_1_conv', shortcut: 'b1_0_conv', add: 'b1_add' });
  });

  it('folds MobileNetV2 blocks as Keras writes them (ZeroPadding2D before a stride-2 valid depthwise conv)', () => {
    const layer = (
      className: string,
      name: string,
      config: Record<string, unknown>,
      inbound: string[] = [],
    ) => ({
      class_name: className,
      name,
      config: { name, ...config },
      inbound_nodes: inbound.length ? [inbound.map((source) => [source, 0, 0, {}])] : [],
    });
    const pointwise = (name: string, filters: number, from: string) =>
      layer(
        'Conv2D',
        name,
        {
          filters,
          kernel_size: [1, 1],
          strides: [1, 1],
          padding: 'same',
          use_bias: false,
          activation: 'linear',
        },
        [from],
      );
    const depthwise = (name: string, strides: number, padding: string, from: string) =>
      layer(
        'DepthwiseConv2D',
        name,
        {
          kernel_size: [3, 3],
          strides: [strides, strides],
          padding,
          depth_multiplier: 1,
          use_bias: false,
          activation: 'linear',
        },
        [from],
      );
    const bn = (name: string, from: string) =>
      layer('BatchNormalization', name, { axis: -1, momentum: 0.999, epsilon: 0.001 }, [from]);
    const relu6 = (name: string, from: string) =>
      layer('ReLU', name, { max_value: 6, negative_slope: 0, threshold: 0 }, [from]);
    const { document, unmapped } = importLayersModel({
      modelTopology: {
        class_name: 'Functional',
        config: {
          name: 'mobilenetv2_part',
          layers: [
            layer('InputLayer', 'input_1', { batch_input_shape: [null, 16, 16, 16] }),
            pointwise('block_1_expand', 96, 'input_1'),
            bn('block_1_expand_BN', 'block_1_expand'),
            relu6('block_1_expand_relu', 'block_1_expand_BN'),
            layer(
              'ZeroPadding2D',
              'block_1_pad',
              {
                padding: [
                  [0, 1],
                  [0, 1],
                ],
              },
              ['block_1_expand_relu'],
            ),
            depthwise('block_1_depthwise', 2, 'valid', 'block_1_pad'),
            bn('block_1_depthwise_BN', 'block_1_depthwise'),
            relu6('block_1_depthwise_relu', 'block_1_depthwise_BN'),
            pointwise('block_1_project', 24, 'block_1_depthwise_relu'),
            bn('block_1_project_BN', 'block_1_project'),
            pointwise('block_2_expand', 144, 'block_1_project_BN'),
            bn('block_2_expand_BN', 'block_2_expand'),
            relu6('block_2_expand_relu', 'block_2_expand_BN'),
            depthwise('block_2_depthwise', 1, 'same', 'block_2_expand_relu'),
            bn('block_2_depthwise_BN', 'block_2_depthwise'),
            relu6('block_2_depthwise_relu', 'block_2_depthwise_BN'),
            pointwise('block_2_project', 24, 'block_2_depthwise_relu'),
            bn('block_2_project_BN', 'block_2_project'),
            layer('Add', 'block_2_add', {}, ['block_1_project_BN', 'block_2_project_BN']),
            layer('GlobalAveragePooling2D', 'pool', {}, ['block_2_add']),
            layer('Dense', 'predictions', { units: 10, activation: 'softmax' }, ['pool']),
          ],
          input_layers: [['input_1', 0, 0]],
          output_layers: [['predictions', 0, 0]],
        },
      },
    });
    expect(unmapped).toEqual([]);
    const { document: folded, folds } = foldBlocks(document);
    expect(blocksOf(folded)).toEqual([
      ['invertedResidual', { channels: 16, expansion: 6, filters: 24, strides: 2, squeezeExcitation: false }],
      ['invertedResidual', { channels: 24, expansion: 6, filters: 24, strides: 1, squeezeExcitation: false }],
    ]);
    expect(folds[0].inner).toMatchObject({
      dw: 'block_1_depthwise',
      dw_pad: 'block_1_pad',
      project_bn: 'block_1_project_BN',
    });
    expect(counts(folded)).toEqual(counts(document));
    expect(analyzeGraph(folded).outputShape).toEqual([10]);
  });

  it('leaves layers alone whose values are used outside the would-be block, and mixed frozen states', () => {
    const flat = unfoldAll(
      chainGraph('one block', [8, 8, 4], [['res', 'residual', { filters: 4, use1x1: false, strides: 1 }]]),
    );
    // A second consumer of an inner value: folding would lose it.
    const leaky: GraphDocument = {
      ...flat,
      nodes: [...flat.nodes, { id: 'tap', type: 'globalAvgPool2d', params: {}, position: { x: 0, y: 0 } }],
      edges: [
        ...flat.edges,
        { id: 'tap_in', source: 'res_bn1', sourcePort: 'out', target: 'tap', targetPort: 'in' },
      ],
    };
    expect(foldBlocks(leaky).folds).toEqual([]);
    expect(foldBlocks(setFrozen(flat, ['res_conv1'], true)).folds).toEqual([]);
    const frozen = foldBlocks(
      setFrozen(
        flat,
        flat.nodes.filter((node) => node.id.startsWith('res')).map((node) => node.id),
        true,
      ),
    );
    expect(frozen.document.nodes.find((node) => node.id === 'res')).toMatchObject({
      type: 'residual',
      trainable: false,
    });
  });

  it('keeps a padding layer that no block takes in', () => {
    const padded = chainGraph(
      'padded',
      [8, 8, 2],
      [
        ['pad', 'zeroPadding2d', { top: 0, bottom: 1, left: 0, right: 1 }],
        ['conv', 'conv2d', { filters: 4, kernelSize: 3, strides: 2, padding: 'valid' }],
        ['gap', 'globalAvgPool2d', {}],
        ['flat', 'flatten', {}],
        ['head', 'dense', { units: 2 }],
      ],
    );
    expect(foldBlocks(padded)).toEqual({ document: padded, folds: [] });
  });

  it('returns a graph without blocks as it was, and unfolding a layer is refused', () => {
    const lenet = getPreset('lenet');
    expect(foldBlocks(lenet)).toEqual({ document: lenet, folds: [] });
    expect(() => unfoldBlock(lenet, 'conv1')).toThrow('node "conv1" is not a block that can be unfolded');
  });
});
