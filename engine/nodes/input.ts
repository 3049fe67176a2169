import { UnmappableLayerError } from './interchange';
import type { NodeTypeDefinition } from './types';

/** The network's input: one image per example, channels last. */
export const input: NodeTypeDefinition<'input'> = {
  type: 'input',
  label: 'Input',
  category: 'Input',
  doc: 'The image fed to the network: height × width × channels (1 = grayscale, 3 = RGB).',
  inputs: [],
  outputs: [{ name: 'out' }],
  params: [
    { kind: 'int', name: 'height', label: 'Height', default: 28, min: 1, max: 4096 },
    { kind: 'int', name: 'width', label: 'Width', default: 28, min: 1, max: 4096 },
    { kind: 'int', name: 'channels', label: 'Channels', default: 1, min: 1, max: 64 },
  ],
  summarize: (p) => `${p.height}×${p.width}×${p.channels}`,
  inferShape: (p) => [p.height, p.width, p.channels],
  paramCount: () => ({ trainable: 0, nonTrainable: 0 }),
  macs: () => 0,
  compile: (ctx, p) => ctx.tf.input({ shape: [p.height, p.width, p.channels], name: ctx.layerName('input') }),
  // No export rules: the exporters write the one input as the model's argument.
  import: {
    kerasClassNames: ['InputLayer'],
    fromKeras({ config: c }) {
      const shape = (c.batch_input_shape ?? c.batch_shape) as unknown[];
      if (!Array.isArray(shape) || shape.length !== 4)
        throw new UnmappableLayerError(`input shape ${JSON.stringify(shape)} is not an image [h, w, c]`);
      return { params: { height: Number(shape[1]), width: Number(shape[2]), channels: Number(shape[3]) } };
    },
  },
};
