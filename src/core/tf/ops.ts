/**
 * Small differentiable building blocks the models share, each with a gradient that does no more
 * passes over [B, d] than the maths needs.
 */
import { tf } from './tfjs';

/**
 * Row-wise dot product: [B, d] x [B, d] -> [B], out[b] = a[b] . c[b]. The same as
 * `sum(mul(a, c), 1)`, but its gradient is two products (dy x c, dy x a) instead of the stock
 * chain's broadcast of dy to [B, d] and then the two products: one [B, d] pass less per step.
 */
export const rowDot = tf.customGrad(
  // (tfjs types the arguments as one union; they are a, c and the save function, in order.)
  (...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [a, c, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([a, c]);
    return {
      value: tf.sum(tf.mul(a, c), 1) as tf.Tensor1D,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sa, sc] = saved;
        const column = tf.expandDims(dy, 1);
        return [tf.mul(column, sc), tf.mul(column, sa)];
      },
    };
  },
) as (a: tf.Tensor2D, c: tf.Tensor2D) => tf.Tensor1D;
