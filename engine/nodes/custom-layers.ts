/**
 * The layers tfjs-layers lacks in the form we need, built from the `tf` the engine
 * passes in (this folder never imports tfjs values):
 *
 * - `NegInfPadding2D`: pads H and W with −∞, so a following 'valid' max pool reproduces
 *   PyTorch's numeric pool padding (padding never wins the max).
 * - `BilinearResize`: bilinear resize to a fixed size. tfjs's own `tf.layers.resizing`
 *   reports a wrong symbolic shape (it drops the batch axis) and aligns corners.
 * - `ElementwiseActivation`: the activations tfjs has no layer for in PyTorch's meaning —
 *   ELU with any alpha (tfjs's ELU layer refuses alpha ≠ 1), hard swish and hard sigmoid
 *   (tfjs's `hardSigmoid` is Keras 2's `0.2x + 0.5`, not PyTorch's `relu6(x + 3) / 6`).
 *
 * All are registered with `tf.serialization` so saved models load again; call
 * {@link registerCustomLayers} before `tf.loadLayersModel` in a fresh process.
 */
import type * as tfjs from '@tensorflow/tfjs';

type Tf = typeof tfjs;
type LayerConstructor<A> = new (args: A) => tfjs.layers.Layer;

/** The element-wise functions `ElementwiseActivation` computes. */
export type ElementwiseFunction = 'elu' | 'hardSwish' | 'hardSigmoid';

/** Args of `ElementwiseActivation`; `alpha` is ELU's scale of the negative part (ignored otherwise). */
export interface ElementwiseActivationArgs {
  fn: ElementwiseFunction;
  alpha?: number;
  name?: string;
}

export interface CustomLayerClasses {
  NegInfPadding2D: LayerConstructor<{ padding: number; name?: string }>;
  BilinearResize: LayerConstructor<{ height: number; width: number; name?: string }>;
  ElementwiseActivation: LayerConstructor<ElementwiseActivationArgs>;
}

const classesByTf = new WeakMap<object, CustomLayerClasses>();

function firstTensor(inputs: tfjs.Tensor | tfjs.Tensor[]): tfjs.Tensor {
  return Array.isArray(inputs) ? inputs[0] : inputs;
}

function firstShape(shape: tfjs.Shape | tfjs.Shape[]): tfjs.Shape {
  return Array.isArray(shape[0]) ? (shape[0] as tfjs.Shape) : (shape as tfjs.Shape);
}

function defineClasses(tf: Tf): CustomLayerClasses {
  class NegInfPadding2D extends tf.layers.Layer {
    static className = 'NegInfPadding2D';
    readonly padding: number;
    constructor(args: { padding: number; name?: string }) {
      super(args);
      this.padding = args.padding;
    }
    override computeOutputShape(inputShape: tfjs.Shape | tfjs.Shape[]): tfjs.Shape {
      const [n, h, w, c] = firstShape(inputShape);
      const grow = (d: number | null) => (d == null ? null : d + 2 * this.padding);
      return [n, grow(h), grow(w), c];
    }
    override call(inputs: tfjs.Tensor | tfjs.Tensor[]): tfjs.Tensor {
      const p = this.padding;
      return tf.pad(
        firstTensor(inputs),
        [
          [0, 0],
          [p, p],
          [p, p],
          [0, 0],
        ],
        -Infinity,
      );
    }
    override getConfig(): tfjs.serialization.ConfigDict {
      return { ...super.getConfig(), padding: this.padding };
    }
  }

  class BilinearResize extends tf.layers.Layer {
    static className = 'BilinearResize';
    readonly height: number;
    readonly width: number;
    constructor(args: { height: number; width: number; name?: string }) {
      super(args);
      this.height = args.height;
      this.width = args.width;
    }
    override computeOutputShape(inputShape: tfjs.Shape | tfjs.Shape[]): tfjs.Shape {
      const [n, , , c] = firstShape(inputShape);
      return [n, this.height, this.width, c];
    }
    override call(inputs: tfjs.Tensor | tfjs.Tensor[]): tfjs.Tensor {
      // alignCorners and halfPixelCenters both off: tfjs's ResizeBilinearGrad ignores
      // halfPixelCenters, so this is the variant whose gradient matches its forward pass.
      return tf.image.resizeBilinear(
        firstTensor(inputs) as tfjs.Tensor4D,
        [this.height, this.width],
        false,
        false,
      );
    }
    override getConfig(): tfjs.serialization.ConfigDict {
      return { ...super.getConfig(), height: this.height, width: this.width };
    }
  }

  /** Each function from gradient-safe ops (no branch that overflows where it is not taken). */
  const elementwise: Record<ElementwiseFunction, (x: tfjs.Tensor, alpha: number) => tfjs.Tensor> = {
    // x for x > 0, alpha·(eˣ − 1) otherwise; tf.elu is eˣ − 1 there and never overflows.
    elu: (x, alpha) => tf.add(tf.relu(x), tf.mul(alpha, tf.minimum(tf.elu(x), 0))),
    hardSigmoid: (x) => tf.div(tf.relu6(tf.add(x, 3)), 6),
    hardSwish: (x) => tf.mul(x, tf.div(tf.relu6(tf.add(x, 3)), 6)),
  };

  class ElementwiseActivation extends tf.layers.Layer {
    static className = 'ElementwiseActivation';
    readonly fn: ElementwiseFunction;
    readonly alpha: number;
    constructor(args: ElementwiseActivationArgs) {
      super(args);
      if (!(args.fn in elementwise)) throw new Error(`ElementwiseActivation: unknown function "${args.fn}"`);
      this.fn = args.fn;
      this.alpha = args.alpha ?? 1;
    }
    override computeOutputShape(inputShape: tfjs.Shape | tfjs.Shape[]): tfjs.Shape {
      return firstShape(inputShape);
    }
    override call(inputs: tfjs.Tensor | tfjs.Tensor[]): tfjs.Tensor {
      return tf.tidy(() => elementwise[this.fn](firstTensor(inputs), this.alpha));
    }
    override getConfig(): tfjs.serialization.ConfigDict {
      return { ...super.getConfig(), fn: this.fn, alpha: this.alpha };
    }
  }

  tf.serialization.registerClass(NegInfPadding2D);
  tf.serialization.registerClass(BilinearResize);
  tf.serialization.registerClass(ElementwiseActivation);
  return { NegInfPadding2D, BilinearResize, ElementwiseActivation };
}

/**
 * The custom layer classes for this `tf`, defined and registered once per tfjs instance
 * (idempotent: later calls return the same classes).
 */
export function registerCustomLayers(tf: Tf): CustomLayerClasses {
  let classes = classesByTf.get(tf);
  if (!classes) {
    classes = defineClasses(tf);
    classesByTf.set(tf, classes);
  }
  return classes;
}
