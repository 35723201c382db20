/**
 * The reference lines drawn under every explicit model's curve: the global mean, and the
 * regularised user + item bias model fitted by alternating least squares (as Surprise's
 * BaselineOnly: reg_u 15, reg_i 10, 10 sweeps). Plain typed-array code: it is cheap and exact.
 */
import type { Interactions } from '../data/types';

export interface BiasModel {
  mean: number;
  userBias: Float32Array;
  itemBias: Float32Array;
}

export function meanRating(r: Float32Array): number {
  let s = 0;
  for (let k = 0; k < r.length; k++) s += r[k];
  return r.length ? s / r.length : 0;
}

export function fitBiases(
  train: Interactions,
  users: number,
  items: number,
  opts: { regUser?: number; regItem?: number; sweeps?: number } = {},
): BiasModel {
  const { regUser = 15, regItem = 10, sweeps = 10 } = opts;
  const mean = meanRating(train.rating);
  const bu = new Float32Array(users);
  const bi = new Float32Array(items);
  const sum = new Float64Array(Math.max(users, items));
  const count = new Int32Array(Math.max(users, items));
  const n = train.rating.length;
  for (let s = 0; s < sweeps; s++) {
    sum.fill(0);
    count.fill(0);
    for (let k = 0; k < n; k++) {
      sum[train.item[k]] += train.rating[k] - mean - bu[train.user[k]];
      count[train.item[k]]++;
    }
    for (let i = 0; i < items; i++) bi[i] = sum[i] / (regItem + count[i]);
    sum.fill(0);
    count.fill(0);
    for (let k = 0; k < n; k++) {
      sum[train.user[k]] += train.rating[k] - mean - bi[train.item[k]];
      count[train.user[k]]++;
    }
    for (let u = 0; u < users; u++) bu[u] = sum[u] / (regUser + count[u]);
  }
  return { mean, userBias: bu, itemBias: bi };
}

/** Predictions of a bias model for the given (user, item) pairs, [n]. */
export function predictBiases(m: BiasModel, user: Int32Array, item: Int32Array): Float32Array {
  const out = new Float32Array(user.length);
  for (let k = 0; k < user.length; k++) out[k] = m.mean + m.userBias[user[k]] + m.itemBias[item[k]];
  return out;
}
