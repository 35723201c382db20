/**
 * Embedding tables and the sparse gradient path every model's lookups take.
 *
 * Forward, a lookup is `tf.gather(table, indices)`: [R, d] -> [B, d]. Stock tfjs differentiates
 * that with `UnsortedSegmentSum` over the whole table (O(R x B x d) on webgl, a kernel per row on
 * cpu) and then updates every row. Here autodiff stops at the gathered rows: the trainer asks for
 * dL/d(rows) [B, d], sums it per distinct row over the batch sorted by row (the sort is done on
 * the CPU while the previous step runs), giving [U, d] for the U rows the batch touched, and a
 * row-sparse optimizer writes just those rows back. No step does O(R) work, so a step costs the
 * same for a thousand rows or a million.
 */
import { tf } from './tfjs';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

/** One batch's index column sorted by row, built on the CPU. */
export interface RowPlan {
  /** [B] table row of each batch position. */
  indices: Int32Array;
  /** [B] batch positions sorted by row (stable). */
  order: Int32Array;
  /**
   * [capacity] the distinct rows, ascending, then padding: the table's spare row R. A fixed
   * length keeps every shape of a step the same from batch to batch, so the webgl backend
   * compiles its shaders once, not once per batch.
   */
  uniqueRows: Int32Array;
  /** [capacity + 1] the positions of uniqueRows[k] are order[offsets[k] .. offsets[k+1]). */
  offsets: Int32Array;
  /** How many of `uniqueRows` are real (the rest is padding). */
  count: number;
  /**
   * [rows + 1] the inverse of uniqueRows: the position of each table row in it, or -1 when the
   * batch does not touch the row (and for the spare row). Built only for tables small enough to
   * update in one dense pass (see `denseUpdatePays`); null otherwise.
   */
  positions: Int32Array | null;
}

/**
 * Whether one pass over the whole table (R + 1 rows) beats writing the U touched rows one by one.
 * Measured on SwiftShader: a dense elementwise pass costs about 1 ns per value, a row drawn into a
 * texture about 1 us, so dense wins up to tens of table rows per touched row; 16 keeps the dense
 * pass's worst case a few milliseconds and leaves catalogues of a million rows on the O(U) path.
 */
export const denseUpdatePays = (rows: number, capacity: number) => rows + 1 <= 16 * capacity;

/** The plan capacity for a table of `rows` rows and batches of `batch`: no batch touches more. */
export const planCapacity = (rows: number, batch: number) => Math.max(1, Math.min(rows, batch));

/**
 * Sorts a batch's indices (values in [0, rows)) by row, stably: a counting sort when the table is
 * at most 4x the batch, else a native typed-array sort, O(B log B) whatever the table's size.
 */
export function planRows(
  indices: Int32Array,
  rows: number,
  capacity: number,
  /** The row padding entries point at (default: the spare row, `rows`). */
  padRow = rows,
): RowPlan {
  const b = indices.length;
  const order = new Int32Array(b);
  const uniqueRows = new Int32Array(capacity).fill(padRow);
  const offsets = new Int32Array(capacity + 1).fill(b);
  let count = 0;
  const addRow = (row: number, at: number) => {
    if (count === capacity) throw new Error(`batch touches more than ${capacity} rows`);
    uniqueRows[count] = row;
    offsets[count++] = at;
  };
  if (rows <= 4 * b) {
    // Counting sort, O(B + R): cheaper than a comparison sort when the table is not much larger
    // than the batch (and it is stable by construction).
    const starts = new Int32Array(rows + 1);
    for (let k = 0; k < b; k++) starts[indices[k] + 1]++;
    for (let r = 0; r < rows; r++) {
      if (starts[r + 1] > 0) addRow(r, starts[r]);
      starts[r + 1] += starts[r];
    }
    for (let k = 0; k < b; k++) order[starts[indices[k]]++] = k;
  } else {
    if (b > 1 << 21)
      throw new Error(`batch of ${b} rows is larger than the planner supports (2^21)`);
    // row * 2^21 + position is exact in a float64 for rows below 2^32, and sorts stably.
    const keys = new Float64Array(b);
    for (let k = 0; k < b; k++) keys[k] = indices[k] * 2097152 + k;
    keys.sort();
    let prev = -1;
    for (let k = 0; k < b; k++) {
      const row = Math.floor(keys[k] / 2097152);
      order[k] = keys[k] - row * 2097152;
      if (row !== prev) {
        addRow(row, k);
        prev = row;
      }
    }
  }
  let positions: Int32Array | null = null;
  if (denseUpdatePays(rows, capacity)) {
    positions = new Int32Array(rows + 1).fill(-1);
    for (let k = 0; k < count; k++) positions[uniqueRows[k]] = k;
  }
  return { indices, order, uniqueRows, offsets, count, positions };
}

