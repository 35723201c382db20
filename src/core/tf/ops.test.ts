import { describe, expect, it } from 'vitest';
import { tf } from './tfjs';
import { biasedDot } from './ops';

describe('biasedDot', () => {
  it('equals the dot of the first d columns plus both last columns, in value and gradient', () => {
    const a = tf.tensor2d([1, 2, 3, 0.5, -1, 0.5, 4, 2], [2, 4]);
    const c = tf.tensor2d([2, 0, 1, -3, 3, -2, 0.25, 1.5], [2, 4]);
    const w = tf.tensor1d([1.5, -2]);
    const reference = (x: tf.Tensor2D, y: tf.Tensor2D) =>
      tf.add(
        tf.sum(tf.mul(tf.slice(x, [0, 0], [-1, 3]), tf.slice(y, [0, 0], [-1, 3])), 1),
        tf.reshape(tf.add(tf.slice(x, [0, 3], [-1, 1]), tf.slice(y, [0, 3], [-1, 1])), [-1]),
      ) as tf.Tensor1D;
    const grads = (g: (x: tf.Tensor2D, y: tf.Tensor2D) => tf.Tensor1D) =>
      tf.grads((x: tf.Tensor, y: tf.Tensor) =>
        tf.sum(tf.mul(g(x as tf.Tensor2D, y as tf.Tensor2D), w)),
      )([a, c]);
    expect(Array.from(biasedDot(a, c).dataSync())).toEqual([5 + 0.5 - 3, -3 + 2 + 1.5]);
    expect(Array.from(biasedDot(a, c).dataSync())).toEqual(Array.from(reference(a, c).dataSync()));
    const [ga, gc] = grads(biasedDot);
    const [ra, rc] = grads(reference);
    expect(Array.from(ga.dataSync())).toEqual(Array.from(ra.dataSync()));
    expect(Array.from(gc.dataSync())).toEqual(Array.from(rc.dataSync()));
  });

  it('refuses mismatched shapes', () => {
    expect(() => biasedDot(tf.zeros([2, 3]), tf.zeros([2, 4]))).toThrow(/differ/);
  });
});
