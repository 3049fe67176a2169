/**
 * What max and average pooling share: params, summary, shape rule and the PyTorch limit
 * on padding. They differ only in the layer and the padding fill.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { kerasPaddingArg, pySize } from '../export/padding';
import { onnxPool } from '../export/onnx/ops';
import { pyLiteral } from '../export/python';
import type { Padding, Shape } from '../graph/document';
import { kerasSize, kerasWindowPadding, type ExportLayer, type TorchModule } from './interchange';
import {
  formatPadding,
  formatWindow,
  paddingTag,
  sameSize,
  singleImageInput,
  sizePair,
  sizeTag,
  windowOutput,
} from './shape-utils';
import {
  ShapeError,
  type CompileContext,
  type NodeTypeDefinition,
  type ParamSpec,
  type WindowSize,
} from './types';

export interface PoolParams {
  poolSize: WindowSize;
  strides: WindowSize;
  padding: Padding;
}

export const POOL_PARAMS: readonly ParamSpec[] = [
  {
    kind: 'size',
    name: 'poolSize',
    label: 'Pool size',
    doc: 'k, or height × width.',
    default: 2,
    min: 1,
    max: 64,
  },
  {
    kind: 'size',
    name: 'strides',
    label: 'Stride',
    doc: 'Defaults to the pool size, as in PyTorch; s, or height × width.',
    default: 2,
    min: 1,
    max: 64,
  },
  {
    kind: 'padding',
    name: 'padding',
    label: 'Padding',
    doc: "Pixels added on each side (PyTorch style, at most half the pool size), or 'same' / 'valid'.",
    default: 0,
  },
];

/** Node-face text, e.g. `3×3 · s2 · p1` (stride shown only when it differs from the pool size). */
export function summarizePool(p: PoolParams): string {
  const parts = [formatWindow(p.poolSize)];
  if (!sameSize(p.strides, p.poolSize)) parts.push(`s${sizeTag(p.strides)}`);
  const pad = paddingTag(p.padding);
  if (pad) parts.push(pad);
  return parts.join(' · ');
}

/** `[oh, ow, c]` of a pool, or a ShapeError (padding above half the window, window too large). */
export function inferPoolShape(label: string, p: PoolParams, inputs: readonly Shape[]): Shape {
  const input = singleImageInput(label, inputs);
  // PyTorch's rule: a window made only of padding would have no value to pool.
  const smallest = Math.min(...sizePair(p.poolSize));
  if (typeof p.padding === 'number' && p.padding * 2 > smallest) {
    throw new ShapeError(
      `${label}: ${formatPadding(p.padding)} is more than half the pool size ${formatWindow(p.poolSize)}; use padding ≤ ${Math.floor(smallest / 2)}`,
    );
  }
  const [oh, ow] = windowOutput(label, input, p.poolSize, p.strides, p.padding);
  return [oh, ow, input[2]];
}

/** tfjs padding after any explicit padding layer: numeric padding is always explicit. */
export function tfPoolPadding(padding: Padding): 'valid' | 'same' {
  return padding === 'same' ? 'same' : 'valid';
}

/** Pixels the explicit padding layer adds before the pool (0 for 'same'/'valid'). */
export function explicitPoolPadding(padding: Padding): number {
  return typeof padding === 'number' ? padding : 0;
}

/** What distinguishes one pooling type from the other. */
export interface PoolSpec<T extends 'maxPool2d' | 'avgPool2d'> {
  type: T;
  label: string;
  doc: string;
  /** Adds the numeric padding with the right fill (zeros for average, −∞ for max). */
  pad(ctx: CompileContext, x: tfjs.SymbolicTensor, pixels: number): tfjs.SymbolicTensor;
  /** The tfjs pooling layer. */
  layer(
    tf: CompileContext['tf'],
    args: { poolSize: [number, number]; strides: [number, number]; padding: 'valid' | 'same'; name: string },
  ): tfjs.layers.Layer;
  /** The PyTorch module(s): padding rules differ between max and average pooling. */
  torchModules(layer: ExportLayer<PoolParams>): TorchModule[];
  /** The Keras helper of the exported script (`max_pool(x, size, strides, padding)`). */
  kerasHelper: 'max_pool' | 'avg_pool';
  /** Keras class names read on import. */
  kerasClassNames: readonly string[];
  /** The padding layer that folds into this pool on import. */
  foldsPadding: 'zero' | '-inf';
}

/** A pooling node definition: shared params, summary, shape rule and compile. */
export function definePool<T extends 'maxPool2d' | 'avgPool2d'>(spec: PoolSpec<T>): NodeTypeDefinition<T> {
  return {
    type: spec.type,
    label: spec.label,
    category: 'Pooling',
    doc: spec.doc,
    inputs: [{ name: 'in' }],
    outputs: [{ name: 'out' }],
    params: POOL_PARAMS,
    summarize: summarizePool,
    inferShape: (p, inputs) => inferPoolShape(spec.label, p, inputs),
    paramCount: () => ({ trainable: 0, nonTrainable: 0 }),
    macs: () => 0,
    compile(ctx, p, inputs) {
      const padded = spec.pad(ctx, inputs[0], explicitPoolPadding(p.padding));
      const layer = spec.layer(ctx.tf, {
        poolSize: sizePair(p.poolSize),
        strides: sizePair(p.strides),
        padding: tfPoolPadding(p.padding),
        name: ctx.layerName('pool'),
      });
      return layer.apply(padded) as tfjs.SymbolicTensor;
    },
    export: {
      pytorch: { modules: spec.torchModules },
      keras: {
        statement: ({ name, inputs, params: p }) =>
          `${name} = ${spec.kerasHelper}(${inputs[0]}, ${pySize(p.poolSize)}, ${pySize(p.strides)}, ${kerasPaddingArg(p.padding)}, name=${pyLiteral(name)})`,
      },
      onnx: {
        nodes: ({ inputs, inputShapes, params: p }, onnx) =>
          onnxPool(onnx, spec.type === 'maxPool2d' ? 'MaxPool' : 'AveragePool', inputs[0], inputShapes[0], p),
      },
    },
    import: {
      kerasClassNames: spec.kerasClassNames,
      foldsPadding: spec.foldsPadding,
      fromKeras({ config: c }, foldedPadding) {
        const poolSize = kerasSize(c.pool_size ?? 2, 'pool size');
        return {
          params: {
            poolSize,
            strides: kerasSize(c.strides ?? poolSize, 'strides'),
            padding: kerasWindowPadding(c, foldedPadding),
          },
        };
      },
    },
  };
}
