import type * as tfjs from '@tensorflow/tfjs';
import { onnxResize } from '../export/onnx/ops';
import { pyLiteral } from '../export/python';
import { registerCustomLayers } from './custom-layers';
import { UnmappableLayerError } from './interchange';
import { singleImageInput } from './shape-utils';
import type { NodeTypeDefinition } from './types';

/** Bilinear resize of an image to a fixed height and width; channels unchanged. */
export const resize: NodeTypeDefinition<'resize'> = {
  type: 'resize',
  label: 'Resize',
  category: 'Structure',
  doc: 'Scales the image to a fixed height × width with bilinear interpolation.',
  inputs: [{ name: 'in' }],
  outputs: [{ name: 'out' }],
  params: [
    { kind: 'int', name: 'height', label: 'Height', default: 224, min: 1, max: 4096 },
    { kind: 'int', name: 'width', label: 'Width', default: 224, min: 1, max: 4096 },
  ],
  summarize: (p) => `${p.height}×${p.width}`,
  inferShape(p, inputs) {
    const [, , c] = singleImageInput('Resize', inputs);
    return [p.height, p.width, c];
  },
  paramCount: () => ({ trainable: 0, nonTrainable: 0 }),
  macs: () => 0,
  compile(ctx, p, inputs) {
    const { BilinearResize } = registerCustomLayers(ctx.tf);
    return new BilinearResize({ height: p.height, width: p.width, name: ctx.layerName('resize') }).apply(
      inputs[0],
    ) as tfjs.SymbolicTensor;
  },
  export: {
    pytorch: {
      helper: `class Resize(nn.Module):
    """Bilinear resize to a fixed size. (TensorFlow.js samples without half-pixel centers, so
    resized values differ slightly from the app's.)"""

    def __init__(self, size):
        super().__init__()
        self.size = size

    def forward(self, x):
        return F.interpolate(x, size=self.size, mode='bilinear', align_corners=False)`,
      modules: ({ params: p }) => [{ code: `Resize((${p.height}, ${p.width}))` }],
    },
    keras: {
      statement: ({ name, inputs, params: p }) =>
        `${name} = layers.Resizing(${p.height}, ${p.width}, interpolation='bilinear', name=${pyLiteral(name)})(${inputs[0]})`,
    },
    onnx: {
      nodes: ({ inputs, params: p }, onnx) => onnxResize(onnx, inputs[0], [p.height, p.width], 'linear'),
    },
  },
  import: {
    kerasClassNames: ['Resizing', 'BilinearResize'],
    fromKeras({ className, config: c }) {
      if (className === 'Resizing' && String(c.interpolation ?? 'bilinear') !== 'bilinear')
        throw new UnmappableLayerError(`interpolation "${String(c.interpolation)}"`);
      return { params: { height: Number(c.height), width: Number(c.width) } };
    },
  },
};