/** A plan on the backend. The caller owns (and disposes) the tensors. */
export interface RowPlanTensors {
  indices: tf.Tensor1D;
  order: tf.Tensor1D;
  uniqueRows: tf.Tensor1D;
  offsets: tf.Tensor1D;
  /** The plan's capacity (length of uniqueRows). */
  unique: number;
  /** How many of uniqueRows are real rows (known on the CPU, so a writer can skip the padding). */
  count: number;
  /** [rows + 1] see RowPlan.positions. */
  positions: tf.Tensor1D | null;
}

export function uploadRowPlan(p: RowPlan): RowPlanTensors {
  return {
    indices: tf.tensor1d(p.indices, 'int32'),
    order: tf.tensor1d(p.order, 'int32'),
    uniqueRows: tf.tensor1d(p.uniqueRows, 'int32'),
    offsets: tf.tensor1d(p.offsets, 'int32'),
    unique: p.uniqueRows.length,
    count: p.count,
    positions: p.positions ? tf.tensor1d(p.positions, 'int32') : null,
  };
}

export function disposeRowPlan(p: RowPlanTensors): void {
  tf.dispose([p.indices, p.order, p.uniqueRows, p.offsets]);
  p.positions?.dispose();
}

/**
 * L2 on the looked-up rows, folded into the segment sum: adds `coef x n_k x table[row_k]` to row
 * k's sum, n_k being how often the batch looks the row up. That is the gradient of
 * (coef / 2) x sum over the batch of |row|^2, per-rating SGD's regularisation, without a single
 * [B, d] pass of its own.
 */
export interface RowDecay {
  table: tf.Tensor;
  coef: number;
}

/**
 * dy [B, d] -> [U, d]: out[k] = sum of dy over the batch positions of uniqueRows[k] (plus the
 * decay term, when given).
 */
export type SegmentSumKernel = (
  dy: tf.Tensor2D,
  plan: RowPlanTensors,
  decay?: RowDecay,
) => tf.Tensor2D;

const segmentSums = new Map<string, SegmentSumKernel>();

/** Registers a faster segment sum for one tfjs backend (a GPGPU program for webgl). */
export function registerSegmentSum(backendName: string, kernel: SegmentSumKernel): void {
  segmentSums.set(backendName, kernel);
}

/** Stock-op segment sum for any backend: sort by row, prefix-sum, difference at the offsets. */
export const segmentSumFromStockOps: SegmentSumKernel = (dy, plan, decay) =>
  tf.tidy(() => {
    const d = dy.shape[1];
    const prefix = tf.concat([tf.zeros([1, d]), tf.cumsum(tf.gather(dy, plan.order), 0)], 0);
    const ends = tf.gather(prefix, tf.slice(plan.offsets, 1, plan.unique));
    const starts = tf.gather(prefix, tf.slice(plan.offsets, 0, plan.unique));
    const sums = tf.sub(ends, starts) as tf.Tensor2D;
    if (!decay?.coef) return sums;
    const counts = tf.sub(
      tf.slice(plan.offsets, 1, plan.unique),
      tf.slice(plan.offsets, 0, plan.unique),
    );
    const scale = tf.mul(tf.expandDims(tf.cast(counts, 'float32'), 1), decay.coef);
    return tf.add(sums, tf.mul(tf.gather(decay.table, plan.uniqueRows), scale)) as tf.Tensor2D;
  });

/**
 * cpu, and wasm (wasm-kernels.ts): a loop over the sorted positions (the stock-op version's
 * cumsum over [B, d] costs about 10x more on tfjs-cpu). Reading the inputs here is a memory copy
 * (out of the wasm heap on wasm), not a device read.
 */
