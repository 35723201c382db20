/**
 * The bags the feature-aware models read (see `BagSource` in ../tf/embedding): an entity's id and
 * metadata features (LightFM, factorisation machines), and a user's rated items (SVD++).
 */
import { groupRows } from '../data/csr';
import { tf } from '../tf/tfjs';
import {
  disposeBag,
  identity,
  segmentSum,
  uploadBag,
  type Bag,
  type BagSource,
} from '../tf/embedding';
import type { FeatureTable } from '../data/types';

/** Which entities have at least one of the given rows (e.g. items with training interactions). */
export function seenEntities(column: Int32Array, entities: number): Uint8Array {
  const seen = new Uint8Array(entities);
  for (let k = 0; k < column.length; k++) seen[column[k]] = 1;
  return seen;
}

/**
 * Each entity's own row (row e, weight 1) when it was seen in training, then its metadata
 * features (rows entities + f) with weight 1 / (number of features): the id says what is known
 * about this entity, the features' mean what is known about entities like it. An entity not seen
 * in training is scored from its features alone (its untrained id row is left out, not noise).
 */
export function idAndFeatureBags(
  keyedBy: string,
  entities: number,
  features: FeatureTable,
  seen: Uint8Array,
  /** Share of training batches in which an entity with features is read without its id. */
  idDropout = 0,
): BagSource {
  const offsets = new Int32Array(entities + 1);
  const n = features.values.length + entities;
  const rows = new Int32Array(n);
  const weights = new Float32Array(n);
  const droppable = new Uint8Array(n);
  let at = 0;
  for (let e = 0; e < entities; e++) {
    offsets[e] = at;
    if (seen[e]) {
      droppable[at] = features.offsets[e + 1] > features.offsets[e] ? 1 : 0;
      rows[at] = e;
      weights[at++] = 1;
    }
    const from = features.offsets[e];
    const to = features.offsets[e + 1];
    for (let j = from; j < to; j++) {
      rows[at] = entities + features.values[j];
      weights[at++] = 1 / (to - from);
    }
  }
  offsets[entities] = at;
  return {
    keyedBy,
    offsets,
    rows: rows.slice(0, at),
    weights: weights.slice(0, at),
    droppable: droppable.slice(0, at),
    dropRate: idDropout,
  };
}

/** SVD++'s implicit feedback: each user's training items, weighted |N(u)|^-1/2. */
export function historyBags(user: Int32Array, item: Int32Array, users: number): BagSource {
  const grouped = groupRows(user, users, 'history', 'user');
  const { offsets } = grouped;
  const rows = Int32Array.from(grouped.rows, (k) => item[k]);
  const weights = new Float32Array(user.length);
  for (let u = 0; u < users; u++) {
    const n = offsets[u + 1] - offsets[u];
    weights.fill(1 / Math.sqrt(n), offsets[u], offsets[u + 1]);
  }
  return { keyedBy: 'user', offsets, rows, weights };
}

/** The bags of the given entities (in that order, repeats allowed), one segment each. */
export function bagOf(src: BagSource, entities: Int32Array): Bag {
  let n = 0;
  for (const e of entities) n += src.offsets[e + 1] - src.offsets[e];
  const indices = new Int32Array(n);
  const weights = new Float32Array(n);
  const segmentOf = new Int32Array(n);
  const offsets = new Int32Array(entities.length + 1);
  let at = 0;
  entities.forEach((e, k) => {
    offsets[k] = at;
    for (let j = src.offsets[e]; j < src.offsets[e + 1]; j++, at++) {
      indices[at] = src.rows[j];
      weights[at] = src.weights[j];
      segmentOf[at] = k;
    }
  });
  offsets[entities.length] = at;
  const rowSegment = identity(entities.length);
  const rowOffsets = identity(entities.length + 1);
  const readers = new Float32Array(n).fill(1);
  return {
    indices,
    weights,
    readers,
    segmentOf,
    offsets,
    rowSegment,
    rowOrder: rowSegment,
    rowOffsets,
  };
}

/**
 * Forward only (scoring, snapshots): sum of `fn(rows)` weighted over each entity's bag, for the
 * given entities, [entities.length, width]. `fn` maps the looked-up rows [C, d] to [C, width].
 */
export function sumBags(
  table: tf.Tensor2D,
  src: BagSource,
  entities: Int32Array,
  fn: (rows: tf.Tensor2D) => tf.Tensor2D = (rows) => rows,
  /** 2: weight each entry by its weight squared (a factorisation machine's self-interaction). */
  weightPower: 1 | 2 = 1,
): tf.Tensor2D {
  const bag = uploadBag(bagOf(src, entities));
  try {
    return tf.tidy(() => {
      if (bag.indices.shape[0] === 0)
        return tf.zeros([entities.length, fn(tf.slice(table, 0, 1)).shape[1]]);
      const rows = fn(tf.gather(table, bag.indices) as tf.Tensor2D);
      const w = weightPower === 2 ? tf.square(bag.weights) : bag.weights;
      return segmentSum(tf.mul(rows, w) as tf.Tensor2D, bag.segments);
    });
  } finally {
    disposeBag(bag);
  }
}

export const range = identity;
