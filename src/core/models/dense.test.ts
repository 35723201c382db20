/**
 * The weight-decay term with its one-product gradient against the stock chain: the same value
 * and the same gradient, to the bit, on tfjs cpu and wasm (wasm also shares buffers in Identity,
 * which the gradient's saved tensors go through).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-wasm';
import { tf } from '../tf/tfjs';
import { registerWasmKernels } from '../tf/wasm-kernels';
import { sumOfSquares } from './dense';
import { mulberry32 } from '../util/random';

beforeAll(() => registerWasmKernels());
afterAll(async () => {
  await tf.setBackend('cpu');
});

describe.each(['cpu', 'wasm'])('sumOfSquares on %s', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
  });

  it('gives the stock value and gradient inside a loss, to the bit', () => {
    const random = mulberry32(3);
    const draw = (n: number) => Float32Array.from({ length: n }, () => 3 * random() - 1.5);
    const w = tf.tidy(() => tf.variable(tf.tensor2d(draw(6 * 7), [6, 7])));
    const x = tf.tensor2d(draw(7 * 3), [7, 3]);
    const before = tf.memory().numTensors;
    // A data term through w too, so the decay gradient adds to another one, as in the models.
    const loss = (decay: (t: tf.Tensor) => tf.Scalar) => () =>
      tf.add(tf.sum(tf.sin(tf.matMul(w, x))), tf.mul(decay(w), 0.0123)) as tf.Scalar;
    const ours = tf.variableGrads(loss(sumOfSquares), [w]);
    const stock = tf.variableGrads(
      loss((t) => tf.sum(tf.square(t))),
      [w],
    );
    expect(ours.value.dataSync()[0]).toBe(stock.value.dataSync()[0]);
    const g = ours.grads[w.name].dataSync();
    expect(Array.from(g)).toEqual(Array.from(stock.grads[w.name].dataSync()));
    // The decay's share is there: without it the gradient differs.
    const none = tf.variableGrads(
      loss(() => tf.scalar(0)),
      [w],
    );
    expect(Array.from(g)).not.toEqual(Array.from(none.grads[w.name].dataSync()));
    tf.dispose([ours.value, stock.value, none.value]);
    tf.dispose([...Object.values(ours.grads), ...Object.values(stock.grads)]);
    tf.dispose(Object.values(none.grads));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([w, x]);
  });
});

describe('Identity on wasm', () => {
  it('shares the buffer, and the source and the copy live on apart', async () => {
    await tf.setBackend('wasm');
    const a = tf.tensor1d([1, 2, 3]);
    const b = tf.engine().runKernel('Identity', { x: a }) as tf.Tensor;
    expect(b.dataId).toBe(a.dataId);
    a.dispose();
    expect(Array.from(b.dataSync())).toEqual([1, 2, 3]);
    b.dispose();
  });
});
