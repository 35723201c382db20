/**
 * Which points a layout includes: all of them, a person's isolated selection, or, above a size the
 * person sets, a sample stratified by kind and popularity. TensorBoard's projector keeps the first
 * 100,000 points and samples UMAP to 5,000 at random, which on a recommender's long tail means
 * mostly obscure items or, sorted, only popular ones; here every (kind, popularity decile) stratum
 * keeps its share.
 */
import { mulberry32 } from '../core/util/random';
import { entityOf, pointCount, type PointSpace } from './points';

const DECILES = 10;

/** Index bits of `byPopularity`'s keys. */
const INDEX = 2 ** 21;

/**
 * Points from .. from + count - 1 by popularity, then by index, ascending. Whole counts (what
 * `popularity` holds) are sorted as packed numeric keys, count x 2^21 + index, with the typed
 * array's own sort: a comparator sort of 162,000 users held the page 0.3-0.5 s.
 */
export function byPopularity(popularity: Float32Array, from: number, count: number): Int32Array {
  if (count <= INDEX) {
    const keys = new Float64Array(count);
    let whole = true;
    for (let k = 0; k < count && whole; k++) {
      const p = popularity[from + k];
      whole = Number.isInteger(p) && p >= 0 && p < 2 ** 31;
      keys[k] = p * INDEX + k;
    }
    if (whole) {
      keys.sort();
      const out = new Int32Array(count);
      for (let k = 0; k < count; k++) out[k] = from + (keys[k] % INDEX);
      return out;
    }
  }
  return Int32Array.from({ length: count }, (_, k) => from + k).sort(
    (a, b) => popularity[a] - popularity[b] || a - b,
  );
}

/**
 * `size` of the space's points (sorted ascending): from each stratum (kind x popularity decile
 * within the kind) a uniformly drawn share proportional to its size, seeded. All points when
 * `size` is not below their number.
 */
export function stratifiedSample(
  space: PointSpace,
  popularity: Float32Array,
  size: number,
  seed: number,
): Int32Array {
  const n = pointCount(space);
  if (size >= n) return Int32Array.from({ length: n }, (_, i) => i);
  const random = mulberry32(seed);
  const kinds = [
    [0, space.items],
    [space.items, space.users],
    [space.items + space.users, space.features],
  ];
  const out = new Int32Array(size);
  let taken = 0;
  let owed = 0; // rounding carried from stratum to stratum, so the total is exactly `size`
  for (const [from, count] of kinds) {
    if (!count) continue;
    const order = byPopularity(popularity, from, count);
    for (let q = 0; q < DECILES; q++) {
      const pool = order.subarray(
        Math.floor((q * count) / DECILES),
        Math.floor(((q + 1) * count) / DECILES),
      );
      owed += (pool.length * size) / n;
      const take = Math.min(pool.length, Math.round(owed));
      owed -= take;
      // A partial Fisher-Yates shuffle (of the stratum, in place) draws `take` without
      // replacement.
      for (let k = 0; k < take; k++) {
        const j = k + Math.floor(random() * (pool.length - k));
        const picked = pool[j];
        pool[j] = pool[k];
        pool[k] = picked;
        out[taken++] = picked;
      }
    }
  }
  return out.subarray(0, taken).sort();
}

/**
 * A subset's layout (points.length x dims) spread over all n points (n x dims). Points left out
 * sit at the subset's centroid (they are hidden; there they cannot stretch the camera's frame).
 */
export function spreadLayout(
  layout: Float32Array,
  points: Int32Array,
  n: number,
  dims: number,
): Float32Array {
  const centroid = new Float64Array(dims);
  for (let k = 0; k < points.length; k++)
    for (let a = 0; a < dims; a++) centroid[a] += layout[k * dims + a] / points.length;
  const out = new Float32Array(n * dims);
  for (let i = 0; i < n; i++) for (let a = 0; a < dims; a++) out[i * dims + a] = centroid[a];
  points.forEach((p, k) => out.set(layout.subarray(k * dims, (k + 1) * dims), p * dims));
  return out;
}

/** Points per kind among `points` (all of the space when null). */
export function countKinds(space: PointSpace, points: Int32Array | null) {
  if (!points) return { item: space.items, user: space.users, feature: space.features };
  const counts = { item: 0, user: 0, feature: 0 };
  for (const p of points) counts[entityOf(space, p).kind]++;
  return counts;
}

export function sameSubset(a: Int32Array | null, b: Int32Array | null): boolean {
  if (a === null || b === null) return a === b;
  return a.length === b.length && a.every((v, k) => v === b[k]);
}
