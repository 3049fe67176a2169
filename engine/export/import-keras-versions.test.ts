/**
 * Every layers format by version, built as each writes it: tfjs-layers 0.x, Keras 2's
 * functional lists, Keras 3's `__keras_tensor__` inbound nodes and dtype policies, the
 * spellings of an input shape; nested models, several outputs, channels_first, unknown
 * input sizes; and malformed files, answered naming the layer and field.
 */
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze';
import {
  CHANNELS_FIRST_FLATTEN_META_KEY,
  IMPORT_GROUPS_META_KEY,
  IMPORT_NOTES_META_KEY,
  IMPORT_OUTPUTS_META_KEY,
  importLayersModel,
  InputSizeNeededError,
  ModelImportError,
} from './import-keras';
import { checkImportedGraph } from './import-repair';

type Json = Record<string, unknown>;

const policy = {
  module: 'keras',
  class_name: 'DTypePolicy',
  config: { name: 'float32' },
  registered_name: null,
};

/** A Keras 3 keras-tensor reference to `layer`'s output. */
const tensor = (layer: string) => ({
  class_name: '__keras_tensor__',
  config: { shape: [null, 8, 8, 4], dtype: 'float32', keras_history: [layer, 0, 0] },
});

/** A Keras 3 `to_json()` layer: module, registered_name, dtype policy, `{args, kwargs}` inbound nodes. */
function k3(className: string, name: string, config: Json, inputs: Array<string | string[]> = []): Json {
  return {
    module: 'keras.layers',
    class_name: className,
    config: { name, trainable: true, dtype: policy, ...config },
    registered_name: null,
    name,
    inbound_nodes: inputs.length
      ? [
          {
            args: inputs.map((input) => (Array.isArray(input) ? input.map(tensor) : tensor(input))),
            kwargs: {},
          },
        ]
      : [],
  };
}

/** A Keras 2 functional layer: `[[name, 0, 0, {}], …]` inbound nodes. */
function k2(className: string, name: string, config: Json, inputs: string[] = []): Json {
  return {
    class_name: className,
    name,
    config: { name, trainable: true, dtype: 'float32', ...config },
    inbound_nodes: inputs.length ? [inputs.map((input) => [input, 0, 0, {}])] : [],
  };
}

const conv = (filters: number, extra: Json = {}) => ({
  filters,
  kernel_size: [3, 3],
  strides: [1, 1],
  padding: 'same',
  data_format: 'channels_last',
  dilation_rate: [1, 1],
  activation: 'relu',
  use_bias: true,
  ...extra,
});

/** Imports and checks; returns the valid document. */
function valid(model: unknown, options = {}) {
  const result = importLayersModel(model, options);
  const checked = checkImportedGraph(result.document);
  expect(checked.problems).toEqual([]);
  expect(result.unmapped).toEqual([]);
  return { ...result, document: checked.document!, analysis: analyzeGraph(checked.document!) };
}

