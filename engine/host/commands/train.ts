/**
 * `cnn-studio train`: trains a preset or graph file in this process and prints progress.
 *
 *   cnn-studio train --preset bn-lenet --epochs 2
 *   cnn-studio train --file net.json --dataset mnist --limit 2000 --json
 *   cnn-studio train --resume ./ckpt --epochs 20
 *
 * With --json, one JSON object per line (`{"event": "<kind>", …}`); the last line is exactly
 * `{"event":"done","testAccuracy","testLoss","trainAccuracy","trainLoss","epochs","backend","imagesPerSecond"}`,
 * or `{"event":"failed","message"}`. Exit codes: 0 trained (or stopped by Ctrl-C), 1 training
 * failed, 2 wrong arguments.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import type { GraphDocument, OptimizerName, TrainingSettings } from '../../graph/document';
import type { RunEvent } from '../../protocol/api';
import { presetIds } from '../../presets/index';
import { readCheckpointState } from '../../train/checkpoint';
import { loadGraphSource, parseNumber, UsageError } from './graph-source';
import { createProgressPrinter, epochLine, summaryLines } from '../../train/cli/progress';
import { RunControl } from '../../train/control';
import { runTrainingJob } from '../../train/runner';
import { resolveDataDir } from '../data-dir';

const OPTIMIZERS: readonly OptimizerName[] = ['sgd', 'adam', 'adamw', 'rmsprop'];

const USAGE = `Usage: cnn-studio train (--preset <id> | --file <graph.json> | --resume <dir>) [options]

  --preset <id>          one of: ${presetIds.join(', ')}
  --file <path>          a CNN Studio graph file
  --dataset <id>         dataset id (default: the graph's; see \`cnn-studio datasets\`)
  --epochs <n>           epochs to train (default: the graph's training settings)
  --batch-size <n>       batch size
  --lr <x>               learning rate
  --optimizer <name>     ${OPTIMIZERS.join(', ')}
  --limit <n>            train on at most n images (and a proportional test subset)
  --seed <n>             seed for initialization, shuffling and dropout
  --backend <name>       force a backend (tensorflow, wasm, cpu, …)
  --checkpoint-dir <dir> write a checkpoint there after every epoch
  --resume <dir>         continue from the checkpoint in <dir> at its next epoch
  --json                 one JSON event per line; the last line is the result`;

const options = {
  preset: { type: 'string' },
  file: { type: 'string' },
  dataset: { type: 'string' },
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  lr: { type: 'string' },
  optimizer: { type: 'string' },
  limit: { type: 'string' },
  seed: { type: 'string' },
  backend: { type: 'string' },
  'checkpoint-dir': { type: 'string' },
  resume: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof options }>>['values'];

/** The graph and settings to train, from the arguments (and the checkpoint when resuming). */
async function plan(
  values: Values,
): Promise<{ graph: GraphDocument; training: TrainingSettings; resumeFrom: string | null }> {
  const resumeFrom = values.resume ? resolve(values.resume) : null;
  const checkpoint = resumeFrom ? await readCheckpointState(resumeFrom) : null;
  if (resumeFrom && !checkpoint) throw new UsageError(`--resume: no checkpoint in ${resumeFrom}`);
  const graph =
    checkpoint && values.preset === undefined && values.file === undefined
      ? checkpoint.graph
      : await loadGraphSource({ preset: values.preset, file: values.file });
  const base = checkpoint?.training ?? graph.training;
  const optimizer = values.optimizer;
  if (optimizer !== undefined && !OPTIMIZERS.includes(optimizer as OptimizerName)) {
    throw new UsageError(`--optimizer must be one of ${OPTIMIZERS.join(', ')}, got "${optimizer}"`);
  }
  const training: TrainingSettings = {
    ...base,
    ...(values.dataset !== undefined ? { dataset: values.dataset } : {}),
    ...(optimizer !== undefined ? { optimizer: optimizer as OptimizerName } : {}),
  };
  const overrides: Array<[keyof TrainingSettings, number | undefined]> = [
    ['epochs', parseNumber('--epochs', values.epochs, 'int', 1)],
    ['batchSize', parseNumber('--batch-size', values['batch-size'], 'int', 1)],
    ['learningRate', parseNumber('--lr', values.lr, 'float', 0)],
    ['seed', parseNumber('--seed', values.seed, 'int', 0)],
  ];
  for (const [key, value] of overrides)
    if (value !== undefined) (training as unknown as Record<string, number>)[key] = value;
  return { graph, training, resumeFrom };
}

