/**
 * UMAP's layout optimisation (stochastic gradient descent on the fuzzy cross-entropy, with negative
 * sampling) over typed arrays. The schedule and gradients are umap-js's `optimizeLayoutStep`, itself
 * umap-learn's `optimize_layout_euclidean` (McInnes, Healy & Melville 2018, "UMAP", section 3.2 and
 * appendix C): each edge is sampled in proportion to its weight, pulled together with the gradient of
 * log(1 / (1 + a d^2b)), and each sample pushes its head away from `negativeSampleRate` random
 * points. umap-js stores the layout as arrays of arrays, draws through a closure and calls Math.pow
 * twice per sample; this loop keeps everything in flat typed arrays, inlines its generator and reads
 * d^2b from a table: 200 epochs at 10k points in 3D take 2.0 s in Chromium against umap-js's 3.6 s
 * (and 2.0 s against 7.5 s in Node 20, whose Math.pow is slower).
 */

import type { FuzzyGraph } from './graph';

export interface LayoutOptions {
  /** Curve parameters of the low-dimensional similarity 1 / (1 + a d^2b); see `findAB`. */
  a: number;
  b: number;
  nEpochs: number;
  seed: number;
  /** Repulsive samples per attractive one (umap default 5). */
  negativeSampleRate?: number;
  /** Initial learning rate, decayed linearly to 0 (umap default 1). */
  learningRate?: number;
  /** Weight of the repulsive term (umap default 1). */
  repulsionStrength?: number;
}

/** Per-coordinate gradient clip, as umap-js and umap-learn. */
const CLIP = 4;

export class LayoutOptimizer {
  /** n x dims row-major layout, updated in place by `step`. */
  readonly embedding: Float64Array;
  readonly nEpochs: number;
  private readonly dims: number;
  private readonly n: number;
  private readonly head: Int32Array;
  private readonly tail: Int32Array;
  private readonly epochsPerSample: Float64Array;
  private readonly epochOfNextSample: Float64Array;
  private readonly epochsPerNegativeSample: Float64Array;
  private readonly epochOfNextNegativeSample: Float64Array;
  private readonly a: number;
  private readonly b: number;
  private readonly gamma: number;
  private readonly powTable: Float64Array;
  private readonly learningRate: number;
  /** xorshift32 state for negative samples; never 0. */
  private rng: number;
  private epoch = 0;

  /**
   * `graph` is the symmetric fuzzy graph (every undirected edge stored in both rows, so both
   * directions are sampled, as in umap-js). `init` (n x dims) is copied, never modified.
   */
  constructor(graph: FuzzyGraph, init: Float32Array, dims: number, opts: LayoutOptions) {
    const { n, rowStart, col, weight } = graph;
    if (init.length !== n * dims) throw new RangeError(`LayoutOptimizer: init is not ${n}x${dims}`);
    this.embedding = Float64Array.from(init);
    this.dims = dims;
    this.n = n;
    this.nEpochs = opts.nEpochs;
    this.a = opts.a;
    this.b = opts.b;
    this.powTable = powTable(opts.b);
    this.gamma = opts.repulsionStrength ?? 1;
    this.learningRate = opts.learningRate ?? 1;
    this.rng = (opts.seed ^ 0x9e3779b9) >>> 0 || 1;

    // Edges too weak to be sampled even once in nEpochs are dropped (umap-js
    // `initializeSimplicialSetEmbedding`); the rest are sampled every max / w epochs.
    let max = 0;
    for (let e = 0; e < weight.length; e++) max = Math.max(max, weight[e]);
    let kept = 0;
    for (let e = 0; e < weight.length; e++) if (weight[e] >= max / this.nEpochs) kept++;
    this.head = new Int32Array(kept);
    this.tail = new Int32Array(kept);
    this.epochsPerSample = new Float64Array(kept);
    for (let i = 0, e = 0; i < n; i++) {
      for (let c = rowStart[i]; c < rowStart[i + 1]; c++) {
        if (weight[c] < max / this.nEpochs) continue;
        this.head[e] = i;
        this.tail[e] = col[c];
        this.epochsPerSample[e++] = max / weight[c];
      }
    }
    const rate = opts.negativeSampleRate ?? 5;
    this.epochOfNextSample = this.epochsPerSample.slice();
    this.epochsPerNegativeSample = this.epochsPerSample.map((v) => v / rate);
    this.epochOfNextNegativeSample = this.epochsPerNegativeSample.slice();
  }

