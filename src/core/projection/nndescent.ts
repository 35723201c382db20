/**
 * Approximate k-nearest neighbours under cosine distance for tables too large for `exactKnn`'s
 * n^2 d / 2 multiply-adds (100k x 32 would take about a minute). NN-descent (Dong, Moses & Li 2011,
 * "Efficient k-nearest neighbor graph construction for generic similarity measures"): a neighbour
 * of a neighbour is likely a neighbour, so each round compares only pairs of each point's
 * candidates. Started from random-projection-tree leaves, and with pynndescent's defaults (which
 * umap-js also follows): 5 + sqrt(n) / 20 trees of leaves of max(10, k) points, at most
 * max(5, log2 n) rounds, stopping once a round changes fewer than 0.1% of the entries. Typed arrays
 * throughout; seeded, so deterministic.
 */

import { NeighbourLists, type KnnGraph } from './knn';
import { mulberry32 } from '../util/random';

/** Stop once a round improves fewer than this share of the n x k entries (pynndescent's delta). */
const DELTA = 0.001;
/**
 * Candidates per point and round, new and old each (umap-js's maxCandidates). At 10k x 32 planted
 * clusters, 14 (pynndescent's min(60, k)) finds 90% of the true neighbours, 50 finds 93% for 10%
 * more time; umap-js's own NN-descent finds 89% there, in 2.5x the time.
 */
const MAX_CANDIDATES = 50;

/**
 * The approximate k nearest rows of every row of `unit` (n x d, rows of length 1 or 0), in the
 * form `exactKnn` returns (each row first in its own list). k must be <= n.
 */
export function nnDescentKnn(
  unit: Float32Array,
  n: number,
  d: number,
  k: number,
  seed: number,
): KnnGraph {
  if (unit.length !== n * d) throw new RangeError(`nnDescentKnn: data is not ${n}x${d}`);
  if (k < 1 || k > n) throw new RangeError(`nnDescentKnn: k=${k} for ${n} rows`);
  const m = k - 1;
  const lists = new NeighbourLists(n, m);
  const random = mulberry32(seed);
  const dot = (i: number, j: number): number => {
    let s = 0;
    const a = i * d;
    const b = j * d;
    for (let c = 0; c < d; c++) s += unit[a + c] * unit[b + c];
    return s;
  };
  const offerPair = (i: number, j: number): number => {
    const s = dot(i, j);
    return (lists.offer(i, j, s) ? 1 : 0) + (lists.offer(j, i, s) ? 1 : 0);
  };
  if (m === 0) return lists.toGraph();

  // Start: every pair within each leaf of a few random-projection trees.
  const trees = 5 + Math.round(Math.sqrt(n) / 20);
  const leafSize = Math.max(10, k);
  const order = new Int32Array(n);
  for (let t = 0; t < trees; t++) {
    for (const [lo, hi] of rpTreeLeaves(unit, n, d, leafSize, order, random)) {
      for (let a = lo; a < hi; a++) for (let b = a + 1; b < hi; b++) offerPair(order[a], order[b]);
    }
  }
  // Rows a lopsided tree left short (tiny leaves): fill with random others, then in order.
  for (let i = 0; i < n; i++) {
    for (let tries = 0; lists.count[i] < m && tries < 3 * m; tries++) {
      const j = Math.floor(random() * n);
      if (j !== i) lists.offer(i, j, dot(i, j));
    }
    for (let j = 0; lists.count[i] < m && j < n; j++) if (j !== i) lists.offer(i, j, dot(i, j));
  }

  // Rounds of local joins among each point's candidates (its neighbours and reverse neighbours).
  const fresh = new CandidateSets(n, MAX_CANDIDATES);
  const stale = new CandidateSets(n, MAX_CANDIDATES);
  const rounds = Math.max(5, Math.round(Math.log2(n)));
  for (let round = 0; round < rounds; round++) {
    fresh.clear();
    stale.clear();
    for (let i = 0; i < n; i++) {
      for (let p = i * m; p < i * m + lists.count[i]; p++) {
        const j = lists.idx[p];
        const into = lists.fresh[p] ? fresh : stale;
        const priority = random();
        into.push(i, j, priority);
        into.push(j, i, priority);
      }
    }
    // Fresh entries that made it into a candidate set are now being joined: no longer fresh.
    for (let i = 0; i < n; i++) {
      for (let p = i * m; p < i * m + lists.count[i]; p++) {
        if (lists.fresh[p] && fresh.has(i, lists.idx[p])) lists.fresh[p] = 0;
      }
    }
    let updates = 0;
    for (let i = 0; i < n; i++) {
      const fs = fresh.start(i);
      const fe = fs + fresh.size[i];
      const ss = stale.start(i);
      const se = ss + stale.size[i];
      for (let a = fs; a < fe; a++) {
        const p = fresh.item[a];
        for (let b = a + 1; b < fe; b++) updates += offerPair(p, fresh.item[b]);
        for (let b = ss; b < se; b++) {
          const q = stale.item[b];
          if (q !== p) updates += offerPair(p, q);
        }
      }
    }
    if (updates <= DELTA * n * k) break;
  }
  return lists.toGraph();
}

