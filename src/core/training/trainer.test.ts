import { describe, expect, it } from 'vitest';
import { tf } from '../tf/tfjs';
import { heldOutLists, noFeatures, Trainer, type TrainData } from './trainer';
import { heldOutView } from './protocol';
import { mulberry32 } from '../util/random';
import { DEFAULT_CONFIG, OPTIMIZERS, validateConfig, type TrainConfig } from './config';
import { plantedLowRank } from '../data/synthetic';
import { randomSplit, take } from '../data/split';
import { fitBiases, meanRating, predictBiases } from '../models/baseline';
import { ratingMetrics } from '../metrics/rating';
import type { Interactions } from '../data/types';
import { evaluateRanking, factorScorer, rankedUsers } from '../metrics/evaluate-ranking';
import { groupByUser } from '../metrics/ranking';

function splitData(all: Interactions, users: number, items: number): TrainData {
  const s = randomSplit(all.rating.length, 0.2, 1);
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
    ratingMin: -Infinity,
    ratingMax: Infinity,
    ...noFeatures(users, items),
  };
}

const planted = () =>
  plantedLowRank({ users: 120, items: 100, rank: 3, density: 0.5, noise: 0.1, seed: 5 });

describe('heldOutLists', () => {
  it('groups the known items of the users the ranking evaluates, from train and validation', () => {
    // 6,000 users x 8,000 items is past the bound on scores: a sample of the users is ranked.
    const [users, items] = [6000, 8000];
    const random = mulberry32(3);
    const rowsOf = (n: number): Interactions => ({
      user: Int32Array.from({ length: n }, () => Math.floor(random() * users)),
      item: Int32Array.from({ length: n }, () => Math.floor(random() * items)),
      rating: new Float32Array(n).fill(1),
    });
    const [train, validation, test] = [rowsOf(40_000), rowsOf(6000), rowsOf(9000)];
    const data: TrainData = {
      users,
      items,
      train,
      test,
      validation: { ...validation, candidates: null, userDay: null },
      ratingMin: 1,
      ratingMax: 1,
      ...noFeatures(users, items),
    };
    const lists = heldOutLists(heldOutView(data, 'test'));
    const { withHeldOut, evaluated } = rankedUsers(lists.test, users, items);
    expect(evaluated.length).toBeLessThan(withHeldOut);
    const cat = (a: Int32Array, b: Int32Array) => Int32Array.from([...a, ...b]);
    const all = groupByUser(
      cat(train.user, validation.user),
      cat(train.item, validation.item),
      users,
    );
    const picked = new Set(evaluated);
    for (let u = 0; u < users; u++) {
      const own = [
        ...lists.train.items.subarray(lists.train.offsets[u], lists.train.offsets[u + 1]),
      ];
      const full = [...all.items.subarray(all.offsets[u], all.offsets[u + 1])];
      expect(own).toEqual(picked.has(u) ? full : []);
    }
    expect([...lists.test.items]).toEqual([...groupByUser(test.user, test.item, users).items]);
  });
});

