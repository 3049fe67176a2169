/**
 * The generated train.py trains as the app does: its loss equals engine/train/step.ts's on
 * the same outputs and labels (logits, and probabilities for a graph ending in softmax), and
 * its learning rate equals engine/train/schedule.ts's at every step, for constant, step and
 * cosine schedules with and without warm-up. Runs the generated Python in Debian's torch.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TRAINING, type GraphDocument, type TrainingSettings } from '../graph/document';
import { getPreset } from '../presets/index';
import type { DatasetInfo } from '../protocol/api';
import { checkRunnable } from '../train/preflight';
import { learningRateAt, type ScheduleSettings } from '../train/schedule';
import { crossEntropy } from '../train/step';
import { exportCode } from './index';
import { planExport } from './plan';
import { requireTorch, runPythonJson, writeFiles } from './test-support/python';

const CLASSES = 10;

/** LeNet, and LeNet whose last dense layer applies softmax (its output is probabilities). */
function lenet(endsInSoftmax: boolean): GraphDocument {
  const doc = getPreset('lenet');
  if (!endsInSoftmax) return doc;
  const last = doc.nodes.find((node) => node.id === 'dense3')!;
  last.params = { ...last.params, activation: 'softmax' };
  return doc;
}

/** Seeded values, so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function batch(
  seed: number,
  rows: number,
  asProbabilities: boolean,
): { output: number[][]; labels: number[] } {
  const next = random(seed);
  const output = Array.from({ length: rows }, () =>
    Array.from({ length: CLASSES }, () => (next() - 0.5) * 8),
  );
  const labels = Array.from({ length: rows }, () => Math.floor(next() * CLASSES));
  if (!asProbabilities) return { output, labels };
  const probabilities = output.map((row) => {
    const exp = row.map(Math.exp);
    const sum = exp.reduce((a, b) => a + b, 0);
    return exp.map((e) => e / sum);
  });
  // A true class with probability 0 exercises the clip to 1e-7.
  probabilities[0][labels[0]] = 0;
  return { output: probabilities, labels };
}

function appLoss(output: number[][], labels: number[], asProbabilities: boolean): number {
  return tf.tidy(() =>
    crossEntropy(tf, tf.tensor1d(labels, 'int32'), tf.tensor2d(output), CLASSES, asProbabilities).arraySync(),
  );
}

const SCHEDULES: Array<Partial<TrainingSettings>> = [
  { schedule: 'constant', warmupEpochs: 0 },
  { schedule: 'constant', warmupEpochs: 1.5 },
  { schedule: 'step', stepEpochs: 2, stepGamma: 0.5, warmupEpochs: 0 },
  // 2.5 epochs and 1.5 × 7 = 10.5 warm-up steps: JavaScript rounds halves up, Python's round() to even.
  { schedule: 'step', stepEpochs: 2.5, stepGamma: 0.3, warmupEpochs: 1.5 },
  { schedule: 'cosine', warmupEpochs: 0 },
  { schedule: 'cosine', warmupEpochs: 1 },
  { schedule: 'cosine', warmupEpochs: 1.5 },
  // Warm-up as long as training: cosine has no decay steps left.
  { schedule: 'cosine', warmupEpochs: 6 },
];
const EPOCHS = 6;
const BATCHES_PER_EPOCH = 7;

/** Imports each generated train.py and evaluates its loss_fn and learning_rate_at. */
const script = `
import importlib.util, json, sys, torch
request = json.load(sys.stdin)
out = {}
for case in request['exports']:
    sys.path.insert(0, case['dir'])
    sys.modules.pop('model', None)
    spec = importlib.util.spec_from_file_location('train_' + case['name'], case['dir'] + '/train.py')
    train = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(train)
    sys.path.pop(0)
    losses = [train.loss_fn(torch.tensor(b['output'], dtype=torch.float32), torch.tensor(b['labels'])).item()
              for b in case['batches']]
    rates = []
    for settings in request['schedules']:
        train.SETTINGS.update(settings)
        rates.append([train.learning_rate_at(request['lr'], request['epochs'], e, b, request['batches'])
                      for e in range(request['epochs']) for b in range(request['batches'])])
    out[case['name']] = {'losses': losses, 'rates': rates}
print(json.dumps(out))
`;

