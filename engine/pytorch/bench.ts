/**
 * `cnn-studio bench --engine pytorch`: the PyTorch engine measured against the book's own
 * hand-written PyTorch code on this machine (engine/train/bench/book_pytorch.py):
 *
 * - the training step of the generated model.py vs the book's network (same timing code);
 * - real engine runs of the preset on its dataset (the runner, its data path, events and
 *   checkpoints, as `cnn-studio train --engine pytorch` runs them): start-up (engine to first
 *   batch), each epoch's training seconds, test accuracy; with 1 and, on request, N processes;
 * - the book's train_ch6 loop for the same epochs on the same cached images.
 *
 * `pytorchTargets` turns the figures into the issue's targets (pass / miss with the numbers).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { RunEvent } from '../protocol/api';
import { getPreset } from '../presets/index';
import {
  benchBookAndGenerated,
  runBookEpochs,
  type BookEpochs,
  type StepComparison,
  type TorchModel,
} from '../train/bench/torch-reference';
import { torchUnavailable } from './choice';
import { pytorchLauncher, runnerScriptPath } from './launcher';
import { probeTorch } from './probe';
import { runWithLauncher } from './run-job';

export interface PyTorchBenchOptions {
  preset: TorchModel;
  dataDir: string;
  /** Epochs of each engine run and of the book's loop. */
  epochs: number;
  /** Also run the engine with this many processes (torchrun, DDP); 1 = only the single process. */
  processes: number;
  /** Seconds of step timing per network. */
  seconds: number;
  batchSize?: number;
  /** Train on at most this many images (targets on accuracy then do not apply). */
  limit?: number;
  python?: string;
  progress?: (text: string) => void;
}

/** One engine run's figures. */
export interface EngineRunFigures {
  processes: number;
  /** The engine's device line, e.g. `CPU (2 threads), PyTorch 1.13.0`. */
  device: string;
  /** From the launch (probe, run folder, Python, torch import, DDP setup) to the `started` event. */
  startedSeconds: number;
  /** From the launch to the first batch event: what a person waits before the curve moves. */
  startupSeconds: number;
  epochSeconds: number[];
  testAccuracy: number;
  imagesPerSecond: number;
}

export interface PyTorchBenchReport {
  preset: TorchModel;
  torch: string;
  threads: number;
  batchSize: number;
  epochs: number;
  /** Training images per epoch. */
  images: number;
  limit: number | null;
  step: StepComparison;
  runs: EngineRunFigures[];
  book: BookEpochs;
}

/** The issue's targets, with the figures that decide them. */
export interface BenchTarget {
  name: string;
  goal: string;
  measured: string;
  met: boolean;
}

