/**
 * A new item from its metadata alone, for the models that embed features (hybrid, FM): an item's
 * vector there is the sum of its id's and its features' embeddings, and an item never seen has no
 * id row, so its vector is the sum of its chosen features' rows. Its nearest items (cosine) and
 * its likeliest users (b_u + u . v: mu and the item's own bias are the same for every user, so
 * they do not change the order) follow from that vector alone.
 */
import type { EmbeddingSnapshot } from '../data/types';
import { nearest } from '../projection/neighbours';
import { TopList, type Scored } from './recommend';

/** The sum of the chosen item features' embeddings (length dim). Throws for an unknown feature. */
export function foldInItem(s: EmbeddingSnapshot, features: readonly number[]): Float32Array {
  const f = s.itemFeatureFactors;
  if (!f) throw new RangeError('this model has no feature embeddings to build a new item from');
  const d = s.dim;
  const rows = f.length / d;
  const v = new Float32Array(d);
  for (const feature of features) {
    if (!(Number.isInteger(feature) && feature >= 0 && feature < rows))
      throw new RangeError(`fold-in: no item feature ${feature} (the model has ${rows})`);
    for (let a = 0; a < d; a++) v[a] += f[feature * d + a];
  }
  return v;
}

/** A neighbour of the new item with the chosen features that bring it closest, largest first. */
export interface NewItemNeighbour extends Scored {
  because: { feature: number; share: number }[];
}

/**
 * The k items nearest `v` by cosine; each with the features whose embedding adds the most to
 * v . q_i (v is their sum, so the shares add up to the dot product exactly).
 */
export function nearestToNewItem(
  s: EmbeddingSnapshot,
  v: Float32Array,
  features: readonly number[],
  k: number,
): NewItemNeighbour[] {
  const d = s.dim;
  const items = s.itemBias.length;
  const near = nearest(s.itemFactors, items, d, v, k, 'cosine', () => false);
  const f = s.itemFeatureFactors as Float32Array;
  return Array.from(near.index, (i, r) => {
    const top = new TopList(2);
    for (const feature of features) {
      let share = 0;
      for (let a = 0; a < d; a++) share += f[feature * d + a] * s.itemFactors[i * d + a];
      if (share > 0) top.offer(feature, share);
    }
    return {
      index: i,
      score: near.score[r],
      because: top.best.map((x) => ({ feature: x.index, share: x.score })),
    };
  });
}

/** The k users with the highest b_u + u . v, best first. */
export function likeliestUsers(s: EmbeddingSnapshot, v: Float32Array, k: number): Scored[] {
  const d = s.dim;
  const users = s.userBias.length;
  const top = new TopList(k);
  for (let u = 0; u < users; u++) {
    let dot = s.userBias[u];
    for (let a = 0; a < d; a++) dot += s.userFactors[u * d + a] * v[a];
    top.offer(u, dot);
  }
  return top.best;
}
