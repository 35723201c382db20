/**
 * The sampled softmax of the YouTube network for large catalogues (Covington et al. 2016; the
 * correction of Yi et al. 2019, "Sampling-bias-corrected neural modeling"). A batch's logits are
 * taken over a candidate set K instead of the whole catalogue: the batch's own positives (the
 * in-batch negatives of every other user) and `negatives` items drawn in proportion to their
 * training popularity. Both come from (about) the popularity distribution Q, so every candidate's
 * logit is lowered by log Q(j): the corrected softmax over K estimates the full one without
 * favouring popular items. The batch's logits are [U, |K|], never [U, items].
 */
import { tf } from '../tf/tfjs';
import type { SparseRows } from '../tf/sparse-rows';

/** Catalogues above this many items train with the sampled softmax unless told otherwise. */
export const SAMPLED_ABOVE = 20_000;

/** Negatives drawn per batch by default. */
export const DEFAULT_NEGATIVES = 1024;

/** Draws items in proportion to their training counts (+1, so every item can be drawn). */
export class PopularitySampler {
  /** [items] cumulative weights. */
  private readonly cumulative: Float64Array;
  /** [items] log of each item's probability. */
  readonly logQ: Float32Array;

  constructor(item: Int32Array, items: number) {
    const counts = new Float64Array(items).fill(1);
    for (let k = 0; k < item.length; k++) counts[item[k]]++;
    const total = item.length + items;
    this.cumulative = new Float64Array(items);
    this.logQ = new Float32Array(items);
    let sum = 0;
    for (let i = 0; i < items; i++) {
      sum += counts[i];
      this.cumulative[i] = sum;
      this.logQ[i] = Math.log(counts[i] / total);
    }
  }

  /** One item (binary search over the cumulative weights). */
  draw(random: () => number): number {
    const c = this.cumulative;
    const x = random() * c[c.length - 1];
    let lo = 0;
    let hi = c.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (c[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

/** One batch's candidates, built on the CPU. */
export interface Candidates {
  /** [K] distinct items: the batch's positives, then the drawn negatives. */
  items: Int32Array;
  /** [K] log Q of each candidate. */
  logQ: Float32Array;
  /** [U * K] 1 where the user's row holds the candidate (the targets), else 0. */
  target: Float32Array;
}

/**
 * The candidate set of a batch of users' rows: their distinct items and `negatives` distinct
 * popularity draws not among them (fewer when the catalogue runs out).
 */
export function candidates(
  rows: SparseRows,
  items: number,
  sampler: PopularitySampler,
  negatives: number,
  random: () => number,
): Candidates {
  const users = rows.offsets.length - 1;
  const position = new Int32Array(items).fill(-1);
  const list: number[] = [];
  const add = (i: number) => {
    if (position[i] < 0) {
      position[i] = list.length;
      list.push(i);
    }
  };
  for (let k = 0; k < rows.offsets[users]; k++) add(rows.columns[k]);
  const want = Math.min(items, list.length + negatives);
  // Draws that repeat an item are redrawn, with a bound so a tiny catalogue cannot spin.
  for (let tries = 0; list.length < want && tries < 20 * negatives; tries++)
    add(sampler.draw(random));
  const k = list.length;
  const target = new Float32Array(users * k);
  for (let u = 0; u < users; u++)
    for (let e = rows.offsets[u]; e < rows.offsets[u + 1]; e++)
      target[u * k + position[rows.columns[e]]] = 1;
  const out = Int32Array.from(list);
  return { items: out, logQ: Float32Array.from(out, (i) => sampler.logQ[i]), target };
}

/**
 * Rows `indices` (distinct) of `table` [R, ...]; the gradient is scattered into [R, ...] in one
 * op (tf.gather's own gradient, UnsortedSegmentSum, launches a kernel per table row on cpu).
 */
export function gatherDistinct<T extends tf.Tensor>(table: T, indices: tf.Tensor1D): T {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const t = args[0] as tf.Tensor;
    // Saved, so the indices outlive a tidy that made them until the gradient is taken.
    (args[1] as tf.GradSaveFunc)([indices]);
    return {
      value: tf.gather(t, indices),
      gradFunc: (dy, saved) => tf.scatterND(tf.expandDims(saved[0], 1), dy as tf.Tensor, t.shape),
    };
  });
  return op(table) as T;
}
