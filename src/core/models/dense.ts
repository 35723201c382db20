/**
 * Dense-layer helpers the deep models share: initial values, dropout masks, the multinomial
 * likelihood, and weight decay's scale.
 */
import { tf } from '../tf/tfjs';
import type { ModelContext } from './types';

/**
 * Mult-DAE's multinomial log-likelihood: per user, -sum_i x_i log softmax(logits)_i over the
 * user's interaction count (x is 0/1), averaged over the users. [U, items] -> scalar.
 */
export function multinomialLoss(logits: tf.Tensor2D, x: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const perUser = tf.neg(tf.sum(tf.mul(x, tf.logSoftmax(logits)), 1));
    return tf.mean(tf.div(perUser, tf.maximum(tf.sum(x, 1), 1))) as tf.Scalar;
  });
}

/** A trainable variable with these initial values (the initial tensor is freed). */
export function variable(values: Float32Array, shape: number[]): tf.Variable {
  return tf.tidy(() => tf.variable(tf.tensor(values, shape)));
}

/** Glorot (Xavier) uniform initial values of a [rows, cols] matrix, row-major. */
export function glorotUniform(rows: number, cols: number, random: () => number): Float32Array {
  const limit = Math.sqrt(6 / (rows + cols));
  const out = new Float32Array(rows * cols);
  for (let k = 0; k < out.length; k++) out[k] = (2 * random() - 1) * limit;
  return out;
}

/**
 * A dropout mask: each entry 0 with probability `rate`, else 1 (or 1 / (1 - rate) when `scale`).
 * Seeded from `random`, so training is reproducible.
 */
export function keepMask(
  shape: [number, number],
  rate: number,
  random: () => number,
  scale: boolean,
): tf.Tensor2D {
  return tf.tidy(() => {
    const seed = Math.floor(random() * 2 ** 31);
    const keep = tf.cast(
      tf.greaterEqual(tf.randomUniform(shape, 0, 1, 'float32', seed), rate),
      'float32',
    );
    return (scale ? tf.mul(keep, 1 / (1 - rate)) : keep) as tf.Tensor2D;
  });
}

/**
 * The factor of |weights|^2 in a batch's loss for weight decay `l2`: l2 / (the users with
 * training rows), the per-user share when the batch loss is a mean over its users (implicit; the
 * explicit loss is a mean over observed entries: see the file's comment).
 */
export function decayScale(ctx: ModelContext): number {
  const seen = new Uint8Array(ctx.users);
  let active = 0;
  for (let r = 0; r < ctx.train.user.length; r++) {
    if (!seen[ctx.train.user[r]]) active++;
    seen[ctx.train.user[r]] = 1;
  }
  return ctx.l2 / Math.max(1, active);
}