describe('formats by version', () => {
  it('Keras 3 to_json: __keras_tensor__ inbound nodes (a list for Add), dtype policies, batch_shape, flat input_layers', () => {
    const model = {
      module: 'keras',
      class_name: 'Functional',
      config: {
        name: 'k3',
        trainable: true,
        layers: [
          {
            module: 'keras.layers',
            class_name: 'InputLayer',
            config: { batch_shape: [null, 8, 8, 3], dtype: 'float32', sparse: false, name: 'input_layer' },
            registered_name: null,
            name: 'input_layer',
            inbound_nodes: [],
          },
          k3('Conv2D', 'a', conv(4), ['input_layer']),
          k3('Conv2D', 'b', conv(4), ['a']),
          k3('Add', 'sum', {}, [['a', 'b']]),
          k3('GlobalAveragePooling2D', 'gap', { data_format: 'channels_last', keepdims: false }, ['sum']),
          k3('Dense', 'logits', { units: 3, activation: 'softmax', use_bias: true }, ['gap']),
        ],
        input_layers: ['input_layer', 0, 0],
        output_layers: ['logits', 0, 0],
      },
      registered_name: 'Functional',
      build_config: { input_shape: null },
    };
    const { document, analysis } = valid(JSON.stringify(model));
    expect(document.edges.filter((edge) => edge.target === 'sum').map((edge) => edge.source)).toEqual([
      'a',
      'b',
    ]);
    expect(analysis.totals.trainable).toBe(3 * 3 * 3 * 4 + 4 + (3 * 3 * 4 * 4 + 4) + (4 * 3 + 3));
  });

  it('tfjs-layers 0.x: modelTopology is the Sequential itself, with a bare layer list', () => {
    const model = {
      modelTopology: {
        class_name: 'Sequential',
        keras_version: 'tfjs-layers 0.8.0',
        backend: 'tensor_flow.js',
        config: [
          {
            class_name: 'Conv2D',
            config: { name: 'conv2d_1', batch_input_shape: [null, 28, 28, 1], ...conv(8) },
          },
          {
            class_name: 'MaxPooling2D',
            config: { name: 'max_pooling2d_1', pool_size: [2, 2], strides: [2, 2] },
          },
          { class_name: 'Flatten', config: { name: 'flatten_1' } },
          { class_name: 'Dense', config: { name: 'dense_1', units: 10, activation: 'softmax' } },
        ],
      },
      weightsManifest: [
        {
          paths: ['group1-shard1of1'],
          weights: [
            { name: 'conv2d_1/kernel', shape: [3, 3, 1, 8], dtype: 'float32' },
            { name: 'conv2d_1/bias', shape: [8], dtype: 'float32' },
            { name: 'dense_1/kernel', shape: [1568, 10], dtype: 'float32' },
            { name: 'dense_1/bias', shape: [10], dtype: 'float32' },
          ],
        },
      ],
    };
    const { analysis, weightsManifest, nodeOfLayer } = valid(model);
    expect(analysis.totals.trainable).toBe(72 + 8 + 15680 + 10);
    expect(weightsManifest![0].weights).toHaveLength(4);
    expect(nodeOfLayer.get('dense_1')).toBe('dense_1');
  });

  it.each([
    ['batch_input_shape (Keras 2)', { batch_input_shape: [null, 6, 6, 2] }],
    ['batch_shape (Keras 3)', { batch_shape: [null, 6, 6, 2] }],
    ['batchInputShape (tfjs converter 4.x)', { batchInputShape: [null, 6, 6, 2] }],
    ['a TensorShape object', { batch_input_shape: { class_name: 'TensorShape', items: [null, 6, 6, 2] } }],
  ])('an InputLayer with %s', (_what, shapeConfig) => {
    const model = {
      class_name: 'Model',
      config: {
        name: 'm',
        layers: [
          k2('InputLayer', 'in', shapeConfig),
          k2('Flatten', 'flat', {}, ['in']),
          k2('Dense', 'out', { units: 2 }, ['flat']),
        ],
        input_layers: [['in', 0, 0]],
        output_layers: [['out', 0, 0]],
      },
    };
    const { document } = valid(model);
    expect(document.nodes[0].params).toMatchObject({ height: 6, width: 6, channels: 2 });
  });

  it('a Sequential whose first layer gives input_shape (no batch axis) and __tuple__ sizes', () => {
    const model = {
      class_name: 'Sequential',
      config: {
        name: 's',
        layers: [
          {
            class_name: 'Conv2D',
            config: {
              name: 'c',
              input_shape: [10, 10, 3],
              ...conv(2),
              kernel_size: { class_name: '__tuple__', items: [3, 3] },
            },
          },
          { class_name: 'Flatten', config: { name: 'f' } },
          { class_name: 'Dense', config: { name: 'd', units: 2 } },
        ],
      },
    };
    const { document } = valid(model);
    expect(document.nodes.map((node) => node.type)).toEqual(['input', 'conv2d', 'flatten', 'dense']);
    expect(document.nodes[1].params.kernelSize).toBe(3);
  });
});

