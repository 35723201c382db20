/**
 * How faithful a layout is, for tests and the benchmark: both scores look at each point's nearest
 * neighbours in the layout, which is what a person reads off a scatter plot.
 */

import type { KnnGraph } from './knn';

/**
 * The k nearest other points of every point of `layout` (n x dims row-major) by euclidean distance:
 * n x k indices, nearest first, ties to the lower index. Brute force, O(n^2 dims): ~0.3 s at 10k
 * points in 3D.
 */
export function layoutNeighbours(layout: Float32Array, n: number, dims: number, k: number) {
  const m = Math.min(k, n - 1);
  const idx = new Int32Array(n * m).fill(-1);
  const dist = new Float64Array(n * m).fill(Infinity);
  for (let i = 0; i < n; i++) {
    const base = i * m;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      let d2 = 0;
      for (let c = 0; c < dims; c++) {
        const diff = layout[i * dims + c] - layout[j * dims + c];
        d2 += diff * diff;
      }
      if (d2 >= dist[base + m - 1]) continue;
      let p = base + m - 1;
      while (p > base && dist[p - 1] > d2) {
        dist[p] = dist[p - 1];
        idx[p] = idx[p - 1];
        p--;
      }
      dist[p] = d2;
      idx[p] = j;
    }
  }
  return { index: idx, k: m };
}

/**
 * Mean over points of the share of their k nearest layout neighbours that carry the same label:
 * 1 when planted clusters stay apart, about sum(share_c^2) for a random layout.
 */
export function labelPurity(
  layout: Float32Array,
  n: number,
  dims: number,
  label: Int32Array,
  k = 10,
): number {
  const nb = layoutNeighbours(layout, n, dims, k);
  let same = 0;
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < nb.k; t++) if (label[nb.index[i * nb.k + t]] === label[i]) same++;
  }
  return n > 0 && nb.k > 0 ? same / (n * nb.k) : 0;
}

/**
 * Mean over points of the share of their high-dimensional neighbours (from `knn`, the point itself
 * left out) that are also among their nearest layout neighbours, as many as there are of the former.
 */
export function neighbourRecall(layout: Float32Array, dims: number, knn: KnnGraph): number {
  const { n, k, index } = knn;
  const nb = layoutNeighbours(layout, n, dims, k - 1);
  let kept = 0;
  let total = 0;
  const mark = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < nb.k; t++) mark[nb.index[i * nb.k + t]] = i;
    for (let t = 0; t < k; t++) {
      const j = index[i * k + t];
      if (j === i || j < 0) continue;
      total++;
      if (mark[j] === i) kept++;
    }
  }
  return total > 0 ? kept / total : 0;
}
