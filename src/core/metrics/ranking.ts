/**
 * Top-k ranking metrics over typed arrays, for implicit-feedback evaluation: for each user, the
 * model scores every item, the user's training items are excluded, and the k best remaining
 * items (`topK`) are compared with the user's held-out items.
 *
 * Definitions, per user (hits = how many of the top-k items are held-out items; positions are
 * 0-based; m = min(k, |relevant|)):
 * - users with no held-out items are skipped (not counted by any metric, nor by coverage);
 * - precision@k = hits / k (k, not the length of the list, even when fewer items were ranked);
 * - recall@k = hits / m (normalised by m, so a perfect top-k scores 1 even when |relevant| > k);
 * - hitRate@k = 1 if hits > 0, else 0;
 * - NDCG@k with binary gains: DCG = sum over hit positions i of 1 / log2(i + 2), divided by the
 *   ideal DCG, the same sum over positions 0..m-1;
 * - MAP@k = (sum over hit positions i of precision at that position, (hits in 0..i) / (i + 1)) / m;
 * - MRR = 1 / (rank of the first hit), ranks 1-based, within the top k; 0 when there is no hit;
 * - all of these are averaged over the counted users (NaN when there are none);
 * - coverage = distinct items appearing in any counted user's top-k / items;
 * - AUC = per user, the probability that a random held-out item scores above a random
 *   non-interacted item (an item neither in the user's train nor test set), ties counting 1/2
 *   (`userAuc`); averaged over the users given a value (NaN when none were).
 */

export interface RankingMetrics {
  k: number;
  precision: number;
  recall: number;
  ndcg: number;
  map: number;
  mrr: number;
  hitRate: number;
  auc: number;
  coverage: number;
  /** Users counted (those with at least one held-out item). */
  users: number;
}

/** CSR lists of items per user: the items of user u are `items[offsets[u] .. offsets[u+1])`. */
export interface UserItems {
  offsets: Int32Array; // length = users + 1
  items: Int32Array;
}

/**
 * Groups interaction rows by user into CSR form. Within a user the items are sorted ascending
 * and duplicates (repeat interactions) are removed. O(n log n).
 */
export function groupByUser(user: Int32Array, item: Int32Array, users: number): UserItems {
  return groupUserItems([{ user, item }], users);
}

/** Rows of (user, item) pairs, as `groupUserItems` reads them. */
export interface UserItemRows {
  user: Int32Array;
  item: Int32Array;
}

/**
 * `groupByUser` over several sets of rows at once (training and validation rows, say), with two
 * optional narrowings: only the users `keep` marks get their items (every other user gets an
 * empty list), and each item is mapped through `position` (rows whose item maps to a negative
 * position are dropped). Two passes over the rows, one to count and one to fill, then a sort of
 * each kept user's items: grouping a few hundred sampled users out of tens of millions of rows
 * costs two reads of the rows, not a regrouping of all of them.
 */
export function groupUserItems(
  parts: readonly UserItemRows[],
  users: number,
  keep?: Uint8Array,
  position?: Int32Array,
): UserItems {
  if (!(Number.isInteger(users) && users >= 0))
    throw new Error(`groupByUser: user count must be a non-negative integer, got ${users}`);
  if (keep) return groupKeptUsers(parts, users, keep, position);
  const offsets = new Int32Array(users + 1);
  for (const { user, item } of parts) {
    if (item.length !== user.length)
      throw new Error(`groupByUser: ${item.length} items for ${user.length} users`);
    for (let r = 0; r < user.length; r++) {
      const u = user[r];
      const i = item[r];
      if (!(u >= 0 && u < users))
        throw new Error(`groupByUser: row ${r} has user ${u}, outside 0..${users - 1}`);
      if (i < 0) throw new Error(`groupByUser: row ${r} has negative item ${i}`);
      if ((keep && !keep[u]) || (position && position[i] < 0)) continue;
      offsets[u + 1]++;
    }
  }
  for (let u = 0; u < users; u++) offsets[u + 1] += offsets[u];
  const grouped = new Int32Array(offsets[users]);
  const fill = offsets.slice(0, users);
  for (const { user, item } of parts) {
    for (let r = 0; r < user.length; r++) {
      const u = user[r];
      const i = item[r];
      if ((keep && !keep[u]) || (position && position[i] < 0)) continue;
      grouped[fill[u]++] = position ? position[i] : i;
    }
  }

  return sortedUnique(offsets, grouped, users);
}

