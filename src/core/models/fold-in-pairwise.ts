/**
 * Folding in a new user for the pairwise ranking models (BPR, and hybrid / FM on implicit
 * feedback), by their own objective: the user vector that maximises BPR's posterior for the liked
 * items against a fixed sample of the other items,
 *
 *   f(u) = sum_i (1 / S) sum_j softplus(-(u . (q_i - q_j) + b_i - b_j)) + l2 |u|^2,
 *
 * a smooth convex function of u alone (the items stay as trained), solved by Newton's method with
 * a backtracking line search. The implicit-ALS step (fold-in.ts) fits 0/1 targets, a scale these
 * models never trained on: on the sample its users were a hundredth of a BPR user's length and
 * got the popularity ranking whatever they liked.
 *
 * At the optimum the gradient vanishes, so 2 l2 u = sum_i (1 / S) sum_j sigma_ij (q_i - q_j): the
 * user is exactly a sum of one part per liked item, and a part's dot product with an item is that
 * liked item's share of its score (the reasons).
 */
import type { EmbeddingSnapshot } from '../data/types';
import { mulberry32 } from '../util/random';
import { cholesky, choleskySolve, type FoldedUser } from './fold-in';

/** Items sampled as the negatives (all of them in a smaller catalogue). */
export const PAIRWISE_NEGATIVES = 1000;
const MAX_NEWTON = 30;

/** A fixed sample of `count` item indices (without repeats; seeded, so the same every time). */
export function negativeSample(items: number, count = PAIRWISE_NEGATIVES, seed = 7): Int32Array {
  if (items <= count) return Int32Array.from({ length: items }, (_, i) => i);
  const random = mulberry32(seed);
  const all = Int32Array.from({ length: items }, (_, i) => i);
  for (let k = 0; k < count; k++) {
    const r = k + Math.floor(random() * (items - k));
    [all[k], all[r]] = [all[r], all[k]];
  }
  return all.slice(0, count);
}

const softplus = (x: number) => (x > 30 ? x : Math.log1p(Math.exp(x)));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * The new user for `liked` items (indices), with parts per liked item. `negatives` from
 * `negativeSample` (liked ones among them are skipped). Throws for l2 <= 0 (no unique optimum).
 */
export function foldInPairwise(
  s: EmbeddingSnapshot,
  liked: readonly number[],
  l2: number,
  negatives: Int32Array,
): FoldedUser & { iterations: number; gradientNorm: number } {
  const d = s.dim;
  const q = s.itemFactors;
  const m = liked.length;
  if (!(l2 > 0)) throw new RangeError('fold-in needs a positive L2 weight');
  const isLiked = new Set(liked);
  const neg = Int32Array.from(negatives).filter((j) => !isLiked.has(j));
  const n = neg.length;
  const u = new Float64Array(d);
  const parts = new Float64Array(m * (d + 1));
  if (m === 0 || n === 0)
    return { vector: new Float32Array(d), bias: 0, parts, iterations: 0, gradientNorm: 0 };
  const score = (v: Float64Array, item: number) => {
    let x = s.itemBias[item];
    for (let a = 0; a < d; a++) x += v[a] * q[item * d + a];
    return x;
  };
  const objective = (v: Float64Array) => {
    const sn = Array.from(neg, (j) => score(v, j));
    let f = 0;
    for (const i of liked) {
      const si = score(v, i);
      for (let k = 0; k < n; k++) f += softplus(-(si - sn[k]));
    }
    let norm = 0;
    for (let a = 0; a < d; a++) norm += v[a] * v[a];
    return f / n + l2 * norm;
  };
  // w_ik = sigma(-x_ik) per (liked, negative) pair at the current u: the gradient's weights.
  const w = new Float64Array(m * n);
  const weights = () => {
    const sn = Array.from(neg, (j) => score(u, j));
    liked.forEach((i, r) => {
      const si = score(u, i);
      for (let k = 0; k < n; k++) w[r * n + k] = sigmoid(-(si - sn[k]));
    });
  };
  let iterations = 0;
  let gradientNorm = 0;
  let f = objective(u);
  const g = new Float64Array(d);
  const h = new Float64Array(d * d);
  const qi = (i: number, a: number) => q[i * d + a];
  for (; iterations < MAX_NEWTON; iterations++) {
    weights();
    // g = 2 l2 u - (1/n) sum_ik w_ik (q_i - q_k)
    for (let a = 0; a < d; a++) g[a] = 2 * l2 * u[a];
    h.fill(0);
    const colH = new Float64Array(n);
    for (let r = 0; r < m; r++) {
      const i = liked[r];
      let wi = 0;
      let hi = 0;
      const ri = new Float64Array(d); // sum_k h_ik q_k
      for (let k = 0; k < n; k++) {
        const wk = w[r * n + k];
        const hk = wk * (1 - wk);
        wi += wk;
        hi += hk;
        colH[k] += hk;
        const j = neg[k];
        for (let a = 0; a < d; a++) {
          g[a] += (wk * qi(j, a)) / n;
          ri[a] += hk * qi(j, a);
        }
      }
      for (let a = 0; a < d; a++) {
        g[a] -= (wi * qi(i, a)) / n;
        for (let b = 0; b < d; b++)
          h[a * d + b] += (hi * qi(i, a) * qi(i, b) - qi(i, a) * ri[b] - ri[a] * qi(i, b)) / n;
      }
    }
    for (let k = 0; k < n; k++) {
      const c = colH[k] / n;
      if (c === 0) continue;
      const j = neg[k];
      for (let a = 0; a < d; a++) {
        const ca = c * qi(j, a);
        for (let b = a; b < d; b++) h[a * d + b] += ca * qi(j, b);
      }
    }
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < a; b++) h[a * d + b] = h[b * d + a];
      h[a * d + a] += 2 * l2;
    }
    gradientNorm = Math.hypot(...g);
    if (gradientNorm < 1e-7) break;
    const step = choleskySolve(cholesky(h, d), d, g);
    // Backtracking: Newton's full step is right near the optimum; halve it while f rises.
    let t = 1;
    const next = new Float64Array(d);
    for (; t > 1e-4; t /= 2) {
      for (let a = 0; a < d; a++) next[a] = u[a] - t * step[a];
      const fNext = objective(next);
      if (fNext <= f) {
        f = fNext;
        break;
      }
    }
    if (t <= 1e-4) break;
    u.set(next);
  }
  // The parts: (1 / (2 l2 n)) sum_k w_ik (q_i - q_k), whose sum is u at the optimum.
  weights();
  const vector = new Float32Array(d);
  liked.forEach((i, r) => {
    for (let k = 0; k < n; k++) {
      const c = w[r * n + k] / (2 * l2 * n);
      const j = neg[k];
      for (let a = 0; a < d; a++) parts[r * (d + 1) + a] += c * (qi(i, a) - qi(j, a));
    }
    for (let a = 0; a < d; a++) vector[a] += parts[r * (d + 1) + a];
  });
  return { vector, bias: 0, parts, iterations, gradientNorm };
}
