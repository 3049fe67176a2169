/**
 * The graph document: the one file format for project files and presets.
 *
 * A document is plain JSON. Shapes inside the engine are per-example and channels-last,
 * `[height, width, channels]` for images and `[features]` for vectors (TensorFlow.js's
 * NHWC without the batch axis). The renderer formats them for people.
 *
 * Read documents only through `loadGraphDocument` (engine/graph/load.ts), which upgrades
 * older versions and rejects bad files with a message naming the field at fault.
 */
import type { UserBlockDefinition } from '../nodes/user-block';

/** The `format` tag every CNN Studio graph file carries. */
export const GRAPH_FORMAT = 'cnn-studio-graph';
/**
 * The version this build writes. Older versions are migrated on load.
 * Version 2 added `blocks` (the definitions of blocks the person made).
 */
export const GRAPH_VERSION = 2;

/** A tensor shape without the batch axis: `[h, w, c]` or `[features]`. */
export type Shape = readonly number[];

/** Padding as PyTorch and the book give it (pixels per side) or as Keras names it. */
export type Padding = 'valid' | 'same' | number;

/** A node's parameters: plain JSON values, checked against its type's schema. */
export type ParamValue = number | string | boolean | readonly number[];
export type Params = Record<string, ParamValue>;

export interface XY {
  x: number;
  y: number;
}

/** One layer or block on the canvas. */
export interface GraphNode {
  /** Unique within the document; stable across saves (used in test ids as `node-<id>`). */
  id: string;
  /** A registry type id, e.g. `conv2d`, `residual`. */
  type: string;
  params: Params;
  position: XY;
  /** Optional display name chosen by the person. */
  label?: string;
  /** A bypassed node passes its single input through unchanged (quick ablations). */
  bypassed?: boolean;
  /** Block nodes only: whether the editor shows the inner layers. */
  expanded?: boolean;
  /**
   * `false`: the node is frozen, its weights are not trained (transfer learning). Its
   * parameters count as non-trainable; compiled as tfjs `trainable = false`, exported as
   * PyTorch `requires_grad_(False)` and Keras `trainable=False`. Absent means trainable.
   */
  trainable?: boolean;
}

/**
 * A wire from an output port to an input port. Nodes with a multi-input port (`concat`,
 * `add`) take their inputs in the order their edges appear in `edges`.
 */
export interface GraphEdge {
  id: string;
  source: string;
  sourcePort: string;
  target: string;
  targetPort: string;
}

export type OptimizerName = 'sgd' | 'adam' | 'adamw' | 'rmsprop';
export type ScheduleName = 'constant' | 'step' | 'cosine';

/** Training settings a document carries as defaults (presets carry the book's). */
export interface TrainingSettings {
  dataset: string;
  epochs: number;
  batchSize: number;
  learningRate: number;
  optimizer: OptimizerName;
  /** SGD momentum (0 = plain SGD, as the book uses). */
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
  schedule: ScheduleName;
  /** Step schedule: multiply the lr by `stepGamma` every `stepEpochs` epochs. */
  stepEpochs: number;
  stepGamma: number;
  warmupEpochs: number;
  /** Clip gradients to this global norm; 0 = off. */
  gradientClip: number;
  seed: number;
  /** Fraction of the training set held out for validation; 0 = evaluate on the test set only. */
  validationSplit: number;
  augmentFlip: boolean;
  augmentCrop: boolean;
}

export const DEFAULT_TRAINING: TrainingSettings = {
  dataset: 'fashion-mnist',
  epochs: 10,
  batchSize: 128,
  learningRate: 0.1,
  optimizer: 'sgd',
  momentum: 0,
  nesterov: false,
  weightDecay: 0,
  schedule: 'constant',
  stepEpochs: 5,
  stepGamma: 0.1,
  warmupEpochs: 0,
  gradientClip: 0,
  seed: 0,
  validationSplit: 0,
  augmentFlip: false,
  augmentCrop: false,
};

export interface GraphLayout {
  /** Direction of the tidy layout: left-to-right or top-down. */
  direction: 'LR' | 'TB';
}

/** A CNN Studio graph file (also the format of every preset). */
export interface GraphDocument {
  format: typeof GRAPH_FORMAT;
  version: number;
  name: string;
  description?: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
  training: TrainingSettings;
  layout: GraphLayout;
  /** Free-form data kept across saves (e.g. the book's reported accuracy for a preset). */
  meta: Record<string, unknown>;
  /**
   * Definitions of the blocks the person made (engine/nodes/user-block.ts) that this
   * document's nodes use; absent or empty when none. A node of type `user.<name>` is an
   * instance of the definition with that type.
   */
  blocks?: UserBlockDefinition[];
}
