import type * as tfjs from '@tensorflow/tfjs';
import { pyLiteral } from '../export/python';
import type { Shape } from '../graph/document';
import { UnmappableLayerError } from './interchange';
import { shapeSize, singleInput } from './shape-utils';
import { ShapeError, type NodeParamsMap, type NodeTypeDefinition } from './types';

type ReshapeParams = NodeParamsMap['reshape'];

const target = (p: ReshapeParams): number[] => [p.height, p.width, p.channels];

/** The target with its -1 filled in, or a ShapeError naming both sizes. */
export function reshapeTarget(p: ReshapeParams, input: Shape): [number, number, number] {
  const wanted = target(p);
  const values = shapeSize(input);
  const unknown = wanted.filter((d) => d === -1).length;
  if (unknown > 1) throw new ShapeError('Reshape: only one of height, width and channels may be -1');
  if (wanted.some((d) => d === 0 || d < -1))
    throw new ShapeError(`Reshape: sizes must be whole numbers ≥ 1 (or one -1), got ${wanted.join(' × ')}`);
  const known = wanted.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const filled = wanted.map((d) => (d === -1 ? values / known : d));
  if (unknown === 1 && !Number.isInteger(values / known))
    throw new ShapeError(
      `Reshape: the input ${input.join('×')} holds ${values.toLocaleString('en-US')} values, which ${wanted.map((d) => (d === -1 ? '?' : d)).join(' × ')} cannot hold for any whole ?`,
    );
  if (unknown === 0 && known !== values)
    throw new ShapeError(
      `Reshape: the input ${input.join('×')} holds ${values.toLocaleString('en-US')} values, but ${wanted.join(' × ')} holds ${known.toLocaleString('en-US')}`,
    );
  return [filled[0], filled[1], filled[2]];
}

/** PyTorch holds images channels-first: reshape in channels-last order, as tfjs does, and turn back. */
const TORCH_HELPER = `class ReshapeChannelsLast(nn.Module):
    """Keras's Reshape: the values in (height, width, channels) order become an image of \`shape\`."""

    def __init__(self, *shape):
        super().__init__()
        self.shape = shape

    def forward(self, x):
        if x.dim() == 4:
            x = x.permute(0, 2, 3, 1)
        return x.reshape(x.shape[0], *self.shape).permute(0, 3, 1, 2)`;

/**
 * Reshape (Keras Reshape): the same values, in channels-last order, as an image of another
 * size; e.g. a GAP's 1×1×1024 feature map to a vector and back, or a dense output to an
 * image in a decoder. A target vector is a Flatten.
 */
export const reshape: NodeTypeDefinition<'reshape'> = {
  type: 'reshape',
  label: 'Reshape',
  category: 'Structure',
  doc: 'The same values as an image of height × width × channels (one may be -1: inferred); Keras Reshape.',
  inputs: [{ name: 'in' }],
  outputs: [{ name: 'out' }],
  params: [
    {
      kind: 'int',
      name: 'height',
      label: 'Height',
      doc: '-1: inferred from the input.',
      default: 1,
      min: -1,
      max: 1 << 20,
    },
    {
      kind: 'int',
      name: 'width',
      label: 'Width',
      doc: '-1: inferred from the input.',
      default: 1,
      min: -1,
      max: 1 << 20,
    },
    {
      kind: 'int',
      name: 'channels',
      label: 'Channels',
      doc: '-1: inferred from the input.',
      default: -1,
      min: -1,
      max: 1 << 24,
    },
  ],
  summarize: (p) =>
    `→ ${target(p)
      .map((d) => (d === -1 ? '?' : d))
      .join('×')}`,
  inferShape: (p, inputs) => reshapeTarget(p, singleInput('Reshape', inputs)),
  paramCount: () => ({ trainable: 0, nonTrainable: 0 }),
  macs: () => 0,
  // The filled-in target: tfjs leaves a -1 axis unknown in the symbolic shape.
  compile: (ctx, p, inputs) =>
    ctx.tf.layers
      .reshape({
        targetShape: reshapeTarget(p, inputs[0].shape.slice(1) as number[]),
        name: ctx.layerName('reshape'),
      })
      .apply(inputs[0]) as tfjs.SymbolicTensor,
  export: {
    pytorch: {
      helper: TORCH_HELPER,
      modules: ({ params: p }) => [{ code: `ReshapeChannelsLast(${target(p).join(', ')})` }],
    },
    keras: {
      statement: ({ name, inputs, params: p }) =>
        `${name} = layers.Reshape((${target(p).join(', ')}), name=${pyLiteral(name)})(${inputs[0]})`,
    },
    onnx: {
      // Reshaped in the engine's channels-last order: to NHWC, reshape, back to NCHW.
      nodes({ inputs, inputShapes, params: p }, onnx) {
        const nhwc =
          inputShapes[0].length === 3
            ? onnx.node('Transpose', [inputs[0]], { perm: { ints: [0, 2, 3, 1] } })
            : inputs[0];
        const shape = onnx.constant('shape', [4], [-1, ...reshapeTarget(p, inputShapes[0])], 'int64');
        const reshaped = onnx.node('Reshape', [nhwc, shape]);
        return onnx.node('Transpose', [reshaped], { perm: { ints: [0, 3, 1, 2] } });
      },
    },
  },
  import: {
    kerasClassNames: ['Reshape'],
    fromKeras({ config: c }) {
      const shape = c.target_shape;
      if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d)))
        throw new UnmappableLayerError(
          `target_shape ${JSON.stringify(shape)} is not a list of whole numbers`,
        );
      const dims = shape.map(Number);
      if (dims.length === 3) return { params: { height: dims[0], width: dims[1], channels: dims[2] } };
      // A vector target: the same values flat, which a 1×1×n image then Flatten gives exactly.
      if (dims.length === 1)
        return {
          params: { height: 1, width: 1, channels: dims[0] },
          then: [{ type: 'flatten', params: {}, suffix: 'flatten' }],
        };
      throw new UnmappableLayerError(
        `target_shape ${JSON.stringify(shape)}: CNN Studio holds images (height, width, channels) and vectors only`,
      );
    },
  },
};