describe('generated train.py semantics equal the app’s', () => {
  let results: Record<string, { losses: number[]; rates: number[][] }>;
  const cases = [
    { name: 'logits', asProbabilities: false },
    { name: 'probabilities', asProbabilities: true },
  ];
  const batches = (asProbabilities: boolean) => [1, 2, 3].map((seed) => batch(seed, 16, asProbabilities));

  beforeAll(async () => {
    requireTorch();
    await tf.setBackend('cpu');
    results = runPythonJson(script, {
      exports: cases.map(({ name, asProbabilities }) => ({
        name,
        dir: writeFiles(exportCode(lenet(asProbabilities), 'pytorch')),
        batches: batches(asProbabilities),
      })),
      schedules: SCHEDULES.map((s) => ({
        schedule: s.schedule,
        warmup_epochs: s.warmupEpochs,
        step_epochs: s.stepEpochs ?? DEFAULT_TRAINING.stepEpochs,
        step_gamma: s.stepGamma ?? DEFAULT_TRAINING.stepGamma,
      })),
      lr: 0.2,
      epochs: EPOCHS,
      batches: BATCHES_PER_EPOCH,
    });
  }, 240_000);

  it('the plan and the app agree on which graphs end in softmax', () => {
    const tenClasses = {
      id: 'ten',
      classNames: Array.from({ length: CLASSES }, (_, i) => String(i)),
    } as DatasetInfo;
    /** LeNet with a softmax activation node after its logits, optionally bypassed. */
    const withSoftmaxNode = (bypassed: boolean): GraphDocument => {
      const doc = lenet(false);
      doc.nodes.push({
        id: 'probs',
        type: 'activation',
        params: { fn: 'softmax', alpha: 0 },
        position: { x: 0, y: 0 },
        bypassed,
      });
      doc.edges.push({
        id: 'e-probs',
        source: 'dense3',
        sourcePort: 'out',
        target: 'probs',
        targetPort: 'in',
      });
      return doc;
    };
    const graphs = [lenet(false), lenet(true), withSoftmaxNode(false), withSoftmaxNode(true)];
    expect(graphs.map((doc) => planExport(doc).outputIsProbabilities)).toEqual([false, true, true, false]);
    for (const doc of graphs)
      expect(planExport(doc).outputIsProbabilities).toBe(
        checkRunnable(doc, tenClasses).outputIsProbabilities,
      );
  });

  it.each(cases)('the loss on $name equals the app’s', ({ name, asProbabilities }) => {
    const expected = batches(asProbabilities).map((b) => appLoss(b.output, b.labels, asProbabilities));
    expect(results[name].losses).toHaveLength(expected.length);
    results[name].losses.forEach((loss, i) => expect(loss).toBeCloseTo(expected[i], 5));
  });

  it.each(SCHEDULES.map((settings, index) => [JSON.stringify(settings), settings, index] as const))(
    'the learning rate at every step equals the app’s: %s',
    (_label, settings, index) => {
      const scheduleSettings: ScheduleSettings = {
        ...DEFAULT_TRAINING,
        ...settings,
        learningRate: 0.2,
        epochs: EPOCHS,
      };
      const expected: number[] = [];
      for (let epoch = 0; epoch < EPOCHS; epoch++)
        for (let b = 0; b < BATCHES_PER_EPOCH; b++)
          expected.push(
            learningRateAt(scheduleSettings, { epoch, batch: b, batchesPerEpoch: BATCHES_PER_EPOCH }),
          );
      for (const name of ['logits', 'probabilities']) {
        const rates = results[name].rates[index];
        expect(rates).toHaveLength(expected.length);
        rates.forEach((rate, step) => expect(rate, `step ${step}`).toBeCloseTo(expected[step], 12));
      }
    },
  );
});
