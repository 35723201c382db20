/**
 * Top-k evaluation of a model that scores every item for a user, on the tfjs backend.
 *
 * Protocol (the definitions of each metric are in `./ranking`):
 * - the input is two CSR lists (`groupByUser`): each user's training items and held-out (test)
 *   items; an "interaction" is any row of the data, whatever its rating (for explicit data every
 *   rating, low ones included, counts as an interaction and, when held out, as relevant);
 * - users with no held-out items are skipped: they are not scored and no metric counts them;
 * - each counted user's scores over all `items` are read back, the user's training items are
 *   excluded (they can neither be recommended nor count as hits), and the best remaining items
 *   are ranked (`topK`, ties to the lower item index, NaN scores never ranked);
 * - precision@k = hits / k; recall@k = hits / min(k, |test|); NDCG@k with binary gains, its ideal
 *   DCG over min(k, |test|) positions; hit rate, MAP@k and MRR within the top k; each averaged
 *   over the counted users, i.e. per user, not per interaction;
 * - coverage = distinct items in any counted user's top k / items;
 * - AUC (optional): per user, the probability that a held-out item outscores a non-interacted
 *   item (one in neither the user's training nor test list), ties 1/2, averaged over users.
 *
 * One list ranked to the largest k is enough for every smaller k (its first k entries are that
 * k's top k), so all the cut-offs come from one `topK` per user.
 *
 * Above a size the users are sampled: when (users with held-out items) x items exceeds `maxScores`,
 * a seeded uniform sample (without replacement) of floor(maxScores / items) of them is scored
 * instead, and the report says how many (`usersEvaluated` of `usersWithHeldOut`, `sampleSeed`).
 * The sample depends only on the seed and the list of users with held-out items, so every epoch
 * of a run (the validation part does not change) and every run on the same split rank the same
 * users, and their metrics compare. Below the bound nothing is sampled and the results are the
 * full evaluation's.
 *
 * Scoring runs in blocks of users: one [block, items] tensor per block, read with one awaited
 * `data()` (never `dataSync`, which would stall a webgl worker), then disposed.
 */
import { popularityScores } from '../models/popularity';
import { tf } from '../tf/tfjs';
import { mulberry32 } from '../util/random';
import { RankingAccumulator, topK, userAuc } from './ranking';
import type { RankingMetrics, UserItems } from './ranking';

/**
 * Scores a block of users against every item: [users.length, items] on the backend, or the same
 * scores row-major in a Float32Array on this thread (a scorer that reads typed-array tables).
 * The caller of `evaluateRanking` owns a returned tensor's lifetime only in the sense that
 * `evaluateRanking` disposes it after reading it; the function must not keep it.
 */
export type ScoreBlock = (users: Int32Array) => tf.Tensor2D | Float32Array;

/** A `ScoreBlock` on the backend. */
export type TensorScoreBlock = (users: Int32Array) => tf.Tensor2D;

/** A `ScoreBlock` that holds tensors of its own; `dispose()` frees them (call once, after use). */
export type DisposableScoreBlock = TensorScoreBlock & { dispose(): void };

/** The metrics at one extra cut-off. */
export interface RankingAtK {
  precision: number;
  recall: number;
  ndcg: number;
  hitRate: number;
}

export interface RankingReport {
  /** The main cut-off, `metrics.k`. */
  k: number;
  /** Every metric at `k` (AUC is NaN when not computed). */
  metrics: RankingMetrics;
  /** The metrics at each cut-off of `recallAt`, keyed by the cut-off. */
  at: Record<number, RankingAtK>;
  /** Users scored (the metrics average over them): all of `usersWithHeldOut`, or a sample. */
  usersEvaluated: number;
  /** Users with at least one held-out item. */
  usersWithHeldOut: number;
  /** The seed of the uniform sample of users, or null when every such user was scored. */
  sampleSeed: number | null;
}