/**
 * `groupUserItems` for the users `keep` marks: one pass over the rows that collects the kept
 * users' (user, item) pairs (their items are the only ones read), then those pairs grouped.
 */
function groupKeptUsers(
  parts: readonly UserItemRows[],
  users: number,
  keep: Uint8Array,
  position?: Int32Array,
): UserItems {
  let pairs = new Int32Array(1 << 12);
  let n = 0;
  for (const { user, item } of parts) {
    if (item.length !== user.length)
      throw new Error(`groupByUser: ${item.length} items for ${user.length} users`);
    for (let r = 0; r < user.length; r++) {
      const u = user[r];
      if (!(u >= 0 && u < users))
        throw new Error(`groupByUser: row ${r} has user ${u}, outside 0..${users - 1}`);
      if (!keep[u]) continue;
      const i = item[r];
      if (i < 0) throw new Error(`groupByUser: row ${r} has negative item ${i}`);
      if (position && position[i] < 0) continue;
      if (2 * n + 2 > pairs.length) {
        const grown = new Int32Array(2 * pairs.length);
        grown.set(pairs);
        pairs = grown;
      }
      pairs[2 * n] = u;
      pairs[2 * n + 1] = position ? position[i] : i;
      n++;
    }
  }
  const offsets = new Int32Array(users + 1);
  for (let k = 0; k < n; k++) offsets[pairs[2 * k] + 1]++;
  for (let u = 0; u < users; u++) offsets[u + 1] += offsets[u];
  const grouped = new Int32Array(n);
  const fill = offsets.slice(0, users);
  for (let k = 0; k < n; k++) grouped[fill[pairs[2 * k]]++] = pairs[2 * k + 1];
  return sortedUnique(offsets, grouped, users);
}

/**
 * CSR lists from items grouped by user (`offsets` [users + 1] over `grouped`): each user's items
 * sorted, repeats dropped; `offsets` is rewritten in place.
 */
function sortedUnique(offsets: Int32Array, grouped: Int32Array, users: number): UserItems {
  // Sort each user's items, then compact out duplicates in place (the write head never passes
  // the read head, and each user's segment starts where the previous one's unique items end).
  let w = 0;
  let from = 0;
  for (let u = 0; u < users; u++) {
    const to = offsets[u + 1];
    const own = grouped.subarray(from, to).sort();
    for (let j = 0; j < own.length; j++) {
      if (j === 0 || own[j] !== own[j - 1]) grouped[w++] = own[j];
    }
    offsets[u + 1] = w;
    from = to;
  }
  return { offsets, items: w === grouped.length ? grouped : grouped.slice(0, w) };
}

/**
 * Indices of the k highest scores, best first; equal scores go to the lower index first.
 * Items listed in `exclude[excludeFrom .. excludeTo)` (a user's training items, e.g. a
 * `UserItems` segment) are skipped, as are items whose score is NaN. The result is shorter than
 * k when fewer items remain. O(n log k) with a size-k heap, plus O(m) for the m excluded items
 * when they are sorted ascending (O(m log m) when not).
 */
export function topK(
  scores: Float32Array,
  k: number,
  exclude: Int32Array | null,
  excludeFrom = 0,
  excludeTo = 0,
): Int32Array {
  if (!(Number.isInteger(k) && k >= 0)) {
    throw new Error(`topK: k must be a non-negative integer, got ${k}`);
  }
  const skip = sortedSegment(exclude, excludeFrom, excludeTo, 'topK');
  const n = scores.length;
  // Min-heap of item indices: the root is the worst kept item (lowest score, then highest index).
  const heap = new Int32Array(Math.min(k, n));
  const cap = heap.length;
  let size = 0;
  let p = 0;
  for (let i = 0; i < n; i++) {
    while (p < skip.length && skip[p] < i) p++;
    if (p < skip.length && skip[p] === i) continue;
    const s = scores[i];
    if (s !== s) continue;
    if (size < cap) {
      let c = size++;
      while (c > 0) {
        const parent = (c - 1) >> 1;
        if (!worse(scores, i, heap[parent])) break;
        heap[c] = heap[parent];
        c = parent;
      }
      heap[c] = i;
    } else if (cap > 0 && s > scores[heap[0]]) {
      // i is later than every kept item, so on a tie with the root it ranks below: strict `>`.
      heapReplaceRoot(heap, size, scores, i);
    }
  }
  // Drain worst-first into the back of the result.
  const out = new Int32Array(size);
  for (let j = size - 1; j >= 0; j--) {
    out[j] = heap[0];
    size--;
    if (size > 0) heapReplaceRoot(heap, size, scores, heap[size]);
  }
  return out;
}

