import { describe, expect, it } from 'vitest';
import { tf } from '../tf/tfjs';
import { modelContext, noFeatures, type TrainData } from './trainer';
import { DEFAULT_CONFIG, type TrainConfig } from './config';
import { UserTrainer, usersPerBatch } from './user-trainer';
import { UserRows, type UserBatch } from '../models/user-batch';
import { AutoRec } from '../models/autorec';
import { ratingMetrics } from '../metrics/rating';
import { mulberry32 } from '../util/random';
import type { RecModel } from '../models/types';

/**
 * 30 users rating 3 to 8 of 20 items; user 29 has only held-out rows, so it is never in a
 * training batch.
 */
function smallData(): TrainData {
  const random = mulberry32(7);
  const users = 30;
  const items = 20;
  const rows = { train: [] as number[][], test: [] as number[][] };
  for (let u = 0; u < users; u++) {
    const n = 3 + (u % 6);
    const picks = new Set<number>();
    while (picks.size < n) picks.add(Math.floor(random() * items));
    [...picks].forEach((i, k) => {
      const r = 1 + Math.floor(random() * 5);
      (u === users - 1 || k === 0 ? rows.test : rows.train).push([u, i, r]);
    });
  }
  const columns = (list: number[][]) => ({
    user: Int32Array.from(list, (r) => r[0]),
    item: Int32Array.from(list, (r) => r[1]),
    rating: Float32Array.from(list, (r) => r[2]),
  });
  return {
    users,
    items,
    train: columns(rows.train),
    test: columns(rows.test),
    ratingMin: 1,
    ratingMax: 5,
    ...noFeatures(users, items),
  };
}

const config: TrainConfig = {
  ...DEFAULT_CONFIG,
  model: 'autorec',
  feedback: 'explicit',
  hidden: 8,
  epochs: 3,
  // 512 rows -> 8 users a batch.
  batchSize: 512,
  learningRate: 0.01,
  l2: 0.01,
};

const autorec = (data: TrainData, c: TrainConfig) => new AutoRec(modelContext(data, c));

/** Records every batch the model is handed (users and input shape). */
function recordBatches(model: AutoRec): { users: number[]; shape: number[] }[] {
  const seen: { users: number[]; shape: number[] }[] = [];
  const userLoss = model.userLoss.bind(model);
  model.userLoss = (b: UserBatch) => {
    seen.push({ users: Array.from(b.users.dataSync()), shape: b.input.shape });
    return userLoss(b);
  };
  return seen;
}

describe('UserTrainer', () => {
  it('maps the row batch size to users: 4096 rows -> 64 users, within 1..users', () => {
    expect(usersPerBatch(4096, 610)).toBe(64);
    expect(usersPerBatch(4096, 20)).toBe(20);
    expect(usersPerBatch(1, 20)).toBe(1);
  });

  it('builds dense training rows: ratings (explicit) or 1 (implicit), and the mask', () => {
    const train = {
      user: Int32Array.from([1, 0, 1]),
      item: Int32Array.from([2, 1, 0]),
      rating: Float32Array.from([4, 3, 5]),
    };
    const explicit = new UserRows(train, 2, 3, false).dense([1, 0], true);
    expect(Array.from(explicit.input)).toEqual([5, 0, 4, 0, 3, 0]);
    expect(Array.from(explicit.mask)).toEqual([1, 0, 1, 0, 1, 0]);
    expect(Array.from(new UserRows(train, 2, 3, true).dense([1], false).input)).toEqual([1, 0, 1]);
    // Implicit rows with their mask: one block, the input and mask alike.
    const implicit = new UserRows(train, 2, 3, true).dense([1, 0], true);
    expect(Array.from(implicit.input)).toEqual([1, 0, 1, 0, 1, 0]);
    expect(implicit.mask).toBe(implicit.input);
  });

  it('hands every batch the same number of users and covers the users with rows each epoch', () => {
    const data = smallData();
    const model = autorec(data, config);
    const seen = recordBatches(model);
    const trainer = new UserTrainer(data, config, model);
    // 29 users with training rows, 8 a batch: 4 steps, the last topped up from the start.
    expect(trainer.batchUsers).toBe(8);
    expect(trainer.stepsPerEpoch).toBe(4);
    expect(trainer.batchRows).toBe(Math.round((8 * data.train.rating.length) / 29));
    while (!trainer.finished) trainer.step();
    expect(seen.length).toBe(12);
    for (const b of seen) expect(b.shape).toEqual([8, data.items]);
    for (let e = 0; e < 3; e++) {
      const users = new Set(seen.slice(4 * e, 4 * e + 4).flatMap((b) => b.users));
      expect(users.size).toBe(29);
      expect(users.has(29)).toBe(false);
    }
    trainer.dispose();
  });

  it('steps without leaking tensors and frees everything on dispose', async () => {
    const data = smallData();
    const before = tf.memory().numTensors;
    const c = { ...config, epochs: 100 };
    const trainer = new UserTrainer(data, c, autorec(data, c));
    // Warm up: the optimizer creates its slots on the first step.
    for (let s = 0; s < 3; s++) trainer.step();
    await trainer.takeLoss();
    const warm = tf.memory().numTensors;
    for (let s = 0; s < 40; s++) trainer.step();
    const loss = await trainer.takeLoss();
    expect(loss!.steps).toBe(40);
    expect(Number.isFinite(loss!.loss)).toBe(true);
    expect(tf.memory().numTensors).toBe(warm);
    await trainer.evaluate();
    await trainer.rankingReport(true);
    await trainer.snapshot();
    expect(tf.memory().numTensors).toBe(warm);
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('evaluates each held-out pair with the score of its user and item', async () => {
    const data = smallData();
    const model = autorec(data, config);
    const trainer = new UserTrainer(data, config, model);
    for (let s = 0; s < 5; s++) trainer.step();
    const rows = new UserRows(data.train, data.users, data.items, false);
    const all = Array.from({ length: data.users }, (_, u) => u);
    const scores = tf.tidy(() =>
      model.scoreUsers(tf.tensor2d(rows.dense(all, false).input, [data.users, data.items])),
    );
    const s = scores.dataSync();
    scores.dispose();
    const expected = Array.from(data.test.user, (u, k) => s[u * data.items + data.test.item[k]]);
    const want = ratingMetrics(Float32Array.from(expected), data.test.rating, 1, 5);
    const got = await trainer.evaluate();
    expect(got.rmse).toBeCloseTo(want.rmse, 5);
    expect(got.mae).toBeCloseTo(want.mae, 5);
    trainer.dispose();
  });

  it('is deterministic with a seed', async () => {
    const data = smallData();
    const run = async (seed: number) => {
      const c = { ...config, seed };
      const trainer = new UserTrainer(data, c, autorec(data, c));
      while (!trainer.finished) trainer.step();
      const loss = (await trainer.takeLoss())!.loss;
      const { itemFactors } = await trainer.snapshot();
      trainer.dispose();
      return { loss, itemFactors: Array.from(itemFactors) };
    };
    const a = await run(5);
    expect(await run(5)).toEqual(a);
    expect((await run(6)).loss).not.toBe(a.loss);
  });

  it('rejects a model that is trained by rows', () => {
    const rowModel = { name: 'rows', tables: [], dense: [] } as unknown as RecModel;
    expect(() => new UserTrainer(smallData(), config, rowModel)).toThrow(/not trained by/);
  });
});
