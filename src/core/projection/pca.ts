/**
 * Principal component analysis for embedding tables (n rows of dimension d <= ~256).
 * Deterministic: the same input always gives the same axes and signs, so a view does not flip
 * between two projections of nearly the same embeddings.
 */

import { mulberry32 } from '../util/random';

export interface PcaResult {
  /** n x k row-major projections onto the top-k principal axes. */
  coords: Float32Array;
  /** Fraction of total variance carried by each of the k axes (0 for padded axes); sums to <= 1. */
  explained: number[];
}

const MAX_ITERATIONS = 1000;
const TOLERANCE = 1e-10;

/**
 * Projects `data` (n x d row-major) onto its top-k principal components.
 * When k > d (or the data has rank < k) the extra columns are zero, so the output is always n x k.
 */
export function pca(data: Float32Array, n: number, d: number, k: number): PcaResult {
  if (data.length !== n * d)
    throw new RangeError(`pca: data has ${data.length} values, not ${n}x${d}`);
  const coords = new Float32Array(n * k);
  const explained = new Array<number>(k).fill(0);
  if (n === 0 || d === 0 || k === 0) return { coords, explained };

  const mean = columnMeans(data, n, d);
  const cov = covariance(data, n, d, mean);
  let trace = 0;
  for (let a = 0; a < d; a++) trace += cov[a * d + a];
  if (!(trace > 0)) return { coords, explained };

  const axes = topEigenvectors(cov, d, Math.min(k, d), trace * 1e-12);
  for (let c = 0; c < axes.length; c++) {
    const { vector, value } = axes[c];
    explained[c] = Math.max(0, value) / trace;
    for (let i = 0; i < n; i++) {
      let s = 0;
      const row = i * d;
      for (let a = 0; a < d; a++) s += (data[row + a] - mean[a]) * vector[a];
      coords[i * k + c] = s;
    }
  }
  return { coords, explained };
}

function columnMeans(data: Float32Array, n: number, d: number): Float64Array {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) mean[a] += data[i * d + a];
  for (let a = 0; a < d; a++) mean[a] /= n;
  return mean;
}

/** d x d population covariance; float64 because float32 sums over 100k rows lose the small axes. */
function covariance(data: Float32Array, n: number, d: number, mean: Float64Array): Float64Array {
  const cov = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) row[a] = data[i * d + a] - mean[a];
    for (let a = 0; a < d; a++) {
      const ra = row[a];
      if (ra === 0) continue;
      const base = a * d;
      for (let b = a; b < d; b++) cov[base + b] += ra * row[b];
    }
  }
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      const v = cov[a * d + b] / n;
      cov[a * d + b] = v;
      cov[b * d + a] = v;
    }
  }
  return cov;
}

/**
 * Power iteration with deflation. Each new vector is also re-orthogonalised against the earlier
 * ones, because deflation alone lets rounding error pull it back towards the leading axis.
 */
function topEigenvectors(
  cov: Float64Array,
  d: number,
  k: number,
  negligible: number,
): { vector: Float64Array; value: number }[] {
  const m = Float64Array.from(cov);
  const found: { vector: Float64Array; value: number }[] = [];
  // A fixed-seed start rather than all-ones: all-ones is orthogonal to common axes such as (1,-1).
  const random = mulberry32(0x9e3779b9);
  let next = new Float64Array(d);
  for (let c = 0; c < k; c++) {
    let v = new Float64Array(d);
    for (let a = 0; a < d; a++) v[a] = random() - 0.5;
    orthogonalise(v, found);
    if (!normalise(v)) break;
    let value = 0;
    for (let it = 0; it < MAX_ITERATIONS; it++) {
      multiply(m, v, next, d);
      orthogonalise(next, found);
      value = dot(v, next);
      if (!normalise(next)) {
        value = 0;
        break;
      }
      let change = 0;
      for (let a = 0; a < d; a++)
        change = Math.max(change, Math.abs(Math.abs(next[a]) - Math.abs(v[a])));
      const done = change < TOLERANCE;
      [v, next] = [next, v];
      if (done) break;
    }
    // What is left is rounding noise: its axes would be arbitrary and carry no variance.
    if (value <= negligible) break;
    fixSign(v);
    found.push({ vector: v, value });
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < d; b++) m[a * d + b] -= value * v[a] * v[b];
    }
  }
  return found;
}

function multiply(m: Float64Array, v: Float64Array, out: Float64Array, d: number): void {
  for (let a = 0; a < d; a++) {
    let s = 0;
    const base = a * d;
    for (let b = 0; b < d; b++) s += m[base + b] * v[b];
    out[a] = s;
  }
}

function dot(x: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let a = 0; a < x.length; a++) s += x[a] * y[a];
  return s;
}

function orthogonalise(v: Float64Array, basis: { vector: Float64Array }[]): void {
  for (const { vector } of basis) {
    const p = dot(v, vector);
    for (let a = 0; a < v.length; a++) v[a] -= p * vector[a];
  }
}

/** Scales v to unit length; false when it is (numerically) zero. */
function normalise(v: Float64Array): boolean {
  const norm = Math.sqrt(dot(v, v));
  if (!(norm > 1e-300)) return false;
  for (let a = 0; a < v.length; a++) v[a] /= norm;
  return true;
}

/** Eigenvectors have no sign; pin it (largest entry positive) so repeated runs agree. */
function fixSign(v: Float64Array): void {
  let best = 0;
  for (let a = 1; a < v.length; a++) if (Math.abs(v[a]) > Math.abs(v[best])) best = a;
  if (v[best] < 0) for (let a = 0; a < v.length; a++) v[a] = -v[a];
}
