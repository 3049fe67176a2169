/**
 * The engine modules the host composes, loaded on first use so `cnn-studio serve` starts
 * fast (tfjs, datasets and training load only when the editor first needs them).
 *
 * Each loader's type is the slice of that module the host uses, so a change to one of
 * those modules' exports is a compile error here rather than a failure at run time.
 * Tests pass their own loaders to `createEngineHost`.
 */
import type { ImageSet } from '../datasets/types';
import type { GraphDocument } from '../graph/document';
import type {
  BackendInfo,
  DatasetImportRequest,
  DatasetInfo,
  ExportedFile,
  ExportTarget,
  LogEvent,
  MisclassifiedExample,
  ClassActivations,
  ConfusionCellPage,
  Prediction,
  PresetInfo,
  RunEvent,
  RunRecord,
  SampleImage,
  StartRunRequest,
} from '../protocol/api';
import type { StartPlacement } from '../train/run-manager';
import type { ImportOptions } from '../export/import-keras';
import type { EditorImport, ModelFile } from './import-model';

export interface PresetsModule {
  listPresets(): PresetInfo[];
  getPreset(id: string): GraphDocument;
}

/** A dataset's images, as engine/datasets hands them out. */
export type DatasetImages = ImageSet;

export interface DatasetsModule {
  listDatasets(options: { dataDir: string }): Promise<DatasetInfo[]>;
  openDataset(
    id: string,
    options: { dataDir: string },
  ): Promise<{ info: DatasetInfo; train: DatasetImages; test: DatasetImages }>;
  importDataset(request: DatasetImportRequest, options: { dataDir: string }): Promise<DatasetInfo>;
  sampleImages(set: DatasetImages, count: number, seed?: number): SampleImage[];
}

/** engine/train/run-manager.ts's RunManager, as the host uses it. */
export interface RunManagerLike {
  /** `placement`: where the run trains when it is not the manager's choice (a window run). */
  start(request: StartRunRequest, placement?: StartPlacement): Promise<{ runId: string }>;
  stop(id: string): Promise<void>;
  pause(id: string): Promise<void>;
  resume(id: string): Promise<void>;
  list(): Promise<RunRecord[]>;
  get(id: string): Promise<RunRecord | null | undefined>;
  delete(id: string): Promise<void>;
  predict(id: string, image: SampleImage): Promise<Prediction>;
  evaluate(id: string): Promise<RunRecord>;
  misclassified(id: string, count: number): Promise<MisclassifiedExample[]>;
  confusionCell(
    id: string,
    trueClass: number,
    predictedClass: number,
    offset: number,
    count: number,
  ): Promise<ConfusionCellPage>;
  classActivations(id: string, images: SampleImage[], classes?: number[]): Promise<ClassActivations>;
  modelArtifactsDir(id: string): string | null | Promise<string | null>;
  /** Registers a finished run whose model files are in place (imported weights). */
  adopt?(record: RunRecord): Promise<void>;
  dispose(): Promise<void>;
}

export interface RunManagerModule {
  createRunManager(options: {
    dataDir: string;
    emit: (event: RunEvent) => void;
    log?: (event: LogEvent) => void;
  }): RunManagerLike;
}

export interface BackendsModule {
  selectBackend(options?: {
    force?: string;
    log?: (message: string) => void;
  }): Promise<{ info: BackendInfo }>;
}

/** engine/host/model-export: code, model files and converted weights; and model.json import. */
export interface ModelExportModule {
  exportModel(
    document: GraphDocument,
    target: ExportTarget,
    options: { modelDir: string | null },
  ): Promise<ExportedFile[]>;
  /** Imports model files, checked; weights are saved as a new finished run's model in `dataDir`. */
  importModel(files: ModelFile[], options: ImportOptions, dataDir: string): Promise<EditorImport>;
}

/** Loaders for every module; `null` means this build does not include it. */
export interface EngineModules {
  presets: () => Promise<PresetsModule>;
  datasets: () => Promise<DatasetsModule>;
  runs: (() => Promise<RunManagerModule>) | null;
  backends: (() => Promise<BackendsModule>) | null;
  exporter: (() => Promise<ModelExportModule>) | null;
}

/** The real modules. */
export const defaultModules: EngineModules = {
  presets: () => import('../presets/index'),
  datasets: () => import('../datasets/index'),
  runs: () => import('../pytorch/runs'),
  backends: () => import('../backends/select'),
  exporter: () => import('./model-export'),
};
