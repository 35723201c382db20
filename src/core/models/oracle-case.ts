/**
 * Test-only: the tiny case the formula oracles (`*.oracle.test.ts`) share, and the plumbing that
 * runs a model through its real trainer once. Each oracle sets a model's parameters to known
 * values, then compares what the model computes with a reference written as plain loops from the
 * paper's formula (never through the model's own helpers).
 *
 * 4 users x 4 items, 7 training rows. User 3 and item 3 have no training row (cold) but have
 * metadata features; user 2 and item 2 have no features. Each row has a (user, day) id, with one
 * held-out day (user 3's) never seen in training.
 */
import { tf } from '../tf/tfjs';
import { Trainer, type TrainData } from '../training/trainer';
import { UserTrainer } from '../training/user-trainer';
import { DEFAULT_CONFIG, type TrainConfig } from '../training/config';
import type { FeatureTable } from '../data/types';
import type { RowModel, UserBatchModel } from './types';

export const USERS = 4;
export const ITEMS = 4;
/** Distinct (user, day) ids over training and held-out rows. */
export const DAYS = 5;

export const TRAIN = {
  user: [0, 0, 0, 1, 1, 2, 2],
  item: [0, 1, 2, 0, 2, 1, 2],
  rating: [4, 3, 5, 2, 4, 1, 3],
  day: [0, 0, 1, 2, 2, 3, 3],
};
export const TEST = {
  user: [0, 1, 2, 3],
  item: [3, 1, 0, 2],
  rating: [2, 5, 4, 3],
  day: [1, 2, 3, 4],
};

/** u0: a; u1: a, b; u2: none; u3: b. */
export const USER_FEATURES: FeatureTable = {
  names: ['a', 'b'],
  offsets: Int32Array.of(0, 1, 3, 3, 4),
  values: Int32Array.of(0, 0, 1, 1),
};
/** i0: x; i1: x, y; i2: none; i3: y, z. */
export const ITEM_FEATURES: FeatureTable = {
  names: ['x', 'y', 'z'],
  offsets: Int32Array.of(0, 1, 3, 3, 5),
  values: Int32Array.of(0, 0, 1, 1, 2),
};

/**
 * The tiny case as a trainer gets it. Implicit feedback reads every row as a 1, and has no
 * user-days (as `prepareExperiment` gives only explicit runs a day bias).
 */
export function tinyData(opts: { implicit?: boolean; days?: boolean } = {}): TrainData {
  const rows = (r: typeof TRAIN) => ({
    user: Int32Array.from(r.user),
    item: Int32Array.from(r.item),
    rating: Float32Array.from(r.rating, (v) => (opts.implicit ? 1 : v)),
  });
  return {
    users: USERS,
    items: ITEMS,
    train: rows(TRAIN),
    test: rows(TEST),
    ratingMin: 1,
    ratingMax: opts.implicit ? 1 : 5,
    itemFeatures: ITEM_FEATURES,
    userFeatures: USER_FEATURES,
    userDay:
      opts.days && !opts.implicit
        ? { count: DAYS, train: Int32Array.from(TRAIN.day), test: Int32Array.from(TEST.day) }
        : null,
  };
}

/** Settings for one full-batch SGD step (every training row, or every user, in one batch). */
export function tinyConfig(model: string, feedback: 'explicit' | 'implicit'): TrainConfig {
  return {
    ...DEFAULT_CONFIG,
    model,
    feedback,
    dim: 2,
    hidden: 3,
    epochs: 1,
    batchSize: 256, // > the 7 rows; a user batch of 256 / 64 = 4 >= the 3 users with rows
    optimizer: 'sgd',
    learningRate: 0.1,
    l2: 0.05,
    seed: 7,
  };
}

/** Deterministic values of order `scale` with mixed signs, `n` of them. */
export function knownValues(n: number, salt: number, scale = 0.4): Float32Array {
  return Float32Array.from({ length: n }, (_, k) => scale * Math.sin(1.7 * k + salt));
}

