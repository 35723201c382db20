/** Test cases shared by the row engine's tests: small planted data and step-by-step comparison. */
import { expect } from 'vitest';
import { noFeatures, Trainer, type TrainData } from '../training/trainer';
import { DEFAULT_CONFIG, type TrainConfig } from '../training/config';
import { plantedLowRank } from '../data/synthetic';
import { randomSplit, take } from '../data/split';
import type { FeatureTable, Interactions } from '../data/types';
import { mulberry32 } from '../util/random';
import { RowEngineTrainer } from './row-trainer';
import { serialExecutor } from './serial';

/** Planted ratings split 80/20, with (user, day) ids of about 4 days per user when `days`. */
export function data(
  users: number,
  items: number,
  days: boolean,
  seed = 5,
  /** Metadata features (a hybrid's bags): 3 per user side, 5 per item side, 0-2 each. */
  features = false,
): TrainData {
  const all = plantedLowRank({ users, items, rank: 3, density: 0.4, noise: 0.2, seed });
  const s = randomSplit(all.rating.length, 0.2, 1);
  const pick = (rows: Int32Array): Interactions => ({
    user: take(all.user, rows),
    item: take(all.item, rows),
    rating: take(all.rating, rows),
  });
  const random = mulberry32(seed + 1);
  const dayOf = Int32Array.from(all.user, (u) => u * 4 + Math.floor(random() * 4));
  return {
    users,
    items,
    train: pick(s.train),
    test: pick(s.test),
    ratingMin: 0,
    ratingMax: 6,
    ...noFeatures(users, items),
    ...(features && {
      userFeatures: randomFeatures(users, 3, seed + 2),
      itemFeatures: randomFeatures(items, 5, seed + 3),
    }),
    userDay: days
      ? { count: users * 4, train: take(dayOf, s.train), test: take(dayOf, s.test) }
      : null,
  };
}

/** Each entity gets 0-2 distinct features of `count` at random (some get none). */
function randomFeatures(entities: number, count: number, seed: number): FeatureTable {
  const random = mulberry32(seed);
  const offsets = new Int32Array(entities + 1);
  const values: number[] = [];
  for (let e = 0; e < entities; e++) {
    const n = Math.floor(random() * 3);
    const first = Math.floor(random() * count);
    for (let k = 0; k < n; k++) values.push((first + k) % count);
    offsets[e + 1] = values.length;
  }
  return {
    names: Array.from({ length: count }, (_, k) => `f${k}`),
    offsets,
    values: Int32Array.from(values),
  };
}

export type Tables = Float32Array[];

/**
 * The model's tables. BPR's user-bias column is left out: it cancels in the pairwise margin, so
 * its exact gradient is 0 and the kernel keeps it at 0, while autodiff's is rounding noise that
 * Adam turns into steps of the learning rate's size. It changes no score difference.
 */
export async function tables(t: Trainer): Promise<Tables> {
  const out = await Promise.all(t.model.tables.map((x) => x.read()));
  if (t.model.pairwise) {
    const width = t.model.tables[0].dim;
    out[0] = out[0].filter((_, k) => k % width !== width - 1);
  }
  return out;
}

export function maxDiff(a: Tables, b: Tables): number {
  let max = 0;
  a.forEach((x, k) => x.forEach((v, i) => (max = Math.max(max, Math.abs(v - b[k][i])))));
  return max;
}

/**
 * Runs `steps` steps on the tfjs trainer and on the kernel (the SIMD one, or the JS one when
 * `simd` is false), and compares the tables after each.
 */
export async function compareSteps(
  d: TrainData,
  config: TrainConfig,
  steps: number,
  workers: number,
  reference: (d: TrainData, c: TrainConfig) => Trainer = (x, c) => new Trainer(x, c),
  stockLoss = false,
  simd = true,
): Promise<number[]> {
  const tfjs = reference(d, config);
  const kernel = await RowEngineTrainer.create(d, config, serialExecutor(simd), workers);
  const diffs: number[] = [];
  try {
    for (let k = 0; k < steps; k++) {
      tfjs.step();
      kernel.step();
      const [a, b] = await Promise.all([tfjs.takeLoss(), kernel.takeLoss()]);
      // The stock path's loss includes the L2 penalty; the kernel reports the model's loss.
      if (!stockLoss) expect(b!.loss).toBeCloseTo(a!.loss, 5);
      await kernel.writeModel();
      diffs.push(maxDiff(await tables(tfjs), await tables(kernel)));
    }
  } finally {
    tfjs.dispose();
    kernel.dispose();
  }
  return diffs;
}

export const small: TrainConfig = {
  ...DEFAULT_CONFIG,
  dim: 6,
  batchSize: 128,
  epochs: 100,
  l2: 0.05,
  learningRate: 0.05,
};
