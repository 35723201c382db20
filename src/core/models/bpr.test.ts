import { describe, expect, it } from 'vitest';
import { tf } from '../tf/tfjs';
import { noFeatures, Trainer, type TrainData } from '../training/trainer';
import { DEFAULT_CONFIG, type TrainConfig } from '../training/config';
import { randomSplit, take } from '../data/split';
import { evaluateRanking, popularityScorer } from '../metrics/evaluate-ranking';
import { groupByUser } from '../metrics/ranking';
import { mulberry32 } from '../util/random';
import type { Interactions } from '../data/types';

/** 3 taste groups: each user interacts with 12 of the 20 items of their own group. */
function plantedGroups(): TrainData {
  const users = 60;
  const items = 60;
  const random = mulberry32(11);
  const user: number[] = [];
  const item: number[] = [];
  for (let u = 0; u < users; u++) {
    const group = u % 3;
    const picks = new Set<number>();
    while (picks.size < 12) picks.add(group * 20 + Math.floor(random() * 20));
    for (const i of picks) {
      user.push(u);
      item.push(i);
    }
  }
  const all: Interactions = {
    user: Int32Array.from(user),
    item: Int32Array.from(item),
    rating: new Float32Array(user.length).fill(1),
  };
  const s = randomSplit(user.length, 0.25, 3);
  const pick = (rows: Int32Array): Interactions => ({
    user: take(all.user, rows),
    item: take(all.item, rows),
    rating: take(all.rating, rows),
  });
  return {
    users,
    items,
    train: pick(s.train),
    test: pick(s.test),
    ratingMin: 1,
    ratingMax: 1,
    ...noFeatures(users, items),
  };
}

const config: TrainConfig = {
  ...DEFAULT_CONFIG,
  model: 'bpr',
  dim: 8,
  epochs: 40,
  batchSize: 128,
  learningRate: 0.05,
  l2: 0.001,
};

describe('BPR', () => {
  it('learns planted taste groups: ranks held-out items far above popularity', async () => {
    const data = plantedGroups();
    const trainer = new Trainer(data, config);
    const losses: number[] = [];
    while (!trainer.finished) {
      trainer.step();
      if (trainer.stepInEpoch === 0) losses.push((await trainer.takeLoss())!.loss);
    }
    const before = tf.memory().numTensors;
    const bpr = (await trainer.rankingReport(true))!;
    expect(tf.memory().numTensors).toBe(before);
    const popularity = popularityScorer(data.train.item, data.items);
    const reference = await evaluateRanking(
      popularity,
      groupByUser(data.train.user, data.train.item, data.users),
      groupByUser(data.test.user, data.test.item, data.users),
      data.users,
      data.items,
      { k: 10, recallAt: [10] },
    );
    popularity.dispose();
    // Random ranking of a user's 17 or so unseen items from 45 others gets recall@10 near 0.2;
    // learning the groups puts the held-out items among the top 10 of 20 in-group items.
    expect(bpr.at[10].recall).toBeGreaterThan(0.6);
    expect(bpr.at[10].recall).toBeGreaterThan(2 * reference.at[10].recall);
    // (8 in-group items a user never touched are negatives that should rank high: AUC <= 0.92.)
    expect(bpr.metrics.auc).toBeGreaterThan(0.8);
    expect(losses[losses.length - 1]).toBeLessThan(0.5 * losses[0]);
    trainer.dispose();
  });

  it('takes the same step on the sparse path as stock autodiff (pairs in one item plan)', async () => {
    const data = plantedGroups();
    const sgd: TrainConfig = { ...config, optimizer: 'sgd', learningRate: 1 };
    const sparse = new Trainer(data, sgd);
    const stock = new Trainer(data, sgd, { stockGather: true });
    sparse.step();
    stock.step();
    const [a, b] = [await sparse.snapshot(), await stock.snapshot()];
    let max = 0;
    a.itemFactors.forEach((v, k) => (max = Math.max(max, Math.abs(v - b.itemFactors[k]))));
    a.userFactors.forEach((v, k) => (max = Math.max(max, Math.abs(v - b.userFactors[k]))));
    a.itemBias.forEach((v, k) => (max = Math.max(max, Math.abs(v - b.itemBias[k]))));
    expect(max).toBeLessThan(1e-5);
    sparse.dispose();
    stock.dispose();
  });
});