/**
 * Per point, up to `cap` candidate points, a uniform sample of those pushed (the ones with the
 * lowest random priority are kept), without duplicates.
 */
class CandidateSets {
  readonly item: Int32Array;
  readonly size: Int32Array;
  private readonly priority: Float64Array;

  constructor(
    n: number,
    private readonly cap: number,
  ) {
    this.item = new Int32Array(n * cap);
    this.priority = new Float64Array(n * cap);
    this.size = new Int32Array(n);
  }

  clear(): void {
    this.size.fill(0);
  }

  start(i: number): number {
    return i * this.cap;
  }

  has(i: number, j: number): boolean {
    for (let p = i * this.cap; p < i * this.cap + this.size[i]; p++)
      if (this.item[p] === j) return true;
    return false;
  }

  push(i: number, j: number, priority: number): void {
    const base = i * this.cap;
    let worst = -1;
    for (let p = base; p < base + this.size[i]; p++) {
      if (this.item[p] === j) return;
      if (worst < 0 || this.priority[p] > this.priority[worst]) worst = p;
    }
    if (this.size[i] < this.cap) {
      const p = base + this.size[i]++;
      this.item[p] = j;
      this.priority[p] = priority;
    } else if (priority < this.priority[worst]) {
      this.item[worst] = j;
      this.priority[worst] = priority;
    }
  }
}

/**
 * Leaves ([lo, hi) ranges of `order`, which it fills) of one random-projection tree: each node splits
 * its points by the hyperplane through the origin halfway between two random members, the angular
 * split pynndescent uses for cosine distance. A split that leaves a side empty (identical points)
 * halves the node at random instead.
 */
function rpTreeLeaves(
  unit: Float32Array,
  n: number,
  d: number,
  leafSize: number,
  order: Int32Array,
  random: () => number,
): [number, number][] {
  for (let i = 0; i < n; i++) order[i] = i;
  const leaves: [number, number][] = [];
  const stack: [number, number][] = [[0, n]];
  const normal = new Float64Array(d);
  const side = new Uint8Array(n);
  while (stack.length > 0) {
    const [lo, hi] = stack.pop()!;
    if (hi - lo <= leafSize) {
      leaves.push([lo, hi]);
      continue;
    }
    const p = order[lo + Math.floor(random() * (hi - lo))];
    let q = order[lo + Math.floor(random() * (hi - lo - 1))];
    if (q === p) q = order[hi - 1];
    for (let c = 0; c < d; c++) normal[c] = unit[p * d + c] - unit[q * d + c];
    let left = 0;
    for (let a = lo; a < hi; a++) {
      const i = order[a];
      let s = 0;
      for (let c = 0; c < d; c++) s += normal[c] * unit[i * d + c];
      side[a - lo] = s > 0 || (s === 0 && random() < 0.5) ? 1 : 0;
      left += side[a - lo];
    }
    if (left === 0 || left === hi - lo) {
      left = 0;
      for (let a = lo; a < hi; a++) {
        side[a - lo] = random() < 0.5 ? 1 : 0;
        left += side[a - lo];
      }
      if (left === 0 || left === hi - lo) left = (hi - lo) >> 1;
    }
    // Side-1 points first; in the all-on-one-side case above this is a split at the middle.
    const part = Int32Array.from(order.subarray(lo, hi));
    let w = lo;
    for (let a = 0; a < hi - lo; a++) if (side[a]) order[w++] = part[a];
    for (let a = 0; a < hi - lo; a++) if (!side[a]) order[w++] = part[a];
    stack.push([lo, lo + left], [lo + left, hi]);
  }
  return leaves;
}