export const segmentSumCpu: SegmentSumKernel = (dy, plan, decay) => {
  const backend = tf.backend() as MathBackendCPU;
  const read = (t: tf.Tensor) => backend.readSync(t.dataId) as Float32Array | Int32Array;
  const d = dy.shape[1];
  const g = read(dy);
  const order = read(plan.order);
  const offsets = read(plan.offsets);
  const out = new Float32Array(plan.unique * d);
  for (let k = 0; k < plan.unique; k++) {
    const o = k * d;
    for (let p = offsets[k]; p < offsets[k + 1]; p++) {
      const src = order[p] * d;
      for (let j = 0; j < d; j++) out[o + j] += g[src + j];
    }
  }
  if (decay?.coef) {
    const table = read(decay.table);
    const rows = read(plan.uniqueRows);
    for (let k = 0; k < plan.unique; k++) {
      const scale = decay.coef * (offsets[k + 1] - offsets[k]);
      if (!scale) continue;
      for (let j = 0; j < d; j++) out[k * d + j] += scale * table[rows[k] * d + j];
    }
  }
  return tf.tensor2d(out, [plan.unique, d]);
};

registerSegmentSum('cpu', segmentSumCpu);

export function segmentSum(dy: tf.Tensor2D, plan: RowPlanTensors, decay?: RowDecay): tf.Tensor2D {
  return (segmentSums.get(tf.getBackend()) ?? segmentSumFromStockOps)(dy, plan, decay);
}

/**
 * Writes `values` [U, d] into rows `rows` [U] (distinct) of `target` [R, d], in place where the
 * backend allows it (webgl: quads drawn into the variable's texture; cpu: its typed array). Only
 * the first `count` rows need writing (the rest is padding that points at the spare row).
 * Returns false when it could not, and the caller falls back to `writeRowsByScatter`.
 */
export type RowWriter = (
  target: tf.Variable,
  rows: tf.Tensor1D,
  values: tf.Tensor2D,
  count: number,
) => boolean;

const rowWriters = new Map<string, RowWriter>();

export function registerRowWriter(backendName: string, writer: RowWriter): void {
  rowWriters.set(backendName, writer);
}

/** The portable fallback: a full-table scatter, O(R x d). */
export function writeRowsByScatter(
  target: tf.Variable,
  rows: tf.Tensor1D,
  values: tf.Tensor2D,
): void {
  const next = tf.tidy(() => tf.tensorScatterUpdate(target, tf.expandDims(rows, 1), values));
  target.assign(next);
  next.dispose();
}

export function writeRows(
  target: tf.Variable,
  rows: tf.Tensor1D,
  values: tf.Tensor2D,
  count = values.shape[0],
): void {
  const writer = rowWriters.get(tf.getBackend());
  if (!writer || !writer(target, rows, values, count)) writeRowsByScatter(target, rows, values);
}

/**
 * cpu: the variable's values are a typed array in the backend, so writing U rows is a loop over
 * U x d numbers (reading `values` and `rows` here is a memory copy, not a device read).
 */
function writeRowsCpu(
  target: tf.Variable,
  rows: tf.Tensor1D,
  values: tf.Tensor2D,
  count: number,
): boolean {
  const backend = tf.backend() as MathBackendCPU;
  const dst = backend.data.get(target.dataId);
  if (!dst || dst.refCount > 1 || !(dst.values instanceof Float32Array)) return false;
  const r = backend.readSync(rows.dataId) as Int32Array;
  const v = backend.readSync(values.dataId) as Float32Array;
  const d = values.shape[1];
  for (let k = 0; k < count; k++) dst.values.set(v.subarray(k * d, (k + 1) * d), r[k] * d);
  return true;
}

registerRowWriter('cpu', writeRowsCpu);

/**
 * An embedding table, looked up by one index column of the batch. Its weights have one spare row
 * past `rows` ([rows + 1, dim]): padded plan entries read and write it, so no step needs a branch.
 */
export class EmbeddingTable {
  readonly weights: tf.Variable;
  /**
   * Whether the table was made with 'zeros' (a day table: 25M rows at scale): a fresh engine
   * whose memory starts zeroed need not read it, nor touch those pages.
   */
  readonly startsAtZero: boolean;

  constructor(
    readonly name: string,
    readonly rows: number,
    readonly dim: number,
    /** The batch column that indexes this table, e.g. 'user' or 'item'. */
    readonly indexedBy: string,
    /**
     * The initial rows, [rows * dim]; or [(rows + 1) * dim], spare row (0) included, which the
     * table then keeps as they are instead of copying; or 'zeros' (`startsAtZero`).
     */
    init: Float32Array | 'zeros',
    /**
     * L2 per lookup: the objective gains (l2 / B) x the sum over the batch of |row|^2. The
     * trainer applies it (folded into the sparse gradient), so models leave it out of `loss`.
     */
    readonly l2 = 0,
  ) {
    this.startsAtZero = init === 'zeros';
    let values = init === 'zeros' ? new Float32Array((rows + 1) * dim) : init;
    if (values.length === rows * dim) {
      values = new Float32Array((rows + 1) * dim);
      values.set(init as Float32Array);
    } else if (values.length !== (rows + 1) * dim)
      throw new Error(`${name}: ${values.length} initial values for ${rows} x ${dim}`);
    // tidy frees the initial tensor; the variable it creates is kept.
    this.weights = tf.tidy(() =>
      tf.variable(tf.tensor2d(values, [rows + 1, dim]), true, `${name}_${tableIds++}`),
    );
  }

