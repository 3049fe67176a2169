/**
 * Batch normalization whose TRAINING step costs a handful of tensor ops instead of ~25.
 *
 * tfjs-layers' BatchNormalization normalizes with `tf.moments` + `FusedBatchNorm` and lets
 * autodiff differentiate through both: ~100 broadcasting elementwise ops per BN-LeNet step,
 * which dominated training time on the wasm backend. Here the training forward pass is one
 * `tf.customGrad` op with the textbook gradient (m = N·H·W values per channel,
 * x̂ = (x − μ)·σ⁻¹, σ = √(var + ε)):
 *
 *   dβ = Σdy,  dγ = Σ(dy·x̂),  dx = γσ⁻¹/m · (m·dy − Σdy − x̂·Σ(dy·x̂))
 *
 * Inference, weights, config and serialization are the stock layer's: the class keeps
 * className 'BatchNormalization' but is NOT registered, so a saved model loads back as the
 * stock layer, which computes the same inference output.
 */
import type * as tfjs from '@tensorflow/tfjs';

type Tf = typeof tfjs;
type BatchNormalization = ReturnType<Tf['layers']['batchNormalization']>;
type BatchNormalizationArgs = NonNullable<Parameters<Tf['layers']['batchNormalization']>[0]>;
type Kwargs = Parameters<BatchNormalization['call']>[1];

/** The stock layer's fields this class reads (private in tfjs-layers' typings). */
interface StockFields {
  axis: number;
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma: { read(): tfjs.Tensor };
  beta: { read(): tfjs.Tensor };
  movingMean: { read(): tfjs.Tensor; write(value: tfjs.Tensor): void };
  movingVariance: { read(): tfjs.Tensor; write(value: tfjs.Tensor): void };
}

export type FastBatchNormalizationClass = new (args: BatchNormalizationArgs) => BatchNormalization;

const classByTf = new WeakMap<object, FastBatchNormalizationClass>();

/**
 * moving ← moving − (moving − batch)·(1 − momentum), the stock layer's formula and op order;
 * `batch` variance is the biased one, like `tf.moments` (they agree to float32 rounding).
 */
function updateMovingAverage(
  tf: Tf,
  variable: StockFields['movingMean'],
  batch: tfjs.Tensor,
  momentum: number,
) {
  const old = variable.read();
  variable.write(tf.sub(old, tf.mul(tf.sub(old, batch), 1 - momentum)));
}

/**
 * How the op lays a tensor out for speed on wasm (measured on BN-LeNet's activations):
 * - per-channel means are two average pools (over the middle axes, then over the batch),
 *   2–10× faster than a Sum/Mean reduction there; a 1ᵀ·X matrix product is no better, since
 *   XNNPACK repacks X as weights on every call;
 * - per-channel scaling broadcasts over a wide-row view [rows, repeat·C]: wasm's broadcasting
 *   multiply/add is ~10× slower when rows are a few channels wide than a few hundred values.
 */
interface Layout {
  batch: number;
  channels: number;
  /** Values per channel and example (H·W; 1 after a dense layer). */
  middle: number;
  /** Values per channel (m = N·H·W). */
  count: number;
  /** Per-channel rows are tiled this many times to match the wide rows. */
  repeat: number;
}

/** Rows at least this wide broadcast at full speed on wasm (6-wide rows were ~10× slower). */
const MIN_ROW_WIDTH = 128;

function layoutOf(shape: number[]): Layout {
  const channels = shape[shape.length - 1];
  const batch = shape[0];
  const middle = shape.slice(1, -1).reduce((p, d) => p * d, 1);
  let repeat = 1;
  // Fold spatial axes innermost-first (never the batch axis) until rows are wide enough.
  for (let axis = shape.length - 2; axis >= 1 && repeat * channels < MIN_ROW_WIDTH; axis--) {
    repeat *= shape[axis];
  }
  return { batch, channels, middle, count: batch * middle, repeat };
}

/** Per-channel means of `t` (any view of the input's shape) as a [1, C] row. */
function channelMeans(tf: Tf, t: tfjs.Tensor, layout: Layout): tfjs.Tensor2D {
  const { batch, middle, channels } = layout;
  // Every window has the same size, so the mean of per-example means is the mean.
  let perExample = tf.reshape(t, [batch, middle, 1, channels]) as tfjs.Tensor4D;
  if (middle > 1) perExample = tf.avgPool(perExample, [middle, 1], 1, 'valid');
  const overBatch = tf.avgPool(
    tf.reshape(perExample, [1, batch, 1, channels]) as tfjs.Tensor4D,
    [batch, 1],
    1,
    'valid',
  );
  return tf.reshape(overBatch, [1, channels]);
}

/** `t` in the wide-row view [m / repeat, repeat·C]. */
function wide(tf: Tf, t: tfjs.Tensor, layout: Layout): tfjs.Tensor2D {
  return tf.reshape(t, [layout.count / layout.repeat, layout.repeat * layout.channels]);
}

