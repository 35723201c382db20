/**
 * Where a vector that was not laid out (a folded-in user or item) goes in an existing layout: the
 * similarity-weighted mean of the layout positions of its k nearest laid-out points by cosine, the
 * metric the layouts use. That is how umap-js's `transform` starts a new point (before its few
 * optimisation epochs), without refitting anything: a millisecond, not seconds, so the point can
 * follow every change.
 */
import { nearest } from './neighbours';

export const PLACE_NEIGHBOURS = 10;

/**
 * `vectors`: the laid-out points' embeddings (n x dim); `coords`: their layout (n x dims);
 * `inLayout(i)`: whether point i has a real position (a sampled layout leaves some out).
 * Returns the position (length dims), or null when the vector is zero or nothing is near it.
 */
export function placeByNeighbours(
  vectors: Float32Array,
  coords: Float32Array,
  n: number,
  dim: number,
  dims: 2 | 3,
  query: Float32Array,
  inLayout: (i: number) => boolean = () => true,
  k = PLACE_NEIGHBOURS,
): Float32Array | null {
  if (!query.some((v) => v !== 0)) return null;
  const near = nearest(vectors, n, dim, query, k, 'cosine', (i) => !inLayout(i));
  const out = new Float32Array(dims);
  let total = 0;
  for (let r = 0; r < near.index.length; r++) {
    // Only points on the query's side count; a tiny floor keeps a lone weak match usable.
    const w = Math.max(near.score[r], 0) + 1e-6;
    const i = near.index[r];
    for (let a = 0; a < dims; a++) out[a] += w * coords[i * dims + a];
    total += w;
  }
  if (total === 0) return null;
  for (let a = 0; a < dims; a++) out[a] /= total;
  return out;
}