export async function benchPyTorchEngine(options: PyTorchBenchOptions): Promise<PyTorchBenchReport> {
  const say = options.progress ?? (() => undefined);
  const probe = await probeTorch(options.python ? { python: options.python } : {});
  const problem = torchUnavailable(probe);
  if (problem || !probe.found || !probe.report.torch) throw new Error(`--engine pytorch: ${problem}`);
  const python = probe.report.executable || probe.report.command;
  const graph = getPreset(options.preset);
  const batchSize = options.batchSize ?? graph.training.batchSize;
  const training = { ...graph.training, batchSize, epochs: options.epochs };
  const cores = cpus().length;

  say(`${options.preset}: training step, generated model vs the book's code (${cores} threads)…`);
  const step = await benchBookAndGenerated(options.preset, {
    batchSize,
    threads: cores,
    seconds: options.seconds,
    warmup: options.preset === 'resnet18' ? 1 : 2,
    python,
  });

  const runs: EngineRunFigures[] = [];
  let book: BookEpochs | null = null;
  for (const processes of options.processes > 1 ? [1, options.processes] : [1]) {
    say(
      `${options.preset}: ${options.epochs} epoch(s) on ${training.dataset} through the engine, ${processes} process(es)…`,
    );
    const workDir = await mkdtemp(join(tmpdir(), 'cnn-studio-pytorch-bench-'));
    try {
      const run = await engineRun({ ...options, graph: { ...graph, training }, workDir, processes, python });
      say(`  ${engineRunLine(run)}`); // each stage's figures as soon as they are known
      runs.push(run);
      if (!book) {
        // The book's loop on the images the engine run trained on: its cache file and subsets.
        const { dataset } = JSON.parse(await readFile(join(workDir, 'config.json'), 'utf8')) as {
          dataset: { file: string; train: string | null; test: string | null };
        };
        say(`${options.preset}: ${options.epochs} epoch(s) of the book's train_ch6 loop on the same images…`);
        book = await runBookEpochs(options.preset, {
          datasetFile: dataset.file,
          trainIndices: dataset.train,
          testIndices: dataset.test,
          runnerDir: dirname(runnerScriptPath()),
          epochs: options.epochs,
          learningRate: training.learningRate,
          batchSize,
          threads: cores,
          python,
        });
        say(`  ${bookLine(book)}`);
      }
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  }
  if (!book) throw new Error('internal: no book run');
  return {
    preset: options.preset,
    torch: probe.report.torch,
    threads: cores,
    batchSize,
    epochs: options.epochs,
    images: book.images,
    limit: options.limit ?? null,
    step,
    runs,
    book,
  };
}

async function engineRun(
  options: PyTorchBenchOptions & {
    graph: ReturnType<typeof getPreset>;
    workDir: string;
    processes: number;
    python: string;
  },
): Promise<EngineRunFigures> {
  const launchedAt = performance.now();
  const since = () => (performance.now() - launchedAt) / 1000;
  let startedSeconds = NaN;
  let startupSeconds = NaN;
  let device = '';
  const epochSeconds: number[] = [];
  const emit = (event: RunEvent) => {
    if (event.kind === 'started') {
      startedSeconds = since();
      device = event.backend.device;
    } else if (event.kind === 'batch' && Number.isNaN(startupSeconds)) startupSeconds = since();
    else if (event.kind === 'epoch') epochSeconds.push(event.seconds);
  };
  const run = runWithLauncher(
    pytorchLauncher({ processes: options.processes, workDir: options.workDir, python: options.python }),
    {
      job: {
        runId: `bench-${options.processes}`,
        graph: options.graph,
        training: options.graph.training,
        limit: options.limit ?? null,
        batchEventIntervalMs: 100,
      },
      dataDir: options.dataDir,
    },
    { emit },
  );
  const outcome = await run.outcome;
  if (outcome.status !== 'done')
    throw new Error(
      `the ${options.processes}-process PyTorch run ${outcome.status === 'failed' ? `failed: ${outcome.message}` : 'stopped'}`,
    );
  return {
    processes: options.processes,
    device,
    startedSeconds,
    startupSeconds,
    epochSeconds,
    testAccuracy: outcome.result.testAccuracy,
    imagesPerSecond: outcome.result.imagesPerSecond,
  };
}

const MIN_STEP_RATIO = 0.95;
const MAX_EPOCH_RATIO = 1.2;
const MAX_STARTUP_SECONDS = 5;

/**
 * The issue's targets for these figures: the generated step ≥ 0.95× the book's; each epoch
 * ≤ 1.2× the book's epoch; start-up < 5 s; and for bn-lenet trained ≥ 2 epochs on the whole
 * dataset, test accuracy ≥ 0.70 (one process) and ≥ 0.65 (several).
 */
export function pytorchTargets(report: PyTorchBenchReport): BenchTarget[] {
  const targets: BenchTarget[] = [
    {
      name: 'training step, generated / book',
      goal: `≥ ${MIN_STEP_RATIO}`,
      measured: `${report.step.ratio.toFixed(2)} (${round(report.step.generated.imagesPerSecond)} vs ${round(report.step.book.imagesPerSecond)} img/s)`,
      met: report.step.ratio >= MIN_STEP_RATIO,
    },
  ];
  const single = report.runs.find((run) => run.processes === 1);
  if (single) {
    const ratios = single.epochSeconds.map((seconds, i) => seconds / report.book.epochSeconds[i]);
    targets.push({
      name: 'epoch time, engine / book',
      goal: `≤ ${MAX_EPOCH_RATIO}× each epoch`,
      measured: ratios
        .map(
          (ratio, i) =>
            `${ratio.toFixed(2)}× (${secs(single.epochSeconds[i])} vs ${secs(report.book.epochSeconds[i])})`,
        )
        .join(', '),
      met: ratios.length > 0 && ratios.every((ratio) => ratio <= MAX_EPOCH_RATIO),
    });
  }
  for (const run of report.runs)
    targets.push({
      name: `start-up, engine to first batch (${processesText(run.processes)})`,
      goal: `< ${MAX_STARTUP_SECONDS} s`,
      measured: secs(run.startupSeconds),
      met: run.startupSeconds < MAX_STARTUP_SECONDS,
    });
  if (report.preset === 'bn-lenet' && report.epochs >= 2 && report.limit === null)
    for (const run of report.runs) {
      const goal = run.processes === 1 ? 0.7 : 0.65;
      targets.push({
        name: `bn-lenet test accuracy after ${report.epochs} epochs (${processesText(run.processes)})`,
        goal: `≥ ${goal}`,
        measured: run.testAccuracy.toFixed(4),
        met: run.testAccuracy >= goal,
      });
    }
  return targets;
}

/** The report as text: the comparison table, then each target with its figures. */
export function pytorchBenchText(report: PyTorchBenchReport): string {
  const lines = [
    `${report.preset} on PyTorch ${report.torch}, ${report.threads} threads, batch ${report.batchSize}, ` +
      `${report.epochs} epoch(s) of ${report.images.toLocaleString('en-US')} images` +
      (report.limit === null ? '' : ` (limit ${report.limit})`),
    '',
    `training step      generated ${round(report.step.generated.imagesPerSecond)} img/s, book ${round(report.step.book.imagesPerSecond)} img/s` +
      ` (${report.step.generated.parameters.toLocaleString('en-US')} / ${report.step.book.parameters.toLocaleString('en-US')} parameters)`,
    bookLine(report.book),
    ...report.runs.map(engineRunLine),
    '',
    ...pytorchTargets(report).map(
      (t) => `${t.met ? 'met   ' : 'MISSED'}  ${t.name}: ${t.measured} (target ${t.goal})`,
    ),
  ];
  return lines.join('\n');
}

function bookLine(book: BookEpochs): string {
  return `book's train_ch6   epochs ${book.epochSeconds.map(secs).join(', ')}, ${round(book.imagesPerSecond)} img/s, test accuracy ${book.testAccuracy.toFixed(4)}`;
}

function engineRunLine(run: EngineRunFigures): string {
  return (
    `engine, ${processesText(run.processes).padEnd(11)} epochs ${run.epochSeconds.map(secs).join(', ')}, ${round(run.imagesPerSecond)} img/s, ` +
    `test accuracy ${run.testAccuracy.toFixed(4)}, started ${secs(run.startedSeconds)}, first batch ${secs(run.startupSeconds)} — ${run.device}`
  );
}

const round = (n: number) => Math.round(n).toLocaleString('en-US');
const secs = (n: number) => `${n.toFixed(2)} s`;
const processesText = (n: number) => (n === 1 ? '1 process' : `${n} processes`);
