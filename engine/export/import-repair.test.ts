import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze';
import { loadGraphDocument } from '../graph/load';
import { serializeGraphDocument } from '../graph/serialize';
import { importLayersModel } from './import-keras';
import { checkImportedGraph, IMPORT_REPAIRS_META_KEY } from './import-repair';

/** A Sequential tfjs model.json of the given layers (class name, config). */
function sequential(...layers: Array<[className: string, config: Record<string, unknown>]>): string {
  return JSON.stringify({
    modelTopology: {
      class_name: 'Sequential',
      config: { name: 'seq', layers: layers.map(([class_name, config]) => ({ class_name, config })) },
    },
  });
}

const input = (shape: unknown[] = [null, 8, 8, 1]): [string, Record<string, unknown>] => [
  'InputLayer',
  { name: 'image', batch_input_shape: shape },
];

/** What `cnn-studio import` wrote before: the imported graph's text, as CNN Studio then read it. */
const readBack = (text: string) =>
  loadGraphDocument(serializeGraphDocument(importLayersModel(text).document));

describe('checkImportedGraph', () => {
  it('names a layer that had no name, and the graph loads', () => {
    const model = sequential(input(), ['Flatten', { name: 'flat' }], ['Dense', { name: '', units: 3 }]);
    expect(() => readBack(model)).toThrow(/nodes\[2\]\.id: must not be empty/);

    const checked = checkImportedGraph(importLayersModel(model).document);
    expect(checked.repairs).toEqual(['layer 3 (Dense) had no name: named dense_3']);
    expect(checked.problems).toEqual([]);
    expect(checked.document!.nodes.map((node) => node.id)).toEqual(['image', 'flat', 'dense_3']);
    expect(checked.document!.edges.map((edge) => edge.target)).toEqual(['flat', 'dense_3']);
    expect(checked.document!.meta[IMPORT_REPAIRS_META_KEY]).toEqual(checked.repairs);
    expect(analyzeGraph(checked.document!).valid).toBe(true);
  });

  it('renames a layer whose name is too long to be an id, rewiring its edges', () => {
    const long = 'x'.repeat(300);
    const model = sequential(input(), ['Flatten', { name: long }], ['Dense', { name: 'out', units: 3 }]);
    expect(() => readBack(model)).toThrow(/nodes\[1\]\.id: must be at most 256 characters, got 300/);

    const checked = checkImportedGraph(importLayersModel(model).document);
    expect(checked.repairs).toEqual([`layer 2 (Flatten) had the name "${'x'.repeat(39)}…": named flatten_2`]);
    expect(checked.problems).toEqual([]);
    expect(checked.document!.edges.map((edge) => [edge.source, edge.target])).toEqual([
      ['image', 'flatten_2'],
      ['flatten_2', 'out'],
    ]);
  });

  it('fills an unreadable value Keras has a default for with that default, and says so', () => {
    const model = sequential(
      input(),
      ['BatchNormalization', { name: 'bn', momentum: 'fast', epsilon: null }],
      ['Flatten', { name: 'flat' }],
      ['Dense', { name: 'out', units: 2 }],
    );
    expect(() => readBack(model)).toThrow(/params\.momentum: expected a number.*, got null/);

    const checked = checkImportedGraph(importLayersModel(model).document);
    expect(checked.repairs).toEqual(['bn.momentum was missing: used the Keras default 0.99']);
    expect(checked.problems).toEqual([]);
    expect(checked.document!.nodes[1].params).toMatchObject({ momentum: 0.99, epsilon: 0.001 });
  });

  it('lists a value the model lost and Keras has no default for', () => {
    const model = sequential(input(), ['Flatten', { name: 'flat' }], ['Dense', { name: 'out' }]);
    const checked = checkImportedGraph(importLayersModel(model).document);
    expect(checked.problems).toEqual([
      "node out: units was missing in the model, and Keras has no default for it (CNN Studio's default 10 stands in; set the real value)",
    ]);
    expect(checked.document!.nodes[2].params.units).toBe(10);
  });

  it('lists what the graph still gets wrong, as the editor would', () => {
    const model = sequential(
      input([null, 5000, 8, 1]),
      ['Flatten', { name: 'flat' }],
      ['Dense', { name: 'out', units: 2 }],
    );
    const checked = checkImportedGraph(importLayersModel(model).document);
    expect(checked.problems).toEqual(['node image: height must be a whole number from 1 to 4096, got 5000']);
    expect(checked.document).not.toBeNull();
  });
});
