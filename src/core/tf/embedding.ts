/**
 * The one embedding-lookup op every model uses.
 *
 * Forward it is `tf.gather(table, indices)`. Its gradient is where stock tfjs is slow: `gather`'s
 * gradient is `UnsortedSegmentSum` over the whole table, O(rows x batch x dim) on webgl and a
 * kernel per table row on cpu. Here the trainer sorts each batch by row on the CPU (a counting sort
 * it needs anyway), so the gradient is a segment sum over contiguous runs of the sorted batch:
 * O(batch x dim) for the rows the batch touches plus one O(rows x dim) pass that writes the dense
 * gradient. Backends may register a specialised kernel (see `embedding-webgl.ts`); every other
 * backend gets a formulation from stock ops (gather + cumsum) with the same cost.
 */
import * as tf from '@tensorflow/tfjs-core';

/** A batch's rows sorted by table row, built on the CPU. */
export interface LookupPlan {
  /** Table rows (R). */
  rows: number;
  /** [B] table row of each batch position. */
  indices: Int32Array;
  /** [B] batch positions, sorted by table row (stable). */
  order: Int32Array;
  /** [R + 1] CSR offsets: the batch positions of row r are order[offsets[r] .. offsets[r+1]). */
  offsets: Int32Array;
}

/** A plan uploaded to the backend. The caller owns (and disposes) the tensors. */
export interface LookupTensors {
  rows: number;
  indices: tf.Tensor1D;
  order: tf.Tensor1D;
  offsets: tf.Tensor1D;
}

/**
 * Counting sort of `indices` (length B, values in [0, rows)) into a plan. O(B + rows).
 * `scratch` may be a previous plan of the same shape whose arrays are reused.
 */
export function buildLookupPlan(
  indices: Int32Array,
  rows: number,
  scratch?: LookupPlan,
): LookupPlan {
  const b = indices.length;
  const offsets =
    scratch && scratch.offsets.length === rows + 1
      ? scratch.offsets.fill(0)
      : new Int32Array(rows + 1);
  const order = scratch && scratch.order.length === b ? scratch.order : new Int32Array(b);
  for (let k = 0; k < b; k++) offsets[indices[k] + 1]++;
  for (let r = 0; r < rows; r++) offsets[r + 1] += offsets[r];
  // Fill using a moving cursor per row; offsets[r] is restored afterwards by walking back.
  for (let k = 0; k < b; k++) order[offsets[indices[k]]++] = k;
  for (let r = rows; r > 0; r--) offsets[r] = offsets[r - 1];
  offsets[0] = 0;
  return { rows, indices, order, offsets };
}

export function uploadPlan(plan: LookupPlan): LookupTensors {
  return {
    rows: plan.rows,
    indices: tf.tensor1d(plan.indices, 'int32'),
    order: tf.tensor1d(plan.order, 'int32'),
    offsets: tf.tensor1d(plan.offsets, 'int32'),
  };
}

export function disposePlan(p: LookupTensors): void {
  p.indices.dispose();
  p.order.dispose();
  p.offsets.dispose();
}

/**
 * Dense table gradient from the batch gradient: out[r] = sum of dy[k] over batch positions k
 * with row r. dy: [B, d] -> [R, d].
 */
export type SegmentSumKernel = (dy: tf.Tensor2D, plan: LookupTensors) => tf.Tensor2D;

const kernels = new Map<string, SegmentSumKernel>();

/** Registers a faster segment-sum for one tfjs backend (e.g. a GPGPU program for webgl). */
export function registerSegmentSum(backendName: string, kernel: SegmentSumKernel): void {
  kernels.set(backendName, kernel);
}

/** Stock-op segment sum: sort the batch gradient by row, prefix-sum it, difference at offsets. */
export const segmentSumFromStockOps: SegmentSumKernel = (dy, plan) =>
  tf.tidy(() => {
    const d = dy.shape[1];
    const sorted = tf.gather(dy, plan.order);
    const prefix = tf.concat([tf.zeros([1, d]), tf.cumsum(sorted, 0)], 0);
    const ends = tf.gather(prefix, tf.slice(plan.offsets, 1, plan.rows));
    const starts = tf.gather(prefix, tf.slice(plan.offsets, 0, plan.rows));
    return tf.sub(ends, starts) as tf.Tensor2D;
  });

export function segmentSum(dy: tf.Tensor2D, plan: LookupTensors): tf.Tensor2D {
  const kernel = kernels.get(tf.getBackend()) ?? segmentSumFromStockOps;
  return kernel(dy, plan);
}

/**
 * table: [R, d] (usually a tf.Variable) -> [B, d] rows at `plan.indices`, with the fast gradient.
 * Without a plan (evaluation, no gradient needed) it is a plain gather of `indices`.
 */
export function embeddingLookup(
  table: tf.Tensor,
  plan: LookupTensors | null,
  indices?: tf.Tensor1D,
): tf.Tensor2D {
  if (!plan) {
    if (!indices) throw new Error('embeddingLookup: indices are required without a plan');
    return tf.gather(table, indices) as tf.Tensor2D;
  }
  const op = tf.customGrad((t: tf.Tensor | tf.GradSaveFunc) => ({
    value: tf.gather(t as tf.Tensor2D, plan.indices) as tf.Tensor2D,
    gradFunc: (dy: tf.Tensor) => segmentSum(dy as tf.Tensor2D, plan),
  }));
  return op(table) as tf.Tensor2D;
}