export async function run(args: string[]): Promise<number> {
  let values: Values;
  try {
    values = parseArgs({ args, options, allowPositionals: false }).values;
  } catch (error) {
    console.error(`cnn-studio train: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  let job: Awaited<ReturnType<typeof plan>>;
  let limit: number | undefined;
  try {
    job = await plan(values);
    limit = parseNumber('--limit', values.limit, 'int', 1);
  } catch (error) {
    console.error(
      `cnn-studio train: ${(error as Error).message}${error instanceof UsageError ? `\n\n${USAGE}` : ''}`,
    );
    return error instanceof UsageError ? 2 : 1;
  }

  const json = values.json;
  const printer = createProgressPrinter(process.stderr, () => job.training.epochs);
  let classNames: string[] = [];
  const control = new RunControl();
  const onInterrupt = () => {
    if (control.stopRequested) process.exit(130);
    control.stop();
    if (!json) printer.line('Stopping after this batch (Ctrl-C again to quit at once)…');
  };
  process.on('SIGINT', onInterrupt);

  const emit = (event: RunEvent) => {
    if (json) {
      if (event.kind !== 'done') {
        const { kind, ...rest } = event;
        console.log(JSON.stringify({ event: kind, ...rest }));
      }
      return;
    }
    switch (event.kind) {
      case 'started':
        classNames = event.dataset.classNames;
        printer.line(
          `Training "${job.graph.name}" on ${event.dataset.name} with ${event.backend.name} (${event.backend.device}): ` +
            `${event.epochs} epochs × ${event.totalBatches / Math.max(1, event.epochs)} batches of ${job.training.batchSize}, ` +
            `${job.training.optimizer} lr ${job.training.learningRate}, ${(event.summary.trainable + event.summary.nonTrainable).toLocaleString('en-US')} parameters`,
        );
        break;
      case 'batch':
        printer.batch(event);
        break;
      case 'epoch':
        printer.line(epochLine(event, job.training.epochs));
        break;
      default:
        break;
    }
  };

  try {
    const outcome = await runTrainingJob(
      {
        runId: 'cli',
        graph: job.graph,
        training: job.training,
        limit: limit ?? null,
        checkpointDir: values['checkpoint-dir'] ? resolve(values['checkpoint-dir']) : job.resumeFrom,
        resumeFrom: job.resumeFrom,
        backend: values.backend ?? null,
        batchEventIntervalMs: json ? 1000 : 100,
      },
      {
        dataDir: resolveDataDir(),
        emit,
        control,
        log: (event) => {
          if (!json && event.level !== 'info') printer.line(`${event.level}: ${event.message}`);
        },
      },
    );
    if (outcome.status === 'failed') {
      if (json) console.log(JSON.stringify({ event: 'failed', message: outcome.message }));
      else printer.line(`cnn-studio train: ${outcome.message}`);
      return 1;
    }
    const { result } = outcome;
    if (json) {
      console.log(
        JSON.stringify({
          event: 'done',
          testAccuracy: result.testAccuracy,
          testLoss: result.testLoss,
          trainAccuracy: result.trainAccuracy,
          trainLoss: result.trainLoss,
          epochs: outcome.history.length,
          backend: outcome.backend,
          imagesPerSecond: result.imagesPerSecond,
        }),
      );
    } else {
      printer.end();
      for (const line of summaryLines(result, classNames, outcome.status === 'stopped')) console.log(line);
    }
    return 0;
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}
