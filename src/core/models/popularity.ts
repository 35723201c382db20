/**
 * The popularity baseline for top-k evaluation: every user gets the same scores, the number of
 * (training) interactions each item has. Plain typed-array code.
 */

/** Interaction count per item, from the per-row item column; items with no rows score 0. */
export function popularityScores(item: Int32Array, items: number): Float32Array {
  if (!(Number.isInteger(items) && items >= 0)) {
    throw new Error(`popularity: item count must be a non-negative integer, got ${items}`);
  }
  const scores = new Float32Array(items);
  for (let r = 0; r < item.length; r++) {
    const i = item[r];
    if (i < 0 || i >= items)
      throw new Error(`popularity: row ${r} has item ${i}, outside 0..${items - 1}`);
    scores[i]++;
  }
  return scores;
}
