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
 * moving ← moving − (moving − batch)·(1 − momentum), the stock layer's formula (same op order,
 * so the same float32 result); `batch` variance is the biased one, like `tf.moments`.
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
 * Training-mode batch norm over every axis but the last, as one op with a hand-written gradient.
 * Also updates the moving statistics (once per call, like the stock layer).
 */
function normalizeInTraining(tf: Tf, layer: StockFields, input: tfjs.Tensor): tfjs.Tensor {
  const reductionAxes = input.shape.slice(0, -1).map((_, axis) => axis);
  const epsilon = layer.epsilon;
  const normalize = tf.customGrad((...args) => {
    const [x, gamma, beta] = args as tfjs.Tensor[];
    const save = args[3] as tfjs.GradSaveFunc;
    const mean = tf.mean(x, reductionAxes);
    const variance = tf.mean(tf.squaredDifference(x, mean), reductionAxes);
    updateMovingAverage(tf, layer.movingMean, mean, layer.momentum);
    updateMovingAverage(tf, layer.movingVariance, variance, layer.momentum);
    save([x, mean, variance, gamma]);
    return {
      value: tf.batchNorm(x, mean, variance, beta, gamma, epsilon),
      gradFunc: (dy: tfjs.Tensor, saved: tfjs.Tensor[]) => {
        const [xSaved, mu, variance, gammaSaved] = saved;
        const count = xSaved.size / mu.size;
        const invStd = tf.rsqrt(tf.add(variance, epsilon));
        const sumDy = tf.sum(dy, reductionAxes);
        // Σ(dy·x̂) = σ⁻¹·(Σ(dy·x) − μ·Σdy): one full-size multiply instead of building x̂.
        const sumDyXHat = tf.mul(
          invStd,
          tf.sub(tf.sum(tf.mul(dy, xSaved), reductionAxes), tf.mul(mu, sumDy)),
        );
        const scale = tf.mul(gammaSaved, invStd);
        const perValue = tf.div(scale, count);
        // γσ⁻¹/m·(−Σdy − x̂·Σ(dy·x̂)) is a batch norm of x itself with per-channel scale and offset.
        const correction = tf.batchNorm(
          xSaved,
          mu,
          variance,
          tf.neg(tf.mul(perValue, sumDy)),
          tf.neg(tf.mul(perValue, sumDyXHat)),
          epsilon,
        );
        const dx = tf.add(tf.mul(dy, scale), correction);
        return [dx, sumDyXHat, sumDy];
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
