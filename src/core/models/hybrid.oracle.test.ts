/**
 * Formula oracles: the factorisation machine (Rendle 2010, "Factorization machines", eq. 1) and
 * the LightFM hybrid (Kula 2015, "Metadata embeddings for user and item cold-start
 * recommendations", eq. 1-3), both over the same input: a user is the set of their identity
 * feature (when they have a training row) and their metadata features, an item likewise, each
 * with a value x_k: 1 for the identity, 1 / (the entity's feature count) for a metadata feature
 * (the weighting documented in bags.ts). Every feature k has a factor v_k and a weight w_k.
 *
 *   FM:      y(x) = w_0 + sum_k w_k x_k + sum_{k < l} <v_k, v_l> x_k x_l  (user and item features
 *            together; the O(n^2) double sum, not the model's O(kn) form)
 *   LightFM: y(u, i) = q_u . p_i + b_u + b_i, q_u = sum_{k in u} x_k v_k, b_u = sum_{k in u} x_k w_k
 *
 * Explicit feedback: w_0 = mu, the training mean, fixed (not learned), plus the day bias b_{u,t};
 * the objective is squared error. Implicit feedback: no w_0, and BPR's -ln sigma(y_ui - y_uj) over
 * the sampled triples (LightFM's 'bpr' loss). Either way the batch's sum is divided by its size,
 * with l2 per rating (or triple) on every feature row the rating reads, |[v_k, w_k]|^2 whatever
 * x_k (libFM's SGD regularises the features of the example at hand likewise).
 */
import { describe, expect, it } from 'vitest';
import { tf } from '../tf/tfjs';
import { modelContext } from '../training/trainer';
import { FactorizationMachine, Hybrid } from './hybrid';
import { DAY_BIAS_TABLE } from './day-bias';
import {
  allPairs,
  DAYS,
  ITEM_FEATURES,
  ITEMS,
  knownValues,
  maxDiff,
  runRowModel,
  setTable,
  TRAIN,
  tinyConfig,
  tinyData,
  USER_FEATURES,
  USERS,
  type SeenBatch,
} from './oracle-case';
import type { FeatureTable } from '../data/types';

const dim = 2;
const w = dim + 1;
const mu = TRAIN.rating.reduce((a, b) => a + b) / TRAIN.rating.length;
/** [users + user features, dim + 1]: identity rows, then feature rows; w_k last. */
const userSide = knownValues((USERS + USER_FEATURES.names.length) * w, 0.3, 0.5);
const itemSide = knownValues((ITEMS + ITEM_FEATURES.names.length) * w, 1.1, 0.5);
const day = knownValues(DAYS, 2.9, 0.3);

/** One non-zero input of the feature vector x: a row of one side's table and its value. */
interface Active {
  table: Float32Array;
  row: number;
  x: number;
}

/** The non-zero entries of x for entity e of one side. */
function active(
  table: Float32Array,
  entities: number,
  features: FeatureTable,
  trained: number[],
  e: number,
): Active[] {
  const out: Active[] = [];
  if (trained.includes(e)) out.push({ table, row: e, x: 1 });
  const from = features.offsets[e];
  const to = features.offsets[e + 1];
  for (let k = from; k < to; k++)
    out.push({ table, row: entities + features.values[k], x: 1 / (to - from) });
  return out;
}
const userInputs = (u: number) => active(userSide, USERS, USER_FEATURES, TRAIN.user, u);
const itemInputs = (i: number) => active(itemSide, ITEMS, ITEM_FEATURES, TRAIN.item, i);
const at = (a: Active, c: number) => a.table[a.row * w + c];

/** sum_k w_k x_k + sum_{k < l} <v_k, v_l> x_k x_l over the given inputs (no w_0). */
function fmTerms(x: Active[]): number {
  let total = 0;
  for (let k = 0; k < x.length; k++) {
    total += at(x[k], dim) * x[k].x;
    for (let l = k + 1; l < x.length; l++) {
      let dot = 0;
      for (let c = 0; c < dim; c++) dot += at(x[k], c) * at(x[l], c);
      total += dot * x[k].x * x[l].x;
    }
  }
  return total;
}

/** q . p + b_u + b_i, each side summed over its inputs. */
function lightfmTerms(user: Active[], item: Active[]): number {
  const sum = (x: Active[], c: number) => x.reduce((s, a) => s + a.x * at(a, c), 0);
  let total = sum(user, dim) + sum(item, dim);
  for (let c = 0; c < dim; c++) total += sum(user, c) * sum(item, c);
  return total;
}

type Kind = 'fm' | 'hybrid';

