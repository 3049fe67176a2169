/** Gradient clipping by global norm, as PyTorch's `clip_grad_norm_`. */
import type { Tf, tfjs } from './tf-types';

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
  const squares = gradients.map((g) => tf.sum(tf.square(g)));
  const norm = tf.sqrt(squares.length > 0 ? tf.addN(squares) : tf.scalar(0)) as tfjs.Scalar;
  if (!(maxNorm > 0)) return { gradients: [...gradients], norm };
  // min(1, maxNorm / (norm + eps)) keeps small gradients untouched without a host read.
  const scale = tf.minimum(1, tf.div(maxNorm, tf.add(norm, 1e-6)));
  return { gradients: gradients.map((g) => tf.mul(g, scale)), norm };
}
