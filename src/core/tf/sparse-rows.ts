/**
 * A sparse matrix (a batch of users' rows of the interaction matrix, CSR) times a dense
 * [items, d] weight matrix, without the dense [users, items] input: the product is a weighted
 * bag sum of the weight rows at each user's items. The dense product costs users x items x d
 * multiply-adds each way; this one costs entries x d, about 1% of that on MovieLens.
 *
 * Forward: gather the C entries' rows, scale by their values, segment-sum per user ([U, d]).
 * Backward (the weights' gradient): each entry's user gradient times its value, summed per item
 * through the trainer's segment-sum kernel (rows sorted by item on the CPU), scattered into a
 * dense [items, d] gradient, so the stock optimizer updates the variable as before. tf.gather's
 * own gradient (UnsortedSegmentSum) costs O(items x C x d) on webgl and a kernel per item on cpu.
 */
import { tf } from './tfjs';
import {
  disposeRowPlan,
  identity,
  planRows,
  segmentSum,
  uploadRowPlan,
  type RowPlanTensors,
} from './embedding';
import {
  SPARSE_ROWS_MATMUL,
  SPARSE_ROWS_MATMUL_GRAD,
  hasSparseRowsKernels,
} from './sparse-rows-kernels';

/** A batch of rows of a sparse matrix on the CPU: row b's entries are [offsets[b], offsets[b+1]). */
export interface SparseRows {
  /** [rows + 1]. */
  offsets: Int32Array;
  /** [entries] column (item) of each entry. */
  columns: Int32Array;
  /** [entries] value of each entry. */
  values: Float32Array;
}

/** A `SparseRows` on the backend, padded with weight-0 entries to a multiple of `PAD`. */
export interface SparseRowsTensors {
  /** The rows on the CPU, unpadded (what was uploaded). */
  host: SparseRows;
  rows: number;
  columns: number;
  /** [C] column of each entry (padding: column 0, value 0). */
  index: tf.Tensor1D;
  /** [C, 1]. */
  values: tf.Tensor2D;
  /** [C] the row of each entry (padding: the last row). */
  rowOf: tf.Tensor1D;
  /** Entries grouped by row (identity order), offsets [rows + 1]: the forward segment sum. */
  byRow: RowPlanTensors;
  /** Entries grouped by column: the gradient's segment sum, distinct columns in `uniqueRows`. */
  byColumn: RowPlanTensors;
}

/**
 * Whether training through `sparseMatMul` pays on the backend in use. Not on webgl: tfjs's
 * webgl ScatterNd loops over every update for every output value (O(items x d x entries)),
 * which made an AutoRec epoch on SwiftShader time out; there the models keep the dense product.
 */
export function sparseGradientPays(): boolean {
  return tf.getBackend() !== 'webgl';
}

/** Entries are padded to a multiple of this, so a step's shapes repeat (webgl compiles once). */
const PAD = 2048;

/** Uploads a batch of sparse rows over `columns` columns (padded, see `SparseRowsTensors`). */
export function uploadSparseRows(s: SparseRows, columns: number): SparseRowsTensors {
  const rows = s.offsets.length - 1;
  const n = s.offsets[rows];
  const c = Math.max(PAD, Math.ceil(n / PAD) * PAD);
  const index = new Int32Array(c);
  index.set(s.columns.subarray(0, n));
  const values = new Float32Array(c);
  values.set(s.values.subarray(0, n));
  const rowOf = new Int32Array(c).fill(rows - 1);
  for (let b = 0; b < rows; b++) rowOf.fill(b, s.offsets[b], s.offsets[b + 1]);
  const offsets = Int32Array.from(s.offsets);
  offsets[rows] = c; // the padding belongs to the last row, with value 0
  const byColumn = planRows(index, columns, Math.min(columns, c), 0);
  return {
    host: s,
    rows,
    columns,
    index: tf.tensor1d(index, 'int32'),
    values: tf.tensor2d(values, [c, 1]),
    rowOf: tf.tensor1d(rowOf, 'int32'),
    byRow: {
      indices: tf.tensor1d(new Int32Array(0), 'int32'),
      order: tf.tensor1d(identity(c), 'int32'),
      uniqueRows: tf.tensor1d(new Int32Array(rows), 'int32'),
      offsets: tf.tensor1d(offsets, 'int32'),
      unique: rows,
      count: rows,
      positions: null,
    },
    byColumn: uploadRowPlan({ ...byColumn, positions: null }),
  };
}

export function disposeSparseRows(s: SparseRowsTensors): void {
  tf.dispose([s.index, s.values, s.rowOf]);
  disposeRowPlan(s.byRow);
  disposeRowPlan(s.byColumn);
}

/**
 * x W for the sparse rows x [U, columns] and weights W [columns, d]: [U, d]. `values` [C, 1]
 * replaces the entries' values (e.g. times a dropout mask drawn on the backend); its gradient is
 * not computed (zeros): it is data, not a parameter.
 */
export function sparseMatMul(
  x: SparseRowsTensors,
  weights: tf.Tensor2D,
  values: tf.Tensor2D = x.values,
): tf.Tensor2D {
  if (weights.shape[0] !== x.columns)
    throw new Error(`sparseMatMul: ${x.columns} columns against ${weights.shape[0]} weight rows`);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [w, v] = args as [tf.Tensor2D, tf.Tensor2D];
    // Saved, so the values outlive a tidy that made them until the gradient is taken.
    (args[2] as tf.GradSaveFunc)([v]);
    if (hasSparseRowsKernels()) {
      // One pass over the entries each way (sparse-rows-kernels.ts), no [C, d] copies.
      const { index, rowOf } = x;
      const run = (src: tf.Tensor2D, values: tf.Tensor, outRows: number) =>
        tf
          .engine()
          .runKernel(SPARSE_ROWS_MATMUL, { src, index, rowOf, values }, { outRows }) as tf.Tensor2D;
      return {
        value: run(w, v, x.rows),
        gradFunc: (dy, saved) => [
          tf
            .engine()
            .runKernel(
              SPARSE_ROWS_MATMUL_GRAD,
              { src: dy, index, rowOf, values: saved[0] },
              { outRows: x.columns },
            ) as tf.Tensor2D,
          tf.zerosLike(saved[0]),
        ],
      };
    }
    return {
      // tidy: the gathered [C, d] rows are not needed by the gradient, so they go at once.
      value: tf.tidy(() => segmentSum(tf.mul(tf.gather(w, x.index), v) as tf.Tensor2D, x.byRow)),
      gradFunc: (dy, saved) =>
        tf.tidy(() => {
          const perEntry = tf.mul(tf.gather(dy as tf.Tensor2D, x.rowOf), saved[0]) as tf.Tensor2D;
          const perColumn = segmentSum(perEntry, x.byColumn);
          // Padding columns of the plan point at column 0 with empty ranges: they add zeros.
          return [
            tf.scatterND(tf.expandDims(x.byColumn.uniqueRows, 1), perColumn, w.shape),
            tf.zerosLike(saved[0]),
          ];
        }),
    };
  });
  return op(weights, values) as tf.Tensor2D;
}
