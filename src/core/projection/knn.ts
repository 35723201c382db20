/**
 * Exact k-nearest-neighbour graph of every row of a table under cosine distance, for UMAP.
 * Brute force over all pairs, each pair's dot product computed once and offered to both rows' lists:
 * n^2 d / 2 multiply-adds: 1.6 G at 10k x 32, under a second here (0.7-0.9 s in Node and Chromium),
 * where umap-js's RP-forest + NN-descent takes 1.3 s (Node) and finds 89% of these neighbours.
 * Above a few G multiply-adds `nnDescentKnn` is faster.
 */

export interface KnnGraph {
  /** n x k row-major neighbour indices, nearest first; each row starts with the row itself. */
  index: Int32Array;
  /** n x k cosine distances (1 - cos, >= 0) matching `index`, ascending. */
  dist: Float32Array;
  n: number;
  k: number;
}

/**
 * `unit` is n x d row-major with rows of length 1 (or all zero), so cosine distance is 1 - dot.
 * The row itself is always first (distance 0), as umap-js's neighbour search returns it and UMAP's
 * membership strengths skip it. Ties go to the lower index. k must be <= n.
 */
export function exactKnn(unit: Float32Array, n: number, d: number, k: number): KnnGraph {
  if (unit.length !== n * d) throw new RangeError(`exactKnn: data is not ${n}x${d}`);
  if (k < 1 || k > n) throw new RangeError(`exactKnn: k=${k} for ${n} rows`);
  const lists = new NeighbourLists(n, k - 1);
  // Square tiles of BLOCK x BLOCK rows on and above the diagonal, so a tile's rows (BLOCK x d
  // floats, 32 KB at d = 32) stay in the L1 cache while they are paired up.
  const BLOCK = 256;
  for (let i0 = 0; i0 < n; i0 += BLOCK) {
    const i1 = Math.min(n, i0 + BLOCK);
    for (let j0 = i0; j0 < n; j0 += BLOCK) {
      pairTile(unit, d, lists, i0, i1, j0, Math.min(n, j0 + BLOCK));
    }
  }
  return lists.toGraph();
}

/**
 * Offers every pair (i, j), i in [i0, i1), j in [j0, j1), j > i, to both rows' lists. Two rows of i
 * against four of j at a time: each loaded value feeds 2 or 4 multiply-adds and the 8 sums live in
 * registers, 2.5-3x faster in V8 than one dot product at a time.
 */
function pairTile(
  u: Float32Array,
  d: number,
  lists: NeighbourLists,
  i0: number,
  i1: number,
  j0: number,
  j1: number,
): void {
  let i = i0;
  for (; i + 1 < i1; i += 2) {
    const a0 = i * d;
    const a1 = a0 + d;
    let j = Math.max(j0, i + 2);
    if (j0 <= i) {
      // The pair inside this couple of rows (on the diagonal tile only).
      let s = 0;
      for (let c = 0; c < d; c++) s += u[a0 + c] * u[a1 + c];
      lists.pair(i, i + 1, s);
    }
    for (; j + 3 < j1; j += 4) {
      const b0 = j * d;
      const b1 = b0 + d;
      const b2 = b1 + d;
      const b3 = b2 + d;
      let s00 = 0;
      let s01 = 0;
      let s02 = 0;
      let s03 = 0;
      let s10 = 0;
      let s11 = 0;
      let s12 = 0;
      let s13 = 0;
      for (let c = 0; c < d; c++) {
        const x0 = u[a0 + c];
        const x1 = u[a1 + c];
        const y0 = u[b0 + c];
        const y1 = u[b1 + c];
        const y2 = u[b2 + c];
        const y3 = u[b3 + c];
        s00 += x0 * y0;
        s01 += x0 * y1;
        s02 += x0 * y2;
        s03 += x0 * y3;
        s10 += x1 * y0;
        s11 += x1 * y1;
        s12 += x1 * y2;
        s13 += x1 * y3;
      }
      lists.pair(i, j, s00);
      lists.pair(i, j + 1, s01);
      lists.pair(i, j + 2, s02);
      lists.pair(i, j + 3, s03);
      lists.pair(i + 1, j, s10);
      lists.pair(i + 1, j + 1, s11);
      lists.pair(i + 1, j + 2, s12);
      lists.pair(i + 1, j + 3, s13);
    }
    for (; j < j1; j++) {
      const b0 = j * d;
      let s0 = 0;
      let s1 = 0;
      for (let c = 0; c < d; c++) {
        s0 += u[a0 + c] * u[b0 + c];
        s1 += u[a1 + c] * u[b0 + c];
      }
      lists.pair(i, j, s0);
      lists.pair(i + 1, j, s1);
    }
  }
  // An odd row left at the end of the tile.
  for (; i < i1; i++) {
    const a0 = i * d;
    for (let j = Math.max(j0, i + 1); j < j1; j++) {
      const b0 = j * d;
      let s = 0;
      for (let c = 0; c < d; c++) s += u[a0 + c] * u[b0 + c];
      lists.pair(i, j, s);
    }
  }
}

