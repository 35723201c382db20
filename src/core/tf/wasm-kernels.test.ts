/**
 * tfjs-backend-wasm against tfjs-cpu: the kernels of wasm-kernels.ts, and the same training
 * steps of each model family (autodiff, the sparse paths, the optimizers) giving the same loss
 * and weights to 1e-4 on a tiny case. Node loads the wasm backend from node_modules.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-wasm';
import { tf } from './tfjs';
import { registerWasmKernels } from './wasm-kernels';
import { biasedDot } from './ops';
import { createTrainer } from '../training/create';
import { DEFAULT_CONFIG, type TrainConfig } from '../training/config';
import { noFeatures, type TrainData } from '../training/trainer';
import { mulberry32 } from '../util/random';

beforeAll(async () => {
  registerWasmKernels();
  expect(await tf.setBackend('wasm')).toBe(true);
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

/** Runs `f` on a backend and returns its result as plain arrays (computed there). */
async function on<T>(backend: string, f: () => T): Promise<T> {
  await tf.setBackend(backend);
  return f();
}

const values = (t: tf.Tensor) => Array.from(t.dataSync());

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-4): void {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let k = 0; k < a.length; k++) worst = Math.max(worst, Math.abs(a[k] - b[k]));
  expect(worst).toBeLessThanOrEqual(tol);
}

describe('wasm kernels', () => {
  it('UnsortedSegmentSum (tf.gather gradient) matches cpu, ids out of range dropped', async () => {
    const run = () =>
      tf.tidy(() => {
        const x = tf.tensor3d(
          Array.from({ length: 24 }, (_, k) => k * 0.5 - 3),
          [4, 3, 2],
        );
        const ids = tf.tensor1d([2, 0, 2, 5], 'int32');
        const table = tf.tensor2d(
          Array.from({ length: 12 }, (_, k) => k),
          [6, 2],
        );
        const g = tf.grad((t: tf.Tensor) =>
          tf.sum(
            tf.mul(
              tf.gather(t, tf.tensor1d([1, 1, 4, 0], 'int32')),
              tf.reshape(tf.range(1, 9), [4, 2]),
            ),
          ),
        )(table);
        return [values(tf.unsortedSegmentSum(x, ids, 3)), values(g)];
      });
    const [cpuSums, cpuGrad] = await on('cpu', run);
    const [wasmSums, wasmGrad] = await on('wasm', run);
    expect(tf.getBackend()).toBe('wasm');
    expect(wasmSums).toEqual(cpuSums);
    expect(wasmGrad).toEqual(cpuGrad);
    expect(wasmGrad).toEqual([7, 8, 4, 6, 0, 0, 0, 0, 5, 6, 0, 0]);
  });

  it('matrix products with transposed sides (plain and fused) match cpu', async () => {
    const run = () =>
      tf.tidy(() => {
        const a = tf.reshape(tf.range(0, 12), [3, 4]);
        const b = tf.reshape(tf.sin(tf.range(0, 20)), [5, 4]);
        const bias = tf.tensor1d([0.5, -1, 2, 0, 1]);
        return [
          tf.matMul(a, b, false, true),
          tf.matMul(tf.transpose(b), a, true, true),
          tf.matMul(a, a, true, false),
          tf.fused.matMul({ a, b, transposeB: true, bias, activation: 'relu' }),
          tf.matMul(tf.reshape(a, [1, 3, 4]), tf.reshape(b, [1, 5, 4]), false, true),
        ].map(values);
      });
    const cpu = await on('cpu', run);
    const wasm = await on('wasm', run);
    cpu.forEach((c, k) => close(wasm[k], c));
  });

  it('products with a wide right side (run as (B^T A^T)^T) match cpu, fused and batched', async () => {
    const run = () =>
      tf.tidy(() => {
        const a = tf.reshape(tf.cos(tf.range(0, 8)), [2, 4]);
        const wide = tf.reshape(tf.sin(tf.range(0, 40)), [4, 10]);
        const wideT = tf.transpose(wide);
        const bias = tf.sin(tf.range(1, 11));
        return [
          tf.matMul(a, wide),
          tf.matMul(a, wideT, false, true),
          tf.matMul(tf.transpose(a), wideT, true, true),
          tf.fused.matMul({ a, b: wideT, transposeB: true, bias }),
          // An activation keeps the plain order.
          tf.fused.matMul({ a, b: wide, bias, activation: 'relu' }),
          tf.matMul(tf.stack([a, tf.neg(a)]), tf.stack([wide, tf.mul(wide, 2)])),
        ].map(values);
      });
    const cpu = await on('cpu', run);
    const wasm = await on('wasm', run);
    cpu.forEach((c, k) => close(wasm[k], c));
  });

  it('biasedDot and its gradients match cpu', async () => {
    const run = () =>
      tf.tidy(() => {
        const a = tf.tensor2d([1, 2, 3, 0.5, -1, 0.5, 4, 2], [2, 4]);
        const c = tf.tensor2d([2, 0, 1, -3, 3, -2, 0.25, 1.5], [2, 4]);
        const w = tf.tensor1d([1.5, -2]);
        const [ga, gc] = tf.grads((x: tf.Tensor, y: tf.Tensor) =>
          tf.sum(tf.mul(biasedDot(x as tf.Tensor2D, y as tf.Tensor2D), w)),
        )([a, c]);
        return [values(biasedDot(a, c)), values(ga), values(gc)];
      });
    expect(await on('wasm', run)).toEqual(await on('cpu', run));
  });
});

