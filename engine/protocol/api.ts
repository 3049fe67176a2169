/**
 * EngineApi: the one contract between the editor and the engine, whatever carries it
 * (Electron MessagePort, WebSocket, or an in-memory pair in tests).
 *
 * Methods return promises; errors cross the wire as `{name, message}` and are re-thrown
 * as `EngineError` on the calling side. Events are pushed by the engine and delivered to
 * `on…` listeners. Everything here is plain JSON.
 */
import type { GraphDocument, Shape, TrainingSettings } from '../graph/document';
import type { GraphAnalysis } from '../graph/types';
import type { UserBlockDefinition } from '../nodes/user-block';
import type { HealthEvent, HealthSample } from './layer-health';

export type { HealthEvent, HealthMetric, HealthSample, LayerHealth } from './layer-health';

/** Which compute backend the engine chose, and why the faster ones were passed over. */
export interface BackendInfo {
  /** e.g. `tensorflow` (tfjs-node, CPU or GPU), `webgpu`, `wasm`, `cpu`. */
  name: string;
  /** e.g. `CUDA GPU`, `CPU (native)`, `CPU (WebAssembly SIMD, 2 threads)`. */
  device: string;
  /** Faster candidates that did not load, each with the reason, in order tried. */
  skipped: Array<{ name: string; reason: string }>;
  /** Kernels we replaced with faster training kernels on this backend. */
  patchedKernels: string[];
}

/** What each training-engine request would run on here (`probeEngines`, `cnn-studio doctor`). */
export interface EngineReport {
  /** Per `StartRunRequest.engine`: the backend a run would report, or why it would be refused. */
  choices: Record<'auto' | 'tfjs' | 'pytorch', { backend: BackendInfo | null; error: string | null }>;
  /** What to install to train on a GPU; null when one is in use. */
  gpuAdvice: string | null;
}

export interface EngineInfo {
  version: string;
  /** `null` until the backend has been chosen (the first run or an explicit probe). */
  backend: BackendInfo | null;
  /** Where the engine keeps runs, checkpoints and caches. */
  dataDir: string;
}

export interface PresetInfo {
  id: string;
  name: string;
  description: string;
  inputShape: Shape;
  trainableParams: number;
}

export interface DatasetInfo {
  id: string;
  name: string;
  /** `builtin` or `imported` (with the path it came from). */
  source: 'builtin' | 'imported';
  path?: string;
  trainSize: number;
  testSize: number;
  /** Per-image shape as stored: [h, w, c]. */
  imageShape: Shape;
  classNames: string[];
}

/** A small image for display: row-major grayscale or RGB bytes. */
export interface SampleImage {
  width: number;
  height: number;
  channels: number;
  /** Base64 of `width × height × channels` bytes, 0–255. */
  pixels: string;
  label: number;
}

export interface DatasetImportRequest {
  kind: 'idx' | 'folder' | 'csv';
  /** For idx: the directory holding the four IDX files, or the images file path. */
  path: string;
  name?: string;
}

export interface StartRunRequest {
  graph: GraphDocument;
  training: TrainingSettings;
  /** Use at most this many training images (and a proportional test subset). */
  limit?: number;
  /** Resume from this run's latest checkpoint instead of starting fresh. */
  resumeFrom?: string;
  /**
   * The training engine: `tfjs` (default; nothing to install), `pytorch` (Python with torch ≥ 1.13),
   * or `auto` (a GPU on either, else PyTorch on the CPU, else tfjs). A resumed run keeps its engine.
   */
  engine?: 'auto' | 'tfjs' | 'pytorch';
  /**
   * Start from the saved model of this finished run (imported weights: fine-tuning, transfer
   * learning), matched by layer; layers the graph changed start fresh. Trains on the tfjs engine.
   */
  initialWeights?: string;
  /**
   * PyTorch runs: automatic mixed precision. `auto` (default) is on for CUDA and ROCm GPUs and
   * off on the CPU; bf16 where the GPU has it, else fp16 with loss scaling.
   */
  amp?: 'auto' | 'on' | 'off';
}

export type RunStatus = 'running' | 'paused' | 'done' | 'failed' | 'stopped';

export interface EpochMetrics {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number;
  testAccuracy: number;
  seconds: number;
}