  /** Epochs run so far. */
  get epochsDone(): number {
    return this.epoch;
  }

  /** Runs one epoch (a no-op once all are done); returns the epochs run so far. */
  step(): number {
    const n = this.epoch;
    if (n >= this.nEpochs) return n;
    const { embedding: y, dims, head, tail, a, b, gamma } = this;
    const { epochsPerSample, epochOfNextSample, epochsPerNegativeSample, powTable } = this;
    const epochOfNextNegativeSample = this.epochOfNextNegativeSample;
    const nVertices = this.n;
    const alpha = this.learningRate * (1 - n / this.nEpochs);
    let s = this.rng;

    for (let e = 0; e < head.length; e++) {
      if (epochOfNextSample[e] > n) continue;
      const j = head[e] * dims;
      const k = tail[e] * dims;

      // Attraction: d/dy log(1 + a d^2b)^-1, with d^(2b-2) computed as d^2b / d^2.
      let d2 = 0;
      for (let c = 0; c < dims; c++) {
        const diff = y[j + c] - y[k + c];
        d2 += diff * diff;
      }
      if (d2 > 0) {
        const pb = powB(powTable, d2, b);
        const coeff = (-2 * a * b * pb) / d2 / (a * pb + 1);
        for (let c = 0; c < dims; c++) {
          const g = clip(coeff * (y[j + c] - y[k + c])) * alpha;
          y[j + c] += g;
          y[k + c] -= g;
        }
      }
      epochOfNextSample[e] += epochsPerSample[e];

      // Repulsion from the negative samples due by now.
      const nNeg = Math.floor((n - epochOfNextNegativeSample[e]) / epochsPerNegativeSample[e]);
      for (let p = 0; p < nNeg; p++) {
        s ^= s << 13;
        s ^= s >>> 17;
        s ^= s << 5;
        const other = Math.floor(((s >>> 0) / 4294967296) * nVertices) * dims;
        let r2 = 0;
        for (let c = 0; c < dims; c++) {
          const diff = y[j + c] - y[other + c];
          r2 += diff * diff;
        }
        if (r2 > 0) {
          const coeff = (2 * gamma * b) / ((0.001 + r2) * (a * powB(powTable, r2, b) + 1));
          for (let c = 0; c < dims; c++)
            y[j + c] += clip(coeff * (y[j + c] - y[other + c])) * alpha;
        } else if (j !== other) {
          // Two distinct points on the same spot: push apart at the clip limit (umap-js does too).
          for (let c = 0; c < dims; c++) y[j + c] += CLIP * alpha;
        }
      }
      epochOfNextNegativeSample[e] += nNeg * epochsPerNegativeSample[e];
    }
    this.rng = s;
    return ++this.epoch;
  }
}

/**
 * d^2b dominates the loop's cost: Math.pow takes 10 ns in Chromium's V8 (35 ns in Node 20's), exp
 * and log together 7.5 ns, about as much as the rest of a sample. So d^2b is read from a table over
 * d = sqrt(d2) in [0, POW_TABLE_MAX) in steps of 1 / POW_TABLE_STEPS with linear interpolation,
 * where d^2b is smooth: relative error under 0.07% at umap's default min-dist 0.1 (b = 0.9), 0.5% at
 * min-dist 0.99 (b = 1.9), and far less above d = 1. Below POW_TABLE_MIN (interpolation error grows
 * as d -> 0) and beyond the table (layouts start within +-10, so few pairs get that far apart) it
 * falls back to exp and log: about 0.5% of samples at 10k points. 200 epochs at 10k points in
 * Chromium: 2.0 s, against 2.9 s with Math.pow.
 */
