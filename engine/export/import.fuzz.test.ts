/**
 * Fuzz: whatever model.json `import` is given, it either refuses it with a
 * `ModelImportError` or yields a graph that `checkImportedGraph` either passes (and then
 * it compiles and runs) or lists problems for — never a raw TypeError or RangeError, in
 * bounded time and with a bounded report.
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../compile/compile';
import { analyzeGraph } from '../graph/analyze';
import { fuzzRuns, MAX_REPORT_CHARS, oddNumber } from '../graph/fuzz-graphs';
import { importLayersModel, ModelImportError } from './import-keras';
import { checkImportedGraph } from './import-repair';

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => {
  tf.disposeVariables();
});

const KERAS_CLASSES = [
  'InputLayer',
  'Conv2D',
  'MaxPooling2D',
  'AveragePooling2D',
  'GlobalAveragePooling2D',
  'BatchNormalization',
  'Activation',
  'ReLU',
  'LeakyReLU',
  'ELU',
  'Softmax',
  'Dense',
  'Dropout',
  'Flatten',
  'Concatenate',
  'Add',
  'ZeroPadding2D',
  'Resizing',
  'LSTM',
];

const smallInt = fc.integer({ min: 1, max: 4 });
const oddValue = fc.oneof(
  { weight: 4, arbitrary: smallInt },
  { weight: 2, arbitrary: fc.tuple(smallInt, smallInt) },
  { weight: 1, arbitrary: oddNumber },
  {
    weight: 1,
    arbitrary: fc.constantFrom(null, 'same', 'valid', 'relu', 'linear', 'constructor', '__proto__', ''),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);
const configKeys = [
  'name',
  'units',
  'filters',
  'kernel_size',
  'strides',
  'padding',
  'activation',
  'pool_size',
  'rate',
  'momentum',
  'epsilon',
  'alpha',
  'axis',
  'use_bias',
  'height',
  'width',
  'dilation_rate',
];

const kerasLayer = fc.record({
  class_name: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...KERAS_CLASSES) },
    { weight: 1, arbitrary: fc.string() },
  ),
  config: fc.oneof(
    {
      weight: 8,
      arbitrary: fc
        .record({
          name: fc.oneof(
            fc.constantFrom('', 'a', 'a', '__proto__', 'constructor', '_x', 'b-1'),
            fc.string({ maxLength: 6 }),
          ),
          values: fc.dictionary(fc.constantFrom(...configKeys), oddValue, { maxKeys: 5 }),
          shape: fc.oneof(
            fc.constant([null, 4, 4, 1]),
            fc.tuple(fc.constant(null), oddValue, oddValue, oddValue),
            fc.jsonValue({ maxDepth: 1 }),
          ),
        })
        .map(({ name, values, shape }) => ({ name, batch_input_shape: shape, ...values })),
    },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  ),
  inbound: fc.array(fc.nat({ max: 9 }), { maxLength: 2 }),
});

/** A Sequential or functional model.json (functional layers wired by index to earlier names). */
const kerasModel = fc
  .record({
    className: fc.constantFrom('Sequential', 'Model', 'Functional', 'Graph'),
    input: fc.option(
      fc.oneof(
        { weight: 5, arbitrary: fc.constant([null, 4, 4, 1]) },
        { weight: 1, arbitrary: fc.tuple(fc.constant(null), oddValue, oddValue, oddValue) },
      ),
      { freq: 5 },
    ),
    body: fc.array(kerasLayer, { maxLength: 8 }),
    wrapped: fc.boolean(),
  })
  .map(({ className, input, body, wrapped }) => {
    // Mostly a usable image input first, so the cases get past it to the layers.
    const inputLayer = {
      class_name: 'InputLayer',
      config: { name: 'image', batch_input_shape: input },
      inbound: [],
    };
    const layers = input === null ? body : [inputLayer, ...body];
    const nameOf = (layer: (typeof layers)[number]) =>
      (layer.config as { name?: unknown } | null)?.name ?? 'missing';
    const list = layers.map((layer, i) => ({
      class_name: layer.class_name,
      name: nameOf(layer),
      config: layer.config,
      inbound_nodes:
        i === 0 || layer.inbound.length === 0
          ? []
          : [layer.inbound.map((j) => [nameOf(layers[j % i]), 0, 0, {}])],
    }));
    const topology = { class_name: className, config: { name: 'fuzzed', layers: list } };
    return wrapped ? { format: 'layers-model', modelTopology: topology } : topology;
  });

/** How the cases ended, so a test can check the generator reaches every path. */
const outcomes = { refused: 0, invalid: 0, compiled: 0 };

/** Imports and checks `input`; fails the property on a raw error, a slow answer or a huge report. */
function importAndCheck(input: unknown): void {
  const started = performance.now();
  let report: string;
  try {
    const { document: imported } = importLayersModel(
      typeof input === 'string' ? input : JSON.stringify(input),
    );
    const { document, repairs, problems } = checkImportedGraph(imported);
    report = [...repairs, ...problems].join('\n');
    if (document && problems.length === 0) {
      const analysis = analyzeGraph(document);
      expect(analysis.valid).toBe(true);
      const small = analysis.totals.trainable < 200_000 && analysis.totals.activationBytes < 1e6;
      if (small) {
        compileGraph(tf, document).dispose();
        outcomes.compiled += 1;
      }
    } else outcomes.invalid += 1;
  } catch (error) {
    if (!(error instanceof ModelImportError)) throw error;
    outcomes.refused += 1;
    report = error.message;
  }
  expect(report.length).toBeLessThan(MAX_REPORT_CHARS);
  expect(performance.now() - started).toBeLessThan(2000);
}

describe('import under fuzzing', () => {
  it('answers any JSON with a graph or a ModelImportError', () => {
    fc.assert(fc.property(fc.jsonValue(), importAndCheck), fuzzRuns(200));
  });

  it('answers malformed Keras / tfjs models (odd configs, names, wiring) in words', () => {
    fc.assert(fc.property(kerasModel, importAndCheck), fuzzRuns(400));
    expect(outcomes.refused).toBeGreaterThan(10);
    expect(outcomes.invalid).toBeGreaterThan(10);
    expect(outcomes.compiled).toBeGreaterThan(10);
  }, 30_000);
});
