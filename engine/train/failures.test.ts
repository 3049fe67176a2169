import { describe, expect, it } from 'vitest';
import { divergenceError, explainFailure, missingKernelName } from './failures';

describe('failure messages', () => {
  it('explains a NaN loss with the place, the rate and a smaller rate to try', () => {
    const error = divergenceError(NaN, { epoch: 1, batch: 37, learningRate: 50, optimizer: 'sgd' });
    expect(error.message).toBe(
      'loss became NaN at epoch 1 batch 37 — the learning rate 50 is probably too high; try 0.1',
    );
    expect(
      divergenceError(Infinity, { epoch: 2, batch: 1, learningRate: 0.05, optimizer: 'adam' }).message,
    ).toMatch(/Infinity .* 0\.05 .* try 0\.001$/);
  });

  it('explains running out of memory with the parameter count and batch size', () => {
    const message = explainFailure(new RangeError('Array buffer allocation failed'), {
      epoch: 1,
      batch: 3,
      batchSize: 256,
      paramCount: 11_178_000,
    });
    expect(message).toMatch(
      /ran out of memory at epoch 1 batch 3 .*11,178,000 parameters.*batch size 256.*try batch size 128/,
    );
  });

  it('names a missing kernel', () => {
    const error = new Error(
      "'DepthwiseConv2dNativeBackpropFilter' not yet implemented or not found in the registry.",
    );
    expect(missingKernelName(error)).toBe('DepthwiseConv2dNativeBackpropFilter');
    expect(explainFailure(error, { batchSize: 1, paramCount: 1, backend: 'wasm' })).toMatch(
      /wasm backend has no 'DepthwiseConv2dNativeBackpropFilter' kernel/,
    );
  });
});
