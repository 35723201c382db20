/**
 * A seeded, step-able UMAP (McInnes, Healy & Melville 2018), so the caller (a worker session) owns
 * pacing, progress and cancellation. Distances are cosine: recommender embeddings are compared by
 * angle, and a popularity-driven vector norm would otherwise dominate the layout.
 *
 * The algorithm is umap-js's (itself umap-learn's) with its defaults, over typed arrays instead of
 * umap-js's arrays of arrays and Map-backed sparse matrices: 10k x 32 to 3D takes 6.5-7 s in umap-js
 * alone and about 3 s here, the first picture after 20-60 ms (`npm run bench`, Chromium, 2 shared
 * cores). Where it departs from umap-js:
 * - neighbours are exact (`exactKnn`) up to ~10k x 32, where that takes under a second; above,
 *   our own typed-array RP-forest + NN-descent (`nnDescentKnn`), like umap-js's but faster;
 * - the layout starts from PCA scaled to +-10 (umap-learn's `init="pca"`), not uniform noise in
 *   +-10 (umap-js), so a first picture exists at once and global structure survives;
 * - the optimiser reads d^2b from a table (`LayoutOptimizer`) instead of calling Math.pow.
 */

import { pca } from './pca';
import { exactKnn, unitRows, type KnnGraph } from './knn';
import { nnDescentKnn } from './nndescent';
import { fuzzySimplicialSet } from './graph';
import { LayoutOptimizer, findAB } from './layout';
import { mulberry32 } from '../util/random';

export interface UmapOptions {
  dims: 2 | 3;
  /** Neighbourhood size, the point itself included as in umap-js (default 15). */
  nNeighbors?: number;
  /** Minimum distance between embedded points (umap default 0.1). */
  minDist?: number;
  /** Optimisation epochs; when absent 500..200 depending on n, as umap-js picks. */
  nEpochs?: number;
  /** Seed for every random choice (initial jitter, negative sampling, NN-descent). */
  seed?: number;
}

const DEFAULT_NEIGHBOURS = 15;
const DEFAULT_MIN_DIST = 0.1;
const DEFAULT_SEED = 42;
/** umap-learn scales its initial layout so the largest coordinate is 10 ... */
const INIT_EXTENT = 10;
/** ... and jitters it by this much, so coinciding points are told apart. */
const INIT_NOISE = 1e-4;
/**
 * Exact neighbours cost n^2 d / 2 multiply-adds, about 2.5 G/s in V8 here; above this budget
 * (under a second) NN-descent takes over: 10k x 32 is exact, 100k x 32 would take a minute exact
 * and takes seconds by NN-descent.
 */
const EXACT_KNN_BUDGET = 2e9;

export class UmapRunner {
  private readonly unit: Float32Array;
  private readonly n: number;
  private readonly d: number;
  private readonly dims: 2 | 3;
  private readonly nNeighbors: number;
  private readonly opts: UmapOptions;
  private init: Float32Array | null = null;
  private optimizer: LayoutOptimizer | null = null;
  private fallbackLayout: Float32Array | null = null;

  /** `data` is n x d row-major; it is read, never modified. */
  constructor(data: Float32Array, n: number, d: number, opts: UmapOptions) {
    if (data.length !== n * d) {
      throw new RangeError(`UmapRunner: data has ${data.length} values, not ${n}x${d}`);
    }
    this.unit = unitRows(data, n, d);
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
   * The layout optimisation will start from (n x dims, fitted to [-1, 1]): PCA of the unit rows,
   * tens of milliseconds at 10k points, so a caller can show it before the neighbour graph is built.
   */
  initialLayout(): Float32Array {
    return fitUnitBox(this.startLayout(), this.n, this.dims);
  }

  /**
   * Builds the neighbour graph and the initial layout (the unsliceable part: ~0.7 s at 10k x 32).
   * Returns the total number of epochs; 0 when the PCA fallback was used.
   */
  initialize(): number {
    if (this.n < this.nNeighbors + 2) {
      // Too few points for a k-neighbour graph; PCA still gives a sensible, deterministic picture.
      this.fallbackLayout = pca(this.unit, this.n, this.d, this.dims).coords;
      return 0;
    }
    const graph = fuzzySimplicialSet(this.neighbours());
    const { a, b } = findAB(1, this.opts.minDist ?? DEFAULT_MIN_DIST);
    this.optimizer = new LayoutOptimizer(graph, this.startLayout(), this.dims, {
      a,
      b,
      nEpochs: this.opts.nEpochs ?? defaultEpochs(this.n),
      seed: this.opts.seed ?? DEFAULT_SEED,
    });
    return this.optimizer.nEpochs;
  }

  /** Runs up to `epochs` more optimisation epochs; returns the epochs done so far in total. */
  step(epochs: number): number {
    const opt = this.optimizer;
    if (!opt) {
      if (this.fallbackLayout) return 0;
      throw new Error('UmapRunner.step called before initialize');
    }
    for (let e = 0; e < epochs && opt.epochsDone < opt.nEpochs; e++) opt.step();
    return opt.epochsDone;
  }

  /** Total epochs (valid after initialize). */
  get totalEpochs(): number {
    return this.optimizer?.nEpochs ?? 0;
  }

  /** Current layout: n x dims row-major, centred and uniformly scaled to fit [-1, 1]. */
  embedding(): Float32Array {
    if (this.fallbackLayout) return fitUnitBox(this.fallbackLayout, this.n, this.dims);
    if (!this.optimizer) throw new Error('UmapRunner.embedding called before initialize');
    return fitUnitBox(this.optimizer.embedding, this.n, this.dims);
  }

  private neighbours(): KnnGraph {
    const { unit, n, d, nNeighbors } = this;
    return (n * n * d) / 2 <= EXACT_KNN_BUDGET
      ? exactKnn(unit, n, d, nNeighbors)
      : nnDescentKnn(unit, n, d, nNeighbors, this.opts.seed ?? DEFAULT_SEED);
  }

  /** PCA of the unit rows scaled to +-INIT_EXTENT and jittered (umap-learn's `init="pca"`). */
  private startLayout(): Float32Array {
    if (this.init) return this.init;
    const { n, dims } = this;
    const coords = pca(this.unit, n, this.d, dims).coords;
    let max = 0;
    for (const v of coords) max = Math.max(max, Math.abs(v));
    const scale = max > 0 ? INIT_EXTENT / max : 0;
    const random = mulberry32(this.opts.seed ?? DEFAULT_SEED);
    for (let j = 0; j < n * dims; j++)
      coords[j] = coords[j] * scale + (random() - 0.5) * INIT_NOISE;
    this.init = coords;
    return coords;
  }
}

/** umap-js's default epochs: fewer for larger sets, whose graphs give more samples per epoch. */
export function defaultEpochs(n: number): number {
  return n <= 2500 ? 500 : n <= 5000 ? 400 : n <= 7500 ? 300 : 200;
}

/**
 * Centres a layout (n x dims) on its bounding-box midpoint and scales it uniformly so the largest
 * coordinate magnitude is 1; returns a new array. A layout of identical points becomes all zeros.
 */
export function fitUnitBox(
  layout: Float32Array | Float64Array,
  n: number,
  dims: number,
): Float32Array {
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