/** Sets a model's table (by name) to `values` ([rows, width] row-major; the spare row stays 0). */
export function setTable(model: RowModel, name: string, values: Float32Array): Float32Array {
  const table = model.tables.find((t) => t.name === name);
  if (!table) throw new Error(`${model.name} has no table "${name}"`);
  if (values.length !== table.rows * table.dim)
    throw new Error(`${name}: ${values.length} values for ${table.rows} x ${table.dim}`);
  const all = new Float32Array((table.rows + 1) * table.dim);
  all.set(values);
  tf.tidy(() => table.weights.assign(tf.tensor2d(all, [table.rows + 1, table.dim])));
  return values;
}

/** Sets a dense variable to `values` (same shape). */
export function setVariable(v: tf.Variable, values: Float32Array): Float32Array {
  tf.tidy(() => v.assign(tf.tensor(values, v.shape)));
  return values;
}

/** Largest absolute difference of two equally long arrays (Infinity when lengths differ). */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let max = 0;
  for (let k = 0; k < a.length; k++) max = Math.max(max, Math.abs(a[k] - b[k]));
  return Number.isNaN(max) ? Infinity : max;
}

/** The training rows the model was handed in its first batch, as read inside its `loss`. */
export interface SeenBatch {
  user: number[];
  /** Pairwise models: B positives, then the B sampled negatives. */
  item: number[];
  rating: number[];
  userDay: number[] | null;
}

/** (user, item, user-day) pairs: the training rows, then the held-out rows. */
export function allPairs(data: TrainData): { user: Int32Array; item: Int32Array; day: Int32Array } {
  const cat = (a: Int32Array, b: Int32Array) => Int32Array.from([...a, ...b]);
  return {
    user: cat(data.train.user, data.test.user),
    item: cat(data.train.item, data.test.item),
    day: data.userDay ? cat(data.userDay.train, data.userDay.test) : new Int32Array(0),
  };
}

/**
 * Runs a row model through `Trainer` for one full-batch step and gives back (1) its predictions
 * for `allPairs(data)` before the step, (2) the step's loss: on the sparse path the model's
 * `loss` alone (the data term), on the stock path (`stock`) the whole objective, the tables' L2
 * included, and (3) the batch the model saw (the trainer's order and, for pairwise models, its
 * sampled negatives). The trainer disposes the model.
 */
export async function runRowModel(
  data: TrainData,
  config: TrainConfig,
  model: RowModel,
  stock: boolean,
): Promise<{ predicted: Float32Array; loss: number; batch: SeenBatch }> {
  const seen: { batch?: SeenBatch } = {};
  const loss = model.loss.bind(model);
  model.loss = (rows, batch) => {
    const read = (t: tf.Tensor) => Array.from(t.dataSync());
    seen.batch ??= {
      user: read(batch.index.user),
      item: read(batch.index.item),
      rating: read(batch.rating),
      userDay: batch.index.userDay ? read(batch.index.userDay) : null,
    };
    return loss(rows, batch);
  };
  const trainer = new Trainer(data, config, { stockGather: stock, model });
  try {
    const pairs = allPairs(data);
    const predicted = await trainer.predict(pairs.user, pairs.item, pairs.day);
    trainer.step();
    const taken = await trainer.takeLoss();
    if (!taken || !seen.batch) throw new Error('no step was taken');
    return { predicted, loss: taken.loss, batch: seen.batch };
  } finally {
    trainer.dispose();
  }
}

/** One full-batch step of a user-batch model through `UserTrainer`: its objective (decay included). */
export async function runUserModel(
  data: TrainData,
  config: TrainConfig,
  model: UserBatchModel,
): Promise<number> {
  const trainer = new UserTrainer(data, config, model);
  try {
    trainer.step();
    const taken = await trainer.takeLoss();
    if (!taken) throw new Error('no step was taken');
    return taken.loss;
  } finally {
    trainer.dispose();
  }
}