describe('nested models', () => {
  it('a Functional inside a Functional (Keras 3) is flattened, wired to what fed it, and kept as a group', () => {
    const inner = {
      module: 'keras',
      class_name: 'Functional',
      name: 'backbone',
      config: {
        name: 'backbone',
        layers: [
          {
            class_name: 'InputLayer',
            name: 'backbone_in',
            config: { batch_shape: [null, 8, 8, 3], name: 'backbone_in' },
            inbound_nodes: [],
          },
          k3('Conv2D', 'conv', conv(4), ['backbone_in']),
          k3('BatchNormalization', 'bn', { axis: -1, momentum: 0.99, epsilon: 0.001 }, ['conv']),
        ],
        input_layers: ['backbone_in', 0, 0],
        output_layers: ['bn', 0, 0],
      },
      inbound_nodes: [{ args: [tensor('image')], kwargs: { training: false } }],
    };
    const model = {
      class_name: 'Functional',
      config: {
        name: 'outer',
        layers: [
          {
            class_name: 'InputLayer',
            name: 'image',
            config: { batch_shape: [null, 8, 8, 3], name: 'image' },
            inbound_nodes: [],
          },
          inner,
          k3('GlobalAveragePooling2D', 'gap', {}, ['backbone']),
          k3('Dense', 'head', { units: 2 }, ['gap']),
        ],
        input_layers: [['image', 0, 0]],
        output_layers: [['head', 0, 0]],
      },
    };
    const { document, analysis, nodeOfLayer } = valid(model);
    expect(document.nodes.map((node) => node.id)).toEqual([
      'image',
      'conv',
      'bn',
      'gap',
      'gap_flatten',
      'head',
    ]);
    expect(document.edges.find((edge) => edge.target === 'conv')!.source).toBe('image');
    expect(document.edges.find((edge) => edge.target === 'gap')!.source).toBe('bn');
    expect(document.meta[IMPORT_GROUPS_META_KEY]).toEqual([
      { name: 'backbone', className: 'Functional', nodeIds: ['conv', 'bn'] },
    ]);
    // …and a frame in the editor around its layers.
    expect(document.meta.editorGroups).toEqual([
      { id: 'imported-1', label: 'backbone', nodeIds: ['conv', 'bn'] },
    ]);
    expect(nodeOfLayer.get('bn')).toBe('bn');
    expect(analysis.totals.nonTrainable).toBe(8);
  });
});

/** A model with two heads on one trunk. */
const twoHeads = {
  class_name: 'Functional',
  config: {
    name: 'two_heads',
    layers: [
      k2('InputLayer', 'image', { batch_input_shape: [null, 8, 8, 1] }),
      k2('Conv2D', 'trunk', conv(4), ['image']),
      k2('Flatten', 'flat', {}, ['trunk']),
      k2('Dense', 'classes', { units: 5 }, ['flat']),
      k2('Dense', 'box', { units: 4 }, ['flat']),
    ],
    input_layers: [['image', 0, 0]],
    output_layers: [
      ['classes', 0, 0],
      ['box', 0, 0],
    ],
  },
};

describe('several outputs', () => {
  it('imports every head, marks them, and asks which one to train', () => {
    const result = importLayersModel(twoHeads);
    expect(result.outputs).toEqual(['classes', 'box']);
    expect(result.document.meta[IMPORT_OUTPUTS_META_KEY]).toEqual({
      outputs: ['classes', 'box'],
      chosen: null,
    });
    const { problems } = checkImportedGraph(result.document);
    expect(problems[0]).toBe(
      'the model has 2 outputs (classes, box): choose the head to train (cnn-studio import --output <layer>, or Output in the Import dialog)',
    );
  });

  it('keeps the chosen head and what leads to it', () => {
    const { document } = valid(twoHeads, { output: 'box' });
    expect(document.nodes.map((node) => node.id)).toEqual(['image', 'trunk', 'flat', 'box']);
    expect(document.meta[IMPORT_NOTES_META_KEY]).toEqual([
      'kept output box (the head to train); left out classes',
    ]);
  });

  it('names the outputs there are when the chosen one is not one of them', () => {
    expect(() => importLayersModel(twoHeads, { output: 'trunk' })).toThrow(
      'the model has no output "trunk"; its outputs are "classes", "box"',
    );
  });
});

describe('channels_first', () => {
  it('converts the input to channels-last and notes it; the layers compute the same shapes', () => {
    const model = {
      class_name: 'Sequential',
      config: {
        name: 'cf',
        layers: [
          { class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, 3, 32, 24] } },
          {
            class_name: 'Conv2D',
            config: { name: 'c', ...conv(8, { data_format: 'channels_first', padding: 'valid' }) },
          },
          { class_name: 'BatchNormalization', config: { name: 'bn', axis: 1 } },
          {
            class_name: 'MaxPooling2D',
            config: { name: 'p', pool_size: [2, 2], data_format: 'channels_first' },
          },
          { class_name: 'Flatten', config: { name: 'f', data_format: 'channels_first' } },
          { class_name: 'Dense', config: { name: 'd', units: 2 } },
        ],
      },
    };
    const { document, analysis } = valid(model);
    expect(document.nodes[0].params).toMatchObject({ height: 32, width: 24, channels: 3 });
    expect(analysis.nodes.p.outputShape).toEqual([15, 11, 8]);
    expect(document.meta[IMPORT_NOTES_META_KEY]).toEqual([
      'input in: channels_first [3, 32, 24] converted to channels-last [32, 24, 3]',
      'channels_first: the model was converted to channels-last (CNN Studio computes in height × width × channels)',
    ]);
    expect(document.meta[CHANNELS_FIRST_FLATTEN_META_KEY]).toEqual(['f']);
  });
});

