import { describe, expect, it } from 'vitest';
import { tf } from './tfjs';
import { mulberry32 } from '../util/random';
import { disposeSparseRows, sparseMatMul, uploadSparseRows, type SparseRows } from './sparse-rows';
import {
  SPARSE_ROWS_MATMUL,
  SPARSE_ROWS_MATMUL_GRAD,
  hasSparseRowsKernels,
  registerSparseRowsCpu,
} from './sparse-rows-kernels';

/** A random sparse [rows, cols] matrix (about `density` of the entries set) and its dense copy. */
function randomRows(rows: number, cols: number, density: number, seed: number) {
  const random = mulberry32(seed);
  const offsets = [0];
  const columns: number[] = [];
  const values: number[] = [];
  const dense = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      if (random() >= density) continue;
      const v = Math.round(random() * 8) / 2 - 2;
      columns.push(c);
      values.push(v);
      dense[r * cols + c] = v;
    }
    offsets.push(columns.length);
  }
  const sparse: SparseRows = {
    offsets: Int32Array.from(offsets),
    columns: Int32Array.from(columns),
    values: Float32Array.from(values),
  };
  return { sparse, dense };
}

describe('sparseMatMul', () => {
  it('agrees with the dense product and its autodiff gradient', () => {
    const [rows, cols, d] = [7, 50, 5];
    // Row 3 left empty: a user whose every entry was dropped.
    const { sparse, dense } = randomRows(rows, cols, 0.2, 5);
    const w = tf.variable(tf.randomNormal([cols, d], 0, 1, 'float32', 9));
    const up = tf.randomNormal([rows, d], 0, 1, 'float32', 11);
    const x = uploadSparseRows(sparse, cols);
    const loss = (f: () => tf.Tensor2D) => () => tf.sum(tf.mul(f(), up)) as tf.Scalar;
    const fast = tf.variableGrads(
      loss(() => sparseMatMul(x, w as tf.Variable<tf.Rank.R2>)),
      [w],
    );
    const xd = tf.tensor2d(dense, [rows, cols]);
    const slow = tf.variableGrads(
      loss(() => tf.matMul(xd, w)),
      [w],
    );
    expect(fast.value.dataSync()[0]).toBeCloseTo(slow.value.dataSync()[0], 3);
    const a = fast.grads[w.name].dataSync();
    const b = slow.grads[w.name].dataSync();
    expect(a.length).toBe(cols * d);
    let worst = 0;
    for (let k = 0; k < a.length; k++) worst = Math.max(worst, Math.abs(a[k] - b[k]));
    expect(worst).toBeLessThan(1e-4);
    // Column 0 (where padding entries point) gets exactly its own entries' gradient.
    expect(Array.from(a.slice(0, d))).toEqual(
      Array.from(b.slice(0, d)).map((v) => expect.closeTo(v, 4)),
    );
    tf.dispose([
      w,
      up,
      xd,
      fast.value,
      slow.value,
      ...Object.values(fast.grads),
      ...Object.values(slow.grads),
    ]);
    disposeSparseRows(x);
  });

  it('pads the entries so shapes repeat, and frees what it uploads', () => {
    const before = tf.memory().numTensors;
    const { sparse } = randomRows(4, 30, 0.3, 2);
    const x = uploadSparseRows(sparse, 30);
    expect(x.index.shape[0]).toBe(2048);
    const w = tf.ones([30, 3]) as tf.Tensor2D;
    const y = sparseMatMul(x, w);
    expect(y.shape).toEqual([4, 3]);
    tf.dispose([y, w]);
    disposeSparseRows(x);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('says when the weights do not fit the rows', () => {
    const { sparse } = randomRows(2, 10, 0.5, 1);
    const x = uploadSparseRows(sparse, 10);
    const w = tf.zeros([9, 2]) as tf.Tensor2D;
    expect(() => sparseMatMul(x, w)).toThrow(/10 columns against 9 weight rows/);
    w.dispose();
    disposeSparseRows(x);
  });

  it('gives the same product and gradient through the one-pass kernels as through the stock ops', () => {
    // Repeated columns across rows, and a weight-0 entry, as dropout leaves them.
    const sparse: SparseRows = {
      offsets: Int32Array.from([0, 3, 3, 6]),
      columns: Int32Array.from([4, 1, 4, 1, 0, 4]),
      values: Float32Array.from([2, -1, 0.5, 3, 0, 1]),
    };
    const w = tf.variable(tf.randomNormal([6, 4], 0, 1, 'float32', 3));
    const up = tf.randomNormal([3, 4], 0, 1, 'float32', 4);
    const x = uploadSparseRows(sparse, 6);
    const grads = () =>
      tf.variableGrads(
        () => tf.sum(tf.mul(sparseMatMul(x, w as tf.Variable<tf.Rank.R2>), up)) as tf.Scalar,
        [w],
      );
    expect(hasSparseRowsKernels()).toBe(true);
    const fused = grads();
    tf.unregisterKernel(SPARSE_ROWS_MATMUL, 'cpu');
    tf.unregisterKernel(SPARSE_ROWS_MATMUL_GRAD, 'cpu');
    let stock: ReturnType<typeof grads>;
    try {
      expect(hasSparseRowsKernels()).toBe(false);
      stock = grads();
    } finally {
      registerSparseRowsCpu();
    }
    expect(fused.value.dataSync()[0]).toBeCloseTo(stock.value.dataSync()[0], 4);
    const a = fused.grads[w.name].dataSync();
    const b = stock.grads[w.name].dataSync();
    for (let k = 0; k < a.length; k++) expect(a[k]).toBeCloseTo(b[k], 4);
    // Rows 2, 3 and 5 of the weights have no entries: no gradient.
    expect(Array.from(a.slice(8, 16))).toEqual(new Array(8).fill(0));
    tf.dispose([w, up, fused.value, stock.value, ...Object.values(fused.grads)]);
    tf.dispose(Object.values(stock.grads));
    disposeSparseRows(x);
  });
});
