import type * as tfjs from '@tensorflow/tfjs';
import { pySize } from '../export/padding';
import { onnxResize } from '../export/onnx/ops';
import { pyLiteral } from '../export/python';
import { kerasSize, UnmappableLayerError } from './interchange';
import { singleImageInput, sizePair, sizeTag } from './shape-utils';
import type { NodeTypeDefinition } from './types';

const INTERPOLATIONS = ['nearest', 'bilinear'] as const;

/**
 * Enlarges the image by whole factors (U-Net decoders, YOLO necks): nearest repeats each
 * pixel; bilinear interpolates as TensorFlow.js does, without half-pixel centres (as the
 * Resize node; PyTorch's and Keras's bilinear values differ slightly at the edges).
 */
export const upSampling2d: NodeTypeDefinition<'upSampling2d'> = {
  type: 'upSampling2d',
  label: 'Upsampling',
  category: 'Structure',
  doc: 'Enlarges the image by a whole factor per axis, repeating pixels (nearest) or interpolating (bilinear).',
  inputs: [{ name: 'in' }],
  outputs: [{ name: 'out' }],
  params: [
    {
      kind: 'size',
      name: 'size',
      label: 'Factor',
      doc: 'f, or height × width.',
      default: 2,
      min: 1,
      max: 64,
    },
    {
      kind: 'choice',
      name: 'interpolation',
      label: 'Interpolation',
      default: 'nearest',
      options: INTERPOLATIONS,
    },
  ],
  summarize: (p) => `×${sizeTag(p.size)} · ${p.interpolation}`,
  inferShape(p, inputs) {
    const [h, w, c] = singleImageInput('Upsampling', inputs);
    const [fh, fw] = sizePair(p.size);
    return [h * fh, w * fw, c];
  },
  paramCount: () => ({ trainable: 0, nonTrainable: 0 }),
  macs: () => 0,
  compile: (ctx, p, inputs) =>
    ctx.tf.layers
      .upSampling2d({ size: sizePair(p.size), interpolation: p.interpolation, name: ctx.layerName('up') })
      .apply(inputs[0]) as tfjs.SymbolicTensor,
  export: {
    pytorch: {
      modules: ({ params: p }) => [
        {
          code: `nn.Upsample(scale_factor=${pySize(p.size)}, mode=${pyLiteral(p.interpolation)}${p.interpolation === 'bilinear' ? ', align_corners=False' : ''})`,
        },
      ],
    },
    keras: {
      statement: ({ name, inputs, params: p }) =>
        `${name} = layers.UpSampling2D(${pySize(p.size)}, interpolation=${pyLiteral(p.interpolation)}, name=${pyLiteral(name)})(${inputs[0]})`,
    },
    onnx: {
      nodes({ inputs, outputShape, params: p }, onnx) {
        const mode = p.interpolation === 'nearest' ? 'nearest' : 'linear';
        return onnxResize(onnx, inputs[0], [outputShape[0], outputShape[1]], mode);
      },
    },
  },
  import: {
    kerasClassNames: ['UpSampling2D'],
    fromKeras({ config: c }) {
      const interpolation = String(c.interpolation ?? 'nearest');
      if (!(INTERPOLATIONS as readonly string[]).includes(interpolation))
        throw new UnmappableLayerError(`interpolation "${interpolation}"`);
      return { params: { size: kerasSize(c.size ?? 2, 'size'), interpolation } };
    },
  },
};
