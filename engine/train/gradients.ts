/** Gradient clipping by global norm, as PyTorch's `clip_grad_norm_`; the squared norm of many tensors. */
import type { Tf, tfjs } from './tf-types';

/**
 * Most inputs one `tf.addN` may take. WebGPU binds each input as a storage buffer, and an
 * adapter need allow only 8 per shader stage (the output takes one); tfjs-backend-webgpu 4.22's
 * AddN does not split larger sums, so its pipeline is invalid and the command buffer it is
 * recorded in — with up to 14 other queued dispatches — is dropped (measured in Chromium's
 * SwiftShader adapter: BN-LeNet's 18 gradients made weights up to 18 % off after one step).
 */
export const MAX_ADDN_INPUTS = 7;

/** Sum of same-shaped tensors in `tf.addN` groups of at most {@link MAX_ADDN_INPUTS}. Call inside `tf.tidy`. */
export function sumTensors(tf: Tf, tensors: readonly tfjs.Tensor[]): tfjs.Tensor {
  if (tensors.length === 0) throw new Error('sumTensors needs at least one tensor');
  let terms = [...tensors];
  while (terms.length > 1) {
    const groups: tfjs.Tensor[] = [];
    for (let start = 0; start < terms.length; start += MAX_ADDN_INPUTS) {
      const group = terms.slice(start, start + MAX_ADDN_INPUTS);
      groups.push(group.length === 1 ? group[0] : tf.addN(group));
    }
    terms = groups;
  }
  return terms[0];
}

/** ‖t₁‖² + ‖t₂‖² + … over every element of every tensor (0 for none). Call inside `tf.tidy`. */
export function squaredGlobalNorm(tf: Tf, tensors: readonly tfjs.Tensor[]): tfjs.Scalar {
  if (tensors.length === 0) return tf.scalar(0);
  return sumTensors(
    tf,
    tensors.map((t) => tf.sum(tf.square(t))),
  ) as tfjs.Scalar;
}

/**
 * Scales all gradients together so their global L2 norm is at most `maxNorm`
 * (`g ← g · maxNorm / (‖g‖ + 1e-6)` when `‖g‖ > maxNorm`); `maxNorm ≤ 0` leaves them as they are.
 * Returns new tensors (or the same ones when unchanged) and the norm before clipping; call
 * inside `tf.tidy`.
 */
export function clipByGlobalNorm(
  tf: Tf,
  gradients: readonly tfjs.Tensor[],
  maxNorm: number,
): { gradients: tfjs.Tensor[]; norm: tfjs.Scalar } {
  const norm = tf.sqrt(squaredGlobalNorm(tf, gradients)) as tfjs.Scalar;
  if (!(maxNorm > 0)) return { gradients: [...gradients], norm };
  // min(1, maxNorm / (norm + eps)) keeps small gradients untouched without a host read.
  const scale = tf.minimum(1, tf.div(maxNorm, tf.add(norm, 1e-6)));
  return { gradients: gradients.map((g) => tf.mul(g, scale)), norm };
}