/** The model's score: FM or LightFM terms, plus w_0 = mu and b_{u,t} for explicit feedback. */
function score(kind: Kind, explicit: boolean, u: number, i: number, t: number): number {
  const terms =
    kind === 'fm'
      ? fmTerms([...userInputs(u), ...itemInputs(i)])
      : lightfmTerms(userInputs(u), itemInputs(i));
  return explicit ? mu + day[t] + terms : terms;
}

/** l2 x the squared rows of the inputs (factor and weight). */
function decay(l2: number, x: Active[]): number {
  let squares = 0;
  for (const a of x) for (let c = 0; c < w; c++) squares += at(a, c) ** 2;
  return l2 * squares;
}

function objective(kind: Kind, explicit: boolean, l2: number, b: SeenBatch, withL2: boolean) {
  const n = b.user.length;
  let total = 0;
  for (let k = 0; k < n; k++) {
    const [u, i] = [b.user[k], b.item[k]];
    if (explicit) {
      const t = b.userDay![k];
      total += (b.rating[k] - score(kind, true, u, i, t)) ** 2;
      if (withL2) total += decay(l2, [...userInputs(u), ...itemInputs(i)]) + l2 * day[t] ** 2;
    } else {
      const j = b.item[n + k];
      const margin = score(kind, false, u, i, -1) - score(kind, false, u, j, -1);
      total -= Math.log(1 / (1 + Math.exp(-margin)));
      if (withL2) total += decay(l2, [...userInputs(u), ...itemInputs(i), ...itemInputs(j)]);
    }
  }
  return total / n;
}

const cases: [Kind, boolean][] = [
  ['fm', true],
  ['fm', false],
  ['hybrid', true],
  ['hybrid', false],
];

describe.each(cases)('%s against its formula (explicit: %s)', (kind, explicit) => {
  const data = tinyData({ implicit: !explicit, days: explicit });
  const config = tinyConfig(kind, explicit ? 'explicit' : 'implicit');
  const build = () => {
    const ctx = modelContext(data, config);
    const model = kind === 'fm' ? new FactorizationMachine(ctx) : new Hybrid(ctx);
    setTable(model, 'userSide', userSide);
    setTable(model, 'itemSide', itemSide);
    if (explicit) setTable(model, DAY_BIAS_TABLE, day);
    expect(model.tables.length).toBe(explicit ? 3 : 2);
    return model;
  };

  it('scores every pair as the formula does (cold user and item: features alone)', async () => {
    const before = tf.memory().numTensors;
    const { predicted } = await runRowModel(data, config, build(), false);
    const pairs = allPairs(data);
    const expected = Array.from(pairs.user, (u, k) =>
      score(kind, explicit, u, pairs.item[k], explicit ? pairs.day[k] : -1),
    );
    expect(maxDiff(predicted, expected)).toBeLessThan(1e-5);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("the trainer's objective is the formula's loss plus l2 on every feature row read", async () => {
    const before = tf.memory().numTensors;
    const sparse = await runRowModel(data, config, build(), false);
    const expected = objective(kind, explicit, config.l2, sparse.batch, false);
    expect(maxDiff([sparse.loss], [expected])).toBeLessThan(1e-5);
    const stock = await runRowModel(data, config, build(), true);
    const withL2 = objective(kind, explicit, config.l2, stock.batch, true);
    expect(maxDiff([stock.loss], [withL2])).toBeLessThan(1e-5);
    expect(stock.loss - sparse.loss).toBeGreaterThan(0.01);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe.each(['fm', 'hybrid'] as Kind[])('%s ranks items', (kind) => {
  it('by every term that involves the item (the user-only ones left out)', () => {
    const before = tf.memory().numTensors;
    const data = tinyData();
    const model =
      kind === 'fm'
        ? new FactorizationMachine(modelContext(data, tinyConfig(kind, 'explicit')))
        : new Hybrid(modelContext(data, tinyConfig(kind, 'explicit')));
    setTable(model, 'userSide', userSide);
    setTable(model, 'itemSide', itemSide);
    const t = model.scoreItems(Int32Array.of(0, 1, 2, 3));
    const got = t.dataSync();
    t.dispose();
    model.dispose();
    const expected: number[] = [];
    for (let u = 0; u < USERS; u++)
      for (let i = 0; i < ITEMS; i++) {
        const [x, y] = [userInputs(u), itemInputs(i)];
        expected.push(
          kind === 'fm'
            ? fmTerms([...x, ...y]) - fmTerms(x)
            : lightfmTerms(x, y) - lightfmTerms(x, []),
        );
      }
    expect(maxDiff(got, expected)).toBeLessThan(1e-5);
    expect(tf.memory().numTensors).toBe(before);
  });
});
