/**
 * Cold start without retraining: a new user folded into a trained factor model from the items
 * they mark, and scored by the model's own rule (mu + b_u + b_i + p . q_i).
 *
 * - Explicit feedback (biased MF, SVD++, hybrid / FM on ratings): ridge least squares of the
 *   residual t_j = r_j - mu - b_j on z_j = [q_j; 1], with the model's L2 on [p; b_u]:
 *   (sum z_j z_j^T + l2 I) x = sum t_j z_j. This is the ALS user step the model's loss implies.
 * - Implicit feedback (BPR, hybrid / FM ranking): the implicit-ALS user step of Hu, Koren and
 *   Volinsky (2008): every item is a 0 with confidence 1, a liked item a 1 with confidence
 *   1 + alpha, so (Q^T Q + alpha sum q_j q_j^T + l2 I) p = (1 + alpha) sum q_j. Chosen over a
 *   few sampled unmarked zeros because it is exact (no sampling noise: the same marks give the
 *   same user every time) and costs one dim x dim Gramian per snapshot; it also pushes the user
 *   away from the direction every item shares, which a ranking model's scores ignore anyway.
 *
 * The app's implicit models (BPR, hybrid / FM on implicit feedback) are all trained pairwise and
 * fold in by their own objective instead (fold-in-pairwise.ts): the ALS form fits 0/1 targets, a
 * score scale they never saw. It stays here for 0/1-trained factors and as the bench's reference.
 *
 * Because x is linear in the targets, x = sum_j parts_j with parts_j = t_j A^-1 z_j, and the
 * score an item gets from the user is exactly sum_j parts_j . z_i: the reasons behind a
 * recommendation are the marked items with the largest parts, not a guess.
 *
 * Pure typed-array code: a dim-32 solve and a pass over 10,000 items take well under a
 * millisecond, so the page runs it on the main thread at every change.
 */
import type { EmbeddingSnapshot } from '../data/types';
import { TopList, type Scored } from './recommend';

/** An item the new user marked: liked (implicit), or rated `rating` (explicit). */
export interface MarkedItem {
  item: number;
  rating?: number;
}

export interface FoldInOptions {
  feedback: 'explicit' | 'implicit';
  /** The model's L2 weight: the ridge on the new user's vector (and bias). */
  l2: number;
  /** Implicit: a liked item's extra confidence over the unmarked ones (Hu et al. used 40). */
  alpha?: number;
  /** Implicit: Q^T Q over every item (dim x dim, from `itemGramian`), computed once per snapshot. */
  gram?: Float64Array;
}

export const DEFAULT_ALPHA = 40;

/** A folded-in user: the vector and bias the model would score them with, and where they came from. */
export interface FoldedUser {
  /** p, length dim. */
  vector: Float32Array;
  /** b_u (0 for implicit feedback, where a user's own bias does not change their ranking). */
  bias: number;
  /**
   * marked x (dim + 1), row j = parts_j: what marked item j brings to [p; b_u]. Their sum is
   * [p; b_u], so parts_j . [q_i; 1] is item j's exact share of item i's score.
   */
  parts: Float64Array;
}

/** Q^T Q over the snapshot's items, dim x dim row-major (float64: sums over 10^4+ rows). */
export function itemGramian(s: EmbeddingSnapshot): Float64Array {
  const d = s.dim;
  const q = s.itemFactors;
  const items = q.length / d;
  const g = new Float64Array(d * d);
  for (let i = 0; i < items; i++) {
    const o = i * d;
    for (let a = 0; a < d; a++) {
      const qa = q[o + a];
      if (qa === 0) continue;
      for (let b = a; b < d; b++) g[a * d + b] += qa * q[o + b];
    }
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) g[a * d + b] = g[b * d + a];
  return g;
}

/**
 * Cholesky factor L (lower, n x n row-major) of a symmetric positive-definite A, in place of a
 * copy. Throws when A is not positive definite (a caller's bug: l2 > 0 makes it so).
 */
export function cholesky(a: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * n + j];
      for (let k = 0; k < j; k++) sum -= l[i * n + k] * l[j * n + k];
      if (i === j) {
        if (!(sum > 0)) throw new RangeError('fold-in: the system is not positive definite');
        l[i * n + i] = Math.sqrt(sum);
      } else l[i * n + j] = sum / l[j * n + j];
    }
  }
  return l;
}

