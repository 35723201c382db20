/**
 * The day-specific user bias of Koren's timeSVD++ (Collaborative Filtering with Temporal
 * Dynamics, KDD 2009): b_{u,t}, one bias per (user, day) on which the user rated. A person rates
 * a session's films more generously or more harshly than their average; on the sample (16
 * ratings per user-day on average) it lowers the bias-only model's held-out RMSE from 0.865 to
 * 0.853, and it is the largest single gain of Koren's temporal terms on Netflix.
 *
 * The batch column `userDay` holds each row's (user, day) id (`TrainData.userDay`); a (user, day)
 * never seen in training keeps its initial 0, so such a rating is predicted without it.
 * Ranking is unaffected: the term is the same for all of a user's items on a day.
 */
import { tf } from '../tf/tfjs';
import { EmbeddingTable } from '../tf/embedding';
import type { ModelContext, Rows } from './types';
import type { Timestamps } from '../data/types';

export const DAY_BIAS_TABLE = 'dayBias';

/** The [user-days, 1] bias table, or none when the run has no user-days (setting off, no dates). */
export function dayBiasTables(ctx: ModelContext): EmbeddingTable[] {
  if (!ctx.userDays) return [];
  return [new EmbeddingTable(DAY_BIAS_TABLE, ctx.userDays, 1, 'userDay', 'zeros', ctx.l2)];
}

/** `prediction` plus each row's b_{u,t} (unchanged when the model has no day-bias table). */
export function withDayBias(prediction: tf.Tensor1D, rows: Rows): tf.Tensor1D {
  const bias = rows[DAY_BIAS_TABLE];
  return bias ? tf.add(prediction, tf.reshape(bias, [-1])) : prediction;
}

/**
 * Dense ids of the rows' (user, day) pairs, in order of first appearance, and how many there
 * are. Days are UTC calendar days of the timestamps: Unix seconds, or milliseconds when they
 * are that large (seconds since 1970 pass 1e11 in the year 5138; milliseconds passed it in 1973).
 *
 * Linear and without a hash map (a JS Map holds at most 2^24 entries, and a 25M-row file with a
 * spread of dates has about as many user-days as rows): the rows are grouped by user, each
 * user's days numbered through a per-day mark, then the ids renumbered in order of first
 * appearance.
 */
export function userDayIds(
  user: Int32Array,
  timestamp: Timestamps,
): { ids: Int32Array; count: number } {
  const n = user.length;
  let [min, max] = [Infinity, -Infinity];
  for (const t of timestamp) [min, max] = [Math.min(min, t), Math.max(max, t)];
  const length = max > 1e11 ? 86_400_000 : 86_400;
  const first = Math.floor(min / length);
  const day = (k: number) => Math.floor(timestamp[k] / length) - first;
  let users = 0;
  for (let k = 0; k < n; k++) users = Math.max(users, user[k] + 1);
  // The rows of each user, in row order (a counting sort).
  const start = new Int32Array(users + 1);
  for (let k = 0; k < n; k++) start[user[k] + 1]++;
  for (let u = 0; u < users; u++) start[u + 1] += start[u];
  const byUser = new Int32Array(n);
  const at = start.slice(0, users);
  for (let k = 0; k < n; k++) byUser[at[user[k]]++] = k;
  // Each user's days get consecutive ids.
  const ids = new Int32Array(n);
  const days = new DayMarks(n ? Math.floor(max / length) - first + 1 : 0);
  let count = 0;
  for (let u = 0; u < users; u++) {
    for (let x = start[u]; x < start[u + 1]; x++) {
      const k = byUser[x];
      ids[k] = days.idOf(u, day(k), () => count++);
    }
  }
  // In order of first appearance over the rows.
  const order = new Int32Array(count).fill(-1);
  let next = 0;
  for (let k = 0; k < n; k++) {
    const id = ids[k];
    if (order[id] < 0) order[id] = next++;
    ids[k] = order[id];
  }
  return { ids, count };
}

/** Above this many days between the first and last date, days are kept in a map per user. */
const DENSE_DAYS = 1 << 24;

/**
 * Which user last numbered each day, and the id it gave: dense arrays over the days' span, or
 * (for a span of dates no real data has, over 45,000 years) one map per user, cleared between
 * users, that holds at most that user's days.
 */
class DayMarks {
  private readonly owner: Int32Array;
  private readonly id: Int32Array;
  private readonly sparse: Map<number, number> | null;
  private sparseUser = -1;

  constructor(span: number) {
    const dense = span <= DENSE_DAYS;
    this.owner = new Int32Array(dense ? span : 0).fill(-1);
    this.id = new Int32Array(dense ? span : 0);
    this.sparse = dense ? null : new Map();
  }

  idOf(user: number, day: number, fresh: () => number): number {
    const sparse = this.sparse;
    if (sparse) {
      if (this.sparseUser !== user) {
        sparse.clear();
        this.sparseUser = user;
      }
      let id = sparse.get(day);
      if (id === undefined) sparse.set(day, (id = fresh()));
      return id;
    }
    if (this.owner[day] !== user) {
      this.owner[day] = user;
      this.id[day] = fresh();
    }
    return this.id[day];
  }
}
