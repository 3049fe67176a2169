/**
 * ONNX import: what CNN Studio exports comes back as the same graph (same counts, same
 * predictions with the imported weights), per layer type and for the presets; bad files
 * and ops with no node are named.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { getPreset } from '../../presets/index';
import { ModelImportError } from '../import-keras';
import { expectRoundTrip, image, layerChain, onnxLayerCases, onnxWithLrn } from '../test-support/onnx';
import { importOnnxModel } from './import';
import { userBlockGraph } from '../test-support/user-block-graph';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('ONNX round trip (export → import): same counts, same predictions', () => {
  // GELU among them: written as its erf formula (ONNX has no Gelu op before opset 20) and fused back.
  it.each(onnxLayerCases)('%s', async (_name, layers) => {
    await expectRoundTrip(layerChain(image, layers));
  });

  it.each(['lenet', 'bn-lenet', 'resnet18', 'densenet'])(
    'preset %s',
    async (id) => {
      await expectRoundTrip(getPreset(id));
    },
    300_000,
  );
});

describe('ONNX import of bad input', () => {
  it('refuses bytes that are not an ONNX model', () => {
    expect(() => importOnnxModel(new TextEncoder().encode('{"not": "onnx"}'))).toThrow(ModelImportError);
  });

  it('lists an op with no node by name and type, and wires through it', () => {
    const bytes = onnxWithLrn();
    const { document, unmapped } = importOnnxModel(bytes);
    expect(unmapped).toEqual(['norm1 (LRN): no CNN Studio node for the ONNX op LRN']);
    const edges = document.edges.map((edge) => `${edge.source}→${edge.target}`);
    expect(edges).toEqual(['x→relu1', 'relu1→pool', 'pool→flat']);
    expect(document.meta.importUnmapped).toEqual([
      { name: 'norm1', opType: 'LRN', reason: 'no CNN Studio node for the ONNX op LRN', input: 'relu1' },
    ]);
  });
});

describe('ONNX with blocks of your own', () => {
  it('exports them as their inner layers and imports back with the same counts and predictions', async () => {
    await expectRoundTrip(userBlockGraph());
  });
});
