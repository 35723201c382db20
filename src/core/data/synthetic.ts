/** Synthetic interaction data with known structure, for tests and the bench. */
import { mulberry32, normalArray } from '../util/random';
import type { Interactions } from './types';

/**
 * Ratings from a planted rank-`rank` model: r = 3 + b_u + b_i + u . v + noise, each (user, item)
 * pair observed with probability `density`. Returns the observed rows.
 */
export function plantedLowRank(opts: {
  users: number;
  items: number;
  rank: number;
  density: number;
  noise: number;
  seed: number;
}): Interactions {
  const { users, items, rank, density, noise, seed } = opts;
  const random = mulberry32(seed);
  const u = normalArray(users * rank, 1 / Math.sqrt(rank), random);
  const v = normalArray(items * rank, 1, random);
  const bu = normalArray(users, 0.3, random);
  const bi = normalArray(items, 0.3, random);
  const user: number[] = [];
  const item: number[] = [];
  const rating: number[] = [];
  for (let a = 0; a < users; a++) {
    for (let b = 0; b < items; b++) {
      if (random() >= density) continue;
      let dot = 0;
      for (let k = 0; k < rank; k++) dot += u[a * rank + k] * v[b * rank + k];
      user.push(a);
      item.push(b);
      rating.push(3 + bu[a] + bi[b] + dot + noise * normalArray(1, 1, random)[0]);
    }
  }
  return {
    user: Int32Array.from(user),
    item: Int32Array.from(item),
    rating: Float32Array.from(rating),
  };
}

/** Uniformly random (user, item) pairs with ratings in 1..5: for throughput measurements. */
export function uniformInteractions(
  rows: number,
  users: number,
  items: number,
  seed: number,
): Interactions {
  const random = mulberry32(seed);
  const user = new Int32Array(rows);
  const item = new Int32Array(rows);
  const rating = new Float32Array(rows);
  for (let k = 0; k < rows; k++) {
    user[k] = Math.floor(random() * users);
    item[k] = Math.floor(random() * items);
    rating[k] = 1 + Math.floor(random() * 5);
  }
  return { user, item, rating };
}