export interface RunResult {
  /**
   * Test images the test metrics come from; 0 when the dataset has no test set (testLoss and
   * testAccuracy are then 0 and mean nothing). Absent in results saved before it existed.
   */
  testImages?: number;
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number;
  testAccuracy: number;
  /** confusion[trueClass][predictedClass] counts on the test set. */
  confusion: number[][];
  perClassAccuracy: number[];
  imagesPerSecond: number;
}

/** Everything kept about one training run. */
export interface RunRecord {
  id: string;
  name: string;
  startedAt: string;
  status: RunStatus;
  graph: GraphDocument;
  training: TrainingSettings;
  datasetId: string;
  backend: BackendInfo | null;
  epochs: EpochMetrics[];
  result: RunResult | null;
  error: string | null;
  /** Whether a checkpoint exists to resume from. */
  resumable: boolean;
  /** Training-health samples (thinned out on long runs); absent in records written before them. */
  health?: HealthSample[];
  /**
   * Set for a run trained in an editor window's worker (WebGPU or WebGL there): Resume
   * restarts it in a window. Absent for engine runs and in records written before it existed.
   */
  windowBackend?: WindowBackendName;
}

export type RunEvent =
  | {
      kind: 'started';
      runId: string;
      backend: BackendInfo;
      dataset: DatasetInfo;
      totalBatches: number;
      epochs: number;
      summary: GraphAnalysis['totals'];
    }
  | {
      kind: 'batch';
      runId: string;
      epoch: number;
      batch: number;
      batchesPerEpoch: number;
      loss: number;
      accuracy: number;
      imagesPerSecond: number;
      elapsedSeconds: number;
      etaSeconds: number;
    }
  | ({ kind: 'epoch'; runId: string } & EpochMetrics)
  | { kind: 'paused'; runId: string }
  | { kind: 'resumed'; runId: string }
  | { kind: 'done'; runId: string; stopped: boolean; result: RunResult }
  | { kind: 'failed'; runId: string; message: string }
  | HealthEvent;

/** Bytes of one {@link EngineApi.datasetCacheChunk} call, at most: 12 MiB is 16 MiB of base64, well inside a message. */
export const MAX_DATASET_CHUNK_BYTES = 12 * 1024 * 1024;

/** A slice of a dataset's binary cache: the whole cache's size, and the slice in base64. */
export interface DatasetCacheChunk {
  total: number;
  base64: string;
}

/** The window's GPU backends a run can train on (in the editor's training worker). */
export type WindowBackendName = 'webgpu' | 'webgl';

/** A run to train in an editor window: registered with the engine, which keeps its record and files. */
export interface WindowRunRequest {
  graph: GraphDocument;
  training: TrainingSettings;
  limit?: number;
  /** Continue this run (window or engine) from its last checkpoint, in the window. */
  resumeFrom?: string;
  backend: WindowBackendName;
}

/** One tensor of a binary weights file, as tfjs's weights manifest describes it. */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool';
}

/** A model's weights as TensorFlow.js layers files: model.json's text and weights.bin as base64. */
export interface ModelWeightFiles {
  modelJson: string;
  weights: string;
}

/** A window run's checkpoint after an epoch: what the engine writes in its checkpoint format. */
export interface WindowCheckpoint extends ModelWeightFiles {
  epochsDone: number;
  history: EpochMetrics[];
  optimizer: { name: TrainingSettings['optimizer']; specs: WeightSpec[]; data: string };
}

/** What the window trains, once the engine has registered the run. */
export interface WindowRunStart {
  runId: string;
  /** The graph, settings and image limit to train (a resumed run's come from its checkpoint). */
  graph: GraphDocument;
  training: TrainingSettings;
  limit: number | null;
  /** The checkpoint to continue from, or null to start at epoch 1. */
  checkpoint: WindowCheckpoint | null;
  /** Call `windowRunHeartbeat` at least this often (ms); a run that misses it ends as stopped. */
  heartbeatMs: number;
}

/** Commands for a window run from elsewhere (another window, the CLI), collected by its heartbeat. */
export interface WindowRunCommands {
  commands: Array<'stop' | 'pause' | 'resume'>;
}

export interface LogEvent {
  level: 'info' | 'warn' | 'error';
  message: string;
}

export interface Prediction {
  probabilities: number[];
  predictedClass: number;
  classNames: string[];
}

