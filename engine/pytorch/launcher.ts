/**
 * Training on PyTorch as a `JobLauncher`: the same job, events and files as a tfjs run.
 *
 * Before Python starts, the engine writes into the run's `pytorch/` folder: `model.py` (the
 * exporter's generated model), `runner.py` (engine/pytorch/runner.py), the image subsets
 * (`*.u32`), the tfjs model topology the weights come back into, and `config.json`. The
 * dataset is read by Python straight from the engine's binary cache. Then `python runner.py`
 * (or torchrun with N processes) runs in its own process group; its stdout carries JSON-line
 * events, its stdin takes `stop` / `pause` / `resume`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { selectBackend } from '../backends/select';
import { compileGraph } from '../compile/compile';
import { writeDatasetCache } from '../datasets/cache-file';
import { datasetsDir, shippedCacheDir } from '../datasets/cache-store';
import { cropPadding, openDataset, type Dataset } from '../datasets/index';
import { planExport } from '../export/plan';
import { pytorchModelSource } from '../export/pytorch-model';
import type { BackendInfo, EpochMetrics, RunEvent, RunResult } from '../protocol/api';
import { healthSampleSchema } from '../protocol/layer-health';
import { divergenceError, explainFailure } from '../train/failures';
import type { JobCommand, JobLauncher, JobMessage, JobStart } from '../train/job-messages';
import { MODEL_FILE, writeModelFiles } from '../train/model-files';
import { checkRunnable } from '../train/preflight';
import { subsetData } from '../train/train-job';
import { createRandom, withRandom } from '../train/seeded-random';
import { chooseEngine, type EngineChoice, type TorchDevice } from './choice';
import { probeTorch } from './probe';
import { signalGroup, trackGroup } from './process-groups';
import { speedLabel, speedSettings, type AmpRequest } from './speed';
import { torchHealthUnits } from './health-modules';
import { tfjsWeightSources } from './weights-back';

export interface PyTorchLaunchOptions {
  /** The interpreter (`--python`); default: the probe's search. */
  python?: string;
  /** PyTorch's device (`--device`); default: the best the probe found. */
  device?: TorchDevice;
  /** Processes on this machine (torchrun `--nproc_per_node`); default 1. */
  processes?: number;
  /** Automatic mixed precision (`--amp`); default `auto`: on for CUDA and ROCm GPUs. */
  amp?: AmpRequest;
  /** An engine choice already made (the run manager's `auto`); default: chosen here. */
  choice?: EngineChoice;
  /** How long a stop may take before the trainer is ended; default 30 s. */
  stopTimeoutMs?: number;
  /** Where the run's PyTorch files go; default `<run folder>/pytorch`, or a temporary folder. */
  workDir?: string;
  /**
   * Several machines: the folder is made self-contained (dataset copied in, paths relative,
   * checkpoints and the final model inside it) so it can be copied to every node. A launch
   * starts node 0 here (its rank 0 reports the events); the other nodes run their commands.
   */
  nodes?: { count: number; endpoint: string };
  /**
   * Called when the folder is written, before Python starts: with `nodes`, the command for each
   * node (node 0's is the one launched here; the others are for the person to run).
   */
  onPrepared?: (prepared: { workDir: string; nodeCommands: string[] }) => void;
}

/** Events as the runner prints them: RunEvents without the engine-side fields. */
type RunnerLine =
  | {
      kind: 'started';
      totalBatches: number;
      epochs: number;
      device: string;
      processes: number;
      torch: string;
    }
  | { kind: 'done'; stopped: boolean; result: RunResult }
  | {
      kind: 'failed';
      message: string;
      /** A loss that became NaN or ±Infinity (`loss` as text: JSON has no NaN). */
      diverged?: { loss: string; epoch: number; batch: number; learningRate: number };
    }
  | { kind: 'batch' | 'epoch' | 'paused' | 'resumed' | 'health'; [field: string]: unknown };