/** A per-channel [1, C] row tiled to broadcast against the wide-row view. */
function wideRow(tf: Tf, row: tfjs.Tensor, layout: Layout): tfjs.Tensor2D {
  return tf.tile(tf.reshape(row, [1, layout.channels]) as tfjs.Tensor2D, [1, layout.repeat]);
}

/**
 * Training-mode batch norm over every axis but the last, as one op with a hand-written gradient.
 * Also updates the moving statistics (once per call, like the stock layer).
 */
function normalizeInTraining(tf: Tf, layer: StockFields, input: tfjs.Tensor): tfjs.Tensor {
  const layout = layoutOf(input.shape);
  const { channels, count } = layout;
  const epsilon = layer.epsilon;
  const normalize = tf.customGrad((...args) => {
    const [x, gamma, beta] = args as tfjs.Tensor[];
    const save = args[3] as tfjs.GradSaveFunc;
    const mean = channelMeans(tf, x, layout);
    // Two passes, like tf.moments: the variance of centred values, not E[x²] − E[x]².
    const centered = tf.sub(wide(tf, x, layout), wideRow(tf, mean, layout));
    const variance = channelMeans(tf, tf.square(centered), layout);
    updateMovingAverage(tf, layer.movingMean, tf.reshape(mean, [channels]), layer.momentum);
    updateMovingAverage(tf, layer.movingVariance, tf.reshape(variance, [channels]), layer.momentum);
    const invStd = tf.rsqrt(tf.add(variance, epsilon));
    const scale = tf.mul(tf.reshape(gamma, [1, channels]), invStd);
    save([centered, invStd, scale]);
    const y = tf.add(tf.mul(centered, wideRow(tf, scale, layout)), wideRow(tf, beta, layout));
    return {
      value: tf.reshape(y, x.shape),
      gradFunc: (dy: tfjs.Tensor, saved: tfjs.Tensor[]) => {
        const [centered, invStd, scale] = saved;
        const dyWide = wide(tf, dy, layout);
        const meanDy = channelMeans(tf, dy, layout);
        // mean(dy·x̂) = σ⁻¹·mean(dy·(x − μ))
        const meanDyXHat = tf.mul(channelMeans(tf, tf.mul(dyWide, centered), layout), invStd);
        // dx = γσ⁻¹·(dy − mean(dy) − x̂·mean(dy·x̂)), with x̂ = (x − μ)·σ⁻¹
        const centeredFactor = tf.neg(tf.mul(tf.mul(scale, invStd), meanDyXHat));
        const dx = tf.add(
          tf.add(
            tf.mul(dyWide, wideRow(tf, scale, layout)),
            tf.mul(centered, wideRow(tf, centeredFactor, layout)),
          ),
          wideRow(tf, tf.neg(tf.mul(scale, meanDy)), layout),
        );
        const dGamma = tf.reshape(tf.mul(meanDyXHat, count), [channels]);
        const dBeta = tf.reshape(tf.mul(meanDy, count), [channels]);
        return [tf.reshape(dx, dy.shape), dGamma, dBeta];
      },
    };
  });
  return normalize(input, layer.gamma.read(), layer.beta.read());
}

function defineClass(tf: Tf): FastBatchNormalizationClass {
  // The stock class, from tfjs's serialization registry (tfjs-layers does not export it).
  const registered = tf.serialization.SerializationMap.getMap().classNameMap.BatchNormalization;
  if (!registered) throw new Error('tfjs-layers did not register BatchNormalization');
  const StockBatchNormalization = registered[0] as unknown as FastBatchNormalizationClass;

  class FastBatchNormalization extends StockBatchNormalization {
    // Same name as the stock class, so saved models and summaries say 'BatchNormalization'.
    static className = 'BatchNormalization';

    override call(inputs: tfjs.Tensor | tfjs.Tensor[], kwargs: Kwargs): tfjs.Tensor | tfjs.Tensor[] {
      const fields = this as unknown as StockFields;
      const input = Array.isArray(inputs) ? inputs[0] : inputs;
      const lastAxis = fields.axis === -1 || fields.axis === input.rank - 1;
      if (!kwargs['training'] || !lastAxis || !fields.center || !fields.scale) {
        return super.call(inputs, kwargs);
      }
      return tf.tidy(() => normalizeInTraining(tf, fields, input));
    }
  }
  return FastBatchNormalization;
}

/**
 * The fast-training BatchNormalization class for this `tf` (defined once per tfjs instance).
 * Construct it with the same arguments as `tf.layers.batchNormalization`.
 */
export function fastBatchNormalizationClass(tf: Tf): FastBatchNormalizationClass {
  let cls = classByTf.get(tf);
  if (!cls) {
    cls = defineClass(tf);
    classByTf.set(tf, cls);
  }
  return cls;
}