describe('Trainer with biased MF', () => {
  it('learns a planted low-rank matrix far better than the bias-only baseline', async () => {
    const data = splitData(planted(), 120, 100);
    const config: TrainConfig = {
      ...DEFAULT_CONFIG,
      dim: 8,
      epochs: 40,
      batchSize: 256,
      learningRate: 0.02,
      l2: 0.01,
    };
    expect(validateConfig(config)).toEqual([]);
    const trainer = new Trainer(data, config);
    const losses: number[] = [];
    while (!trainer.finished) {
      trainer.step();
      if (trainer.stepInEpoch === 0) losses.push((await trainer.takeLoss())!.loss);
    }
    const { rmse } = await trainer.evaluate();
    const biases = fitBiases(data.train, 120, 100);
    const base = ratingMetrics(
      predictBiases(biases, data.test.user, data.test.item),
      data.test.rating,
    );
    const mean = meanRating(data.train.rating);
    const globalRmse = ratingMetrics(
      new Float32Array(data.test.rating.length).fill(mean),
      data.test.rating,
    ).rmse;
    expect(base.rmse).toBeLessThan(globalRmse);
    expect(rmse).toBeLessThan(0.5 * base.rmse);
    expect(losses[losses.length - 1]).toBeLessThan(0.2 * losses[0]);
    trainer.dispose();
  });

  it('ranks held-out items with the model scores, as factor scoring of its snapshot does', async () => {
    const data = splitData(planted(), 120, 100);
    const trainer = new Trainer(data, { ...DEFAULT_CONFIG, dim: 8, epochs: 2, batchSize: 256 });
    while (!trainer.finished) trainer.step();
    const before = tf.memory().numTensors;
    const report = (await trainer.rankingReport(true))!;
    expect(tf.memory().numTensors).toBe(before);
    const s = await trainer.snapshot();
    const [uf, itf, ib] = [
      tf.tensor2d(s.userFactors, [120, 8]),
      tf.tensor2d(s.itemFactors, [100, 8]),
      tf.tensor1d(s.itemBias),
    ];
    const reference = await evaluateRanking(
      factorScorer(uf, itf, ib),
      groupByUser(data.train.user, data.train.item, 120),
      groupByUser(data.test.user, data.test.item, 120),
      120,
      100,
      { k: 10, recallAt: [10, 20] },
    );
    tf.dispose([uf, itf, ib]);
    expect(report.metrics.users).toBe(reference.metrics.users);
    expect(report.metrics.users).toBeGreaterThan(100);
    expect(report.at[20].recall).toBeCloseTo(reference.at[20].recall, 6);
    expect(report.at[10].ndcg).toBeCloseTo(reference.at[10].ndcg, 6);
    expect(report.metrics.auc).toBeCloseTo(reference.metrics.auc, 6);
    for (const v of [report.at[20].recall, report.at[10].ndcg, report.metrics.auc])
      expect(v).toBeGreaterThan(0);
    trainer.dispose();
  });

  it('keeps the number of tensors flat across steps and frees everything on dispose', async () => {
    const before = tf.memory().numTensors;
    const trainer = new Trainer(splitData(planted(), 120, 100), {
      ...DEFAULT_CONFIG,
      batchSize: 64,
      epochs: 50,
    });
    trainer.step();
    await trainer.takeLoss();
    const afterFirst = tf.memory().numTensors;
    for (let k = 0; k < 1000; k++) trainer.step();
    expect(trainer.finished).toBe(false);
    await trainer.takeLoss();
    await trainer.evaluate();
    expect(tf.memory().numTensors).toBe(afterFirst);
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is reproducible for a fixed seed', async () => {
    const run = async () => {
      const t = new Trainer(splitData(planted(), 120, 100), {
        ...DEFAULT_CONFIG,
        epochs: 2,
        batchSize: 512,
      });
      while (!t.finished) t.step();
      const m = await t.evaluate();
      t.dispose();
      return m.rmse;
    };
    expect(await run()).toBe(await run());
  });

  it("takes a run's epochs, patience or map cadence before its first step, nothing else", () => {
    const config = { ...DEFAULT_CONFIG, epochs: 2, batchSize: 512 };
    const t = new Trainer(splitData(planted(), 120, 100), config);
    expect(t.runWith({ ...config, learningRate: config.learningRate * 2 })).toBe(false);
    expect(t.runWith({ ...config, dim: config.dim + 1 })).toBe(false);
    expect(t.epochs).toBe(2);
    expect(t.runWith({ ...config, epochs: 3, patience: 1, projectEvery: 0 })).toBe(true);
    expect(t.epochs).toBe(3);
    let steps = 0;
    for (; !t.finished; steps++) t.step();
    expect(steps).toBe(3 * Math.ceil(t.rowsPerEpoch / 512));
    expect(t.runWith({ ...config, epochs: 4 })).toBe(false);
    t.dispose();
  });
});

describe('the sparse gradient path', () => {
  const data = () => splitData(planted(), 120, 100);
  const tables = async (t: Trainer) => {
    const s = await t.snapshot();
    return [s.userFactors, s.itemFactors, s.userBias, s.itemBias];
  };
  const maxDiff = (a: Float32Array[], b: Float32Array[]) =>
    Math.max(...a.map((x, k) => Math.max(...x.map((v, i) => Math.abs(v - b[k][i])))));

  for (const optimizer of OPTIMIZERS) {
    it(`matches stock autodiff and tf.train.${optimizer} after a step, to 1e-4`, async () => {
      // With SGD at learning rate 1 the update is the gradient itself: this compares gradients.
      // (Adam's first step is about lr * sign(g), so tiny gradients' rounding shows: lr 0.01.)
      // (Adadelta's first step is about 3e-4 x g x lr: lr 1 makes it visible.)
      const learningRate =
        { sgd: 1, adam: 0.01, adamax: 0.01, adadelta: 1 }[optimizer as string] ?? 0.05;
      const config: TrainConfig = {
        ...DEFAULT_CONFIG,
        dim: 6,
        batchSize: 300,
        learningRate,
        optimizer,
      };
      const sparse = new Trainer(data(), config);
      const stock = new Trainer(data(), config, { stockGather: true });
      const before = await tables(sparse);
      sparse.step();
      stock.step();
      const [a, b] = [await tables(sparse), await tables(stock)];
      expect(maxDiff(a, b)).toBeLessThan(1e-4);
      expect(maxDiff(a, before)).toBeGreaterThan(1e-3); // it did move
      sparse.dispose();
      stock.dispose();
    });
  }

  it('equals stock SGD over many steps (SGD has no state to be lazy about)', async () => {
    const config: TrainConfig = {
      ...DEFAULT_CONFIG,
      dim: 4,
      batchSize: 128,
      learningRate: 0.05,
      optimizer: 'sgd',
    };
    const sparse = new Trainer(data(), config);
    const stock = new Trainer(data(), config, { stockGather: true });
    for (let k = 0; k < 20; k++) {
      sparse.step();
      stock.step();
    }
    expect(maxDiff(await tables(sparse), await tables(stock))).toBeLessThan(1e-4);
    sparse.dispose();
    stock.dispose();
  });
});
