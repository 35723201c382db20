/**
 * Formula oracle: BPR-MF (Rendle et al. 2009, "BPR: Bayesian personalized ranking from implicit
 * feedback", BPR-Opt and LearnBPR):
 *
 *   x_ui = p_u . q_i + b_i,   x_uij = x_ui - x_uj
 *   BPR-Opt = sum_{(u,i,j)} ln sigma(x_uij) - lambda |Theta|^2
 *
 * The model minimises the negation over the batch's (u, i, j) triples divided by their number (a
 * mean), with lambda = l2 per triple on the parameters that triple touches (p_u, b_u, q_i, b_i,
 * q_j, b_j: LearnBPR's per-step regularisation). b_u is in the table but cancels in x_uij and
 * stays 0 (it starts at 0 and only decays); it is set to 0 here as the model keeps it.
 */
import { describe, expect, it } from 'vitest';
import { tf } from '../tf/tfjs';
import { modelContext } from '../training/trainer';
import { BPR } from './bpr';
import {
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

const data = tinyData({ implicit: true });
const config = tinyConfig('bpr', 'implicit');
const { dim, l2 } = config;
const w = dim + 1;
const p = knownValues(USERS * w, 0.3, 0.8);
for (let u = 0; u < USERS; u++) p[u * w + dim] = 0;
const q = knownValues(ITEMS * w, 1.1, 0.8);

function x(u: number, i: number): number {
  let dot = 0;
  for (let k = 0; k < dim; k++) dot += p[u * w + k] * q[i * w + k];
  return dot + q[i * w + dim];
}

const sigma = (z: number) => 1 / (1 + Math.exp(-z));

/** -BPR-Opt over the batch's triples, divided by their number. */
function objective(b: SeenBatch, withL2: boolean): number {
  const n = b.user.length;
  let total = 0;
  for (let k = 0; k < n; k++) {
    const [u, i, j] = [b.user[k], b.item[k], b.item[n + k]];
    total -= Math.log(sigma(x(u, i) - x(u, j)));
    if (!withL2) continue;
    for (let c = 0; c < w; c++)
      total += l2 * (p[u * w + c] ** 2 + q[i * w + c] ** 2 + q[j * w + c] ** 2);
  }
  return total / n;
}

function build(): BPR {
  const model = new BPR(modelContext(data, config));
  setTable(model, 'users', p);
  setTable(model, 'items', q);
  return model;
}

describe('BPR against its formula', () => {
  it('ranks by x_ui = p_u . q_i + b_i', () => {
    const before = tf.memory().numTensors;
    const model = build();
    const t = model.scoreItems(Int32Array.of(0, 1, 2, 3));
    const got = t.dataSync();
    t.dispose();
    const expected: number[] = [];
    for (let u = 0; u < USERS; u++) for (let i = 0; i < ITEMS; i++) expected.push(x(u, i));
    expect(maxDiff(got, expected)).toBeLessThan(1e-5);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("loss is the mean of -ln sigma(x_uij) over sampled triples; the trainer's objective adds l2", async () => {
    const before = tf.memory().numTensors;
    const sparse = await runRowModel(data, config, build(), false);
    const n = data.train.user.length;
    expect(sparse.batch.user.length).toBe(n);
    expect(sparse.batch.item.length).toBe(2 * n); // the positives, then one negative each
    expect(maxDiff([sparse.loss], [objective(sparse.batch, false)])).toBeLessThan(1e-5);
    const stock = await runRowModel(data, config, build(), true);
    expect(maxDiff([stock.loss], [objective(stock.batch, true)])).toBeLessThan(1e-5);
    expect(stock.loss - sparse.loss).toBeGreaterThan(0.01);
    expect(tf.memory().numTensors).toBe(before);
  });
});