/**
 * Rows of `data` (n x d) scaled to unit length, as a new array: `exactKnn`'s input, on which
 * cosine distance is 1 - dot.
 * All-zero rows stay zero (distance 1 to everything), as cosine leaves them undefined.
 */
export function unitRows(data: Float32Array, n: number, d: number): Float32Array {
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let a = 0; a < d; a++) norm += data[i * d + a] * data[i * d + a];
    // A row with NaN or infinite entries is left zero too, so no distance is ever NaN.
    if (!(norm > 0 && norm < Infinity)) continue;
    const scale = 1 / Math.sqrt(norm);
    for (let a = 0; a < d; a++) out[i * d + a] = data[i * d + a] * scale;
  }
  return out;
}

/**
 * Per row, the best m (highest similarity) other rows seen, kept sorted best first. Entries carry a
 * "fresh" flag for NN-descent (set on insertion, cleared once the entry has been joined).
 */
export class NeighbourLists {
  readonly sim: Float64Array;
  readonly idx: Int32Array;
  readonly fresh: Uint8Array;
  readonly count: Int32Array;
  /** Per row, the similarity a candidate must reach (the worst kept once the list is full). */
  private readonly floor: Float64Array;

  constructor(
    readonly n: number,
    readonly m: number,
  ) {
    this.sim = new Float64Array(n * m);
    this.idx = new Int32Array(n * m);
    this.fresh = new Uint8Array(n * m);
    this.count = new Int32Array(n);
    // With m = 0 nothing is ever kept.
    this.floor = new Float64Array(n).fill(m > 0 ? -Infinity : Infinity);
  }

  /** Offers similarity s of rows i and j (i != j, a pair never offered before) to both lists. */
  pair(i: number, j: number, s: number): void {
    // Most candidates lose to the worst kept once lists have filled: test before the call.
    if (s >= this.floor[i]) this.insert(i, j, s);
    if (s >= this.floor[j]) this.insert(j, i, s);
  }

  /**
   * Like `pair` for one direction, for a pair that may have been offered before (NN-descent meets
   * the same pair many times): true when j was not yet in row's list and now is.
   */
  offer(row: number, j: number, s: number): boolean {
    if (!(s >= this.floor[row])) return false;
    const base = row * this.m;
    for (let p = base; p < base + this.count[row]; p++) if (this.idx[p] === j) return false;
    return this.insert(row, j, s);
  }

  /** Puts j (similarity s) into row's list if it ranks among the best m; ties to the lower index. */
  private insert(row: number, j: number, s: number): boolean {
    const base = row * this.m;
    let c = this.count[row];
    if (c === this.m) {
      const worst = base + c - 1;
      if (s === this.sim[worst] && j > this.idx[worst]) return false;
      c--;
    } else {
      this.count[row] = c + 1;
    }
    // Insertion into the sorted list: m is ~15, and after the first blocks few candidates qualify.
    let p = base + c;
    while (p > base) {
      const ps = this.sim[p - 1];
      if (ps > s || (ps === s && this.idx[p - 1] < j)) break;
      this.sim[p] = ps;
      this.idx[p] = this.idx[p - 1];
      this.fresh[p] = this.fresh[p - 1];
      p--;
    }
    this.sim[p] = s;
    this.idx[p] = j;
    this.fresh[p] = 1;
    if (this.count[row] === this.m) this.floor[row] = this.sim[base + this.m - 1];
    return true;
  }

  /** The lists as a KnnGraph, each row led by the row itself; lists must be full. */
  toGraph(): KnnGraph {
    const { n, m } = this;
    const k = m + 1;
    const index = new Int32Array(n * k);
    const dist = new Float32Array(n * k);
    for (let i = 0; i < n; i++) {
      index[i * k] = i;
      for (let t = 0; t < m; t++) {
        index[i * k + 1 + t] = this.idx[i * m + t];
        // Clamp: rounding can make 1 - dot slightly negative for near-identical rows.
        dist[i * k + 1 + t] = Math.max(0, 1 - this.sim[i * m + t]);
      }
    }
    return { index, dist, n, k };
  }
}