describe('unknown input sizes', () => {
  const open = {
    class_name: 'Functional',
    config: {
      name: 'fcn',
      layers: [
        k2('InputLayer', 'pixels', { batch_input_shape: [null, null, null, 3] }),
        k2('Conv2D', 'c', conv(4), ['pixels']),
        k2('GlobalMaxPooling2D', 'gmp', {}, ['c']),
        k2('Dense', 'd', { units: 2 }, ['gmp']),
      ],
      input_layers: [['pixels', 0, 0]],
      output_layers: [['d', 0, 0]],
    },
  };

  it('asks for the size, naming the input', () => {
    let error: unknown;
    try {
      importLayersModel(open);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InputSizeNeededError);
    expect(error).toMatchObject({ input: 'pixels', shape: [null, null, 3] });
    expect((error as Error).message).toBe(
      'input "pixels" has no fixed height and width ([None, None, 3]): give the image size to import it with (e.g. 224, or 224x224)',
    );
  });

  it('takes the size given', () => {
    const { document } = valid(open, { inputSize: [96, 64] });
    expect(document.nodes[0].params).toMatchObject({ height: 96, width: 64, channels: 3 });
    expect(document.meta[IMPORT_NOTES_META_KEY]).toEqual(['input pixels: unknown image size set to 96×64']);
  });
});

describe('malformed files, answered naming the layer and field', () => {
  const functional = (...layers: unknown[]) => ({
    class_name: 'Model',
    config: { name: 'm', layers, input_layers: [['in', 0, 0]], output_layers: [] },
  });
  const input = k2('InputLayer', 'in', { batch_input_shape: [null, 4, 4, 1] });

  it.each([
    [
      'a layer without class_name',
      functional(input, {
        name: 'mystery',
        config: { name: 'mystery' },
        inbound_nodes: [[['in', 0, 0, {}]]],
      }),
      'the model: layer "mystery": class_name is missing',
    ],
    [
      'a config that is not an object',
      functional(input, { class_name: 'Dense', name: 'd', config: 'units=3', inbound_nodes: [] }),
      'the model: layer "d" (Dense): config is not an object',
    ],
    [
      'an inbound layer that does not exist',
      functional(input, k2('Dense', 'd', { units: 3 }, ['nowhere'])),
      'the model: layer "d": inbound_nodes names "nowhere", which is not a layer of this model',
    ],
    [
      'a layer called twice (shared)',
      functional(input, {
        ...k2('Flatten', 'f', {}, ['in']),
        inbound_nodes: [[['in', 0, 0, {}]], [['in', 0, 0, {}]]],
      }),
      'the model: layer "f" is called 2 times (a shared layer); CNN Studio layers are called once',
    ],
    [
      'inbound_nodes that is not a list',
      functional(input, { ...k2('Flatten', 'f', {}), inbound_nodes: 'in' }),
      'the model: layer "f": inbound_nodes is not a list',
    ],
    [
      'a weights manifest entry with a bad shape',
      {
        modelTopology: functional(input),
        weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'd/kernel', shape: [3, 'x'] }] }],
      },
      'weightsManifest[0].weights[0] (d/kernel): shape is not a list of sizes',
    ],
    [
      'an input shape of the wrong kind',
      functional(k2('InputLayer', 'in', { batch_input_shape: [null, 4.5, 4, 1] })),
      'input "in": batch_input_shape [null,4.5,4,1] is not a list of sizes',
    ],
  ])('%s', (_what, model, message) => {
    expect(() => importLayersModel(model)).toThrow(ModelImportError);
    expect(() => importLayersModel(model)).toThrow(message);
  });
});
