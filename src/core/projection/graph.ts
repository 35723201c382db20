/**
 * UMAP's fuzzy simplicial set: turns a k-neighbour graph into symmetric edge weights in (0, 1].
 * Follows umap-js's `smoothKNNDistance`, `computeMembershipStrengths` and `fuzzySimplicialSet`
 * (themselves umap-learn's; McInnes, Healy & Melville 2018, "UMAP", section 3.1 and appendix) with
 * the default local connectivity 1, bandwidth 1 and set-operation mix 1, but on typed arrays: umap-js's
 * Map-backed sparse matrices take ~3 s for this at 10k points (Node), this takes tens of
 * milliseconds.
 */

import type { KnnGraph } from './knn';

/** Symmetric weighted graph in CSR form: row i's edges are `col[rowStart[i] .. rowStart[i+1])`. */
export interface FuzzyGraph {
  rowStart: Int32Array;
  col: Int32Array;
  weight: Float32Array;
  n: number;
}

const SMOOTH_K_TOLERANCE = 1e-5;
const MIN_K_DIST_SCALE = 1e-3;
const SIGMA_ITERATIONS = 64;

/**
 * Per point, rho (distance to the nearest other point) and sigma (the scale at which the point's
 * k - 1 neighbours' memberships sum to log2 k), by bisection as in umap-js.
 */
export function smoothKnnDistances(knn: KnnGraph): { rho: Float64Array; sigma: Float64Array } {
  const { n, k, dist } = knn;
  const rho = new Float64Array(n);
  const sigma = new Float64Array(n);
  const target = Math.log2(k);
  let meanAll = 0;
  for (let t = 0; t < n * k; t++) meanAll += dist[t];
  meanAll /= n * k;

  for (let i = 0; i < n; i++) {
    const base = i * k;
    // Local connectivity 1: rho is the first non-zero distance (distances are sorted ascending).
    let mean = 0;
    for (let j = 0; j < k; j++) {
      const v = dist[base + j];
      mean += v;
      if (rho[i] === 0 && v > 0) rho[i] = v;
    }
    mean /= k;
    let lo = 0;
    let hi = Infinity;
    let mid = 1;
    for (let it = 0; it < SIGMA_ITERATIONS; it++) {
      let psum = 0;
      // From 1: entry 0 is the point itself.
      for (let j = 1; j < k; j++) {
        const d = dist[base + j] - rho[i];
        psum += d > 0 ? Math.exp(-d / mid) : 1;
      }
      if (Math.abs(psum - target) < SMOOTH_K_TOLERANCE) break;
      if (psum > target) {
        hi = mid;
        mid = (lo + hi) / 2;
      } else {
        lo = mid;
        mid = hi === Infinity ? mid * 2 : (lo + hi) / 2;
      }
    }
    sigma[i] = Math.max(mid, MIN_K_DIST_SCALE * (rho[i] > 0 ? mean : meanAll));
  }
  return { rho, sigma };
}

/**
 * The symmetric fuzzy union P + P^T - P o P^T of the directed memberships
 * P[i, j] = exp(-(d(i, j) - rho_i) / sigma_i) (1 within rho_i). Rows' edges are sorted by column;
 * self-loops and zero weights are left out.
 */
export function fuzzySimplicialSet(knn: KnnGraph): FuzzyGraph {
  const { n, k, index, dist } = knn;
  const { rho, sigma } = smoothKnnDistances(knn);

  // Directed memberships, each row's neighbours sorted by index so P[j, i] can be looked up.
  const m = k - 1;
  const nbr = new Int32Array(n * m);
  const mem = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    let c = 0;
    for (let j = 0; j < k; j++) {
      const t = index[i * k + j];
      if (t === i || t < 0) continue;
      if (c === m) break;
      nbr[i * m + c] = t;
      const d = dist[i * k + j] - rho[i];
      mem[i * m + c] = d <= 0 ? 1 : Math.exp(-d / sigma[i]);
      c++;
    }
    for (; c < m; c++) nbr[i * m + c] = -1; // fewer than k - 1 others (duplicate-free lists)
    sortRowByIndex(nbr, mem, i * m, m);
  }
  const lookup = (i: number, j: number): number => {
    for (let c = i * m; c < i * m + m; c++) if (nbr[c] === j) return mem[c];
    return 0;
  };

  // Each row of the union: its own out-edges plus in-edges i -> j that j does not return.
  const count = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    for (let c = i * m; c < i * m + m; c++) {
      const j = nbr[c];
      if (j < 0 || mem[c] === 0) continue;
      count[i]++;
      if (lookup(j, i) === 0) count[j]++;
    }
  }
  const rowStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) rowStart[i + 1] = rowStart[i] + count[i];
  const col = new Int32Array(rowStart[n]);
  const weight = new Float32Array(rowStart[n]);
  const fill = rowStart.slice(0, n);
  for (let i = 0; i < n; i++) {
    for (let c = i * m; c < i * m + m; c++) {
      const j = nbr[c];
      if (j < 0 || mem[c] === 0) continue;
      const back = lookup(j, i);
      const w = mem[c] + back - mem[c] * back;
      col[fill[i]] = j;
      weight[fill[i]++] = w;
      if (back === 0) {
        col[fill[j]] = i;
        weight[fill[j]++] = w;
      }
    }
  }
  for (let i = 0; i < n; i++) {
    sortRowByIndex(col, weight, rowStart[i], rowStart[i + 1] - rowStart[i]);
  }
  return { rowStart, col, weight, n };
}

/**
 * Sorts `key[from .. from+len)` ascending, carrying `value` along; -1 (no neighbour) sorts last, as
 * an unsigned compare makes it the largest key. Insertion sort: rows hold tens of entries.
 */
function sortRowByIndex(
  key: Int32Array,
  value: Float32Array | Float64Array,
  from: number,
  len: number,
): void {
  for (let a = from + 1; a < from + len; a++) {
    const kk = key[a];
    const vv = value[a];
    let b = a - 1;
    while (b >= from && key[b] >>> 0 > kk >>> 0) {
      key[b + 1] = key[b];
      value[b + 1] = value[b];
      b--;
    }
    key[b + 1] = kk;
    value[b + 1] = vv;
  }
}
