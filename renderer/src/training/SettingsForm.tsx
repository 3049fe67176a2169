/**
 * The run's settings: dataset (with sample images and class names), epochs, batch size,
 * optimizer, learning rate and schedule, weight decay, seed, validation split, augmentation
 * and a limit on the images used. They are the document's `training` settings (a preset
 * brings the book's), so every edit is an undoable change of the document — except the
 * limit, which is a property of a quick run, not of the model, and is kept by the panel.
 */
import { useEffect, useState } from 'react';
import type { OptimizerName, ScheduleName, TrainingSettings } from '../../../engine/graph/document';
import { editorActions, useEditor } from '../store/editor-store';
import { datasetSummary } from './dataset-import';
import { DatasetImportDialog } from './DatasetImportDialog';
import { CheckField, NumberField, numberParser, SelectField } from './fields';
import { SampleCanvas } from './SampleCanvas';
import { TRAIN_ENGINES, useTrainEngine } from '../window-training/engine-choice';
import { AMP_CHOICES, useAmpChoice } from './amp-choice';
import { loadSamples, trainingActions, useTraining } from './training-store';

const OPTIMIZERS: ReadonlyArray<readonly [OptimizerName, string]> = [
  ['sgd', 'SGD'],
  ['adam', 'Adam'],
  ['adamw', 'AdamW'],
  ['rmsprop', 'RMSProp'],
];
const SCHEDULES: ReadonlyArray<readonly [ScheduleName, string]> = [
  ['constant', 'Constant'],
  ['step', 'Step decay'],
  ['cosine', 'Cosine'],
];

function update<K extends keyof TrainingSettings>(key: K, value: TrainingSettings[K]): void {
  editorActions.setDocument((doc) =>
    doc.training[key] === value ? doc : { ...doc, training: { ...doc.training, [key]: value } },
  );
}

const parsers = {
  epochs: numberParser('Epochs', { min: 1, max: 10000, integer: true }),
  batchSize: numberParser('Batch size', { min: 1, max: 65536, integer: true }),
  learningRate: numberParser('Learning rate', { min: 0, exclusiveMin: true }),
  momentum: numberParser('Momentum', { min: 0, max: 1 }),
  weightDecay: numberParser('Weight decay', { min: 0 }),
  stepEpochs: numberParser('Step every', { min: 1, integer: true }),
  stepGamma: numberParser('Step factor', { min: 0, max: 1, exclusiveMin: true }),
  warmupEpochs: numberParser('Warm-up epochs', { min: 0, integer: true }),
  seed: numberParser('Seed', { min: 0, integer: true }),
  validationSplit: numberParser('Validation split', { min: 0, max: 0.9 }),
  limit: numberParser('Image limit', { min: 1, integer: true }),
};