export interface EvaluateRankingOptions {
  /** The main cut-off; default 10. */
  k?: number;
  /** Extra cut-offs reported in `at`; default [10, 20]. */
  recallAt?: number[];
  /** Users per scored block; default about 2^22 scores a block: floor(4194304 / items), >= 1. */
  blockUsers?: number;
  /** Whether to compute AUC (a pass over every item per user); default true. */
  withAuc?: boolean;
  /** Checked before each block; when set, the evaluation rejects with EvaluationCancelledError. */
  signal?: { cancelled: boolean };
  /** After each block: users evaluated so far, of the users (sampled) to evaluate. */
  onProgress?: (done: number, total: number) => void;
  /**
   * The most scores (users x items) one evaluation computes; above it the users are sampled.
   * Default `MAX_RANKING_SCORES`. Infinity turns sampling off.
   */
  maxScores?: number;
  /** The sample's seed; default `RANKING_SAMPLE_SEED`. */
  sampleSeed?: number;
}

export class EvaluationCancelledError extends Error {
  constructor() {
    super('Ranking evaluation cancelled');
    this.name = 'EvaluationCancelledError';
  }
}

/** Scores per block when `blockUsers` is not given: 16 MiB of float32 scores. */
const BLOCK_SCORES = 4_194_304;

/**
 * The default bound on users x items scored by one evaluation: 2^25, eight blocks. Why: the cost
 * is linear in the scores (a matMul, a read-back, a top-k and an AUC pass per score). At 1M rows
 * of the MovieLens-25M-shaped scale file (6,480 users x 57,313 items = 371M scores) the full
 * report took 238-288 s in the page at load average 15-20 (about 1.4M scores/s), while one epoch
 * took 35-43 s there; 2^25 scores take about 24 s at that rate, under an epoch, and at 25M rows
 * (162,000 users) the same 585 users are a smaller share of a longer epoch. The built-in sample
 * (610 users x 9,742 items, 5.9M scores) stays unsampled.
 */
export const MAX_RANKING_SCORES = 2 ** 25;

/** The default seed of the users' sample (fixed, so that runs on the same split compare). */
export const RANKING_SAMPLE_SEED = 20_240_615;

/**
 * The users to evaluate: all of `eligible` (ascending user indices) when there are at most `n`,
 * else a uniform sample of `n` of them without replacement (a partial Fisher-Yates shuffle
 * driven by mulberry32(`seed`)), returned in ascending order. Deterministic in (eligible, n, seed).
 */
export function sampleUsers(eligible: Int32Array, n: number, seed: number): Int32Array {
  if (!(Number.isInteger(n) && n >= 0)) {
    throw new Error(`sampleUsers: the sample size must be a non-negative integer, got ${n}`);
  }
  if (eligible.length <= n) return eligible;
  const pool = eligible.slice();
  const random = mulberry32(seed);
  for (let k = 0; k < n; k++) {
    const j = k + Math.floor(random() * (pool.length - k));
    const t = pool[k];
    pool[k] = pool[j];
    pool[j] = t;
  }
  return pool.subarray(0, n).sort();
}

/**
 * The users an evaluation scores: those with held-out items in `test` (`withHeldOut` of them),
 * or above `maxScores` / `items` of them a sample (`sampleUsers` with `seed`); ascending.
 * `evaluateRanking` reads the training lists of these users only, so a caller with a lot of
 * training rows can group just theirs (`heldOutLists` does).
 */
export function rankedUsers(
  test: UserItems,
  users: number,
  items: number,
  maxScores = MAX_RANKING_SCORES,
  seed = RANKING_SAMPLE_SEED,
): { withHeldOut: number; evaluated: Int32Array } {
  let withHeldOut = 0;
  for (let u = 0; u < users; u++) if (test.offsets[u + 1] > test.offsets[u]) withHeldOut++;
  const eligible = new Int32Array(withHeldOut);
  for (let u = 0, w = 0; u < users; u++) {
    if (test.offsets[u + 1] > test.offsets[u]) eligible[w++] = u;
  }
  const limit = Number.isFinite(maxScores) ? Math.floor(maxScores / items) : withHeldOut;
  return { withHeldOut, evaluated: sampleUsers(eligible, limit, seed) };
}

/**
 * Evaluates `score` on the held-out lists `test`, excluding `train`; see the file comment for the
 * protocol. `users` and `items` are the sizes of the index spaces (both lists have users + 1
 * offsets; every item lies in 0..items-1); only the evaluated users' (`rankedUsers`) training
 * lists are read. Every tensor it gets from `score` is disposed, also on error or cancellation.
 */
