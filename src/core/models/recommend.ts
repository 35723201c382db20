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
  const best: Scored[] = [];
  for (let i = 0; i < items; i++) {
    if (seen[i]) continue;
    let dot = 0;
    for (let a = 0; a < d; a++) dot += s.userFactors[u * d + a] * s.itemFactors[i * d + a];
    const score = base + s.itemBias[i] + dot;
    if (best.length === k && score <= best[k - 1].score) continue;
    let at = best.length === k ? k - 1 : best.length;
    best[at] = { index: i, score };
    // Insertion keeps the list sorted; k is small.
    while (at > 0 && best[at - 1].score < score) {
      [best[at - 1], best[at]] = [best[at], best[at - 1]];
      at--;
    }
  }
  return best;
}

/** Items each user interacted with, as a CSR-free per-user mask builder. */
export function seenItems(
  user: Int32Array,
  item: Int32Array,
  u: number,
  items: number,
): Uint8Array {
  const seen = new Uint8Array(items);
  for (let k = 0; k < user.length; k++) if (user[k] === u) seen[item[k]] = 1;
  return seen;
}
