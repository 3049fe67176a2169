/**
 * What global average and global max pooling share: no params, an image in, `[1, 1, c]`
 * out (kept as a 1×1 image, so a Flatten follows before Dense), and Keras import that adds
 * that Flatten when Keras dropped the 1×1.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { pyLiteral } from '../export/python';
import { singleImageInput } from './shape-utils';
import type { CompileContext, NodeTypeDefinition } from './types';

/** What distinguishes one global pool from the other. */
export interface GlobalPoolSpec<T extends 'globalAvgPool2d' | 'globalMaxPool2d'> {
  type: T;
  label: string;
  doc: string;
  /** The tfjs pooling layer whose window is the whole `[h, w]` image. */
  layer(tf: CompileContext['tf'], args: { poolSize: [number, number]; name: string }): tfjs.layers.Layer;
  /** PyTorch module, e.g. `nn.AdaptiveMaxPool2d((1, 1))`. */
  torch: string;
  /** Keras class written on export (read on import too). */
  kerasClassName: string;
  /** Further Keras class names read on import (aliases). */
  kerasAliases: readonly string[];
}

/** A global pooling node definition. */
export function defineGlobalPool<T extends 'globalAvgPool2d' | 'globalMaxPool2d'>(
  spec: GlobalPoolSpec<T>,
): NodeTypeDefinition<T> {
  return {
    type: spec.type,
    label: spec.label,
    category: 'Pooling',
    doc: spec.doc,
    inputs: [{ name: 'in' }],
    outputs: [{ name: 'out' }],
    params: [],
    summarize: () => '1×1',
    inferShape(_p, inputs) {
      const [, , c] = singleImageInput(spec.label, inputs);
      return [1, 1, c];
    },
    paramCount: () => ({ trainable: 0, nonTrainable: 0 }),
    macs: () => 0,
    compile(ctx, _p, inputs) {
      const [, h, w] = inputs[0].shape as number[];
      // A pool as large as the image is exactly the global pool and keeps the [1, 1, c] shape.
      return spec
        .layer(ctx.tf, { poolSize: [h, w], name: ctx.layerName('pool') })
        .apply(inputs[0]) as tfjs.SymbolicTensor;
    },
    export: {
      pytorch: { modules: () => [{ code: spec.torch }] },
      keras: {
        statement: ({ name, inputs }) =>
          `${name} = layers.${spec.kerasClassName}(keepdims=True, name=${pyLiteral(name)})(${inputs[0]})`,
      },
      onnx: {
        nodes: ({ inputs }, onnx) =>
          onnx.node(spec.type === 'globalAvgPool2d' ? 'GlobalAveragePool' : 'GlobalMaxPool', [inputs[0]]),
      },
    },
    import: {
      kerasClassNames: [spec.kerasClassName, ...spec.kerasAliases],
      // Keras drops the 1×1 by default; ours keeps it, so a flatten follows.
      fromKeras: ({ config: c }) =>
        c.keepdims === true
          ? { params: {} }
          : { params: {}, then: [{ type: 'flatten', params: {}, suffix: 'flatten' }] },
    },
  };
}
