/**
 * Formula oracle: SVD++ (Koren 2008, "Factorization meets the neighborhood", eq. 15), with
 * timeSVD++'s day bias b_{u,t} (Koren 2009) on top:
 *
 *   r(u, i, t) = mu + b_u + b_i + b_{u,t} + q_i . (p_u + |N(u)|^-1/2 sum_{j in N(u)} y_j)
 *   min sum (r - r(u, i, t))^2 + l2 (b_u^2 + b_i^2 + b_{u,t}^2 + |p_u|^2 + |q_i|^2
 *                                    + sum_{j in N(u)} |y_j|^2)
 *
 * N(u) is the user's training items. Koren uses two constants (lambda_6 on biases, lambda_7 on
 * factors); the model has one `l2` for both, and divides the batch's sum by its size (a mean).
 * A user with no training row (N(u) empty) gets no implicit term: the sum is empty.
 */
import { describe, expect, it } from 'vitest';
import { tf } from '../tf/tfjs';
import { modelContext } from '../training/trainer';
import { SVDpp } from './svdpp';
import { DAY_BIAS_TABLE } from './day-bias';
import {
  allPairs,
  DAYS,
  ITEMS,
  knownValues,
  maxDiff,
  runRowModel,
  setTable,
  TRAIN,
  tinyConfig,
  tinyData,
  USERS,
  type SeenBatch,
} from './oracle-case';

const data = tinyData({ days: true });
const config = tinyConfig('svdpp', 'explicit');
const { dim, l2 } = config;
const w = dim + 1;
const mu = TRAIN.rating.reduce((a, b) => a + b) / TRAIN.rating.length;
const p = knownValues(USERS * w, 0.3);
const q = knownValues(ITEMS * w, 1.1);
const day = knownValues(DAYS, 2.9, 0.3);
/** y_j; the model keeps the last column 0 (the implicit factors have no bias). */
const y = knownValues(ITEMS * w, 4.2);
for (let j = 0; j < ITEMS; j++) y[j * w + dim] = 0;

/** N(u): the user's training items, by a loop over the training rows. */
function history(u: number): number[] {
  const items: number[] = [];
  for (let k = 0; k < TRAIN.user.length; k++) if (TRAIN.user[k] === u) items.push(TRAIN.item[k]);
  return items;
}

/** p_u + |N(u)|^-1/2 sum_{j in N(u)} y_j, [dim]. */
function userVector(u: number): number[] {
  const n = history(u);
  const out: number[] = [];
  for (let k = 0; k < dim; k++) {
    let sum = 0;
    for (const j of n) sum += y[j * w + k];
    out.push(p[u * w + k] + (n.length ? sum / Math.sqrt(n.length) : 0));
  }
  return out;
}

function score(u: number, i: number, t: number): number {
  const pu = userVector(u);
  let dot = 0;
  for (let k = 0; k < dim; k++) dot += q[i * w + k] * pu[k];
  return mu + p[u * w + dim] + q[i * w + dim] + day[t] + dot;
}

function objective(b: SeenBatch, withL2: boolean): number {
  let total = 0;
  for (let k = 0; k < b.user.length; k++) {
    const [u, i, t] = [b.user[k], b.item[k], b.userDay![k]];
    total += (b.rating[k] - score(u, i, t)) ** 2;
    if (!withL2) continue;
    let squares = day[t] ** 2;
    for (let c = 0; c < w; c++) squares += p[u * w + c] ** 2 + q[i * w + c] ** 2;
    for (const j of history(u)) for (let c = 0; c < w; c++) squares += y[j * w + c] ** 2;
    total += l2 * squares;
  }
  return total / b.user.length;
}

function build(): SVDpp {
  const model = new SVDpp(modelContext(data, config));
  setTable(model, 'users', p);
  setTable(model, 'items', q);
  setTable(model, 'implicit', y);
  setTable(model, DAY_BIAS_TABLE, day);
  return model;
}

describe('SVD++ against its formula', () => {
  it('predicts mu + b_u + b_i + b_u,t + q_i . (p_u + |N(u)|^-1/2 sum y_j), cold user included', async () => {
    const before = tf.memory().numTensors;
    const { predicted } = await runRowModel(data, config, build(), false);
    const pairs = allPairs(data);
    const expected = Array.from(pairs.user, (u, k) => score(u, pairs.item[k], pairs.day[k]));
    expect(maxDiff(predicted, expected)).toBeLessThan(1e-5);
    // The implicit term is not negligible here: dropping it would fail the comparison.
    const implicit = Math.abs(userVector(1)[0] - p[w]);
    expect(implicit).toBeGreaterThan(0.01);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('ranks by q_i . (p_u + implicit) + b_i, and maps each user by that whole vector', async () => {
    const before = tf.memory().numTensors;
    const model = build();
    const t = model.scoreItems(Int32Array.of(0, 1, 2, 3));
    const got = t.dataSync();
    t.dispose();
    const expected: number[] = [];
    for (let u = 0; u < USERS; u++) {
      const pu = userVector(u);
      for (let i = 0; i < ITEMS; i++) {
        let dot = 0;
        for (let k = 0; k < dim; k++) dot += q[i * w + k] * pu[k];
        expected.push(dot + q[i * w + dim]);
      }
    }
    expect(maxDiff(got, expected)).toBeLessThan(1e-5);
    const snap = await model.snapshot(0);
    const vectors = Array.from({ length: USERS }, (_, u) => userVector(u)).flat();
    expect(maxDiff(snap.userFactors, vectors)).toBeLessThan(1e-5);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("loss is the mean squared error; the trainer's objective adds l2 per rating, y_j included", async () => {
    const before = tf.memory().numTensors;
    const sparse = await runRowModel(data, config, build(), false);
    expect(maxDiff([sparse.loss], [objective(sparse.batch, false)])).toBeLessThan(1e-5);
    const stock = await runRowModel(data, config, build(), true);
    expect(maxDiff([stock.loss], [objective(stock.batch, true)])).toBeLessThan(1e-5);
    expect(tf.memory().numTensors).toBe(before);
  });
});
