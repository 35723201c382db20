/** Rows grouped by a per-row key (a user, an item): the CSR layout every per-user pass reads. */

export interface Grouped {
  /** [count + 1]: key e's rows are `rows[offsets[e] .. offsets[e + 1])`. */
  offsets: Int32Array;
  /** Row indices, grouped by key, each group in ascending row order (a stable counting sort). */
  rows: Int32Array;
}

/**
 * Groups the rows `0..key.length-1` by `key[r]` in O(rows + count). Throws, naming `what` and
 * `name`, when a key lies outside `0..count-1`.
 */
export function groupRows(key: Int32Array, count: number, what = 'group', name = 'key'): Grouped {
  if (!(Number.isInteger(count) && count >= 0))
    throw new Error(`${what}: ${name} count must be a non-negative integer, got ${count}`);
  const offsets = new Int32Array(count + 1);
  for (let r = 0; r < key.length; r++) {
    const e = key[r];
    if (!(e >= 0 && e < count))
      throw new Error(`${what}: row ${r} has ${name} ${e}, outside 0..${count - 1}`);
    offsets[e + 1]++;
  }
  for (let e = 0; e < count; e++) offsets[e + 1] += offsets[e];
  const fill = offsets.slice(0, count);
  const rows = new Int32Array(key.length);
  for (let r = 0; r < key.length; r++) rows[fill[key[r]]++] = r;
  return { offsets, rows };
}
