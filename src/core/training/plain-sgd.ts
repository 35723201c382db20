/**
 * Biased MF trained the classic way, one rating at a time with plain typed-array SGD (Funk's
 * loop, as Surprise's SVD). No tfjs: the bench's yardstick for what a CPU does without a framework.
 */
import type { Interactions } from '../data/types';
import { meanRating } from '../models/baseline';
import { mulberry32, normalArray } from '../util/random';

export interface PlainMF {
  mu: number;
  p: Float32Array;
  q: Float32Array;
  bu: Float32Array;
  bi: Float32Array;
  dim: number;
}

export function createPlainMF(
  users: number,
  items: number,
  dim: number,
  mean: number,
  seed: number,
): PlainMF {
  const random = mulberry32(seed);
  return {
    mu: mean,
    p: normalArray(users * dim, 0.1, random),
    q: normalArray(items * dim, 0.1, random),
    bu: new Float32Array(users),
    bi: new Float32Array(items),
    dim,
  };
}

/** One SGD pass over rows[from..to) of `data` in the given order. Returns the summed squared error. */
export function plainSgdPass(
  m: PlainMF,
  data: Interactions,
  order: Int32Array,
  from: number,
  to: number,
  lr: number,
  reg: number,
): number {
  const { p, q, bu, bi, dim } = m;
  let sse = 0;
  for (let k = from; k < to; k++) {
    const row = order[k];
    const u = data.user[row];
    const i = data.item[row];
    const pu = u * dim;
    const qi = i * dim;
    let dot = 0;
    for (let a = 0; a < dim; a++) dot += p[pu + a] * q[qi + a];
    const err = data.rating[row] - (m.mu + bu[u] + bi[i] + dot);
    sse += err * err;
    bu[u] += lr * (err - reg * bu[u]);
    bi[i] += lr * (err - reg * bi[i]);
    for (let a = 0; a < dim; a++) {
      const pf = p[pu + a];
      const qf = q[qi + a];
      p[pu + a] += lr * (err * qf - reg * pf);
      q[qi + a] += lr * (err * pf - reg * qf);
    }
  }
  return sse;
}

export function plainMean(data: Interactions): number {
  return meanRating(data.rating);
}
