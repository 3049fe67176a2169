/**
 * Node ids that are also names the generated scripts use (`conv`, `pad`, `F`, `torch`) get a
 * trailing underscore: `conv = conv(…)` inside `build_model` would be an UnboundLocalError,
 * and a value named `F` would hide `torch.nn.functional` in `forward`.
 */
import { describe, expect, it } from 'vitest';
import { buildInTorch, chainGraph } from '../nodes/test-support/export-check';
import { exportCode } from './index';
import { pythonNames } from './python';

describe('Python names for node ids', () => {
  it('never take a helper, module or keyword name', () => {
    const names = pythonNames(['conv', 'pad', 'F', 'torch', 'batch_norm', 'conv1', 'class', 'conv-1']);
    expect([...names.values()]).toEqual([
      'conv_',
      'pad_',
      'F_',
      'torch_',
      'batch_norm_',
      'conv1',
      'class_',
      'conv_1',
    ]);
  });

  it('a graph whose layers are called conv, pad, F and torch exports scripts that build and run', () => {
    const doc = chainGraph(
      'helper names',
      [12, 12, 1],
      [
        ['conv', 'conv2d', { filters: 4, kernelSize: 3, activation: 'relu' }],
        ['pad', 'maxPool2d', { poolSize: 2, strides: 2 }],
        ['F', 'flatten', {}],
        ['torch', 'dense', { units: 10 }],
      ],
    );
    const [keras] = exportCode(doc, 'keras');
    expect(keras.content).toContain('conv_ = conv(');
    expect(keras.content).not.toMatch(/^\s+conv = /m);
    const [build] = buildInTorch([doc]);
    expect(build.torch).toEqual(build.engine);
  });
});
