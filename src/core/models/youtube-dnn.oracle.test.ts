/**
 * Formula oracle: YouTube DNN candidate generation (Covington, Adams & Sargin 2016, "Deep neural
 * networks for YouTube recommendations", section 3): the user tower averages the embeddings of
 * the watched items and of the user's features, concatenates them, and passes them through ReLU
 * layers to the user vector u; the next watch is a softmax over the whole catalogue,
 *
 *   P(i | u) = exp(v_i . u + b_i) / sum_j exp(v_j . u + b_j)
 *
 * trained by the likelihood of every item the user watched: per user, -sum_{i in N(u)} log P(i|u)
 * over |N(u)|, averaged over the batch's users. The item bias b_i is the model's addition to the
 * paper's v_i . u (documented in youtube-dnn.ts); the full softmax stands in for the paper's
 * sampled one. Weight decay per the model's definition: l2 x (|E|^2 + |F|^2 + |W1|^2 + |W2|^2 +
 * |O|^2) / (the users with training rows); biases not decayed.
 */
import { describe, expect, it } from 'vitest';
import { tf } from '../tf/tfjs';
import { modelContext } from '../training/trainer';
import { YouTubeDNN } from './youtube-dnn';
import {
  ITEMS,
  knownValues,
  maxDiff,
  runUserModel,
  setVariable,
  TRAIN,
  tinyConfig,
  tinyData,
  USER_FEATURES,
  USERS,
} from './oracle-case';

const data = tinyData({ implicit: true });
const config = tinyConfig('youtube-dnn', 'implicit');
const { dim, hidden, l2 } = config;
const FEATURES = USER_FEATURES.names.length;
const E = knownValues(ITEMS * dim, 0.3, 1);
const F = knownValues(FEATURES * dim, 0.7, 1);
const W1 = knownValues(2 * dim * hidden, 1.1, 0.8);
const b1 = knownValues(hidden, 1.9, 0.2);
const W2 = knownValues(hidden * dim, 2.3, 0.8);
const b2 = knownValues(dim, 3.1, 0.2);
const O = knownValues(ITEMS * dim, 3.7, 0.8);
const bias = knownValues(ITEMS, 4.3, 0.3);

const watched = (u: number) => TRAIN.item.filter((_, k) => TRAIN.user[k] === u);
const features = (u: number) =>
  Array.from(USER_FEATURES.values.subarray(USER_FEATURES.offsets[u], USER_FEATURES.offsets[u + 1]));

/** Mean of the given rows of a [rows, dim] matrix (zeros for none). */
function average(m: Float32Array, rows: number[]): number[] {
  return Array.from({ length: dim }, (_, k) =>
    rows.length ? rows.reduce((s, r) => s + m[r * dim + k], 0) / rows.length : 0,
  );
}

/** relu(z W + b) for z [n], W [n, out] row-major. */
function dense(z: number[], m: Float32Array, b: Float32Array): number[] {
  return Array.from(b, (bk, k) =>
    Math.max(
      0,
      z.reduce((s, v, j) => s + v * m[j * b.length + k], bk),
    ),
  );
}

/** The user tower: u = relu(relu([avg E, avg F] W1 + b1) W2 + b2), [dim]. */
function userVector(u: number): number[] {
  const z = [...average(E, watched(u)), ...average(F, features(u))];
  return dense(dense(z, W1, b1), W2, b2);
}

/** The softmax's logits over the catalogue, [items]. */
function logits(u: number): number[] {
  const v = userVector(u);
  return Array.from({ length: ITEMS }, (_, i) =>
    v.reduce((s, vk, k) => s + vk * O[i * dim + k], bias[i]),
  );
}

function build(): YouTubeDNN {
  // Dropout off: the objective is the deterministic formula.
  const model = new YouTubeDNN(modelContext(data, config), { dropout: 0 });
  expect(model.readsUserFeatures).toBe(true);
  [E, F, W1, b1, W2, b2, O, bias].forEach((values, k) => setVariable(model.dense[k], values));
  return model;
}

describe('YouTube DNN against its formula', () => {
  it('scores the catalogue by u . v_i + b_i from the user tower (no history: features alone)', () => {
    const before = tf.memory().numTensors;
    const model = build();
    const input = new Float32Array(USERS * ITEMS);
    TRAIN.user.forEach((u, k) => (input[u * ITEMS + TRAIN.item[k]] = 1));
    const weights = new Float32Array(USERS * FEATURES);
    for (let u = 0; u < USERS; u++)
      for (const f of features(u)) weights[u * FEATURES + f] = 1 / features(u).length;
    const t = tf.tidy(() =>
      model.scoreUsers(tf.tensor2d(input, [USERS, ITEMS]), tf.tensor2d(weights, [USERS, FEATURES])),
    );
    const got = t.dataSync();
    t.dispose();
    model.dispose();
    const expected = Array.from({ length: USERS }, (_, u) => logits(u)).flat();
    expect(maxDiff(got, expected)).toBeLessThan(1e-5);
    // Both layers pass something for every user: the tower is exercised, not a dead ReLU.
    for (let u = 0; u < USERS; u++) expect(Math.max(...userVector(u))).toBeGreaterThan(0.01);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('loss: softmax cross-entropy over the catalogue per watched item, plus weight decay', async () => {
    const before = tf.memory().numTensors;
    const active = [0, 1, 2]; // user 3 has no training row
    let nll = 0;
    for (const u of active) {
      const z = logits(u);
      const logZ = Math.log(z.reduce((s, v) => s + Math.exp(v), 0));
      const items = watched(u);
      nll += items.reduce((s, i) => s - (z[i] - logZ), 0) / items.length;
    }
    let squares = 0;
    for (const m of [E, F, W1, W2, O]) for (const v of m) squares += v * v;
    const expected = nll / active.length + (l2 * squares) / active.length;
    const loss = await runUserModel(data, config, build());
    expect(maxDiff([loss], [expected])).toBeLessThan(1e-5);
    expect(tf.memory().numTensors).toBe(before);
  });
});
