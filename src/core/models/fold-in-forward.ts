/**
 * Folding in a new user for the forward-pass models (AutoRec, YouTube DNN): their user vector is
 * the user tower applied to the user's row, so a new user is one forward pass over the marked
 * items, on typed arrays (O(marked x hidden + hidden x dim): microseconds). The items are then
 * scored by the model's own rule, u . q_i + b_i, as for the factor models (`recommendFolded`).
 *
 * The tower is not linear, so the reasons are leave-one-out: marked item j's share of item i's
 * score is how much it drops when j is taken out of the row (parts_j = u - u_without_j).
 */
import type { EmbeddingSnapshot, UserEncoder } from '../data/types';
import type { FoldedUser, MarkedItem } from './fold-in';

/** The user vector (length `s.dim`) from a row of marked items (ratings, or 1 when liked). */
export function encodeUser(
  s: EmbeddingSnapshot,
  e: UserEncoder,
  marked: readonly MarkedItem[],
): Float32Array {
  const d = s.dim;
  const items = s.itemBias.length;
  for (const m of marked)
    if (!(Number.isInteger(m.item) && m.item >= 0 && m.item < items))
      throw new RangeError(`fold-in: no item ${m.item} (the model has ${items})`);
  if (e.kind === 'autorec') {
    // h = sigmoid(x W + b): x is the rating (explicit) or 1 (implicit) at each marked item.
    const h = Float64Array.from(e.bias);
    for (const m of marked) {
      const x = m.rating ?? 1;
      for (let a = 0; a < d; a++) h[a] += x * e.weights[m.item * d + a];
    }
    return Float32Array.from(h, (v) => 1 / (1 + Math.exp(-v)));
  }
  // YouTube DNN: the mean of the marked items' input rows, then two ReLU layers.
  const hidden = e.hidden;
  const history = new Float64Array(d);
  for (const m of marked) for (let a = 0; a < d; a++) history[a] += e.inputs[m.item * d + a];
  const count = Math.max(marked.length, 1);
  const h = Float64Array.from(e.bias1);
  for (let a = 0; a < d; a++) {
    const x = history[a] / count;
    if (x === 0) continue;
    for (let b = 0; b < hidden; b++) h[b] += x * e.layer1[a * hidden + b];
  }
  const u = Float64Array.from(e.bias2);
  for (let b = 0; b < hidden; b++) {
    const x = Math.max(h[b], 0);
    if (x === 0) continue;
    for (let a = 0; a < d; a++) u[a] += x * e.layer2[b * d + a];
  }
  return Float32Array.from(u, (v) => Math.max(v, 0));
}

/** The new user as `recommendFolded` takes it, with leave-one-out parts as the reasons. */
export function foldInForward(
  s: EmbeddingSnapshot,
  e: UserEncoder,
  marked: readonly MarkedItem[],
): FoldedUser {
  const d = s.dim;
  const vector = encodeUser(s, e, marked);
  const parts = new Float64Array(marked.length * (d + 1));
  marked.forEach((_, j) => {
    const without = encodeUser(
      s,
      e,
      marked.filter((__, k) => k !== j),
    );
    for (let a = 0; a < d; a++) parts[j * (d + 1) + a] = vector[a] - without[a];
  });
  return { vector, bias: 0, parts };
}