/** A test image and how a run's model classifies it. */
export interface ClassifiedImage {
  image: SampleImage;
  predictedClass: number;
  /** The model's probability for the class it predicts, 0–1. */
  confidence: number;
  /** The image's position in the dataset's test set. */
  index: number;
}

/** A test image the model gets wrong (`misclassified`). */
export type MisclassifiedExample = ClassifiedImage;

/** One page of the test images in a confusion-matrix cell (`confusionCell`). */
export interface ConfusionCellPage {
  trueClass: number;
  predictedClass: number;
  /**
   * How many test images the run's saved model puts in this cell, over the test images the
   * run was evaluated on. Equals the matrix's count unless the saved weights are newer than
   * the last evaluation (a run stopped mid-epoch).
   */
  total: number;
  offset: number;
  /** Up to the page size, in test-set order. */
  images: ClassifiedImage[];
}

/** Grad-CAM class-activation maps of some images (`classActivations`). */
export interface ClassActivations {
  /** The tfjs layer the maps come from: the last with an image-shaped output before the head. */
  layerName: string;
  /** The graph node that layer belongs to (a block's id for a layer inside a block), if found. */
  nodeId: string | null;
  /** Every map is `height × width`, the layer's spatial size. */
  height: number;
  width: number;
  /** One per image, in order: row-major values in [0, 1], 1 where the evidence is strongest. */
  maps: Array<{ classIndex: number; values: number[] }>;
}

/** Files and choices that go with a model to import. */
export interface ImportModelOptions {
  /** Weight shards (by the names model.json's manifest gives) or a Keras `.h5`, base64. */
  files?: Array<{ name: string; content: string }>;
  /** Height and width for an input whose size the file leaves unknown. */
  inputSize?: [number, number];
  /** Of a model with several outputs, the output layer to keep (the head to train). */
  output?: string;
}

export interface ImportedModelResult {
  document: GraphDocument;
  /** One line per layer with no CNN Studio node (wired through). */
  unmapped: string[];
  /** The finished run holding the imported weights (Evaluate, Try an image, export, fine-tuning). */
  weightsRunId?: string;
}

export type ExportTarget = 'pytorch' | 'keras' | 'tfjs' | 'onnx';

export interface ExportedFile {
  path: string;
  /** UTF-8 text, or base64 for binary files. */
  content: string;
  encoding: 'utf8' | 'base64';
}

export interface ProjectFileInfo {
  path: string;
  name: string;
  modifiedAt: string;
}

/** How `saveProject` may treat the file already at the path. */
export interface SaveProjectOptions {
  /**
   * Replace a file that is not a CNN Studio project. Without it the engine refuses with
   * `NotAProject`, and the editor asks the person first.
   */
  overwrite?: boolean;
}

export interface OpenedProject {
  path: string;
  document: GraphDocument;
}

/**
 * The engine, as the editor sees it. Implemented by the engine host
 * (engine/host) and proxied over any transport by `createClient` (engine/protocol/rpc).
 */
export interface EngineApi {
  getInfo(): Promise<EngineInfo>;
  /** Chooses (once) and reports the compute backend. */
  probeBackend(): Promise<BackendInfo>;
  /** What `auto`, `tfjs` and `pytorch` runs would train on (PyTorch probed again with `refresh`). */
  probeEngines(refresh?: boolean): Promise<EngineReport>;

  analyze(graph: GraphDocument): Promise<GraphAnalysis>;
  listPresets(): Promise<PresetInfo[]>;
  getPreset(id: string): Promise<GraphDocument>;

  listDatasets(): Promise<DatasetInfo[]>;
  getDatasetSamples(datasetId: string, count: number): Promise<SampleImage[]>;
  /**
   * A slice of a dataset as the engine's binary cache (engine/datasets/cache-format.ts), in
   * base64: how a window's training worker gets its images where the page has no HTTP route
   * to the engine (the desktop app). Read `total` bytes in slices of at most
   * {@link MAX_DATASET_CHUNK_BYTES}.
   */
  datasetCacheChunk(datasetId: string, offset: number, length: number): Promise<DatasetCacheChunk>;
  importDataset(request: DatasetImportRequest): Promise<DatasetInfo>;

