import type * as tfjs from '@tensorflow/tfjs';
import { registerCustomLayers } from './custom-layers';
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
};
