/**
 * The weight-decay term with its one-product gradient against the stock chain: the same value
 * and the same gradient, to the bit, on tfjs cpu and wasm; the multinomial likelihood with its
 * gradient written out against the stock chain, to float32 rounding (wasm also shares buffers in Identity,
 * which the gradient's saved tensors go through).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-wasm';
import { tf } from '../tf/tfjs';
import { registerWasmKernels } from '../tf/wasm-kernels';
import { multinomialLoss, sumOfSquares } from './dense';
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

/** Mult-DAE's likelihood as the stock chain writes it: logSoftmax, times x, over the counts. */
function stockMultinomial(logits: tf.Tensor2D, x: tf.Tensor2D): tf.Scalar {
  const perUser = tf.neg(tf.sum(tf.mul(x, tf.logSoftmax(logits)), 1));
  return tf.mean(tf.div(perUser, tf.maximum(tf.sum(x, 1), 1))) as tf.Scalar;
}

describe.each(['cpu', 'wasm'])('multinomialLoss on %s', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
  });

  it('gives the stock chain’s value and gradient, and frees what it made', () => {
    const random = mulberry32(5);
    const users = 5;
    const items = 40;
    const draw = (n: number) => Float32Array.from({ length: n }, () => 6 * random() - 3);
    // Logits from a product, so the gradient flows on to a weight; rows with 0, 1 and many 1s.
    const w = tf.tidy(() => tf.variable(tf.tensor2d(draw(users * 4), [users, 4])));
    const v = tf.tensor2d(draw(4 * items), [4, items]);
    const x = tf.tensor2d(
      Float32Array.from({ length: users * items }, (_, k) =>
        k < items ? 0 : k < 2 * items ? Number(k === items + 7) : Number(random() < 0.3),
      ),
      [users, items],
    );
    const before = tf.memory().numTensors;
    const loss = (f: typeof stockMultinomial) => () => f(tf.matMul(w, v), x);
    const ours = tf.variableGrads(loss(multinomialLoss), [w]);
    const stock = tf.variableGrads(loss(stockMultinomial), [w]);
    expect(ours.value.dataSync()[0]).toBeCloseTo(stock.value.dataSync()[0], 5);
    const g = Array.from(ours.grads[w.name].dataSync());
    const want = Array.from(stock.grads[w.name].dataSync());
    expect(want.some((a) => Math.abs(a) > 1e-3)).toBe(true);
    g.forEach((a, k) => expect(a).toBeCloseTo(want[k], 5));
    tf.dispose([ours.value, stock.value, ...Object.values(ours.grads)]);
    tf.dispose(Object.values(stock.grads));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([w, v, x]);
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
