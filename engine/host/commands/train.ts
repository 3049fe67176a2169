/**
 * `cnn-studio train`: trains a preset or graph file in this process and prints progress.
 *
 *   cnn-studio train --preset bn-lenet --epochs 2
 *   cnn-studio train --file net.json --dataset mnist --limit 2000 --json
 *   cnn-studio train --resume ./ckpt --epochs 20
 *
 * With --json, one JSON object per line (`{"event": "<kind>", …}`); a resumed run starts with
 * `{"event":"resuming","from","epoch","overridden":{"<setting>":{"checkpoint","given"}}}`; the last line is exactly
 * `{"event":"done","testAccuracy","testLoss","trainAccuracy","trainLoss","epochs","backend","imagesPerSecond","engine","device","processes"}`
 * (test figures null when the dataset has no test images), or `{"event":"failed","message"}`. Exit codes: 0 trained (or stopped by Ctrl-C), 1 training
 * failed, 2 wrong arguments.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import type { GraphDocument, OptimizerName, TrainingSettings } from '../../graph/document';
import type { RunEvent } from '../../protocol/api';
import { presetIds } from '../../presets/index';
import { readCheckpointState } from '../../train/checkpoint';
import { describeOverrides, resumeSettings, type Override } from '../../train/resume';
import { loadGraphSource, parseNumber, UsageError } from './graph-source';
import { createProgressPrinter, epochLine, summaryLines, type EvaluatedOn } from '../../train/cli/progress';
import { RunControl } from '../../train/control';
import { ENGINE_OPTIONS, ENGINE_USAGE, parseEngineFlags, runJobOnEngine } from '../../pytorch/cli';
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
  --checkpoint-dir <dir> write a checkpoint there after every epoch (a new or empty folder,
                         or one of our checkpoints: nothing else there is ever touched)
  --resume <dir>         continue the run checkpointed in <dir> at its next epoch, with its
                         graph, dataset, limit, split, seed, batch size and schedule; options
                         given here override those (and are listed), --epochs is the new total
${ENGINE_USAGE}
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
  ...ENGINE_OPTIONS,
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof options }>>['values'];

/** What to train, from the arguments (and the checkpoint when resuming). */
interface Plan {
  graph: GraphDocument;
  training: TrainingSettings;
  limit: number | null;
  resumeFrom: string | null;
  /** When resuming: the epoch it continues at (1-based) and the settings the command line overrode. */
  resume: { epoch: number; overridden: Override[] } | null;
}

/** The settings given explicitly on the command line (undefined: not given). */
function givenSettings(values: Values): { training: Partial<TrainingSettings>; limit: number | undefined } {
  const optimizer = values.optimizer;
  if (optimizer !== undefined && !OPTIMIZERS.includes(optimizer as OptimizerName)) {
    throw new UsageError(`--optimizer must be one of ${OPTIMIZERS.join(', ')}, got "${optimizer}"`);
  }
  const given: Partial<TrainingSettings> = {
    dataset: values.dataset,
    optimizer: optimizer as OptimizerName | undefined,
    epochs: parseNumber('--epochs', values.epochs, 'int', 1),
    batchSize: parseNumber('--batch-size', values['batch-size'], 'int', 1),
    learningRate: parseNumber('--lr', values.lr, 'float', 0),
    seed: parseNumber('--seed', values.seed, 'int', 0),
  };
  const training = Object.fromEntries(
    Object.entries(given).filter(([, value]) => value !== undefined),
  ) as Partial<TrainingSettings>;
  return { training, limit: parseNumber('--limit', values.limit, 'int', 1) };
}

async function plan(values: Values): Promise<Plan> {
  const given = givenSettings(values);
  const resumeFrom = values.resume ? resolve(values.resume) : null;
  const checkpoint = resumeFrom ? await readCheckpointState(resumeFrom) : null;
  if (resumeFrom && !checkpoint) throw new UsageError(`--resume: no checkpoint in ${resumeFrom}`);
  const graphGiven = values.preset !== undefined || values.file !== undefined;
  const graph = checkpoint && !graphGiven ? checkpoint.graph : await loadGraphSource(values);
  if (!checkpoint || !resumeFrom) {
    return {
      graph,
      training: { ...graph.training, ...given.training },
      limit: given.limit ?? null,
      resumeFrom: null,
      resume: null,
    };
  }
  // A resumed run continues the run it was: only what is given here differs from it.
  const resumed = resumeSettings(checkpoint, given);
  if (resumed.training.epochs <= checkpoint.epochsDone) {
    throw new UsageError(
      `--resume: the run in ${resumeFrom} has done ${checkpoint.epochsDone} of its ${resumed.training.epochs} epochs; give --epochs above ${checkpoint.epochsDone} to train further`,
    );
  }
  const overridden: Override[] = graphGiven
    ? [{ setting: 'graph', checkpoint: checkpoint.graph.name, given: graph.name }, ...resumed.overridden]
    : resumed.overridden;
  return {
    graph,
    training: resumed.training,
    limit: resumed.limit,
    resumeFrom,
    resume: { epoch: checkpoint.epochsDone + 1, overridden },
  };
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
  let job: Plan;
  let engine: ReturnType<typeof parseEngineFlags>;
  try {
    job = await plan(values);
    engine = parseEngineFlags(values, (message) => new UsageError(message));
  } catch (error) {
    console.error(
      `cnn-studio train: ${(error as Error).message}${error instanceof UsageError ? `\n\n${USAGE}` : ''}`,
    );
    return error instanceof UsageError ? 2 : 1;
  }

  const json = values.json;
  const printer = createProgressPrinter(process.stderr, () => job.training.epochs);
  if (job.resume) {
    const { epoch, overridden } = job.resume;
    if (json) {
      const settings = Object.fromEntries(
        overridden.map(({ setting, checkpoint, given }) => [setting, { checkpoint, given }]),
      );
      console.log(JSON.stringify({ event: 'resuming', from: job.resumeFrom, epoch, overridden: settings }));
    } else {
      printer.line(`Resuming from ${job.resumeFrom} at epoch ${epoch}: ${describeOverrides(overridden)}.`);
    }
  }
  let classNames: string[] = [];
  let evaluatedOn: EvaluatedOn = 'test';
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
        evaluatedOn =
          job.training.validationSplit > 0 ? 'validation' : event.dataset.testSize > 0 ? 'test' : 'nothing';
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
        printer.line(epochLine(event, job.training.epochs, evaluatedOn));
        break;
      default:
        break;
    }
  };

  try {
    const { outcome, used } = await runJobOnEngine(
      {
        runId: 'cli',
        graph: job.graph,
        training: job.training,
        limit: job.limit,
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
      engine,
      // several machines: node 0 trains here once the others join
      (instructions) => (json ? process.stderr.write(`${instructions}\n`) : printer.line(instructions)),
    );
    if (outcome.status === 'failed') {
      if (json) console.log(JSON.stringify({ event: 'failed', message: outcome.message }));
      else printer.line(`cnn-studio train: ${outcome.message}`);
      return 1;
    }
    const { result } = outcome;
    if (json) {
      // No test set: null rather than a 0 that reads like a measurement.
      const tested = result.testImages !== 0;
      console.log(
        JSON.stringify({
          event: 'done',
          testAccuracy: tested ? result.testAccuracy : null,
          testLoss: tested ? result.testLoss : null,
          trainAccuracy: result.trainAccuracy,
          trainLoss: result.trainLoss,
          epochs: outcome.history.length,
          backend: outcome.backend,
          imagesPerSecond: result.imagesPerSecond,
          ...used,
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