  /** The learned rows (spare row dropped), [rows * dim], a copy. One read: not for the inner loop. */
  async read(): Promise<Float32Array> {
    return (await this.peek()).slice();
  }

  /**
   * The learned rows as the backend reads them, without a copy: possibly the backend's own
   * array (values not yet uploaded to a GPU, or on the CPU backend), so only to read at once.
   */
  async peek(): Promise<Float32Array> {
    const all = (await this.weights.data()) as Float32Array;
    return all.subarray(0, this.rows * this.dim);
  }

  dispose(): void {
    this.weights.dispose();
  }
}

let tableIds = 0;

/**
 * Bags: a weighted set of table rows per entity, e.g. an item's genres, or the items a user has
 * rated (SVD++'s implicit feedback), stored as CSR over the entities of one batch column.
 */
export interface BagSource {
  /** The batch column whose entities own the bags ('user' or 'item'). */
  keyedBy: string;
  /** [entities + 1] entity e's entries are rows[offsets[e] .. offsets[e+1]). */
  offsets: Int32Array;
  /** Table rows of the entries. */
  rows: Int32Array;
  /** Weight of each entry. */
  weights: Float32Array;
  /**
   * Training only: entries marked 1 here are left out of a batch's bag with probability
   * `dropRate` (e.g. an item's id, so that its features learn to stand for it: DropoutNet).
   */
  droppable?: Uint8Array;
  dropRate?: number;
}

/**
 * One batch's bags on the backend: the bags of the batch's distinct entities (segments), entries
 * grouped by segment and padded to a fixed capacity with weight-0 entries on the table's spare
 * row, so shapes stay fixed from batch to batch.
 */
export interface BagTensors {
  /** [C] table row of each entry (padding: the spare row). */
  indices: tf.Tensor1D;
  /** [C, 1] entry weights (padding: 0). */
  weights: tf.Tensor2D;
  /** [C, 1] how many batch rows read each entry (its entity's rows; padding: 0), for L2. */
  readers: tf.Tensor2D;
  /** [C] segment of each entry (padding: the last segment). */
  segmentOf: tf.Tensor1D;
  /** The segments as a plan for `segmentSum`: identity order, offsets [S + 1]. */
  segments: RowPlanTensors;
  /** [B] the segment of each batch row. */
  rowSegment: tf.Tensor1D;
  /** The batch rows grouped by segment, as a plan: the gradient of `perRow`. */
  rows: RowPlanTensors;
}

/** A bag built on the CPU (see `buildBag`). */
export interface Bag {
  indices: Int32Array;
  weights: Float32Array;
  readers: Float32Array;
  segmentOf: Int32Array;
  offsets: Int32Array;
  rowSegment: Int32Array;
  /** Batch rows sorted by segment, and each segment's range in that order ([S + 1]). */
  rowOrder: Int32Array;
  rowOffsets: Int32Array;
}

/**
 * The bags of a batch's entities, one segment per distinct entity of `plan` (ascending), padded
 * to `capacity` entries (which must be at least the entries needed, see `bagEntries`).
 */
export function buildBag(
  src: BagSource,
  plan: RowPlan,
  spareRow: number,
  capacity: number,
  random?: () => number,
): Bag {
  const drop = random && src.droppable && src.dropRate ? src.droppable : null;
  const rate = src.dropRate ?? 0;
  const segments = plan.uniqueRows.length;
  const indices = new Int32Array(capacity).fill(spareRow);
  const weights = new Float32Array(capacity);
  const segmentOf = new Int32Array(capacity).fill(segments - 1);
  const readers = new Float32Array(capacity);
  const offsets = new Int32Array(segments + 1);
  let at = 0;
  for (let k = 0; k < plan.count; k++) {
    const e = plan.uniqueRows[k];
    const rows = plan.offsets[k + 1] - plan.offsets[k];
    offsets[k] = at;
    for (let j = src.offsets[e]; j < src.offsets[e + 1]; j++) {
      if (drop && drop[j] && random!() < rate) continue;
      indices[at] = src.rows[j];
      weights[at] = src.weights[j];
      readers[at] = rows;
      segmentOf[at++] = k;
    }
  }
  offsets.fill(at, plan.count, segments);
  offsets[segments] = capacity; // the padding belongs to the last segment, with weight 0
  const rowSegment = new Int32Array(plan.indices.length);
  for (let k = 0; k < plan.count; k++)
    for (let p = plan.offsets[k]; p < plan.offsets[k + 1]; p++) rowSegment[plan.order[p]] = k;
  return {
    indices,
    weights,
    readers,
    segmentOf,
    offsets,
    rowSegment,
    rowOrder: plan.order,
    rowOffsets: plan.offsets,
  };
}