/** Whether item a ranks below item b: a lower score, or an equal score and a higher index. */
function worse(scores: Float32Array, a: number, b: number): boolean {
  const sa = scores[a];
  const sb = scores[b];
  return sa < sb || (sa === sb && a > b);
}

/** Puts item `i` at the root of the min-heap `heap[0 .. size)` and sifts it down. */
function heapReplaceRoot(heap: Int32Array, size: number, scores: Float32Array, i: number): void {
  let c = 0;
  for (;;) {
    const l = 2 * c + 1;
    if (l >= size) break;
    const r = l + 1;
    const m = r < size && worse(scores, heap[r], heap[l]) ? r : l;
    if (!worse(scores, heap[m], i)) break;
    heap[c] = heap[m];
    c = m;
  }
  heap[c] = i;
}

/**
 * `list[from .. to)` as an ascending array: the segment itself (a view) when it already is
 * ascending, else a sorted copy. An empty array for a null list.
 */
function sortedSegment(
  list: Int32Array | null,
  from: number,
  to: number,
  what: string,
): Int32Array {
  if (!list) return new Int32Array(0);
  if (!(
    Number.isInteger(from) &&
    Number.isInteger(to) &&
    0 <= from &&
    from <= to &&
    to <= list.length
  )) {
    throw new Error(`${what}: range ${from}..${to} is outside the list of ${list.length} items`);
  }
  const seg = list.subarray(from, to);
  for (let j = 1; j < seg.length; j++) {
    if (seg[j] < seg[j - 1]) return seg.slice().sort();
  }
  return seg;
}

/**
 * Exact AUC for one user: the probability that a random held-out item (`relevant`) scores above
 * a random non-interacted item (neither in `trainItems[trainFrom .. trainTo)` nor in
 * `relevant`), ties counting 1/2. Held-out items count as positives even when also in train.
 * NaN when there are no positives or no negatives, or when a compared score is NaN.
 * Exact and O(n log n) at worst: the P held-out scores are sorted once, then each negative is placed
 * among them by binary search, O(P log P + n log P). Equivalent to the Mann-Whitney U statistic
 * with mid-ranks for ties, without sorting all n scores.
 */
export function userAuc(
  scores: Float32Array,
  relevant: Int32Array,
  trainItems: Int32Array | null,
  trainFrom: number,
  trainTo: number,
): number {
  const n = scores.length;
  // 0 = negative, 1 = positive (held out), 2 = training item (not compared).
  const role = new Uint8Array(n);
  const train = sortedSegment(trainItems, trainFrom, trainTo, 'userAuc');
  for (let j = 0; j < train.length; j++) {
    const i = train[j];
    if (i < 0 || i >= n) throw new Error(`userAuc: training item ${i} outside 0..${n - 1}`);
    role[i] = 2;
  }
  let positives = 0;
  for (let j = 0; j < relevant.length; j++) {
    const i = relevant[j];
    if (i < 0 || i >= n) throw new Error(`userAuc: held-out item ${i} outside 0..${n - 1}`);
    if (role[i] !== 1) positives++;
    role[i] = 1;
  }
  if (positives === 0) return NaN;

  // The held-out scores, sorted once (there are usually few of them).
  const pos = new Float32Array(positives);
  let w = 0;
  for (let i = 0; i < n; i++) {
    if (role[i] !== 1) continue;
    if (scores[i] !== scores[i]) return NaN;
    pos[w++] = scores[i];
  }
  pos.sort();

  // For each negative: the positives strictly above it win 1 each, the tied ones 1/2.
  let wins = 0;
  let negatives = 0;
  for (let i = 0; i < n; i++) {
    if (role[i] !== 0) continue;
    const s = scores[i];
    if (s !== s) return NaN;
    negatives++;
    const upTo = upperBound(pos, s);
    const from = upTo > 0 && pos[upTo - 1] === s ? lowerBound(pos, s) : upTo;
    wins += positives - upTo + (upTo - from) / 2;
  }
  if (negatives === 0) return NaN;
  return wins / (positives * negatives);
}