/** 40 users, 30 items, 12 rated items each (ratings 1-5), split 80/20. */
function tinyData(): TrainData {
  const random = mulberry32(7);
  const [users, items] = [40, 30];
  const user: number[] = [];
  const item: number[] = [];
  const rating: number[] = [];
  for (let u = 0; u < users; u++) {
    const picks = new Set<number>();
    while (picks.size < 12) picks.add(Math.floor(random() * items));
    for (const i of picks) {
      user.push(u);
      item.push(i);
      rating.push(1 + Math.floor(random() * 5));
    }
  }
  const rows = (keep: (k: number) => boolean) => {
    const idx = user.map((_, k) => k).filter(keep);
    return {
      user: Int32Array.from(idx, (k) => user[k]),
      item: Int32Array.from(idx, (k) => item[k]),
      rating: Float32Array.from(idx, (k) => rating[k]),
    };
  };
  return {
    users,
    items,
    train: rows((k) => k % 5 !== 0),
    test: rows((k) => k % 5 === 0),
    ratingMin: 1,
    ratingMax: 5,
    ...noFeatures(users, items),
  };
}

/** Three steps from the same seed: the loss and every parameter after them. */
async function threeSteps(config: TrainConfig) {
  const trainer = createTrainer(tinyData(), config);
  try {
    const losses: number[] = [];
    for (let s = 0; s < 3; s++) {
      trainer.step();
      losses.push((await trainer.takeLoss())!.loss);
    }
    return { losses, params: (await trainer.exportState!()).params };
  } finally {
    trainer.dispose();
  }
}

describe('a training step on wasm equals the same step on cpu', () => {
  // The deep models train with plain SGD here: their stock Adam's first steps move each weight by
  // the learning rate times the sign of its gradient, so a gradient of 1e-9 on one backend and
  // 0 on the other (float sums in another order) differs by the whole rate. With SGD the weights
  // agree to about 1e-6; the row models' own optimizers agree under Adam.
  const cases: [string, Partial<TrainConfig>][] = [
    ['autorec', { feedback: 'implicit', hidden: 16, optimizer: 'sgd' }],
    ['youtube-dnn', { feedback: 'implicit', hidden: 16, optimizer: 'sgd' }],
    ['svdpp', { feedback: 'explicit' }],
    ['biased-mf', { feedback: 'explicit' }],
    ['bpr', { feedback: 'implicit' }],
  ];
  for (const [model, extra] of cases)
    it(model, async () => {
      const config: TrainConfig = {
        ...DEFAULT_CONFIG,
        model,
        dim: 8,
        batchSize: 96,
        epochs: 2,
        learningRate: 0.02,
        l2: 0.01,
        seed: 3,
        ...extra,
      };
      await tf.setBackend('cpu');
      const cpu = await threeSteps(config);
      await tf.setBackend('wasm');
      const wasm = await threeSteps(config);
      const before = tf.memory().numTensors;
      expect(wasm.params.map((p) => p.name)).toEqual(cpu.params.map((p) => p.name));
      // The loss sums over the batch in another order (XNNPACK): relative 1e-4.
      close(wasm.losses, cpu.losses, 1e-4 * Math.max(...cpu.losses));
      wasm.params.forEach((p, k) => close(p.values, cpu.params[k].values));
      // The steps moved the weights (a no-op on both backends would also agree).
      expect(cpu.losses[0]).not.toBe(cpu.losses[2]);
      expect(tf.memory().numTensors).toBe(before);
    });
});