const POW_TABLE_STEPS = 128;
const POW_TABLE_MAX = 64;
const POW_TABLE_MIN = 16 / POW_TABLE_STEPS;

/** The table `powB` reads: (i / POW_TABLE_STEPS)^2b for every step i of [0, POW_TABLE_MAX]. */
export function powTable(b: number): Float64Array {
  const table = new Float64Array(POW_TABLE_MAX * POW_TABLE_STEPS + 2);
  for (let i = 0; i < table.length; i++) table[i] = Math.pow(i / POW_TABLE_STEPS, 2 * b);
  return table;
}

/** d2^b (d2 a squared distance), through `table` from `powTable(b)`; exported for tests. */
export function powB(table: Float64Array, d2: number, b: number): number {
  const d = Math.sqrt(d2);
  if (d < POW_TABLE_MIN || d >= POW_TABLE_MAX) return Math.exp(b * Math.log(d2));
  const u = d * POW_TABLE_STEPS;
  const i = u | 0;
  const lo = table[i];
  return lo + (u - i) * (table[i + 1] - lo);
}

function clip(x: number): number {
  return x > CLIP ? CLIP : x < -CLIP ? -CLIP : x;
}

/**
 * a and b of the curve 1 / (1 + a x^2b) closest (least squares over 300 points in [0, 3 spread]) to
 * the target similarity: 1 up to minDist, then exp(-(x - minDist) / spread). This is umap-learn's
 * `find_ab_params` (scipy curve_fit) and umap-js's `findABParams` (Levenberg-Marquardt), here
 * Levenberg-Marquardt with analytic derivatives. minDist 0.1, spread 1 gives a = 1.577, b = 0.895.
 */
export function findAB(spread: number, minDist: number): { a: number; b: number } {
  const m = 300;
  const x = new Float64Array(m);
  const y = new Float64Array(m);
  for (let t = 0; t < m; t++) {
    x[t] = (3 * spread * t) / (m - 1);
    y[t] = x[t] < minDist ? 1 : Math.exp(-(x[t] - minDist) / spread);
  }
  const residual = (a: number, b: number): number => {
    let r = 0;
    for (let t = 0; t < m; t++) r += (1 / (1 + a * Math.pow(x[t], 2 * b)) - y[t]) ** 2;
    return r;
  };
  let a = 1;
  let b = 1;
  let lambda = 1e-3;
  let err = residual(a, b);
  for (let it = 0; it < 200; it++) {
    // Normal equations J^T J + lambda diag(J^T J) of the 2-parameter problem.
    let jaa = 0;
    let jab = 0;
    let jbb = 0;
    let ga = 0;
    let gb = 0;
    for (let t = 0; t < m; t++) {
      if (x[t] === 0) continue; // f = 1 whatever a and b: no gradient
      const p = Math.pow(x[t], 2 * b);
      const f = 1 / (1 + a * p);
      const da = -p * f * f;
      const db = -a * p * 2 * Math.log(x[t]) * f * f;
      const r = f - y[t];
      jaa += da * da;
      jab += da * db;
      jbb += db * db;
      ga += da * r;
      gb += db * r;
    }
    const ma = jaa * (1 + lambda);
    const mb = jbb * (1 + lambda);
    const det = ma * mb - jab * jab;
    if (!(Math.abs(det) > 0)) break;
    const stepA = -(mb * ga - jab * gb) / det;
    const stepB = -(ma * gb - jab * ga) / det;
    const next = residual(a + stepA, b + stepB);
    if (next < err) {
      const gain = err - next;
      a += stepA;
      b += stepB;
      err = next;
      lambda = Math.max(lambda / 10, 1e-12);
      if (gain < 1e-14 * Math.max(err, 1e-300)) break;
    } else {
      lambda *= 10;
      if (lambda > 1e12) break;
    }
  }
  return { a, b };
}
