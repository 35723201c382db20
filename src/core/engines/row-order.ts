/**
 * The epoch's row order of the row engine where its user tables leave the cache (issue 15).
 *
 * A uniform shuffle reads a random user's rows of the tables (factors and bias, the optimizer's
 * slots, the user-day biases) for every training row. At MovieLens-25M's shape (162,000 users,
 * about as many user-days as rows) each of those reads misses the cache, and an epoch waits on
 * memory: 15-17 s for 20M rows on one thread, against 2.55 s with the same rows in user order.
 *
 * So, above a size, users are cut into chunks whose rows of the tables fit in a core's cache, and
 * each epoch takes the chunks in a random order and each chunk's training rows in a random order:
 * LIBMF's block order (Chin et al. 2015), on the user side only, since items' popularity is
 * skewed and their hot rows stay cached anyway. A chunk takes the same share of the work of each
 * of the parallel engine's user blocks (schedule.ts), so each batch still has rows for every
 * worker. The training rows are stored chunk by chunk, so a chunk's rows are also near each other.
 *
 * Below the size there is one chunk, and the order is the plain shuffle of the tfjs Trainer
 * (the same stream, the same draws), which the engines' agreement tests compare step by step.
 */
import { shuffledRange } from '../util/random';

/** About how many bytes of user-side tables one chunk covers. */
export const CHUNK_BYTES = 1 << 20;

/**
 * The fewest batches a chunk lasts. A chunk shorter than a few batches leaves each batch with the
 * rows of a few dozen users, each met in one or two steps an epoch instead of in many: on the
 * sample at batch 4096, chunks of 2,700 rows lost 0.004-0.014 of validation RMSE to the plain
 * shuffle (row-order-accuracy.test.ts keeps the regime this bound allows).
 */
export const MIN_CHUNK_BATCHES = 16;

/**
 * Chunks for `users` whose rows of the tables take `bytesPerUser` each, over `rows` training rows
 * in batches of `batch`: one per `chunkBytes`, but each at least MIN_CHUNK_BATCHES batches long;
 * at least 1 (then the order is a plain shuffle).
 */
export function chunkCount(
  users: number,
  bytesPerUser: number,
  rows: number,
  batch: number,
  chunkBytes = CHUNK_BYTES,
): number {
  const bySize = Math.floor((users * bytesPerUser) / chunkBytes);
  const byBatches = Math.floor(rows / (MIN_CHUNK_BATCHES * batch));
  return Math.max(1, Math.min(bySize, byBatches));
}

/**
 * Each user's chunk in 0..chunks-1: within each of the `blocks` user blocks (`userBlock`), users
 * in index order are cut into `chunks` runs of about equal work (`counts` + 1, as
 * `balancedBlocks`), so chunk c holds about 1/chunks of every block's rows.
 */
export function userChunks(
  userBlock: Int32Array,
  counts: Int32Array,
  blocks: number,
  chunks: number,
): Int32Array {
  const total = new Float64Array(blocks);
  for (let u = 0; u < counts.length; u++) total[userBlock[u]] += counts[u] + 1;
  const before = new Float64Array(blocks);
  const out = new Int32Array(counts.length);
  for (let u = 0; u < counts.length; u++) {
    const b = userBlock[u];
    const work = counts[u] + 1;
    out[u] = Math.min(chunks - 1, Math.floor(((before[b] + work / 2) * chunks) / total[b]));
    before[b] += work;
  }
  return out;
}

/** A part's columns, as the row engine stores them (`day`: the user-day of each row, if any). */
export interface RowColumns {
  user: Int32Array;
  item: Int32Array;
  rating: Float32Array;
  day?: Int32Array | null;
}

/**
 * Copies the rows of `from` into `to` grouped by their user's chunk, a stable counting sort:
 * chunk c's rows land at offsets[c]..offsets[c+1]-1 in their original order; returns the
 * offsets. One pass reads the rows in order and appends each to its chunk's run: at 18M rows,
 * gathering them chunk by chunk through an index (a sweep of every column per chunk) took 2 s
 * of the engine's setup.
 */
export function storeByChunk(
  from: RowColumns,
  to: RowColumns,
  chunkOfUser: Int32Array,
  chunks: number,
): Int32Array {
  const { user, item, rating, day } = from;
  const offsets = new Int32Array(chunks + 1);
  for (let k = 0; k < user.length; k++) offsets[chunkOfUser[user[k]] + 1]++;
  for (let c = 0; c < chunks; c++) offsets[c + 1] += offsets[c];
  const next = offsets.slice(0, chunks);
  const [u, i, r] = [to.user, to.item, to.rating];
  if (day && to.day) {
    const d = to.day;
    for (let k = 0; k < user.length; k++) {
      const at = next[chunkOfUser[user[k]]]++;
      u[at] = user[k];
      i[at] = item[k];
      r[at] = rating[k];
      d[at] = day[k];
    }
  } else {
    for (let k = 0; k < user.length; k++) {
      const at = next[chunkOfUser[user[k]]]++;
      u[at] = user[k];
      i[at] = item[k];
      r[at] = rating[k];
    }
  }
  return offsets;
}

/**
 * One epoch's order into `out` (the stored rows 0..n-1): with one chunk, `shuffledRange`'s
 * shuffle; else the chunks in a random order, each one's rows shuffled in place.
 */
export function chunkedShuffle(
  offsets: Int32Array,
  random: () => number,
  out: Int32Array,
): Int32Array {
  const chunks = offsets.length - 1;
  if (chunks <= 1) return shuffledRange(out.length, random, out);
  let at = 0;
  for (const c of shuffledRange(chunks, random)) {
    const from = at;
    for (let k = offsets[c]; k < offsets[c + 1]; k++) out[at++] = k;
    const rows = out.subarray(from, at);
    shuffledRange(rows.length, random, rows);
  }
  return out;
}
