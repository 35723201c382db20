/**
 * Planted clusters: a seeded stand-in for a trained embedding table whose structure is known, so
 * tests and the benchmark can score a layout against the truth. Like real item embeddings, the
 * groups differ in size (a few large genres, a long tail of small ones) and rows differ in length
 * (popularity inflates norms), which cosine distance must ignore.
 */

import { mulberry32, normalArray } from '../util/random';

export interface PlantedClusters {
  /** n x d row-major vectors. */
  data: Float32Array;
  /** Cluster of each row, 0..clusters-1. */
  label: Int32Array;
  n: number;
  d: number;
}

export interface PlantedOptions {
  n: number;
  d: number;
  /** Number of clusters (default 12); sizes fall off as 1 / (rank + 1). */
  clusters?: number;
  /**
   * Within-cluster noise per coordinate, relative to the centres' (which are N(0, 1)); default 1.5.
   * There, at d = 32, the clusters touch: of each point's 10 nearest (cosine) neighbours 82%
   * (2k points) to 86% (10k points) share its cluster, so a layout can visibly mix them. At 0.8
   * they are cleanly apart (99.9%).
   */
  noise?: number;
  seed?: number;
}

/** n points in d dimensions from gaussian clusters of Zipf-like sizes, each row scaled 0.5..2. */
export function plantedClusters(opts: PlantedOptions): PlantedClusters {
  const { n, d } = opts;
  const k = Math.max(1, Math.min(n, opts.clusters ?? 12));
  const noise = opts.noise ?? 1.5;
  const random = mulberry32(opts.seed ?? 1);
  const centres = normalArray(k * d, 1, random);

  // Sizes proportional to 1 / (rank + 1), rounded down; the remainder goes to the largest.
  let harmonic = 0;
  for (let c = 0; c < k; c++) harmonic += 1 / (c + 1);
  const sizes = new Int32Array(k);
  let assigned = 0;
  for (let c = 0; c < k; c++) {
    sizes[c] = Math.max(1, Math.floor(n / (c + 1) / harmonic));
    assigned += sizes[c];
  }
  sizes[0] += n - assigned;

  // Labels in shuffled order, so row position says nothing about the cluster.
  const label = new Int32Array(n);
  for (let c = 0, i = 0; c < k; c++) for (let s = 0; s < sizes[c] && i < n; s++) label[i++] = c;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = label[i];
    label[i] = label[j];
    label[j] = t;
  }

  const data = normalArray(n * d, noise, random);
  for (let i = 0; i < n; i++) {
    const c = label[i];
    const scale = 0.5 * 4 ** random();
    for (let a = 0; a < d; a++) data[i * d + a] = (data[i * d + a] + centres[c * d + a]) * scale;
  }
  return { data, label, n, d };
}