/** Solves L L^T x = b (L from `cholesky`), returning x. */
export function choleskySolve(l: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = b[i];
    for (let k = 0; k < i; k++) sum -= l[i * n + k] * y[k];
    y[i] = sum / l[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i];
    for (let k = i + 1; k < n; k++) sum -= l[k * n + i] * y[k];
    y[i] = sum / l[i * n + i];
  }
  return y;
}

/**
 * Folds a new user in from the items they marked (see the file comment for the two forms).
 * Explicit marks need a rating each. With no marks the user is all zeros.
 */
export function foldInUser(
  s: EmbeddingSnapshot,
  marked: readonly MarkedItem[],
  opts: FoldInOptions,
): FoldedUser {
  const d = s.dim;
  const explicit = opts.feedback === 'explicit';
  // Explicit: unknowns [p; b_u]; implicit: p only.
  const n = explicit ? d + 1 : d;
  const m = marked.length;
  const parts = new Float64Array(m * (d + 1));
  if (m === 0) return { vector: new Float32Array(d), bias: 0, parts };
  if (!(opts.l2 > 0) && !(opts.gram && !explicit))
    throw new RangeError('fold-in needs a positive L2 weight');
  const alpha = opts.alpha ?? DEFAULT_ALPHA;
  const a = new Float64Array(n * n);
  if (!explicit) {
    if (!opts.gram || opts.gram.length !== d * d)
      throw new RangeError('implicit fold-in needs the item Gramian (itemGramian)');
    a.set(opts.gram);
  }
  const z = new Float64Array(n);
  const targets = new Float64Array(m);
  const weight = explicit ? 1 : alpha;
  for (let k = 0; k < m; k++) {
    const { item, rating } = marked[k];
    if (explicit && (rating === undefined || !Number.isFinite(rating)))
      throw new RangeError(`fold-in: item ${item} has no rating (explicit feedback)`);
    targets[k] = explicit ? (rating as number) - s.globalBias - s.itemBias[item] : 1 + alpha;
    fillZ(s, item, z, explicit);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] += weight * z[i] * z[j];
  }
  for (let i = 0; i < n; i++) a[i * n + i] += opts.l2;
  const l = cholesky(a, n);
  const vector = new Float32Array(d);
  let bias = 0;
  for (let k = 0; k < m; k++) {
    fillZ(s, marked[k].item, z, explicit);
    const x = choleskySolve(l, n, z);
    for (let i = 0; i < n; i++) {
      const v = targets[k] * x[i];
      parts[k * (d + 1) + i] = v;
      if (i < d) vector[i] += v;
      else bias += v;
    }
  }
  return { vector, bias, parts };
}

/** z = [q_item; 1] (explicit) or q_item, into `out`. */
function fillZ(s: EmbeddingSnapshot, item: number, out: Float64Array, withBias: boolean): void {
  const d = s.dim;
  for (let a = 0; a < d; a++) out[a] = s.itemFactors[item * d + a];
  if (withBias) out[d] = 1;
}

/** A recommendation for the folded-in user, with the marked items that bring the most to it. */
export interface FoldInRecommendation extends Scored {
  /** Marked items' indices (into `marked`) and their share of the score, largest first. */
  because: { marked: number; share: number }[];
}

/**
 * The k best items for a vector (mu + bias + b_i + p . q_i), never one in `exclude`; each with
 * the (at most `reasons`) marked items whose parts add the most to its score.
 */
export function recommendFolded(
  s: EmbeddingSnapshot,
  user: FoldedUser,
  exclude: ReadonlySet<number>,
  k: number,
  reasons = 2,
): FoldInRecommendation[] {
  const d = s.dim;
  const items = s.itemBias.length;
  const base = s.globalBias + user.bias;
  const top = new TopList(k);
  const p = user.vector;
  for (let i = 0; i < items; i++) {
    if (exclude.has(i)) continue;
    let dot = 0;
    const o = i * d;
    for (let a = 0; a < d; a++) dot += p[a] * s.itemFactors[o + a];
    top.offer(i, base + s.itemBias[i] + dot);
  }
  const m = user.parts.length / (d + 1);
  return top.best.map((r) => {
    const shares = new TopList(reasons);
    for (let j = 0; j < m; j++) {
      let share = user.parts[j * (d + 1) + d];
      for (let a = 0; a < d; a++)
        share += user.parts[j * (d + 1) + a] * s.itemFactors[r.index * d + a];
      if (share > 0) shares.offer(j, share);
    }
    return { ...r, because: shares.best.map((x) => ({ marked: x.index, share: x.score })) };
  });
}