export function SettingsForm() {
  const training = useEditor((s) => s.doc.training);
  const limit = useTraining((s) => s.limit);
  const { engine: trainEngine, setEngine: setTrainEngine } = useTrainEngine();
  const { amp, setAmp } = useAmpChoice(); // PyTorch runs only
  const num = (
    key: keyof typeof parsers & keyof TrainingSettings,
    label: string,
    testId: string,
    hint?: string,
  ) => (
    <NumberField
      label={label}
      testId={testId}
      value={training[key] as number}
      parse={parsers[key]}
      onCommit={(v) => v !== null && update(key, v)}
      {...(hint ? { hint } : {})}
    />
  );
  return (
    <div className="train-settings" data-testid="train-settings">
      <DatasetPicker datasetId={training.dataset} />
      <div className="train-grid">
        <SelectField
          label="Train on"
          testId="train-engine"
          value={trainEngine}
          options={TRAIN_ENGINES}
          onChange={setTrainEngine}
        />
        {(trainEngine === 'pytorch' || trainEngine === 'auto') && (
          <SelectField
            label="Mixed precision"
            testId="train-amp"
            value={amp}
            options={AMP_CHOICES}
            onChange={setAmp}
          />
        )}
        {num('epochs', 'Epochs', 'train-epochs')}
        {num('batchSize', 'Batch size', 'train-batch-size')}
        <SelectField
          label="Optimizer"
          testId="train-optimizer"
          value={training.optimizer}
          options={OPTIMIZERS}
          onChange={(v) => update('optimizer', v)}
        />
        {num('learningRate', 'Learning rate', 'train-lr')}
        {training.optimizer === 'sgd' &&
          num('momentum', 'Momentum', 'train-momentum', '0 = plain SGD, as the book uses')}
        {num('weightDecay', 'Weight decay', 'train-weight-decay')}
        <SelectField
          label="LR schedule"
          testId="train-schedule"
          value={training.schedule}
          options={SCHEDULES}
          onChange={(v) => update('schedule', v)}
        />
        {training.schedule === 'step' && num('stepEpochs', 'Step every (epochs)', 'train-step-epochs')}
        {training.schedule === 'step' &&
          num(
            'stepGamma',
            'Step factor',
            'train-step-gamma',
            'The learning rate is multiplied by this at every step',
          )}
        {training.schedule !== 'constant' && num('warmupEpochs', 'Warm-up epochs', 'train-warmup')}
        {num('seed', 'Seed', 'train-seed', 'Same seed, same shuffling, initial weights and augmentation')}
        {num(
          'validationSplit',
          'Validation split',
          'train-validation',
          'Fraction of training images held out to evaluate each epoch; the final result is on the test set',
        )}
        <NumberField
          label="Limit images"
          testId="train-limit"
          value={limit}
          parse={parsers.limit}
          placeholder="all"
          hint="Train on at most this many images (and a proportional part of the test set) — for quick runs"
          onCommit={(v) => trainingActions.setLimit(v)}
        />
      </div>
      <div className="train-checks">
        <CheckField
          label="Flip"
          testId="train-augment-flip"
          checked={training.augmentFlip}
          onChange={(v) => update('augmentFlip', v)}
          hint="Random horizontal flips"
        />
        <CheckField
          label="Crop"
          testId="train-augment-crop"
          checked={training.augmentCrop}
          onChange={(v) => update('augmentCrop', v)}
          hint="Random shifts of up to ⅛ of the image"
        />
      </div>
    </div>
  );
}

function DatasetPicker({ datasetId }: { datasetId: string }) {
  const datasets = useTraining((s) => s.datasets);
  const error = useTraining((s) => s.datasetsError);
  const samples = useTraining((s) => s.samples[datasetId]);
  const info = datasets?.find((d) => d.id === datasetId);
  const [importing, setImporting] = useState(false);
  useEffect(() => {
    if (info) void loadSamples(info.id, 8);
  }, [info]);
  const known = datasets ?? [];
  const options: Array<[string, string]> = known.map((d) => [
    d.id,
    `${d.name}${d.source === 'imported' ? ' (imported)' : ''}`,
  ]);
  if (!info) options.unshift([datasetId, `${datasetId}${datasets ? ' (not found)' : ''}`]);
  return (
    <div className="dataset-picker">
      <div className="dataset-picker-row">
        <SelectField
          label="Dataset"
          testId="train-dataset"
          value={datasetId}
          options={options}
          onChange={(v) => update('dataset', v)}
        />
        <button
          type="button"
          className="dataset-import-open"
          data-testid="dataset-import"
          title="Import a folder of images, IDX or CSV files as a dataset"
          onClick={() => setImporting(true)}
        >
          Import…
        </button>
      </div>
      {importing && (
        <DatasetImportDialog
          onClose={() => setImporting(false)}
          onUse={(id) => {
            update('dataset', id);
            setImporting(false);
          }}
        />
      )}
      {error && <p className="error-text small">{error}</p>}
      {info && (
        <>
          <p className="muted small" data-testid="train-dataset-info">
            {datasetSummary(info)}
          </p>
          <div className="sample-strip" data-testid="dataset-samples">
            {(samples ?? []).map((s, i) => (
              <SampleCanvas key={i} image={s} size={24} title={info.classNames[s.label] ?? String(s.label)} />
            ))}
          </div>
          <p className="class-names small" title={info.classNames.join(', ')}>
            {info.classNames.join(' · ')}
          </p>
        </>
      )}
    </div>
  );
}
