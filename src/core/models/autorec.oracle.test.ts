/**
 * Formula oracle: AutoRec (Sedhain et al. 2015, "AutoRec: autoencoders meet collaborative
 * filtering", eq. 1-2), user-based (U-AutoRec; the paper's better variant is item-based):
 *
 *   h(r) = f(W g(V r + mu) + b), g the sigmoid, f the identity
 *   min sum_u |r_u - h(r_u)|^2 over the observed entries only + (lambda / 2)(|W|^2 + |V|^2)
 *
 * In autorec.ts's names (encoder W, decoder V, both [items, hidden]): r' = V sigmoid(W^T r + b) + c.
 *
 * The model's objective per batch of users (documented in autorec.ts) differs in scale on
 * purpose: the squared errors of the observed entries over their number (a mean, not a sum), plus
 * l2 (|W|^2 + |V|^2) / (the users with training rows), biases not decayed. The reference follows
 * that definition. Implicit feedback uses Mult-DAE's multinomial likelihood instead (Liang et al.
 * 2018): per user, -sum_i x_i log softmax(r')_i over the user's interaction count, averaged.
 */
import { describe, expect, it } from 'vitest';
import { tf } from '../tf/tfjs';
import { modelContext } from '../training/trainer';
import { AutoRec } from './autorec';
import {
  ITEMS,
  knownValues,
  maxDiff,
  runUserModel,
  setVariable,
  TRAIN,
  tinyConfig,
  tinyData,
  USERS,
} from './oracle-case';

const hidden = 3;
const W = knownValues(ITEMS * hidden, 0.3);
const b = knownValues(hidden, 1.9, 0.2);
const V = knownValues(ITEMS * hidden, 1.1);
const c = knownValues(ITEMS, 2.6, 1);

/** Each user's training row of the matrix (0 where unobserved) and which entries are observed. */
function rowsOf(implicit: boolean): { x: number[][]; observed: boolean[][] } {
  const x = Array.from({ length: USERS }, () => new Array<number>(ITEMS).fill(0));
  const observed = Array.from({ length: USERS }, () => new Array<boolean>(ITEMS).fill(false));
  TRAIN.user.forEach((u, k) => {
    x[u][TRAIN.item[k]] = implicit ? 1 : TRAIN.rating[k];
    observed[u][TRAIN.item[k]] = true;
  });
  return { x, observed };
}

/** r' = V sigmoid(x W + b) + c, [items]. */
function reconstruct(x: number[]): number[] {
  const h: number[] = [];
  for (let k = 0; k < hidden; k++) {
    let z = b[k];
    for (let i = 0; i < ITEMS; i++) z += x[i] * W[i * hidden + k];
    h.push(1 / (1 + Math.exp(-z)));
  }
  return Array.from({ length: ITEMS }, (_, i) => {
    let out = c[i];
    for (let k = 0; k < hidden; k++) out += h[k] * V[i * hidden + k];
    return out;
  });
}

function weightDecay(l2: number, users: number): number {
  let squares = 0;
  for (let k = 0; k < W.length; k++) squares += W[k] ** 2 + V[k] ** 2;
  return (l2 * squares) / users;
}

describe.each([true, false])('AutoRec against its formula (explicit: %s)', (explicit) => {
  const data = tinyData({ implicit: !explicit });
  const config = tinyConfig('autorec', explicit ? 'explicit' : 'implicit');
  const { x, observed } = rowsOf(!explicit);
  const active = [0, 1, 2]; // user 3 has no training row
  const build = () => {
    // Dropout off: the objective is the deterministic formula (explicit's default is 0 anyway).
    const model = new AutoRec(modelContext(data, config), { dropout: 0 });
    [W, b, V, c].forEach((values, k) => setVariable(model.dense[k], values));
    return model;
  };

  it('reconstructs each user row as V sigmoid(x W + b) + c (an empty row included)', () => {
    const before = tf.memory().numTensors;
    const model = build();
    const t = tf.tidy(() => model.scoreUsers(tf.tensor2d(x.flat(), [USERS, ITEMS])));
    const got = t.dataSync();
    t.dispose();
    model.dispose();
    expect(maxDiff(got, x.map(reconstruct).flat())).toBeLessThan(1e-5);
    expect(tf.memory().numTensors).toBe(before);
  });

  it(
    explicit
      ? 'loss: squared error on the observed entries only, over their number, plus weight decay'
      : "loss: Mult-DAE's multinomial likelihood per interaction, plus weight decay",
    async () => {
      const before = tf.memory().numTensors;
      let dataTerm = 0;
      if (explicit) {
        let n = 0;
        for (const u of active) {
          const out = reconstruct(x[u]);
          for (let i = 0; i < ITEMS; i++) {
            if (!observed[u][i]) continue; // unobserved entries contribute nothing (Sedhain)
            dataTerm += (x[u][i] - out[i]) ** 2;
            n++;
          }
        }
        dataTerm /= n;
      } else {
        for (const u of active) {
          const out = reconstruct(x[u]);
          const logZ = Math.log(out.reduce((s, v) => s + Math.exp(v), 0));
          let n = 0;
          let nll = 0;
          for (let i = 0; i < ITEMS; i++) {
            if (!observed[u][i]) continue;
            nll -= out[i] - logZ;
            n++;
          }
          dataTerm += nll / n;
        }
        dataTerm /= active.length;
      }
      const expected = dataTerm + weightDecay(config.l2, active.length);
      const loss = await runUserModel(data, config, build());
      expect(maxDiff([loss], [expected])).toBeLessThan(1e-5);
      expect(weightDecay(config.l2, active.length)).toBeGreaterThan(0.01);
      expect(tf.memory().numTensors).toBe(before);
    },
  );
});
