/**
 * A seeded, step-able UMAP over umap-js, so the caller (a worker session) owns pacing, progress and
 * cancellation. Distances are cosine: recommender embeddings are compared by angle, and a
 * popularity-driven vector norm would otherwise dominate the layout.
 */

import { UMAP } from 'umap-js';
import { mulberry32 } from '../util/random';
import { pca } from './pca';

export interface UmapOptions {
  dims: 2 | 3;
  /** Neighbourhood size (umap-js default 15). */
  nNeighbors?: number;
  /** Minimum distance between embedded points (umap-js default 0.1). */
  minDist?: number;
  /** Optimisation epochs; when absent umap-js picks 500..200 depending on n. */
  nEpochs?: number;
  /** Seed for every random choice (trees, neighbour descent, init, negative sampling). */
  seed?: number;
}

const DEFAULT_NEIGHBOURS = 15;
const DEFAULT_SEED = 42;

export class UmapRunner {
  private readonly data: Float32Array;
  private readonly n: number;
  private readonly d: number;
  private readonly dims: 2 | 3;
  private readonly nNeighbors: number;
  private readonly opts: UmapOptions;
  private umap: UMAP | null = null;
  private fallbackLayout: Float32Array | null = null;
  private total = 0;
  private done = 0;

  /** `data` is n x d row-major; it is read, never modified. */
  constructor(data: Float32Array, n: number, d: number, opts: UmapOptions) {
    if (data.length !== n * d) {
      throw new RangeError(`UmapRunner: data has ${data.length} values, not ${n}x${d}`);
    }
    this.data = data;
    this.n = n;
    this.d = d;
    this.dims = opts.dims;
    this.opts = opts;
    this.nNeighbors = Math.max(2, Math.round(opts.nNeighbors ?? DEFAULT_NEIGHBOURS));
  }

  /** True when n was too small for the neighbour graph and the layout is PCA instead. */
  get isFallback(): boolean {
    return this.fallbackLayout !== null;
  }

  /**
   * Builds the neighbour graph and the initial layout (the slow, unsliceable part: O(n log n) cosine
   * distances). Returns the total number of epochs; 0 when the PCA fallback was used.
   */
  initialize(): number {
    if (this.n < this.nNeighbors + 2) {
      // Too few points for a k-neighbour graph; PCA still gives a sensible, deterministic picture.
      this.fallbackLayout = pca(this.data, this.n, this.d, this.dims).coords;
      this.total = 0;
      return 0;
    }
    this.umap = new UMAP({
      nComponents: this.dims,
      nNeighbors: this.nNeighbors,
      minDist: this.opts.minDist,
      nEpochs: this.opts.nEpochs,
      random: mulberry32(this.opts.seed ?? DEFAULT_SEED),
      distanceFn: unitCosineDistance,
    });
    // umap-js also builds a search graph that only transform() reads (about 10% of this call at
    // 10k points); we never transform, so skip it. Harmless if a later umap-js drops the method.
    (this.umap as unknown as { makeSearchGraph: () => null }).makeSearchGraph = () => null;
    this.total = this.umap.initializeFit(unitRows(this.data, this.n, this.d));
    this.done = 0;
    return this.total;
  }

  /** Runs up to `epochs` more optimisation epochs; returns the epochs done so far in total. */
  step(epochs: number): number {
    if (!this.umap) {
      if (this.fallbackLayout) return 0;
      throw new Error('UmapRunner.step called before initialize');
    }
    for (let e = 0; e < epochs && this.done < this.total; e++) this.done = this.umap.step();
    return this.done;
  }

  /** Total epochs (valid after initialize). */
  get totalEpochs(): number {
    return this.total;
  }

  /** Current layout: n x dims row-major, centred and uniformly scaled to fit [-1, 1]. */
  embedding(): Float32Array {
    if (this.fallbackLayout) return fitUnitBox(this.fallbackLayout, this.n, this.dims);
    if (!this.umap) throw new Error('UmapRunner.embedding called before initialize');
    const rows = this.umap.getEmbedding();
    const out = new Float32Array(this.n * this.dims);
    for (let i = 0; i < this.n; i++) {
      const row = rows[i];
      for (let c = 0; c < this.dims; c++) out[i * this.dims + c] = row[c];
    }
    return fitUnitBox(out, this.n, this.dims);
  }
}

/**
 * Rows scaled to unit length, as the plain arrays umap-js wants. After this, cosine distance is
 * 1 - dot, which spares umap-js's Math.pow-based cosine for every pair it visits.
 * All-zero rows stay zero (distance 1 to everything), as cosine leaves them undefined.
 */
function unitRows(data: Float32Array, n: number, d: number): number[][] {
  const rows: number[][] = new Array<number[]>(n);
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let a = 0; a < d; a++) norm += data[i * d + a] * data[i * d + a];
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    const row = new Array<number>(d);
    for (let a = 0; a < d; a++) row[a] = data[i * d + a] * scale;
    rows[i] = row;
  }
  return rows;
}

function unitCosineDistance(x: number[], y: number[]): number {
  let s = 0;
  for (let a = 0; a < x.length; a++) s += x[a] * y[a];
  // Clamp: rounding can make 1 - dot slightly negative for identical rows.
  return Math.max(0, 1 - s);
}

/**
 * Centres a layout (n x dims) on its bounding-box midpoint and scales it uniformly so the largest
 * coordinate magnitude is 1; returns a new array. A layout of identical points becomes all zeros.
 */
export function fitUnitBox(layout: Float32Array, n: number, dims: number): Float32Array {
  const out = new Float32Array(n * dims);
  if (n === 0) return out;
  let half = 0;
  const mid = new Float64Array(dims);
  for (let c = 0; c < dims; c++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = layout[i * dims + c];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    mid[c] = (lo + hi) / 2;
    half = Math.max(half, (hi - lo) / 2);
  }
  const scale = half > 0 ? 1 / half : 0;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < dims; c++) out[i * dims + c] = (layout[i * dims + c] - mid[c]) * scale;
  }
  return out;
}
