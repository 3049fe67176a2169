import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../graph/analyze';
import type { GraphDocument } from '../graph/document';
import { getPreset, presetIds } from '../presets/index';
import { exportCode, ExportError } from './index';
import { PYTHON, requireTorch, writeFiles as writeExport } from './test-support/python';

describe('PyTorch export', () => {
  it('writes model.py, train.py and a README for every preset', () => {
    for (const id of presetIds) {
      const files = exportCode(getPreset(id), 'pytorch');
      expect(files.map((f) => f.path)).toEqual(['model.py', 'train.py', 'README.md']);
      expect(files[0].content).toContain('def build_model(weights_dir=None):');
    }
  });

  it('uses the book block classes where the graph uses blocks', () => {
    const source = exportCode(getPreset('googlenet'), 'pytorch')[0].content;
    expect(source).toContain('class Inception(nn.Module)');
    expect(source).not.toContain('class Residual');
    expect(exportCode(getPreset('resnet18'), 'pytorch')[0].content).toContain(
      'Residual(64, 128, use_1x1conv=True, strides=2)',
    );
  });

  it('names the node a target cannot express', () => {
    const doc = getPreset('lenet');
    const pool = doc.nodes.find((node) => node.type === 'avgPool2d')!;
    // 'same' average pooling on 28×28 with a 3×3 window and stride 2 pads 0 rows above and 1 below.
    pool.params = { ...pool.params, poolSize: 3, strides: 2, padding: 'same' };
    expect(analyzeGraph(doc).valid).toBe(true);
    expect(() => exportCode(doc, 'pytorch')).toThrow(ExportError);
    expect(() => exportCode(doc, 'pytorch')).toThrow(new RegExp(`node "${pool.id}"`));
  });

  it('refuses an invalid graph with its issues', () => {
    const doc: GraphDocument = { ...getPreset('lenet'), edges: [] };
    expect(() => exportCode(doc, 'pytorch')).toThrow(/cannot export/);
  });

  describe('runs in PyTorch (Debian python3-torch)', () => {
    beforeAll(requireTorch);

    it('every preset builds, and its output shape and trainable count equal the engine summary', () => {
      const checks = presetIds.map((id) => {
        const doc = getPreset(id);
        const analysis = analyzeGraph(doc);
        const dir = writeExport(exportCode(doc, 'pytorch'));
        return { id, dir, classes: analysis.outputShape![0], trainable: analysis.totals.trainable };
      });
      // One Python process for all presets: importing torch costs seconds.
      const script = `
import importlib.util, json, sys, torch
out = {}
for check in json.loads(sys.argv[1]):
    spec = importlib.util.spec_from_file_location('model_' + check['id'].replace('-', '_'), check['dir'] + '/model.py')
    module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)
    model = module.build_model().eval()
    with torch.no_grad():
        y = model(torch.zeros(1, *module.INPUT_SHAPE))
    out[check['id']] = {'shape': list(y.shape), 'trainable': sum(p.numel() for p in model.parameters() if p.requires_grad)}
print(json.dumps(out))`;
      const result = JSON.parse(
        execFileSync(PYTHON, ['-c', script, JSON.stringify(checks)], {
          encoding: 'utf8',
          maxBuffer: 1 << 24,
        }),
      );
      for (const check of checks) {
        expect(result[check.id], check.id).toEqual({ shape: [1, check.classes], trainable: check.trainable });
      }
    }, 240_000);

    it('the training script runs a short epoch on synthetic data', () => {
      const dir = writeExport(exportCode(getPreset('bn-lenet'), 'pytorch'));
      const output = execFileSync(
        PYTHON,
        [
          'train.py',
          '--data',
          'synthetic',
          '--epochs',
          '1',
          '--limit',
          '64',
          '--workers',
          '0',
          '--out',
          join(dir, 'out.pt'),
        ],
        {
          cwd: dir,
          encoding: 'utf8',
        },
      );
      expect(output).toMatch(/epoch 1\/1 {2}loss [0-9.]+/);
      expect(output).toContain('saved');
    }, 120_000);
  });
});

describe('Keras export', () => {
  it('is valid Python for every preset', () => {
    for (const id of presetIds) {
      const [file] = exportCode(getPreset(id), 'keras');
      expect(file.path).toBe('model_keras.py');
      const dir = writeExport([file]);
      const check = spawnSync(
        PYTHON,
        ['-c', 'import ast,sys; ast.parse(open(sys.argv[1]).read())', join(dir, file.path)],
        { encoding: 'utf8' },
      );
      expect(check.status, `${id}: ${check.stderr}`).toBe(0);
    }
  });
});