interface Launch {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  backend: BackendInfo;
  dataset: Dataset['info'];
  summary: Extract<RunEvent, { kind: 'started' }>['summary'];
  /** A folder to remove when the run ends (the CLI's temporary work folder). */
  temporary: string | null;
  /** With `nodes`: the command to run in the copied folder on each node, by node rank. */
  nodeCommands: string[];
}

/** The runner script shipped with the engine: next to this module (source) or in dist/engine/pytorch. */
export function runnerScriptPath(): string {
  const candidates = [
    new URL('./runner.py', import.meta.url),
    new URL('./pytorch/runner.py', import.meta.url),
  ];
  for (const candidate of candidates) {
    const path = fileURLToPath(candidate);
    if (existsSync(path)) return path;
  }
  throw new Error(
    `the PyTorch runner script was not found (looked for ${candidates.map((c) => fileURLToPath(c)).join(' and ')}); run \`node scripts/build-engine.mjs\``,
  );
}

/** Trains each job with PyTorch (see the module comment). */
export function pytorchLauncher(options: PyTorchLaunchOptions = {}): JobLauncher {
  return (start, onMessage, onExit) => {
    const { runId } = start.job;
    const queued: JobCommand[] = [];
    const history: EpochMetrics[] = [];
    const stderrTail: string[] = [];
    let child: ChildProcess | null = null;
    let reportedEnd = false;
    let stopRequested = false;
    let stopTimer: NodeJS.Timeout | null = null;
    let exited = false;
    let resolveExit!: () => void;
    const exitedPromise = new Promise<void>((resolve) => (resolveExit = resolve));
    const post = (message: JobMessage) => onMessage(message);
    const event = (value: RunEvent) => post({ type: 'event', event: value });

    const finishWith = (crashed: string | null, temporary: string | null) => {
      if (exited) return;
      exited = true;
      if (stopTimer) clearTimeout(stopTimer);
      const cleanup = temporary ? rm(temporary, { recursive: true, force: true }) : Promise.resolve();
      void cleanup
        .catch(() => undefined)
        .then(() => {
          onExit(crashed);
          resolveExit();
        });
    };

    const fail = (message: string) => {
      reportedEnd = true;
      event({ kind: 'failed', runId, message });
      post({ type: 'finished', outcome: { status: 'failed', message } });
    };

    const write = (command: JobCommand) => {
      if (child?.stdin?.writable) child.stdin.write(`${command.type}\n`);
      else queued.push(command);
    };

    void (async () => {
      let launch: Launch;
      try {
        launch = await prepareLaunch(start, options);
      } catch (error) {
        fail(explainFailure(error, { batchSize: start.job.training.batchSize, paramCount: 0 }));
        finishWith(null, null);
        return;
      }
      const onLine = (line: string) => {
        const parsed = parseLine(line);
        if (!parsed) {
          if (line.trim()) post({ type: 'log', event: { level: 'info', message: `pytorch: ${line}` } });
          return;
        }
        switch (parsed.kind) {
          case 'started':
            event({
              kind: 'started',
              runId,
              backend: launch.backend,
              dataset: launch.dataset,
              totalBatches: parsed.totalBatches,
              epochs: parsed.epochs,
              summary: launch.summary,
            });
            break;
          case 'done':
            reportedEnd = true;
            event({ kind: 'done', runId, stopped: parsed.stopped, result: parsed.result });
            post({
              type: 'finished',
              outcome: {
                status: parsed.stopped ? 'stopped' : 'done',
                result: parsed.result,
                history,
                backend: 'pytorch',
              },
            });
            break;
          case 'failed':
            fail(
              parsed.diverged
                ? divergenceError(Number(parsed.diverged.loss.replace('inf', 'Infinity')), {
                    ...parsed.diverged,
                    optimizer: start.job.training.optimizer,
                  }).message
                : `PyTorch: ${parsed.message}`,
            );
            break;
          case 'health': {
            // Checked before it reaches the record and every editor: the runner is another program.
            const { kind: _kind, ...fields } = parsed;
            const sample = healthSampleSchema.safeParse(fields);
            if (sample.success) event({ kind: 'health', runId, ...sample.data });
            else
              post({
                type: 'log',
                event: { level: 'warn', message: `pytorch: a health sample was malformed and skipped` },
              });
            break;
          }
          default: {
            const forwarded = { ...parsed, runId } as RunEvent;
            if (forwarded.kind === 'epoch') history.push(withoutKind(forwarded));
            event(forwarded);
          }
        }
      };
      options.onPrepared?.({ workDir: launch.cwd, nodeCommands: launch.nodeCommands });
      child = spawn(launch.command, launch.args, {
        cwd: launch.cwd,
        env: launch.env,
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: process.platform !== 'win32',
        windowsHide: true,
      });
      trackGroup(child);
      child.stdin?.on('error', () => undefined); // a trainer that already ended cannot read commands
      createInterface({ input: child.stdout! }).on('line', onLine);
      createInterface({ input: child.stderr! }).on('line', (line) => {
        stderrTail.push(line);
        if (stderrTail.length > 40) stderrTail.shift();
      });
      for (const command of queued.splice(0)) write(command);
      let spawnError: Error | null = null;
      child.on('error', (error) => (spawnError = error));
      child.on('close', (code, signal) => {
        if (reportedEnd) return finishWith(null, launch.temporary);
        const last = stderrTail.filter((line) => line.trim()).at(-1);
        const how = spawnError
          ? `could not start ${launch.command}: ${(spawnError as Error).message}`
          : stopRequested && signal
            ? `the PyTorch trainer did not stop within ${(options.stopTimeoutMs ?? 30_000) / 1000} s and was ended`
            : `the PyTorch trainer stopped unexpectedly (${signal ? `signal ${signal}` : `exit code ${code}`})${last ? `: ${last}` : ''}`;
        finishWith(`${how}; the last checkpoint is kept`, launch.temporary);
      });
    })();

    return {
      send(command) {
        if (command.type === 'stop' && !stopRequested) {
          stopRequested = true;
          stopTimer = setTimeout(() => {
            if (!child) return;
            signalGroup(child, 'SIGTERM');
            setTimeout(() => child && signalGroup(child, 'SIGKILL'), 5000).unref();
          }, options.stopTimeoutMs ?? 30_000);
          stopTimer.unref();
        }
        write(command);
      },
      async kill() {
        stopRequested = true;
        if (child) signalGroup(child, 'SIGKILL');
        else write({ type: 'stop' });
        await exitedPromise;
      },
    };
  };
}

