/**
 * Grad-CAM (Selvaraju et al., 2017): where in an image a model found the evidence for a
 * class. The maps are taken at the last layer with an image-shaped (4-D) output — the last
 * convolution, or the pooling/activation right after it — before the head (flatten,
 * global pooling, dense). Each channel of that layer's output is weighted by the spatial
 * mean of the class score's gradient with respect to it; the weighted sum, clipped at zero
 * and divided by its maximum, is the map.
 *
 * Works for any compiled graph (branches, shortcuts, blocks, nested parts): instead of
 * rebuilding the graph's head as a second model — which only works for plain chains — the
 * chosen layer's `call` is swapped, for one synchronous forward pass, for one that returns
 * the activations being differentiated, so the model's own execution runs everything after it.
 */
import type { Tf, tfjs } from './tf-types';

/** The model has no layer with an image-shaped output before its head, so nothing to map. */
export class NoSpatialLayerError extends Error {
  override name = 'NoConvolution';
}

export interface GradCamOptions {
  /** The class each map explains, one per image; default: the class the model predicts. */
  classIndices?: readonly number[];
  /**
   * The model's output is probabilities (the graph ends in softmax): explain their
   * logarithm, whose gradients do not vanish the way a saturated probability's do.
   */
  outputIsProbabilities?: boolean;
}

export interface GradCamResult {
  /** The tfjs name of the layer the maps were taken at. */
  layerName: string;
  /** The layer's spatial size: every map is `height × width`. */
  height: number;
  width: number;
  /**
   * One map per image, row-major, values in [0, 1]: the largest is 1, or every value is 0
   * when nothing in the layer speaks for the class.
   */
  maps: Float32Array[];
  /** The class each map explains. */
  classIndices: number[];
}

type LayerCall = (inputs: tfjs.Tensor | tfjs.Tensor[], kwargs: Record<string, unknown>) => unknown;

/** The output shape of a layer, or null when it has none (or several that differ). */
function outputShapeOf(layer: tfjs.layers.Layer): readonly unknown[] | null {
  try {
    const shape = layer.outputShape;
    return Array.isArray(shape) ? shape : null;
  } catch {
    return null;
  }
}

/** h × w of a `[batch, h, w, c]` shape (unknown sizes count as more than one). */
function spatialSize(shape: readonly unknown[]): number {
  const [, h, w] = shape;
  return (typeof h === 'number' ? h : 2) * (typeof w === 'number' ? w : 2);
}

/**
 * The last layer (in the model's topological order) whose output is `[batch, h, w, c]` with
 * more than one position, not counting the input itself.
 *
 * @throws NoSpatialLayerError when there is none (e.g. an input → flatten → dense model).
 */
export function lastSpatialLayer(model: tfjs.LayersModel): tfjs.layers.Layer {
  for (let i = model.layers.length - 1; i >= 0; i--) {
    const layer = model.layers[i];
    if (layer.getClassName() === 'InputLayer') continue;
    const shape = outputShapeOf(layer);
    // A 1×1 output (this app's global pooling keeps [1, 1, c]) is the head, not a place.
    if (shape && shape.length === 4 && !Array.isArray(shape[0]) && spatialSize(shape) > 1) return layer;
  }
  throw new NoSpatialLayerError(
    `"${model.name}" has no convolution (no layer with an image-shaped output before its dense head), ` +
      'so there is no class-activation map to show: Grad-CAM needs at least one convolution or pooling layer.',
  );
}

/** Runs `body` with `layer.call` replaced by `call`; restores the layer's own method after. */
function withCall<T>(layer: tfjs.layers.Layer, call: (original: LayerCall) => LayerCall, body: () => T): T {
  const target = layer as unknown as { call: LayerCall };
  const hadOwn = Object.prototype.hasOwnProperty.call(target, 'call');
  const original = target.call;
  target.call = call(original.bind(layer));
  try {
    return body();
  } finally {
    if (hadOwn) target.call = original;
    else delete (target as Partial<typeof target>).call;
  }
}

/**
 * Grad-CAM maps of the images `xs` (`[n, h, w, c]`, already in the model's input format) at
 * the model's last spatial layer, in inference mode. `xs` is left to the caller to dispose.
 *
 * @throws NoSpatialLayerError when the model has no spatial layer before its head.
 * @example
 * const { maps, width, height } = await gradCam(tf, model, xs);
 * maps[0][y * width + x]; // evidence for image 0's predicted class at (x, y), 0…1
 */
export async function gradCam(
  tf: Tf,
  model: tfjs.LayersModel,
  xs: tfjs.Tensor4D,
  options: GradCamOptions = {},
): Promise<GradCamResult> {
  const layer = lastSpatialLayer(model);
  const count = xs.shape[0];
  if (options.classIndices && options.classIndices.length !== count)
    throw new RangeError(`Grad-CAM got ${options.classIndices.length} classes for ${count} images`);
  const apply = () => model.apply(xs, { training: false }) as tfjs.Tensor2D;

  // Pass 1: the layer's activations, and the predicted classes when none were asked for.
  let activations: tfjs.Tensor4D | null = null;
  const output = withCall(
    layer,
    (original) => (inputs, kwargs) => {
      const result = original(inputs, kwargs) as tfjs.Tensor4D;
      activations = tf.keep(result.clone());
      return result;
    },
    apply,
  );
  const captured = activations as tfjs.Tensor4D | null;
  if (!captured) {
    output.dispose();
    throw new Error(`Grad-CAM: layer ${layer.name} did not run in the model's forward pass`);
  }
  const classCount = output.shape[1];
  let classIndices: number[];
  if (options.classIndices) {
    classIndices = [...options.classIndices];
    const bad = classIndices.find((c) => !Number.isInteger(c) || c < 0 || c >= classCount);
    if (bad !== undefined) {
      tf.dispose([output, captured]);
      throw new RangeError(`Grad-CAM: class ${bad} is not one of the model's ${classCount} classes`);
    }
  } else {
    const predicted = tf.argMax(output, -1);
    classIndices = Array.from(await predicted.data());
    predicted.dispose();
  }
  output.dispose();

  try {
    // Pass 2: the class scores' gradient with respect to those activations.
    const mask = tf.tidy(() => tf.oneHot(tf.tensor1d(classIndices, 'int32'), classCount).toFloat());
    const score = (a: tfjs.Tensor): tfjs.Scalar =>
      withCall(
        layer,
        () => () => tf.clone(a),
        () => {
          const out = apply();
          const scores = options.outputIsProbabilities ? tf.log(tf.add(out, 1e-7)) : out;
          return tf.sum(tf.mul(scores, mask));
        },
      );
    const maps = tf.tidy(() => {
      const gradients = tf.grad(score)(captured);
      const weights = tf.mean(gradients, [1, 2], true); // [n, 1, 1, channels]
      const cam = tf.relu(tf.sum(tf.mul(weights, captured), -1)); // [n, h, w]
      const peak = tf.max(cam, [1, 2], true);
      return tf.div(cam, tf.maximum(peak, 1e-12));
    });
    mask.dispose();
    const [, height, width] = maps.shape;
    const values = await maps.data<'float32'>();
    maps.dispose();
    const size = height * width;
    return {
      layerName: layer.name,
      height,
      width,
      maps: Array.from({ length: count }, (_, i) => values.slice(i * size, (i + 1) * size)),
      classIndices,
    };
  } finally {
    captured.dispose();
  }
}
