/**
 * Formula oracle: biased MF (Koren, Bell & Volinsky 2009, "Matrix factorization techniques for
 * recommender systems", eq. 4-5; Surprise's SVD) and the day bias of timeSVD++ (Koren 2009,
 * "Collaborative filtering with temporal dynamics", b_{u,t}):
 *
 *   r(u, i, t) = mu + b_u + b_i + b_{u,t} + p_u . q_i
 *   min sum_{(u,i,t)} (r - r(u, i, t))^2 + l2 (b_u^2 + b_i^2 + b_{u,t}^2 + |p_u|^2 + |q_i|^2)
 *
 * The model's objective is that sum over the batch divided by the batch's size (a mean), with l2
 * per rating, exactly per-rating SGD's regularisation (documented in biased-mf.ts and
 * EmbeddingTable.l2). mu is the training mean and not learned (as in Surprise).
 */
import { describe, expect, it } from 'vitest';
import { tf } from '../tf/tfjs';
import { modelContext } from '../training/trainer';
import { BiasedMF } from './biased-mf';
import { DAY_BIAS_TABLE } from './day-bias';
import {
  allPairs,
  DAYS,
  ITEMS,
  knownValues,
  maxDiff,
  runRowModel,
  setTable,
  tinyConfig,
  tinyData,
  USERS,
  type SeenBatch,
} from './oracle-case';

interface Params {
  mu: number;
  dim: number;
  l2: number;
  /** [users, dim + 1]: p_u then b_u. */
  p: Float32Array;
  /** [items, dim + 1]: q_i then b_i. */
  q: Float32Array;
  /** [user-days]: b_{u,t}, or null without days. */
  day: Float32Array | null;
}

/** Straight from the formula, one number at a time. */
function score(m: Params, u: number, i: number, t: number): number {
  const w = m.dim + 1;
  let dot = 0;
  for (let k = 0; k < m.dim; k++) dot += m.p[u * w + k] * m.q[i * w + k];
  return m.mu + m.p[u * w + m.dim] + m.q[i * w + m.dim] + (m.day ? m.day[t] : 0) + dot;
}

/** Squared error (and, with `withL2`, the per-rating L2) over the batch, divided by its size. */
function objective(m: Params, b: SeenBatch, withL2: boolean): number {
  const w = m.dim + 1;
  let total = 0;
  for (let k = 0; k < b.user.length; k++) {
    const [u, i, t] = [b.user[k], b.item[k], b.userDay?.[k] ?? -1];
    total += (b.rating[k] - score(m, u, i, t)) ** 2;
    if (!withL2) continue;
    let squares = 0;
    for (let j = 0; j <= m.dim; j++) squares += m.p[u * w + j] ** 2 + m.q[i * w + j] ** 2;
    if (m.day) squares += m.day[t] ** 2;
    total += m.l2 * squares;
  }
  return total / b.user.length;
}

function trainingMean(rating: Float32Array): number {
  let s = 0;
  for (const r of rating) s += r;
  return s / rating.length;
}

describe.each([false, true])('biased MF against its formula (day bias: %s)', (days) => {
  const data = tinyData({ days });
  const config = tinyConfig('biased-mf', 'explicit');
  const { dim, l2 } = config;
  const params: Params = {
    mu: trainingMean(data.train.rating),
    dim,
    l2,
    p: knownValues(USERS * (dim + 1), 0.3),
    q: knownValues(ITEMS * (dim + 1), 1.1),
    day: days ? knownValues(DAYS, 2.9, 0.3) : null,
  };
  const build = () => {
    const model = new BiasedMF(modelContext(data, config));
    setTable(model, 'users', params.p);
    setTable(model, 'items', params.q);
    if (params.day) setTable(model, DAY_BIAS_TABLE, params.day);
    expect(model.tables.length).toBe(days ? 3 : 2);
    return model;
  };

  it('predicts mu + b_u + b_i (+ b_u,t) + p_u . q_i for every pair, cold ones included', async () => {
    const before = tf.memory().numTensors;
    const { predicted } = await runRowModel(data, config, build(), false);
    const pairs = allPairs(data);
    const expected = Array.from(pairs.user, (u, k) =>
      score(params, u, pairs.item[k], pairs.day[k]),
    );
    expect(maxDiff(predicted, expected)).toBeLessThan(1e-5);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('ranks by p_u . q_i + b_i (the terms of the user alone left out)', () => {
    const before = tf.memory().numTensors;
    const model = build();
    const users = Int32Array.of(0, 1, 2, 3);
    const t = model.scoreItems(users);
    const got = t.dataSync();
    t.dispose();
    const w = dim + 1;
    const expected: number[] = [];
    for (const u of users)
      for (let i = 0; i < ITEMS; i++) {
        let dot = 0;
        for (let k = 0; k < dim; k++) dot += params.p[u * w + k] * params.q[i * w + k];
        expected.push(dot + params.q[i * w + dim]);
      }
    expect(maxDiff(got, expected)).toBeLessThan(1e-5);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("loss is the mean squared error; the trainer's objective adds l2 per rating", async () => {
    const before = tf.memory().numTensors;
    const sparse = await runRowModel(data, config, build(), false);
    expect(sparse.batch.user.length).toBe(data.train.user.length);
    expect(maxDiff([sparse.loss], [objective(params, sparse.batch, false)])).toBeLessThan(1e-5);
    const stock = await runRowModel(data, config, build(), true);
    expect(maxDiff([stock.loss], [objective(params, stock.batch, true)])).toBeLessThan(1e-5);
    // L2 is a real part of the number compared, not lost in the tolerance.
    expect(stock.loss - sparse.loss).toBeGreaterThan(0.01);
    expect(tf.memory().numTensors).toBe(before);
  });
});
