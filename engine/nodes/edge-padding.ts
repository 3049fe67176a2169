/**
 * Zero padding and cropping: pixels added to, or cut from, each side of the image, each
 * side its own count (asymmetric, as TensorFlow's 'same' pads a stride-2 layer).
 */
import type * as tfjs from '@tensorflow/tfjs';
import { pyLiteral } from '../export/python';
import { UnmappableLayerError } from './interchange';
import { MAX_PADDING_PIXELS } from './param-defaults';
import { singleImageInput } from './shape-utils';
import { ShapeError, type NodeTypeDefinition, type ParamSpec } from './types';

/** Pixels on each side of the image. */
export interface EdgeParams {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

const SIDES = ['top', 'bottom', 'left', 'right'] as const;

const edgeParams = (verb: string): readonly ParamSpec[] =>
  SIDES.map((side) => ({
    kind: 'int' as const,
    name: side,
    label: side[0].toUpperCase() + side.slice(1),
    doc: `Pixels ${verb} the ${side}.`,
    default: side === 'bottom' || side === 'right' ? 1 : 0,
    min: 0,
    max: MAX_PADDING_PIXELS,
  }));

const summarizeEdges = (p: EdgeParams): string =>
  p.top === p.bottom && p.top === p.left && p.top === p.right
    ? `${p.top}`
    : `↑${p.top} ↓${p.bottom} ←${p.left} →${p.right}`;

/** `((top, bottom), (left, right))`: Keras's form. */
const kerasEdges = (p: EdgeParams): string => `((${p.top}, ${p.bottom}), (${p.left}, ${p.right}))`;

/** A Keras `padding` / `cropping` config (n, [h, w] or [[t, b], [l, r]]) as our four sides. */
export function edgesFromKeras(value: unknown, what: string): EdgeParams {
  const pair = (v: unknown): [number, number] =>
    Array.isArray(v) ? [Number(v[0]), Number(v[1])] : [Number(v), Number(v)];
  let rows: [number, number];
  let cols: [number, number];
  if (Array.isArray(value) && value.length === 2) {
    rows = pair(value[0]);
    cols = pair(value[1]);
  } else if (!Array.isArray(value) && value !== undefined) {
    rows = cols = pair(value);
  } else throw new UnmappableLayerError(`${what} ${JSON.stringify(value)}`);
  const edges = { top: rows[0], bottom: rows[1], left: cols[0], right: cols[1] };
  if (!SIDES.every((side) => Number.isInteger(edges[side]) && edges[side] >= 0))
    throw new UnmappableLayerError(`${what} ${JSON.stringify(value)}`);
  return edges;
}

/** Zeros added around the image, each side its own count. */
export const zeroPadding2d: NodeTypeDefinition<'zeroPadding2d'> = {
  type: 'zeroPadding2d',
  label: 'Zero Padding',
  category: 'Structure',
  doc: 'Adds rows and columns of zeros around the image, each side its own count.',
  inputs: [{ name: 'in' }],
  outputs: [{ name: 'out' }],
  params: edgeParams('added at'),
  summarize: summarizeEdges,
  inferShape(p, inputs) {
    const [h, w, c] = singleImageInput('Zero Padding', inputs);
    return [h + p.top + p.bottom, w + p.left + p.right, c];
  },
  paramCount: () => ({ trainable: 0, nonTrainable: 0 }),
  macs: () => 0,
  compile: (ctx, p, inputs) =>
    ctx.tf.layers
      .zeroPadding2d({
        padding: [
          [p.top, p.bottom],
          [p.left, p.right],
        ],
        name: ctx.layerName('pad'),
      })
      .apply(inputs[0]) as tfjs.SymbolicTensor,
  export: {
    pytorch: {
      modules: ({ params: p }) => [{ code: `nn.ZeroPad2d((${p.left}, ${p.right}, ${p.top}, ${p.bottom}))` }],
    },
    keras: {
      statement: ({ name, inputs, params: p }) =>
        `${name} = layers.ZeroPadding2D(${kerasEdges(p)}, name=${pyLiteral(name)})(${inputs[0]})`,
    },
    onnx: {
      // ONNX pads: [N, C, top, left] begins, then [N, C, bottom, right] ends.
      nodes: ({ inputs, params: p }, onnx) =>
        onnx.node('Pad', [
          inputs[0],
          onnx.constant('pads', [8], [0, 0, p.top, p.left, 0, 0, p.bottom, p.right], 'int64'),
        ]),
    },
  },
  import: {
    // Read only where it does not fold into the next conv / pool (engine/export/import-keras.ts).
    kerasClassNames: ['ZeroPadding2D'],
    fromKeras: ({ config: c }) => ({ params: { ...edgesFromKeras(c.padding ?? 1, 'padding') } }),
  },
};

/** Rows and columns cut from the edges of the image, each side its own count. */
export const cropping2d: NodeTypeDefinition<'cropping2d'> = {
  type: 'cropping2d',
  label: 'Cropping',
  category: 'Structure',
  doc: 'Cuts rows and columns off the edges of the image, each side its own count.',
  inputs: [{ name: 'in' }],
  outputs: [{ name: 'out' }],
  params: edgeParams('cut from'),
  summarize: summarizeEdges,
  inferShape(p, inputs) {
    const [h, w, c] = singleImageInput('Cropping', inputs);
    const [oh, ow] = [h - p.top - p.bottom, w - p.left - p.right];
    if (oh <= 0 || ow <= 0)
      throw new ShapeError(
        `Cropping: cutting ${p.top}+${p.bottom} rows and ${p.left}+${p.right} columns leaves nothing of a ${h}×${w} input`,
        'spatial-too-small',
      );
    return [oh, ow, c];
  },
  paramCount: () => ({ trainable: 0, nonTrainable: 0 }),
  macs: () => 0,
  compile: (ctx, p, inputs) =>
    ctx.tf.layers
      .cropping2D({
        cropping: [
          [p.top, p.bottom],
          [p.left, p.right],
        ],
        name: ctx.layerName('crop'),
      })
      .apply(inputs[0]) as tfjs.SymbolicTensor,
  export: {
    pytorch: {
      // Negative padding crops in PyTorch.
      modules: ({ params: p }) => [
        { code: `nn.ZeroPad2d((${-p.left}, ${-p.right}, ${-p.top}, ${-p.bottom}))` },
      ],
    },
    keras: {
      statement: ({ name, inputs, params: p }) =>
        `${name} = layers.Cropping2D(${kerasEdges(p)}, name=${pyLiteral(name)})(${inputs[0]})`,
    },
    onnx: {
      nodes({ inputs, inputShapes, params: p }, onnx) {
        const [h, w] = inputShapes[0];
        return onnx.node('Slice', [
          inputs[0],
          onnx.constant('starts', [2], [p.top, p.left], 'int64'),
          onnx.constant('ends', [2], [h - p.bottom, w - p.right], 'int64'),
          onnx.constant('axes', [2], [2, 3], 'int64'),
        ]);
      },
    },
  },
  import: {
    kerasClassNames: ['Cropping2D'],
    fromKeras: ({ config: c }) => ({ params: { ...edgesFromKeras(c.cropping ?? 0, 'cropping') } }),
  },
};