  startRun(request: StartRunRequest): Promise<{ runId: string }>;
  stopRun(runId: string): Promise<void>;
  pauseRun(runId: string): Promise<void>;
  resumeRun(runId: string): Promise<void>;
  listRuns(): Promise<RunRecord[]>;
  getRun(runId: string): Promise<RunRecord>;
  deleteRun(runId: string): Promise<void>;
  /** Registers a run the calling window trains (WebGPU/WebGL): record, events and files as any run. */
  startWindowRun(request: WindowRunRequest): Promise<WindowRunStart>;
  /** A window run's event (its runId must be `runId`): applied to the record and sent to every editor. */
  windowRunEvent(runId: string, event: RunEvent): Promise<void>;
  /** The window still trains `runId`; answers with commands sent to the run from elsewhere. */
  windowRunHeartbeat(runId: string): Promise<WindowRunCommands>;
  /** Writes a window run's checkpoint (engine checkpoint format, atomically). */
  saveWindowCheckpoint(runId: string, checkpoint: WindowCheckpoint): Promise<void>;
  /** Writes a window run's final weights as its model files (Evaluate, Try an image, export). */
  saveWindowModel(runId: string, model: ModelWeightFiles): Promise<void>;
  predict(runId: string, image: SampleImage): Promise<Prediction>;
  /**
   * Evaluates a finished run that has weights but no result — imported weights — on its
   * dataset: test loss, accuracy and confusion matrix on the test set, train loss and accuracy
   * on up to 10,000 training images (evenly spaced). Saves the result in the run's record and
   * answers with the record. A run that has a result answers as it is.
   */
  evaluateRun(runId: string): Promise<RunRecord>;
  misclassified(runId: string, count: number): Promise<MisclassifiedExample[]>;
  /**
   * A page (`offset`, at most `count` images) of the test images in confusion-matrix cell
   * (`trueClass`, `predictedClass`) of run `runId`. The first call classifies the run's test
   * images once; later pages and cells come from that.
   */
  confusionCell(
    runId: string,
    trueClass: number,
    predictedClass: number,
    offset: number,
    count: number,
  ): Promise<ConfusionCellPage>;
  /**
   * Grad-CAM maps of `images` from run `runId`'s model, each for the class the model
   * predicts for it, or for `classes[i]` when given. Refused (`NoConvolution`) for a model
   * without a convolution.
   */
  classActivations(runId: string, images: SampleImage[], classes?: number[]): Promise<ClassActivations>;

  exportModel(graph: GraphDocument, target: ExportTarget, runId?: string): Promise<ExportedFile[]>;
  /**
   * Imports a Keras / TensorFlow.js layers model (model.json text; '' when `options.files`
   * holds a Keras `.h5`). Weights given in `options.files` (the manifest's shards, or the
   * `.h5`) are saved as a finished run, named in `weightsRunId` and in the graph's
   * `meta.importedWeights`. Refuses with `InvalidImport` (`data.problems`; `data.outputs`
   * when a head must be chosen; `data.inputSize` naming an input of unknown size).
   */
  importModel(modelJson: string, options?: ImportModelOptions): Promise<ImportedModelResult>;

  /** Project files on the engine's machine (browser mode's file list; Electron uses dialogs for paths). */
  listProjects(directory?: string): Promise<{ directory: string; files: ProjectFileInfo[] }>;
  openProject(path: string): Promise<OpenedProject>;
  /** Saves a project (adding `.cnn.json` when the name has no extension; refuses other extensions). */
  saveProject(path: string, document: GraphDocument, options?: SaveProjectOptions): Promise<ProjectFileInfo>;
  recentProjects(): Promise<ProjectFileInfo[]>;
  /** Autosave target: the recovery copy of the open project. */
  saveRecovery(document: GraphDocument): Promise<void>;
  loadRecovery(): Promise<GraphDocument | null>;
  clearRecovery(): Promise<void>;

  /** The person's block library (`<dataDir>/blocks.json`): definitions kept across projects. */
  listUserBlocks(): Promise<UserBlockDefinition[]>;
  /** Replaces the block library (written atomically). */
  saveUserBlocks(blocks: UserBlockDefinition[]): Promise<void>;
}

/** Events the engine pushes to every connected editor. */
export interface EngineEvents {
  run: RunEvent;
  log: LogEvent;
}

/** Method names, for runtime checks of incoming requests. */
export type EngineMethod = keyof EngineApi;
