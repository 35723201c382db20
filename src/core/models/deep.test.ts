import { describe, expect, it } from 'vitest';
import { tf } from '../tf/tfjs';
import { modelContext, noFeatures, type TrainData } from '../training/trainer';
import { DEFAULT_CONFIG, type TrainConfig } from '../training/config';
import { UserTrainer } from '../training/user-trainer';
import { UserRows, type UserBatchModel } from './user-batch';
import { randomSplit, take } from '../data/split';
import { evaluateRanking, popularityScorer } from '../metrics/evaluate-ranking';
import { groupByUser } from '../metrics/ranking';
import { ratingMetrics } from '../metrics/rating';
import { mulberry32 } from '../util/random';
import { AutoRec } from './autorec';
import { YouTubeDNN } from './youtube-dnn';
import { meanRating } from './baseline';
import type { Interactions } from '../data/types';
import type { FeatureTable } from '../data/types';

const USERS = 60;
const ITEMS = 40;
const group = (u: number) => u % 2;
const ownHalf = (u: number, i: number) => Math.floor(i / (ITEMS / 2)) === group(u);

/**
 * Two taste groups: each user interacts with 10 of the 20 items of their own half of the
 * catalogue. Explicit: they also rate 6 items of the other half, own-half items 4 or 5 and the
 * others 1 or 2. User features (when asked for): the user's group.
 */
function plantedHalves(explicit: boolean, withFeatures = false): TrainData {
  const random = mulberry32(13);
  const user: number[] = [];
  const item: number[] = [];
  const rating: number[] = [];
  const pick = (u: number, half: number, n: number, rate: () => number) => {
    const picks = new Set<number>();
    while (picks.size < n) picks.add(half * (ITEMS / 2) + Math.floor(random() * (ITEMS / 2)));
    for (const i of picks) {
      user.push(u);
      item.push(i);
      rating.push(rate());
    }
  };
  for (let u = 0; u < USERS; u++) {
    pick(u, group(u), 10, () => (explicit ? 4 + Math.floor(random() * 2) : 1));
    if (explicit) pick(u, 1 - group(u), 6, () => 1 + Math.floor(random() * 2));
  }
  const all: Interactions = {
    user: Int32Array.from(user),
    item: Int32Array.from(item),
    rating: Float32Array.from(rating),
  };
  const s = randomSplit(user.length, 0.2, 3);
  const rows = (r: Int32Array): Interactions => ({
    user: take(all.user, r),
    item: take(all.item, r),
    rating: take(all.rating, r),
  });
  const features = noFeatures(USERS, ITEMS);
  if (withFeatures) {
    const userFeatures: FeatureTable = {
      names: ['group 0', 'group 1'],
      offsets: Int32Array.from({ length: USERS + 1 }, (_, u) => u),
      values: Int32Array.from({ length: USERS }, (_, u) => group(u)),
    };
    features.userFeatures = userFeatures;
  }
  return {
    users: USERS,
    items: ITEMS,
    train: rows(s.train),
    test: rows(s.test),
    ratingMin: 1,
    ratingMax: 5,
    ...features,
  };
}

const implicit: TrainConfig = {
  ...DEFAULT_CONFIG,
  feedback: 'implicit',
  dim: 8,
  hidden: 16,
  epochs: 60,
  // 1024 rows -> 16 users a batch.
  batchSize: 1024,
  learningRate: 0.01,
  l2: 0.01,
};

async function train(trainer: UserTrainer): Promise<number[]> {
  const losses: number[] = [];
  while (!trainer.finished) {
    trainer.step();
    if (trainer.stepInEpoch === 0) losses.push((await trainer.takeLoss())!.loss);
  }
  return losses;
}

/**
 * Share of (held-out item, other-half item) pairs of each user that the model orders right: the
 * held-out items are all in the user's own half.
 */
function ownHalfWins(model: UserBatchModel, data: TrainData): number {
  const rows = new UserRows(data.train, data.users, data.items, true);
  const all = Array.from({ length: data.users }, (_, u) => u);
  const t = tf.tidy(() =>
    model.scoreUsers(tf.tensor2d(rows.dense(all, false).input, [data.users, data.items]), null),
  );
  const s = t.dataSync();
  t.dispose();
  let wins = 0;
  let pairs = 0;
  data.test.user.forEach((u, k) => {
    for (let j = 0; j < data.items; j++) {
      if (ownHalf(u, j)) continue;
      pairs++;
      if (s[u * data.items + data.test.item[k]] > s[u * data.items + j]) wins++;
    }
  });
  return wins / pairs;
}

async function popularityRecall(data: TrainData): Promise<number> {
  const popularity = popularityScorer(data.train.item, data.items);
  const report = await evaluateRanking(
    popularity,
    groupByUser(data.train.user, data.train.item, data.users),
    groupByUser(data.test.user, data.test.item, data.users),
    data.users,
    data.items,
    { k: 10, recallAt: [10] },
  );
  popularity.dispose();
  return report.at[10].recall;
}