/** First index j with a[j] >= s (a ascending). */
function lowerBound(a: Float32Array, s: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < s) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index j with a[j] > s (a ascending). */
function upperBound(a: Float32Array, s: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] <= s) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Whether `x` is in `a` (ascending). */
function containsSorted(a: Int32Array, x: number): boolean {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo < a.length && a[lo] === x;
}

/** Running sums of the per-user ranking metrics; see the file comment for the definitions. */
export class RankingAccumulator {
  private readonly seen: Uint8Array;
  private distinct = 0;
  private users = 0;
  private precision = 0;
  private recall = 0;
  private ndcg = 0;
  private map = 0;
  private mrr = 0;
  private hits = 0;
  private auc = 0;
  private aucUsers = 0;

  constructor(
    private readonly k: number,
    private readonly items: number,
  ) {
    if (!(Number.isInteger(k) && k > 0)) {
      throw new Error(`ranking metrics: k must be a positive integer, got ${k}`);
    }
    if (!(Number.isInteger(items) && items >= 0)) {
      throw new Error(`ranking metrics: item count must be a non-negative integer, got ${items}`);
    }
    this.seen = new Uint8Array(items);
  }

  /**
   * Adds one user. `ranked`: the user's top-k items, best first, without repeats (only the first
   * k entries are read). `relevant`: the user's held-out items, ascending without repeats.
   * `auc`: the user's `userAuc`, averaged separately; undefined or NaN leaves the user out of AUC.
   * Users with no held-out items are skipped entirely.
   */
  addUser(ranked: Int32Array, relevant: Int32Array, auc?: number): void {
    if (relevant.length === 0) return;
    for (let j = 1; j < relevant.length; j++) {
      if (relevant[j] <= relevant[j - 1]) {
        throw new Error('ranking metrics: held-out items must be ascending without repeats');
      }
    }
    const k = this.k;
    const len = Math.min(k, ranked.length);
    const m = Math.min(k, relevant.length);
    let hits = 0;
    let dcg = 0;
    let ap = 0;
    let firstHit = -1;
    for (let i = 0; i < len; i++) {
      const item = ranked[i];
      if (item < 0 || item >= this.items) {
        throw new Error(`ranking metrics: ranked item ${item} outside 0..${this.items - 1}`);
      }
      if (!this.seen[item]) {
        this.seen[item] = 1;
        this.distinct++;
      }
      if (!containsSorted(relevant, item)) continue;
      hits++;
      dcg += 1 / Math.log2(i + 2);
      ap += hits / (i + 1);
      if (firstHit < 0) firstHit = i;
    }
    let idcg = 0;
    for (let i = 0; i < m; i++) idcg += 1 / Math.log2(i + 2);

    this.users++;
    this.precision += hits / k;
    this.recall += hits / m;
    this.ndcg += dcg / idcg;
    this.map += ap / m;
    this.mrr += firstHit >= 0 ? 1 / (firstHit + 1) : 0;
    this.hits += hits > 0 ? 1 : 0;
    if (auc !== undefined && auc === auc) {
      this.auc += auc;
      this.aucUsers++;
    }
  }

  result(): RankingMetrics {
    const n = this.users;
    const mean = (sum: number): number => (n > 0 ? sum / n : NaN);
    return {
      k: this.k,
      precision: mean(this.precision),
      recall: mean(this.recall),
      ndcg: mean(this.ndcg),
      map: mean(this.map),
      mrr: mean(this.mrr),
      hitRate: mean(this.hits),
      auc: this.aucUsers > 0 ? this.auc / this.aucUsers : NaN,
      coverage: this.items > 0 ? this.distinct / this.items : NaN,
      users: n,
    };
  }
}
