/** Scoring from a snapshot of a factor model, on the CPU (one user at a time: O(items x dim)). */
import type { EmbeddingSnapshot } from '../data/types';

export interface Scored {
  index: number;
  score: number;
}

/**
 * The k items with the highest predicted score for user `u` (mu + b_u + b_i + p_u . q_i),
 * skipping items where `seen[i]` is non-zero. Best first.
 */
export function recommendForUser(
  s: EmbeddingSnapshot,
  u: number,
  seen: Uint8Array,
  k: number,
): Scored[] {
  const d = s.dim;
  const items = s.itemBias.length;
  const base = s.globalBias + s.userBias[u];
  const top = new TopList(k);
  for (let i = 0; i < items; i++) {
    if (seen[i]) continue;
    let dot = 0;
    for (let a = 0; a < d; a++) dot += s.userFactors[u * d + a] * s.itemFactors[i * d + a];
    top.offer(i, base + s.itemBias[i] + dot);
  }
  return top.best;
}

/**
 * A mask over `size` entities: those in the `of` column on the rows where `where` is `value`
 * (e.g. the items a user rated, or the users who rated an item).
 */
function relatedMask(where: Int32Array, value: number, of: Int32Array, size: number): Uint8Array {
  const mask = new Uint8Array(size);
  for (let k = 0; k < where.length; k++) if (where[k] === value) mask[of[k]] = 1;
  return mask;
}

/** The items user `u` interacted with, as a mask over items. */
export function seenItems(
  user: Int32Array,
  item: Int32Array,
  u: number,
  items: number,
): Uint8Array {
  return relatedMask(user, u, item, items);
}

/**
 * The k users most likely to want item `i`: highest b_u + p_u . q_i (mu and b_i are the same for
 * every user), skipping users where `seen[u]` is non-zero. Best first.
 */
export function usersForItem(
  s: EmbeddingSnapshot,
  i: number,
  seen: Uint8Array,
  k: number,
): Scored[] {
  const d = s.dim;
  const users = s.userBias.length;
  const top = new TopList(k);
  for (let u = 0; u < users; u++) {
    if (seen[u]) continue;
    let dot = 0;
    for (let a = 0; a < d; a++) dot += s.userFactors[u * d + a] * s.itemFactors[i * d + a];
    top.offer(u, s.globalBias + s.itemBias[i] + s.userBias[u] + dot);
  }
  return top.best;
}

/** Why an item is recommended: a history item like it, or a feature of it the user leans to. */
export interface Reason {
  kind: 'item' | 'feature';
  /** Item index, or feature index (item features first, as `EmbeddingSnapshot` orders them). */
  index: number;
  /** Cosine similarity to the recommended item (history items), or u . e_f (features). */
  weight: number;
}

/**
 * The reasons behind recommending item `i` to user `u`: the `historyReasons` history items whose
 * factors are closest to i's by cosine (the "because you rated X" of item-based explanations),
 * and, for models with feature embeddings, i's feature with the largest contribution u . e_f to
 * the score (in the hybrid, the item's vector is the sum of its id's and its features').
 */
export function explainRecommendation(
  s: EmbeddingSnapshot,
  u: number,
  i: number,
  history: ArrayLike<number>,
  itemFeatures: { offsets: Int32Array; values: Int32Array } | null,
  historyReasons = 2,
): Reason[] {
  const d = s.dim;
  const q = s.itemFactors.subarray(i * d, (i + 1) * d);
  const qNorm = Math.hypot(...q);
  const similar = new TopList(historyReasons);
  for (let h = 0; h < history.length; h++) {
    const j = history[h];
    let dot = 0;
    let norm = 0;
    for (let a = 0; a < d; a++) {
      const v = s.itemFactors[j * d + a];
      dot += v * q[a];
      norm += v * v;
    }
    if (norm > 0 && qNorm > 0) similar.offer(j, dot / (Math.sqrt(norm) * qNorm));
  }
  const reasons: Reason[] = similar.best.map((r) => ({
    kind: 'item',
    index: r.index,
    weight: r.score,
  }));
  const f = s.itemFeatureFactors;
  if (f && itemFeatures) {
    const strongest = new TopList(1);
    for (let k = itemFeatures.offsets[i]; k < itemFeatures.offsets[i + 1]; k++) {
      const feature = itemFeatures.values[k];
      let dot = 0;
      for (let a = 0; a < d; a++) dot += s.userFactors[u * d + a] * f[feature * d + a];
      strongest.offer(feature, dot);
    }
    for (const r of strongest.best)
      reasons.push({ kind: 'feature', index: r.index, weight: r.score });
  }
  return reasons;
}

/** The k best (index, score) offers, best first (insertion into a short sorted list). */
export class TopList {
  readonly best: Scored[] = [];
  constructor(private readonly k: number) {}

  offer(index: number, score: number): void {
    const { best, k } = this;
    if (k === 0 || (best.length === k && score <= best[k - 1].score)) return;
    let at = best.length === k ? k - 1 : best.length;
    best[at] = { index, score };
    while (at > 0 && best[at - 1].score < score) {
      [best[at - 1], best[at]] = [best[at], best[at - 1]];
      at--;
    }
  }
}

/** The users who interacted with item `i`, as a mask over users. */
export function usersOfItem(
  user: Int32Array,
  item: Int32Array,
  i: number,
  users: number,
): Uint8Array {
  return relatedMask(item, i, user, users);
}