export async function evaluateRanking(
  score: ScoreBlock,
  train: UserItems,
  test: UserItems,
  users: number,
  items: number,
  opts: EvaluateRankingOptions = {},
): Promise<RankingReport> {
  const {
    k = 10,
    recallAt = [10, 20],
    withAuc = true,
    signal,
    onProgress,
    maxScores = MAX_RANKING_SCORES,
    sampleSeed = RANKING_SAMPLE_SEED,
  } = opts;
  if (!(Number.isInteger(users) && users >= 0)) {
    throw new Error(`evaluateRanking: user count must be a non-negative integer, got ${users}`);
  }
  if (!(Number.isInteger(items) && items > 0)) {
    throw new Error(`evaluateRanking: item count must be a positive integer, got ${items}`);
  }
  for (const c of [k, ...recallAt]) {
    if (!(Number.isInteger(c) && c > 0)) {
      throw new Error(`evaluateRanking: cut-offs must be positive integers, got ${c}`);
    }
  }
  const blockUsers = opts.blockUsers ?? Math.max(1, Math.floor(BLOCK_SCORES / items));
  if (!(Number.isInteger(blockUsers) && blockUsers > 0)) {
    throw new Error(`evaluateRanking: blockUsers must be a positive integer, got ${blockUsers}`);
  }
  if (!(maxScores >= items)) {
    throw new Error(
      `evaluateRanking: maxScores must be at least the ${items} items, got ${maxScores}`,
    );
  }
  checkLists(train, users, items, 'training');
  checkLists(test, users, items, 'test');

  // One accumulator per distinct cut-off; the main k shares one with an equal extra cut-off.
  const cutoffs = [...new Set([k, ...recallAt])];
  const acc = new Map(cutoffs.map((c) => [c, new RankingAccumulator(c, items)]));
  const maxK = Math.max(...cutoffs);

  const { withHeldOut, evaluated } = rankedUsers(test, users, items, maxScores, sampleSeed);
  const total = evaluated.length;

  for (let from = 0; from < total; from += blockUsers) {
    if (signal?.cancelled) throw new EvaluationCancelledError();
    const block = evaluated.subarray(from, Math.min(total, from + blockUsers));
    let scores: Float32Array;
    const t = score(block.slice());
    if (t instanceof Float32Array) {
      if (t.length !== block.length * items) {
        throw new Error(
          `evaluateRanking: the scorer returned ${t.length} scores ` +
            `for ${block.length} users and ${items} items`,
        );
      }
      scores = t;
    } else
      try {
        if (t.rank !== 2 || t.shape[0] !== block.length || t.shape[1] !== items) {
          throw new Error(
            `evaluateRanking: the scorer returned shape [${t.shape.join(', ')}] ` +
              `for ${block.length} users and ${items} items`,
          );
        }
        const values = await t.data();
        if (!(values instanceof Float32Array)) {
          throw new Error(`evaluateRanking: the scorer returned ${t.dtype} scores, not float32`);
        }
        scores = values;
      } finally {
        t.dispose();
      }

    for (let b = 0; b < block.length; b++) {
      const u = block[b];
      const row = scores.subarray(b * items, (b + 1) * items);
      const trainFrom = train.offsets[u];
      const trainTo = train.offsets[u + 1];
      const relevant = test.items.subarray(test.offsets[u], test.offsets[u + 1]);
      const ranked = topK(row, maxK, train.items, trainFrom, trainTo);
      const auc = withAuc ? userAuc(row, relevant, train.items, trainFrom, trainTo) : undefined;
      for (const a of acc.values()) a.addUser(ranked, relevant, auc);
    }
    onProgress?.(from + block.length, total);
  }

  const result = (c: number): RankingMetrics => acc.get(c)!.result();
  const metrics = result(k);
  const at: Record<number, RankingAtK> = {};
  for (const c of recallAt) {
    const { precision, recall, ndcg, hitRate } = result(c);
    at[c] = { precision, recall, ndcg, hitRate };
  }
  return {
    k,
    metrics,
    at,
    usersEvaluated: total,
    usersWithHeldOut: withHeldOut,
    sampleSeed: total < withHeldOut ? sampleSeed : null,
  };
}

