/**
 * ItemKNN: item-item neighbours by co-occurrence, the classic collaborative-filtering reference a
 * learned map is compared with. Cosine on the binary item x user incidence: items i and j score
 * |U_i ∩ U_j| / sqrt(|U_i| |U_j|), where U_i is the set of users who interacted with i.
 *
 * Sparse throughout: the incidence is kept as two CSR indexes (item -> users, user -> items), and
 * one item's neighbours cost the sum of its users' history lengths, never a pass over all items.
 */

/** The interactions as a sparse binary incidence, both ways round. */
export interface Incidence {
  nUsers: number;
  nItems: number;
  /** Users of item i: `itemUsers[itemOffsets[i] .. itemOffsets[i+1])`, distinct, ascending. */
  itemOffsets: Int32Array;
  itemUsers: Int32Array;
  /** Items of user u: `userItems[userOffsets[u] .. userOffsets[u+1])`, distinct, ascending. */
  userOffsets: Int32Array;
  userItems: Int32Array;
  /** Interactions (rows) per item and per user: the "support" the page shows and filters on. */
  itemSupport: Int32Array;
  userSupport: Int32Array;
}

/** Rows per index value: counts[v] = number of k with index[k] === v, for v in [0, n). */
export function interactionCounts(index: Int32Array, n: number): Int32Array {
  const counts = new Int32Array(n);
  for (let k = 0; k < index.length; k++) counts[index[k]]++;
  return counts;
}

/** CSR of `from` -> distinct `to` values, each list ascending. */
function csr(
  from: Int32Array,
  to: Int32Array,
  nFrom: number,
): { offsets: Int32Array; values: Int32Array } {
  const counts = interactionCounts(from, nFrom);
  const offsets = new Int32Array(nFrom + 1);
  for (let i = 0; i < nFrom; i++) offsets[i + 1] = offsets[i] + counts[i];
  const fill = offsets.slice(0, nFrom);
  const values = new Int32Array(from.length);
  for (let k = 0; k < from.length; k++) values[fill[from[k]]++] = to[k];
  // Sort each list and drop repeated pairs (a file may list a pair twice): compacting in place.
  const out = new Int32Array(nFrom + 1);
  let w = 0;
  for (let i = 0; i < nFrom; i++) {
    const list = values.subarray(offsets[i], offsets[i + 1]);
    list.sort();
    out[i] = w;
    for (let p = 0; p < list.length; p++)
      if (p === 0 || list[p] !== list[p - 1]) values[w++] = list[p];
  }
  out[nFrom] = w;
  return { offsets: out, values: values.slice(0, w) };
}

/**
 * Builds both CSR indexes from the per-row user and item columns (length = rows). O(rows log rows)
 * worst case for the sorts; 1M rows take about 0.1 s here.
 */
export function buildIncidence(
  user: Int32Array,
  item: Int32Array,
  nUsers: number,
  nItems: number,
): Incidence {
  if (user.length !== item.length) throw new RangeError('buildIncidence: column lengths differ');
  const byItem = csr(item, user, nItems);
  const byUser = csr(user, item, nUsers);
  return {
    nUsers,
    nItems,
    itemOffsets: byItem.offsets,
    itemUsers: byItem.values,
    userOffsets: byUser.offsets,
    userItems: byUser.values,
    itemSupport: interactionCounts(item, nItems),
    userSupport: interactionCounts(user, nUsers),
  };
}

/** Reusable per-item accumulators, so a table of many items allocates once. */
export class CoOccurrenceScratch {
  readonly count: Int32Array;
  readonly touched: Int32Array;
  constructor(nItems: number) {
    this.count = new Int32Array(nItems);
    this.touched = new Int32Array(nItems);
  }
}

export interface ItemNeighbours {
  /** Item indices, best first; fewer than k when fewer items co-occur with the query. */
  index: Int32Array;
  /** Cosine similarity in (0, 1], descending (ties to the lower index). */
  score: Float32Array;
}

/**
 * The k items most similar to `item` by co-occurrence cosine, among items with at least
 * `minSupport` interactions (the query itself excluded). Items that never co-occur with it are
 * not listed (their similarity is 0).
 */
export function coOccurrenceNeighbours(
  inc: Incidence,
  item: number,
  k: number,
  minSupport = 1,
  scratch: CoOccurrenceScratch = new CoOccurrenceScratch(inc.nItems),
): ItemNeighbours {
  const { count, touched } = scratch;
  let nTouched = 0;
  for (let p = inc.itemOffsets[item]; p < inc.itemOffsets[item + 1]; p++) {
    const u = inc.itemUsers[p];
    for (let q = inc.userOffsets[u]; q < inc.userOffsets[u + 1]; q++) {
      const j = inc.userItems[q];
      if (count[j]++ === 0) touched[nTouched++] = j;
    }
  }
  const ni = inc.itemOffsets[item + 1] - inc.itemOffsets[item];
  // A size-k selection by insertion: k is ~10 and most candidates lose to the worst kept.
  const bestIdx = new Int32Array(k);
  const bestSim = new Float64Array(k);
  let size = 0;
  for (let t = 0; t < nTouched; t++) {
    const j = touched[t];
    const c = count[j];
    count[j] = 0; // reset for the next query as we go
    if (j === item || inc.itemSupport[j] < minSupport || k === 0) continue;
    const nj = inc.itemOffsets[j + 1] - inc.itemOffsets[j];
    const s = c / Math.sqrt(ni * nj);
    if (size === k) {
      const ws = bestSim[k - 1];
      if (s < ws || (s === ws && j > bestIdx[k - 1])) continue;
    } else size++;
    let p = size - 1;
    while (p > 0 && (bestSim[p - 1] < s || (bestSim[p - 1] === s && bestIdx[p - 1] > j))) {
      bestSim[p] = bestSim[p - 1];
      bestIdx[p] = bestIdx[p - 1];
      p--;
    }
    bestSim[p] = s;
    bestIdx[p] = j;
  }
  return { index: bestIdx.slice(0, size), score: Float32Array.from(bestSim.subarray(0, size)) };
}

/**
 * ItemKNN lists of several items: row r holds `items[r]`'s neighbours, -1 where it has fewer
 * than k. `index` is items.length x k row-major. Cost: the sum over the items' users of their
 * history lengths (at most the sum of squared user history lengths, for every item).
 */
export function coOccurrenceTable(
  inc: Incidence,
  items: Int32Array,
  k: number,
  minSupport = 1,
): Int32Array {
  const out = new Int32Array(items.length * k).fill(-1);
  const scratch = new CoOccurrenceScratch(inc.nItems);
  for (let r = 0; r < items.length; r++) {
    const near = coOccurrenceNeighbours(inc, items[r], k, minSupport, scratch);
    out.set(near.index, r * k);
  }
  return out;
}
