/**
 * Top-k recommendations for every user, as an export: each block of users is scored against
 * every item on the tfjs backend ([block, items], one awaited read per block, never
 * `dataSync`), and each user's best k items they have not interacted with are kept.
 */
import type { TensorScoreBlock } from '../metrics/evaluate-ranking';
import { topK, type UserItems } from '../metrics/ranking';

export interface Recommendations {
  users: number;
  k: number;
  /** users x k item indices, best first; -1 where a user has fewer than k unseen items. */
  item: Int32Array;
  /** users x k scores matching `item` (NaN for padding). */
  score: Float32Array;
}

/** Users per scored block: 256 x 10,000 items is 10 MB of scores read at a time. */
const BLOCK = 256;

export async function recommendAll(
  score: TensorScoreBlock,
  seen: UserItems,
  users: number,
  k: number,
  onProgress?: (usersDone: number) => void,
): Promise<Recommendations> {
  const item = new Int32Array(users * k).fill(-1);
  const scores = new Float32Array(users * k).fill(NaN);
  for (let start = 0; start < users; start += BLOCK) {
    const block = Int32Array.from({ length: Math.min(BLOCK, users - start) }, (_, j) => start + j);
    const t = score(block);
    const all = (await t.data()) as Float32Array;
    const items = t.shape[1];
    t.dispose();
    block.forEach((u, j) => {
      const row = all.subarray(j * items, (j + 1) * items);
      const best = topK(row, k, seen.items, seen.offsets[u], seen.offsets[u + 1]);
      best.forEach((i, r) => {
        item[u * k + r] = i;
        scores[u * k + r] = row[i];
      });
    });
    onProgress?.(start + block.length);
  }
  return { users, k, item, score: scores };
}
