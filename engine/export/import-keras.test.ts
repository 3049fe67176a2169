import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze';
import { getPreset } from '../presets/index';
import { GRAPH_METADATA_KEY, importLayersModel, ModelImportError } from './import-keras';

const layer = (className: string, name: string, config: Record<string, unknown>, inbound: string[] = []) => ({
  class_name: className,
  name,
  config: { name, ...config },
  inbound_nodes: inbound.length ? [inbound.map((source) => [source, 0, 0, {}])] : [],
});

/** A small functional model as tfjs writes it: padding layers in front, a branch, an unmappable layer. */
const functionalModel = {
  format: 'layers-model',
  modelTopology: {
    class_name: 'Model',
    config: {
      name: 'tiny_branchy',
      layers: [
        layer('InputLayer', 'image', { batch_input_shape: [null, 28, 28, 1] }),
        layer(
          'ZeroPadding2D',
          'c1_pad',
          {
            padding: [
              [2, 2],
              [2, 2],
            ],
          },
          ['image'],
        ),
        layer(
          'Conv2D',
          'c1_conv',
          {
            filters: 6,
            kernel_size: [5, 5],
            strides: [1, 1],
            padding: 'valid',
            dilation_rate: [1, 1],
            activation: 'relu',
            use_bias: true,
          },
          ['c1_pad'],
        ),
        layer('NegInfPadding2D', 'p1_pad', { padding: 1 }, ['c1_conv']),
        layer('MaxPooling2D', 'p1_pool', { pool_size: [3, 3], strides: [2, 2], padding: 'valid' }, [
          'p1_pad',
        ]),
        layer(
          'Conv2D',
          'a',
          {
            filters: 8,
            kernel_size: [1, 1],
            strides: [1, 1],
            padding: 'same',
            activation: 'linear',
            use_bias: false,
          },
          ['p1_pool'],
        ),
        layer(
          'Conv2D',
          'b',
          {
            filters: 8,
            kernel_size: [3, 3],
            strides: [1, 1],
            padding: 'same',
            activation: 'linear',
            use_bias: true,
          },
          ['p1_pool'],
        ),
        layer('Add', 'sum', {}, ['a', 'b']),
        layer('GaussianNoise', 'noise', { stddev: 0.1 }, ['sum']),
        layer('BatchNormalization', 'bn', { momentum: 0.9, epsilon: 1e-5 }, ['noise']),
        layer('Activation', 'identity', { activation: 'linear' }, ['bn']),
        layer('GlobalAveragePooling2D', 'gap', {}, ['identity']),
        layer('Dense', 'logits', { units: 10, activation: 'linear', use_bias: true }, ['gap']),
      ],
      input_layers: [['image', 0, 0]],
      output_layers: [['logits', 0, 0]],
    },
  },
};

describe('importing a layers model.json', () => {
  it('maps layers to nodes, folds padding layers into numeric padding, and lists what it could not map', () => {
    const { document, unmapped } = importLayersModel(JSON.stringify(functionalModel));
    expect(unmapped).toEqual([expect.stringMatching(/^noise \(GaussianNoise\)/)]);
    const types = Object.fromEntries(document.nodes.map((node) => [node.id, node.type]));
    expect(types).toEqual({
      image: 'input',
      c1_conv: 'conv2d',
      p1_pool: 'maxPool2d',
      a: 'conv2d',
      b: 'conv2d',
      sum: 'add',
      bn: 'batchNorm',
      gap: 'globalAvgPool2d',
      gap_flatten: 'flatten',
      logits: 'dense',
    });
    const params = (id: string) => document.nodes.find((node) => node.id === id)!.params;
    expect(params('c1_conv')).toMatchObject({ filters: 6, kernelSize: 5, padding: 2, activation: 'relu' });
    expect(params('p1_pool')).toMatchObject({ poolSize: 3, strides: 2, padding: 1 });
    expect(params('a')).toMatchObject({ useBias: false, activation: 'none', padding: 0 });
    expect(params('b')).toMatchObject({ padding: 1 });
    // The unmapped noise layer is wired through, so the graph stays whole and valid.
    const analysis = analyzeGraph(document);
    expect(analysis.issues.filter((issue) => issue.severity === 'error')).toEqual([]);
    expect(analysis.nodes.c1_conv.outputShape).toEqual([28, 28, 6]);
    expect(analysis.nodes.p1_pool.outputShape).toEqual([14, 14, 6]);
    expect(analysis.outputShape).toEqual([10]);
  });

  it('reads a Sequential model, taking the input shape from its first layer', () => {
    const sequential = {
      class_name: 'Sequential',
      config: {
        name: 'seq',
        layers: [
          { class_name: 'Flatten', config: { name: 'flat', batch_input_shape: [null, 28, 28, 1] } },
          { class_name: 'Dense', config: { name: 'hidden', units: 32, activation: 'relu' } },
          { class_name: 'Dropout', config: { name: 'drop', rate: 0.25 } },
          { class_name: 'Dense', config: { name: 'out', units: 10, activation: 'softmax' } },
        ],
      },
    };
    const { document, unmapped } = importLayersModel(sequential);
    expect(unmapped).toEqual([]);
    expect(document.nodes.map((node) => node.type)).toEqual([
      'input',
      'flatten',
      'dense',
      'dropout',
      'dense',
    ]);
    const analysis = analyzeGraph(document);
    expect(analysis.valid).toBe(true);
    expect(analysis.totals.trainable).toBe(784 * 32 + 32 + 32 * 10 + 10);
  });

  it('restores the graph CNN Studio stored in the metadata exactly', () => {
    const lenet = getPreset('lenet');
    const { document } = importLayersModel({
      ...functionalModel,
      userDefinedMetadata: { [GRAPH_METADATA_KEY]: lenet },
    });
    expect(document).toEqual(lenet);
  });

  it('rejects what is not a layers model with a reason', () => {
    expect(() => importLayersModel('{not json')).toThrow(ModelImportError);
    expect(() => importLayersModel('{not json')).toThrow(/not valid JSON/);
    expect(() => importLayersModel({ format: 'graph-model', modelTopology: { node: [] } })).toThrow(
      /not a layers model/,
    );
    expect(() =>
      importLayersModel({ class_name: 'Model', config: { layers: [layer('Dense', 'd', { units: 3 })] } }),
    ).toThrow(/no image input/);
  });
});
