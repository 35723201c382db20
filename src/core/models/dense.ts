/**
 * Dense-layer helpers the deep models share: initial values, dropout masks, the multinomial
 * likelihood, and weight decay's scale.
 */
import { tf } from '../tf/tfjs';
import type { ModelContext } from './types';
import type { SparseRowsTensors } from '../tf/sparse-rows';
import { mulberry32 } from '../util/random';

/**
 * Mult-DAE's multinomial log-likelihood: per user, -sum_i x_i log softmax(logits)_i over the
 * user's interaction count (x is 0/1), averaged over the users. [U, items] -> scalar.
 *
 * With its gradient written out: per user u with s_u = sum_i x_ui and n_u = max(s_u, 1), the
 * loss is (s_u lse_u - sum_i x_ui z_ui) / n_u with lse_u = log sum_i exp z_ui, and its gradient
 * in z_ui is (p_ui s_u - x_ui) / (n_u U), p = softmax(z) kept from the forward pass. The stock
 * chain (logSoftmax, times x, sum, mean) ran two exponentials over the [U x items] logits (its
 * gradient recomputes the softmax) and twice the passes; on AutoRec's wasm step that was about
 * a tenth. Checked against the stock chain in dense.test.ts.
 */
export function multinomialLoss(logits: tf.Tensor2D, x: tf.Tensor2D): tf.Scalar {
  // The logits are the only input: the targets are data, kept for the gradient through `save`.
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const z = args[0] as tf.Tensor2D;
    const save = args[1] as tf.GradSaveFunc;
    const users = z.shape[0];
    const max = tf.max(z, 1, true);
    const e = tf.exp(tf.sub(z, max));
    const total = tf.sum(e, 1, true);
    const lse = tf.add(max, tf.log(total));
    const s = tf.sum(x, 1, true);
    const n = tf.maximum(s, 1);
    const perUser = tf.div(tf.sub(tf.mul(s, lse), tf.sum(tf.mul(x, z), 1, true)), n);
    save([tf.div(e, total), s, n, x]);
    return {
      value: tf.mean(perUser) as tf.Scalar,
      gradFunc: (dy, [p, sum, count, target]) =>
        // (p s - x) dy / (n U)
        tf.mul(tf.sub(tf.mul(p, sum), target), tf.div(dy, tf.mul(count, users))),
    };
  });
  return f(logits) as tf.Scalar;
}

/**
 * sum(x^2), the weight-decay term, with its gradient 2x dy as one product. The stock chain's
 * gradient (Sum's: a tensor of ones the size of x, times dy; Square's: x cast, times 2, times
 * that) took five passes over the matrix and two copies of it, on the deep models' [items x
 * hidden] matrices a tenth of a wasm step. The values are the same to the bit: the stock
 * gradient is dy x (2x) = (2 dy) x, each factor exact in float32 but the one product.
 */
export function sumOfSquares(x: tf.Tensor): tf.Scalar {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const input = args[0] as tf.Tensor;
    (args[1] as tf.GradSaveFunc)([input]);
    return {
      value: tf.sum(tf.square(input)) as tf.Scalar,
      gradFunc: (dy, saved) => tf.mul(saved[0], tf.mul(dy as tf.Scalar, 2)),
    };
  });
  return f(x) as tf.Scalar;
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
 * A dropout mask over a batch's entries (its sparse rows, CSR on the host): each entry kept with
 * probability 1 - `rate` (value 1, or 1 / (1 - rate) when `scale`), else 0. The same draws whether
 * the step reads the rows sparse (`dense` false: [C, 1], padding 0) or dense ([U, items], 0 off the
 * entries, where the input is 0 anyway), so the backends that take different paths
 * (sparseGradientPays: webgl dense, the others sparse) train the same model. A mask drawn per
 * shape instead made WebGL and wasm runs differ like two seeds (YouTube DNN's Recall@20 0.218
 * against 0.227 after 4 epochs on the sample). One draw of `random` seeds the step's stream.
 */
export function entryMask(
  rows: SparseRowsTensors,
  rate: number,
  random: () => number,
  scale: boolean,
  dense: boolean,
): tf.Tensor2D {
  const { offsets, columns } = rows.host;
  const stream = mulberry32(Math.floor(random() * 2 ** 31));
  const on = scale ? 1 / (1 - rate) : 1;
  if (dense) {
    const out = new Float32Array(rows.rows * rows.columns);
    for (let b = 0; b < rows.rows; b++)
      for (let k = offsets[b]; k < offsets[b + 1]; k++)
        if (stream() >= rate) out[b * rows.columns + columns[k]] = on;
    return tf.tensor2d(out, [rows.rows, rows.columns]);
  }
  const c = rows.values.shape[0];
  const out = new Float32Array(c);
  for (let k = 0; k < offsets[rows.rows]; k++) if (stream() >= rate) out[k] = on;
  return tf.tensor2d(out, [c, 1]);
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
