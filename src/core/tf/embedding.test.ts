import { describe, expect, it } from 'vitest';
import { tf } from './tfjs';
import {
  buildLookupPlan,
  disposePlan,
  embeddingLookup,
  segmentSumFromStockOps,
  uploadPlan,
} from './embedding';
import { mulberry32 } from '../util/random';

function randomIndices(b: number, rows: number, seed: number): Int32Array {
  const r = mulberry32(seed);
  return Int32Array.from({ length: b }, () => Math.floor(r() * rows));
}

describe('buildLookupPlan', () => {
  it('sorts batch positions by row, stably, with CSR offsets', () => {
    const plan = buildLookupPlan(Int32Array.from([2, 0, 2, 1, 0]), 4);
    expect(Array.from(plan.order)).toEqual([1, 4, 3, 0, 2]);
    expect(Array.from(plan.offsets)).toEqual([0, 2, 3, 5, 5]);
  });

  it('reuses scratch arrays and gives the same answer', () => {
    const idx = randomIndices(100, 7, 1);
    const a = buildLookupPlan(idx, 7);
    const copy = { ...a, order: a.order.slice(), offsets: a.offsets.slice() };
    const b = buildLookupPlan(idx, 7, a);
    expect(b.order).toBe(a.order);
    expect(Array.from(b.order)).toEqual(Array.from(copy.order));
    expect(Array.from(b.offsets)).toEqual(Array.from(copy.offsets));
  });
});

describe('embeddingLookup', () => {
  it('forward equals gather and gradient equals stock autodiff to 1e-4', () => {
    const rows = 50;
    const d = 8;
    const idx = randomIndices(300, rows, 3);
    const plan = uploadPlan(buildLookupPlan(idx, rows));
    const table = tf.variable(tf.randomNormal([rows, d], 0, 1, 'float32', 7));
    const w = tf.randomNormal([300, d], 0, 1, 'float32', 9);
    const loss = (rowsOf: (t: tf.Tensor) => tf.Tensor2D) => () =>
      tf.sum(tf.square(tf.mul(rowsOf(table), w))) as tf.Scalar;
    const fast = tf.variableGrads(
      loss((t) => embeddingLookup(t, plan)),
      [table],
    );
    const stock = tf.variableGrads(
      loss((t) => tf.gather(t, plan.indices) as tf.Tensor2D),
      [table],
    );
    expect(Math.abs(fast.value.dataSync()[0] - stock.value.dataSync()[0])).toBeLessThan(1e-3);
    const g1 = fast.grads[table.name].dataSync();
    const g2 = stock.grads[table.name].dataSync();
    let maxDiff = 0;
    for (let i = 0; i < g1.length; i++) maxDiff = Math.max(maxDiff, Math.abs(g1[i] - g2[i]));
    expect(maxDiff).toBeLessThan(1e-4);
    // Rows the batch never touched get exactly zero.
    const untouched = Array.from({ length: rows }, (_, r) => r).filter((r) => !idx.includes(r));
    for (const r of untouched) for (let j = 0; j < d; j++) expect(g1[r * d + j]).toBe(0);
    tf.dispose([
      table,
      w,
      fast.value,
      stock.value,
      ...Object.values(fast.grads),
      ...Object.values(stock.grads),
    ]);
    disposePlan(plan);
  });

  it('segment sum matches a plain loop', () => {
    const rows = 5;
    const idx = Int32Array.from([4, 1, 1, 3, 4, 4]);
    const dy = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [6, 2]);
    const plan = uploadPlan(buildLookupPlan(idx, rows));
    const out = segmentSumFromStockOps(dy, plan);
    expect(Array.from(out.dataSync())).toEqual([0, 0, 8, 10, 0, 0, 7, 8, 21, 24]);
    tf.dispose([dy, out]);
    disposePlan(plan);
  });

  it('leaks no tensors across steps', () => {
    const table = tf.variable(tf.zeros([20, 4]));
    const opt = tf.train.adam(0.01);
    const before = tf.memory().numTensors;
    let after = 0;
    for (let step = 0; step < 30; step++) {
      const plan = uploadPlan(buildLookupPlan(randomIndices(64, 20, step), 20));
      const cost = opt.minimize(
        () => tf.sum(tf.square(tf.sub(embeddingLookup(table, plan), 1))),
        true,
      );
      cost?.dispose();
      disposePlan(plan);
      if (step === 0) after = tf.memory().numTensors; // optimizer slots appear on the first step
    }
    expect(tf.memory().numTensors).toBe(after);
    expect(after).toBeGreaterThanOrEqual(before);
    opt.dispose();
    table.dispose();
  });
});
