import { describe, expect, it } from 'vitest';
import { tf } from './tfjs';
import { rowDot } from './ops';

describe('rowDot', () => {
  it('equals sum(a * c, 1) in value and gradient', () => {
    const a = tf.tensor2d([1, 2, 3, -1, 0.5, 4], [2, 3]);
    const c = tf.tensor2d([2, 0, 1, 3, -2, 0.25], [2, 3]);
    const w = tf.tensor1d([1.5, -2]);
    const f = (g: (x: tf.Tensor2D, y: tf.Tensor2D) => tf.Tensor1D) =>
      tf.grads((x: tf.Tensor, y: tf.Tensor) =>
        tf.sum(tf.mul(g(x as tf.Tensor2D, y as tf.Tensor2D), w)),
      )([a, c]);
    expect(Array.from(rowDot(a, c).dataSync())).toEqual([5, -3]);
    const [ga, gc] = f(rowDot);
    const [sa, sc] = f((x, y) => tf.sum(tf.mul(x, y), 1));
    expect(Array.from(ga.dataSync())).toEqual(Array.from(sa.dataSync()));
    expect(Array.from(gc.dataSync())).toEqual(Array.from(sc.dataSync()));
  });
});