function withoutKind(event: Extract<RunEvent, { kind: 'epoch' }>): EpochMetrics {
  const { kind: _kind, runId: _runId, ...metrics } = event;
  return metrics;
}

function parseLine(line: string): RunnerLine | null {
  if (!line.startsWith('{')) return null;
  try {
    const value = JSON.parse(line) as RunnerLine;
    return typeof value?.kind === 'string' ? value : null;
  } catch {
    return null;
  }
}

/**
 * Writes the run's PyTorch folder and says how to start it, without starting it (several
 * machines: copy the folder to each node and run its command there).
 */
export async function preparePyTorchRun(
  start: JobStart,
  options: PyTorchLaunchOptions,
): Promise<{ workDir: string; nodeCommands: string[] }> {
  const launch = await prepareLaunch(start, options);
  return { workDir: launch.cwd, nodeCommands: launch.nodeCommands };
}

/** Everything before Python starts; throws (ExportError naming a node, no torch, …) to refuse the run. */
async function prepareLaunch(start: JobStart, options: PyTorchLaunchOptions): Promise<Launch> {
  const { job, dataDir } = start;
  const settings = job.training;
  const probe = await probeTorch(options.python ? { python: options.python } : {});
  const choice =
    options.choice ??
    chooseEngine({
      requested: 'pytorch',
      ...(options.device ? { device: options.device } : {}),
      torch: probe,
      tfjs: { gpu: null },
    });
  if (!probe.found || !choice.torchDevice) throw new Error('internal: PyTorch was chosen without a torch');
  const report = probe.report;
  const processes = options.processes ?? 1;
  if (!Number.isInteger(processes) || processes < 1)
    throw new Error(`processes must be a whole number ≥ 1, got ${processes}`);
  const speed = speedSettings({ device: choice.device!, amp: options.amp ?? 'auto', processes, report });

  const dataset = await openDataset(settings.dataset, { dataDir });
  const runPlan = checkRunnable(job.graph, dataset.info);
  const exportPlan = planExport(job.graph); // throws ExportError naming a node PyTorch cannot express
  const modelSource = pytorchModelSource(exportPlan);

  const temporary =
    options.workDir || job.finalModelDir ? null : await mkdtemp(join(tmpdir(), `cnn-studio-pytorch-`));
  const workDir = options.workDir ?? temporary ?? join(dirname(job.finalModelDir!), 'pytorch');
  await mkdir(workDir, { recursive: true });

  // The tfjs model the weights come back into: its topology, and where each weight comes from.
  const { tf } = await selectBackend();
  const model = withRandom(createRandom(settings.seed), () => compileGraph(tf, job.graph));
  const tfjsDir = join(workDir, 'tfjs');
  let weights;
  try {
    await mkdir(tfjsDir, { recursive: true });
    await writeModelFiles(tf, model, tfjsDir);
    const modelJson = JSON.parse(await readFile(join(tfjsDir, MODEL_FILE), 'utf8')) as {
      weightsManifest: Array<{ weights: Array<{ name: string }> }>;
    };
    const names = modelJson.weightsManifest.flatMap((group) => group.weights.map((w) => w.name));
    weights = tfjsWeightSources(exportPlan, model, names);
  } finally {
    model.dispose();
  }

  const subsets = subsetData(
    dataset.train,
    dataset.test,
    job.limit ?? null,
    settings.seed,
    settings.validationSplit,
  );
  const writeIndices = async (name: string, values: Uint32Array | undefined) => {
    if (!values) return null;
    const path = join(workDir, `${name}.u32`);
    await writeFile(path, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    return path;
  };
  const [train, validation, test] = await Promise.all([
    writeIndices('train', subsets.trainIndices),
    writeIndices('validation', subsets.validationIndices),
    writeIndices('test', subsets.testIndices),
  ]);

  const runner = join(workDir, 'runner.py');
  await copyFile(runnerScriptPath(), runner);
  await writeFile(join(workDir, 'model.py'), modelSource);
  const [h, w] = [dataset.info.imageShape[0], dataset.info.imageShape[1]];
  const config = {
    runId: job.runId,
    training: settings,
    input: runPlan.inputShape,
    classCount: runPlan.classCount,
    outputIsProbabilities: runPlan.outputIsProbabilities,
    cropPadding: cropPadding(h, w),
    batchEventIntervalMs: job.batchEventIntervalMs ?? 50,
    device: choice.torchDevice,
    speed,
    dataset: {
      file: await datasetFile(dataset, dataDir, workDir, options.nodes !== undefined),
      train,
      validation,
      test,
    },
    checkpointDir: job.checkpointDir ?? null,
    resumeFrom: job.resumeFrom ?? null,
    finalModelDir: job.finalModelDir ?? null,
    checkpointInfo: {
      graph: job.graph,
      training: settings,
      datasetId: dataset.info.id,
      limit: job.limit ?? null,
    },
    tfjs: { modelJson: join(tfjsDir, MODEL_FILE), weights },
    // Training health: the modules of each graph node (health-modules.ts) and the share of
    // training time the samples may take, as the tfjs engine's monitor.
    health: { units: torchHealthUnits(exportPlan), budget: 0.025 },
  };
  if (options.nodes) {
    // Paths inside the folder, relative to it (the runner resolves them against its folder).
    const inside = (path: string | null) => (path === null ? null : relative(workDir, path));
    Object.assign(config, {
      dataset: {
        file: 'dataset.bin',
        train: inside(train),
        validation: inside(validation),
        test: inside(test),
      },
      checkpointDir: 'checkpoint',
      resumeFrom: null,
      finalModelDir: 'model',
      tfjs: { modelJson: relative(workDir, config.tfjs.modelJson), weights },
    });
  }
  const configPath = join(workDir, 'config.json');
  await writeFile(configPath, JSON.stringify(config));
  const python = report.executable || report.command;
  const { nodes } = options;
  // Node n's torchrun, run in its copy of the folder. Static rendezvous: node n's processes are
  // global ranks n·P … n·P + P − 1, so rank 0, the one that reports, is on node 0 (launched here).
  const nodeArgs = (rank: number) => [
    'runner.py',
    'torchrun',
    `--nnodes=${nodes!.count}`,
    `--node_rank=${rank}`,
    `--nproc_per_node=${processes}`,
    '--rdzv_backend=static',
    `--rdzv_endpoint=${nodes!.endpoint}`,
    'runner.py',
    'config.json',
  ];
  const nodeCommands = nodes
    ? Array.from({ length: nodes.count }, (_, rank) => [python, ...nodeArgs(rank)].join(' '))
    : [];

  const args = nodes
    ? nodeArgs(0)
    : processes > 1
      ? // torchrun, through the runner's fix for torch 1.13 on Python 3.11 (see runner.py)
        [runner, 'torchrun', '--standalone', `--nproc_per_node=${processes}`, runner, configPath]
      : [runner, configPath];
  const skipped = choice.skipped;
  return {
    command: python,
    args,
    cwd: workDir,
    env: { ...process.env, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' },
    backend: {
      name: 'pytorch',
      device: [
        choice.deviceLabel,
        `PyTorch ${report.torch}`,
        ...(nodes
          ? [`${nodes.count} nodes × ${processes} ${processes === 1 ? 'process' : 'processes'}`]
          : processes > 1
            ? [`${processes} processes`]
            : []),
        speedLabel(speed) ?? [],
      ]
        .flat()
        .join(', '),
      skipped,
      patchedKernels: [],
    },
    dataset: dataset.info,
    summary: runPlan.analysis.totals,
    temporary,
    nodeCommands,
  };
}

/**
 * The dataset's binary cache file as the engine stored it, found by id and checked by its
 * header's counts and shape; a dataset with no file (the synthetic one) is written into the
 * run's folder.
 */
async function datasetFile(
  dataset: Dataset,
  dataDir: string,
  workDir: string,
  copyIn: boolean,
): Promise<string> {
  const { id } = dataset.info;
  const shipped = shippedCacheDir({ dataDir });
  const candidates = [
    join(datasetsDir(dataDir), `${id}.bin`),
    join(datasetsDir(dataDir), `imported-${id}.bin`),
    ...(shipped ? [join(shipped, `${id}.bin`)] : []),
  ];
  const { train, test } = dataset;
  const expected = [train.count, test.count, train.height, train.width, train.channels];
  for (const path of copyIn ? [] : candidates) {
    const header = await readHeader(path);
    if (header && expected.every((value, i) => header[i] === value)) return path;
  }
  const path = join(workDir, 'dataset.bin');
  await writeDatasetCache(path, {
    name: dataset.info.name,
    classNames: dataset.info.classNames,
    train,
    test,
  });
  return path;
}

/** [train count, test count, height, width, channels] of a cache file, or null. */
async function readHeader(path: string): Promise<number[] | null> {
  const file = await open(path, 'r').catch(() => null);
  if (!file) return null;
  try {
    const bytes = Buffer.alloc(48);
    await file.read(bytes, 0, 48, 0);
    if (bytes.toString('latin1', 0, 8) !== 'CNNSDSET') return null;
    return [12, 16, 20, 24, 28].map((offset) => bytes.readUInt32LE(offset));
  } finally {
    await file.close();
  }
}