const models = {
  autorec: (data: TrainData, c: TrainConfig) => new AutoRec(modelContext(data, c)),
  'youtube-dnn': (data: TrainData, c: TrainConfig) => new YouTubeDNN(modelContext(data, c)),
};

describe.each(Object.entries(models))('%s on planted taste groups', (name, create) => {
  it('learns the groups: held-out items rank high, far above popularity', async () => {
    const data = plantedHalves(false);
    const c = { ...implicit, model: name };
    const model = create(data, c);
    expect(model.predictsRatings).toBe(false);
    expect(model.batching).toBe('users');
    const trainer = new UserTrainer(data, c, model);
    const losses = await train(trainer);
    expect(losses[losses.length - 1]).toBeLessThan(0.9 * losses[0]);
    expect(ownHalfWins(model, data)).toBeGreaterThan(0.95);
    const report = (await trainer.rankingReport(true))!;
    // A user's ~2 held-out items are among the 10 or so own-half items they have not touched.
    expect(report.at[10].recall).toBeGreaterThan(0.7);
    expect(report.at[10].recall).toBeGreaterThan(2 * (await popularityRecall(data)));
    trainer.dispose();
  });

  it('snapshots every user and item and frees its variables on dispose', async () => {
    const data = plantedHalves(false);
    const before = tf.memory().numTensors;
    const model = create(data, { ...implicit, model: name });
    const snap = await model.snapshot(3);
    const dim = name === 'autorec' ? implicit.hidden : implicit.dim;
    expect(snap.epoch).toBe(3);
    expect(snap.dim).toBe(dim);
    expect(snap.userFactors.length).toBe(USERS * dim);
    expect(snap.itemFactors.length).toBe(ITEMS * dim);
    expect(snap.itemBias.length).toBe(ITEMS);
    expect(snap.userBias.length).toBe(USERS);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('starts from the same weights with the same seed', async () => {
    const data = plantedHalves(false);
    const a = create(data, { ...implicit, model: name });
    const b = create(data, { ...implicit, model: name });
    const c = create(data, { ...implicit, model: name, seed: 1 });
    const [sa, sb, sc] = await Promise.all([a.snapshot(0), b.snapshot(0), c.snapshot(0)]);
    expect(sb.itemFactors).toEqual(sa.itemFactors);
    expect(sc.itemFactors).not.toEqual(sa.itemFactors);
    [a, b, c].forEach((m) => m.dispose());
  });
});

describe('AutoRec on explicit ratings', () => {
  it('predicts planted ratings far better than the global mean', async () => {
    const data = plantedHalves(true);
    const c: TrainConfig = {
      ...implicit,
      model: 'autorec',
      feedback: 'explicit',
      epochs: 80,
      l2: 0.01,
    };
    const model = models.autorec(data, c);
    expect(model.predictsRatings).toBe(true);
    const trainer = new UserTrainer(data, c, model);
    const losses = await train(trainer);
    expect(losses[losses.length - 1]).toBeLessThan(0.5 * losses[0]);
    const { rmse } = await trainer.evaluate();
    const mean = meanRating(data.train.rating);
    const global = ratingMetrics(
      new Float32Array(data.test.rating.length).fill(mean),
      data.test.rating,
    ).rmse;
    // Own-half ratings are 4-5 and others 1-2: the mean misses by about 1.6, the groups by 0.5.
    expect(rmse).toBeLessThan(0.5 * global);
    trainer.dispose();
  });
});

describe('YouTube DNN with user features', () => {
  it('reads the features: a user with no history is scored by their group', async () => {
    const data = plantedHalves(false, true);
    const c = { ...implicit, model: 'youtube-dnn' };
    const model = new YouTubeDNN(modelContext(data, c));
    expect(model.readsUserFeatures).toBe(true);
    expect(model.dense.length).toBe(8);
    const trainer = new UserTrainer(data, c, model);
    await train(trainer);
    // No history; features 'group 0' and 'group 1'.
    const s = tf.tidy(() =>
      model.scoreUsers(tf.zeros([2, ITEMS]), tf.tensor2d([1, 0, 0, 1], [2, 2])),
    );
    const scores = s.arraySync() as number[][];
    s.dispose();
    const mean = (row: number[], from: number) =>
      row.slice(from, from + ITEMS / 2).reduce((a, b) => a + b) / (ITEMS / 2);
    expect(mean(scores[0], 0)).toBeGreaterThan(mean(scores[0], ITEMS / 2));
    expect(mean(scores[1], ITEMS / 2)).toBeGreaterThan(mean(scores[1], 0));
    trainer.dispose();
  });
});
