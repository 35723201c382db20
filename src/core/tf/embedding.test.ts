import { describe, expect, it } from 'vitest';
import { tf } from './tfjs';
import { mulberry32 } from '../util/random';
import {
  disposeRowPlan,
  planRows,
  segmentSum,
  segmentSumFromStockOps,
  uploadRowPlan,
  writeRows,
  writeRowsByScatter,
} from './embedding';

describe('planRows', () => {
  it('sorts batch positions by row, stably, with distinct rows and offsets', () => {
    const plan = planRows(Int32Array.from([2, 0, 2, 1, 0]), 3, 3);
    expect(Array.from(plan.order)).toEqual([1, 4, 3, 0, 2]);
    expect(Array.from(plan.uniqueRows)).toEqual([0, 1, 2]);
    expect(Array.from(plan.offsets)).toEqual([0, 2, 3, 5]);
    expect(plan.count).toBe(3);
  });

  it('pads to a fixed capacity with the spare row and empty segments', () => {
    const plan = planRows(Int32Array.from([4, 1, 4]), 10, 5);
    expect(Array.from(plan.uniqueRows)).toEqual([1, 4, 10, 10, 10]);
    expect(Array.from(plan.offsets)).toEqual([0, 1, 3, 3, 3, 3]);
    expect(plan.count).toBe(2);
    expect(() => planRows(Int32Array.from([1, 2, 3]), 10, 2)).toThrow(/more than 2 rows/);
  });

  it('handles rows past 2^24 and a batch with one row', () => {
    const plan = planRows(Int32Array.from([50_000_000, 3, 50_000_000]), 60_000_000, 2);
    expect(Array.from(plan.uniqueRows)).toEqual([3, 50_000_000]);
    expect(Array.from(plan.order)).toEqual([1, 0, 2]);
    expect(Array.from(planRows(Int32Array.from([7]), 8, 1).offsets)).toEqual([0, 1]);
  });
  it('gives the same plan from the counting sort and the comparison sort', () => {
    const random = mulberry32(5);
    const idx = Int32Array.from({ length: 500 }, () => Math.floor(random() * 300));
    const counted = planRows(idx, 300, 300); // 300 <= 4 x 500: counting sort
    const sorted = planRows(idx, 2001, 300); // 2001 > 4 x 500: comparison sort
    expect(Array.from(counted.order)).toEqual(Array.from(sorted.order));
    expect(Array.from(counted.offsets)).toEqual(Array.from(sorted.offsets));
    expect(counted.count).toBe(sorted.count);
    expect(Array.from(counted.uniqueRows.subarray(0, counted.count))).toEqual(
      Array.from(sorted.uniqueRows.subarray(0, sorted.count)),
    );
  });
});

describe('segmentSum', () => {
  it('sums the batch gradient per distinct row', () => {
    const dy = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [6, 2]);
    const plan = uploadRowPlan(planRows(Int32Array.from([4, 1, 1, 3, 4, 4]), 5, 4));
    const expected = [8, 10, 7, 8, 21, 24, 0, 0]; // rows 1, 3, 4, then padding
    for (const kernel of [segmentSum, segmentSumFromStockOps]) {
      const out = kernel(dy, plan);
      expect(out.shape).toEqual([4, 2]);
      expect(Array.from(out.dataSync())).toEqual(expected);
      out.dispose();
    }
    dy.dispose();
    disposeRowPlan(plan);
  });
});

describe('segmentSum with row decay', () => {
  it('adds coef x lookups x the row, the gradient of L2 per lookup', () => {
    const dy = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [6, 2]);
    const table = tf.tensor2d([0, 0, 1, -1, 0, 0, 2, 3, 10, 20, 0, 0], [6, 2]);
    const plan = uploadRowPlan(planRows(Int32Array.from([4, 1, 1, 3, 4, 4]), 5, 4));
    // rows 1 (twice), 3 (once), 4 (three times), then padding on spare row 5 (no lookups)
    const expected = [8 + 1, 10 - 1, 7 + 1, 8 + 1.5, 21 + 15, 24 + 30, 0, 0];
    for (const kernel of [segmentSum, segmentSumFromStockOps]) {
      const out = kernel(dy, plan, { table, coef: 0.5 });
      expect(Array.from(out.dataSync())).toEqual(expected);
      out.dispose();
    }
    tf.dispose([dy, table]);
    disposeRowPlan(plan);
  });
});

describe('writeRows', () => {
  it('writes given rows in place and leaves the others, like the scatter fallback', () => {
    const a = tf.variable(tf.tensor2d([0, 0, 1, 1, 2, 2, 3, 3], [4, 2]));
    const b = tf.variable(tf.tensor2d([0, 0, 1, 1, 2, 2, 3, 3], [4, 2]));
    const rows = tf.tensor1d([3, 1], 'int32');
    const values = tf.tensor2d([30, 31, 10, 11], [2, 2]);
    writeRows(a, rows, values);
    writeRowsByScatter(b, rows, values);
    expect(Array.from(a.dataSync())).toEqual([0, 0, 10, 11, 2, 2, 30, 31]);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([a, b, rows, values]);
  });
});