/** Entries the bags of a plan's distinct entities need. */
export function bagEntries(src: BagSource, plan: RowPlan): number {
  let n = 0;
  for (let k = 0; k < plan.count; k++) {
    const e = plan.uniqueRows[k];
    n += src.offsets[e + 1] - src.offsets[e];
  }
  return n;
}

/** Every entity's bag, for scoring the whole catalogue (no padding). */
export function wholeBag(src: BagSource): Bag {
  const n = src.rows.length;
  const entities = src.offsets.length - 1;
  const segmentOf = new Int32Array(n);
  for (let e = 0; e < entities; e++) segmentOf.fill(e, src.offsets[e], src.offsets[e + 1]);
  const rowSegment = identity(entities);
  return {
    indices: src.rows,
    weights: src.weights,
    readers: new Float32Array(n).fill(1),
    segmentOf,
    offsets: src.offsets,
    rowSegment,
    rowOrder: rowSegment,
    rowOffsets: identity(entities + 1),
  };
}

/** 0, 1, ..., n - 1. */
export function identity(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let k = 0; k < n; k++) out[k] = k;
  return out;
}

export function uploadBag(b: Bag): BagTensors {
  const c = b.indices.length;
  const s = b.offsets.length - 1;
  const order = identity(c);
  const segmentPlan = (order: Int32Array, offsets: Int32Array): RowPlanTensors => ({
    indices: tf.tensor1d(new Int32Array(0), 'int32'),
    order: tf.tensor1d(order, 'int32'),
    uniqueRows: tf.tensor1d(new Int32Array(s), 'int32'),
    offsets: tf.tensor1d(offsets, 'int32'),
    unique: s,
    count: s,
    positions: null,
  });
  return {
    indices: tf.tensor1d(b.indices, 'int32'),
    weights: tf.tensor2d(b.weights, [c, 1]),
    readers: tf.tensor2d(b.readers, [c, 1]),
    segmentOf: tf.tensor1d(b.segmentOf, 'int32'),
    segments: segmentPlan(order, b.offsets),
    rowSegment: tf.tensor1d(b.rowSegment, 'int32'),
    rows: segmentPlan(b.rowOrder, b.rowOffsets),
  };
}

export function disposeBag(b: BagTensors): void {
  disposeRowPlan(b.segments);
  disposeRowPlan(b.rows);
  tf.dispose([b.indices, b.weights, b.readers, b.segmentOf, b.rowSegment]);
}

/**
 * The weighted sum of each segment's rows: rows [C, d] (the bag's entries looked up) ->
 * [S, d]. Forward, one segment sum; backward, each entry gets its segment's gradient times its
 * weight (a gather). Use `tf.gather(bagSum(...), bag.rowSegment)` for per-batch-row values.
 */
export function bagSum(rows: tf.Tensor2D, bag: BagTensors): tf.Tensor2D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const weighted = tf.mul(args[0] as tf.Tensor2D, bag.weights) as tf.Tensor2D;
    return {
      value: segmentSum(weighted, bag.segments),
      gradFunc: (dy) => tf.mul(tf.gather(dy as tf.Tensor2D, bag.segmentOf), bag.weights),
    };
  });
  return op(rows) as tf.Tensor2D;
}

/**
 * Per-segment values [S, d] -> per batch row [B, d] (a gather by `rowSegment`), whose gradient
 * is the segment sum over the batch rows grouped by segment. (tf.gather's own gradient,
 * UnsortedSegmentSum, costs O(S x B x d) on both cpu and webgl.)
 */
export function perRow(values: tf.Tensor2D, bag: BagTensors): tf.Tensor2D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: tf.gather(args[0] as tf.Tensor2D, bag.rowSegment) as tf.Tensor2D,
    gradFunc: (dy) => segmentSum(dy as tf.Tensor2D, bag.rows),
  }));
  return op(values) as tf.Tensor2D;
}