/** Throws unless `list` is a CSR list of `users` users with items in 0..items-1. */
function checkLists(list: UserItems, users: number, items: number, what: string): void {
  const { offsets } = list;
  if (offsets.length !== users + 1) {
    throw new Error(
      `evaluateRanking: the ${what} lists have ${offsets.length} offsets for ${users} users`,
    );
  }
  if (offsets[0] !== 0 || offsets[users] !== list.items.length) {
    throw new Error(`evaluateRanking: the ${what} lists' offsets do not span its items`);
  }
  for (let u = 0; u < users; u++) {
    if (offsets[u + 1] < offsets[u]) {
      throw new Error(`evaluateRanking: the ${what} lists' offsets decrease at user ${u}`);
    }
  }
  for (let j = 0; j < list.items.length; j++) {
    const i = list.items[j];
    if (i < 0 || i >= items) {
      throw new Error(`evaluateRanking: ${what} item ${i} outside 0..${items - 1}`);
    }
  }
}

/**
 * The popularity baseline as a scorer: every user gets each item's number of rows in
 * `trainItem` (the per-row item column of the training split). The counts live in one [1, items]
 * tensor held by the returned function until its `dispose()` is called.
 */
export function popularityScorer(trainItem: Int32Array, items: number): DisposableScoreBlock {
  const counts = popularityScores(trainItem, items);
  const row = tf.tensor2d(counts, [1, items]);
  const score = (users: Int32Array): tf.Tensor2D => tf.tile(row, [users.length, 1]);
  return Object.assign(score, { dispose: () => row.dispose() });
}

/**
 * A factor model as a scorer: scores = U[users] · I^T, plus `itemBias` when given. Terms that are
 * the same for every item of a user (a global mean, user biases) do not change a user's ranking,
 * so they are left out.
 *
 * `userFactors` [users (+ spare rows), d]; `itemFactors` [>= items, d]; `itemBias` [>= items] or
 * [>= items, 1] (as an `EmbeddingTable` of dim 1 stores it). Only the first `items` rows of the
 * item tensors are used, so an `EmbeddingTable`'s weights, spare last row included, can be passed
 * as they are with `items` = the table's `rows`; `items` defaults to `itemFactors.shape[0]`.
 * The scorer holds no tensors of its own: the caller keeps the inputs alive while it is used and
 * disposes them as before.
 */
export function factorScorer(
  userFactors: tf.Tensor2D,
  itemFactors: tf.Tensor2D,
  itemBias?: tf.Tensor1D | tf.Tensor2D,
  items: number = itemFactors.shape[0],
): TensorScoreBlock {
  const d = itemFactors.shape[1];
  if (userFactors.shape[1] !== d) {
    throw new Error(
      `factorScorer: user factors have ${userFactors.shape[1]} columns, item factors ${d}`,
    );
  }
  if (!(Number.isInteger(items) && items >= 0 && items <= itemFactors.shape[0])) {
    throw new Error(
      `factorScorer: ${items} items, but the item factors have ${itemFactors.shape[0]} rows`,
    );
  }
  if (itemBias) {
    const [n, cols = 1] = itemBias.shape;
    if (cols !== 1 || n < items) {
      throw new Error(
        `factorScorer: item bias of shape [${itemBias.shape.join(', ')}] for ${items} items`,
      );
    }
  }
  const rows = userFactors.shape[0];
  return (users: Int32Array): tf.Tensor2D => {
    for (let j = 0; j < users.length; j++) {
      if (users[j] < 0 || users[j] >= rows) {
        throw new Error(`factorScorer: user ${users[j]} outside 0..${rows - 1}`);
      }
    }
    return tf.tidy((): tf.Tensor2D => {
      const u = tf.gather(userFactors, tf.tensor1d(users, 'int32'));
      const i =
        items === itemFactors.shape[0] ? itemFactors : tf.slice(itemFactors, [0, 0], [items, d]);
      const dots = tf.matMul(u, i, false, true) as tf.Tensor2D;
      if (!itemBias) return dots;
      const bias = tf.slice(tf.reshape(itemBias, [-1]), 0, items);
      return tf.add<tf.Tensor2D>(dots, bias);
    });
  };
}
