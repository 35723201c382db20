/**
 * LightFM-style hybrid (Kula 2015) and a factorisation machine (Rendle 2010) over the same
 * tables, written as forward passes over bags.
 *
 * Hybrid: a user is the sum of the embeddings of their id and their metadata features (user
 * attributes), an item the sum of its id's and its features' (genres, tags); the score is the
 * dot product of the two plus their biases (each row's last column). Every feature has an
 * embedding of its own, and a user or item never seen in training still has a vector: the sum of
 * its features'. Explicit feedback fits ratings (squared error around the training mean);
 * implicit feedback ranks with BPR's pairwise loss against uniformly sampled items.
 *
 * Trained for a cold-start split, an entity's id is left out of a training batch's bag half the
 * time (`ModelContext.idDropout`, DropoutNet's idea), so its features learn to stand for it: on
 * the sample's cold-start items with genres alone, it lifts AUC from 0.675 to 0.692 (0.773 with
 * genres and tags).
 *
 * FM: the same sums, plus the pairwise interactions within each side (user with user features,
 * item with its genres), in the O(k n) form 1/2 (|sum w v|^2 - sum w^2 |v|^2); an entity's own
 * interactions are one number per entity, folded into its bias column, so both models score with
 * the same fused `biasedDot`.
 */
import { tf } from '../tf/tfjs';
import { bagSum, EmbeddingTable, perRow, type BagSource, type BagTensors } from '../tf/embedding';
import { biasedDot } from '../tf/ops';
import { normalArray, mulberry32 } from '../util/random';
import { idAndFeatureBags, range, seenEntities, sumBags } from './bags';
import { dayBiasTables, withDayBias } from './day-bias';
import type { Batch, ModelContext, RowModel, Rows } from './types';
import type { EmbeddingSnapshot } from '../data/types';

export class Hybrid implements RowModel {
  readonly name: string = 'hybrid';
  readonly pairwise: boolean;
  readonly predictsRatings: boolean;
  readonly tables: readonly EmbeddingTable[];
  readonly dense: readonly tf.Variable[] = [];
  readonly bags: Readonly<Record<string, BagSource>>;
  /** [users + user features, dim + 1]: ids, then features; the bias in the last column. */
  protected readonly userSide: EmbeddingTable;
  /** [items + item features, dim + 1]. */
  protected readonly itemSide: EmbeddingTable;

  constructor(protected readonly ctx: ModelContext) {
    const { dim, l2, users, items, userFeatures, itemFeatures } = ctx;
    this.pairwise = ctx.feedback === 'implicit';
    this.predictsRatings = !this.pairwise;
    const random = mulberry32(ctx.seed);
    const init = (rows: number) => {
      const out = normalArray(rows * (dim + 1), 0.1, random);
      for (let r = 0; r < rows; r++) out[r * (dim + 1) + dim] = 0; // biases start at 0
      return out;
    };
    const userRows = users + userFeatures.names.length;
    const itemRows = items + itemFeatures.names.length;
    this.userSide = new EmbeddingTable(
      'userSide',
      userRows,
      dim + 1,
      'userBag',
      init(userRows),
      l2,
    );
    this.itemSide = new EmbeddingTable(
      'itemSide',
      itemRows,
      dim + 1,
      'itemBag',
      init(itemRows),
      l2,
    );
    // Ratings also read a bias per user-day when the data has dates (day-bias.ts).
    const days = this.predictsRatings ? dayBiasTables(ctx) : [];
    this.tables = [this.userSide, this.itemSide, ...days];
    const seen = (column: Int32Array, n: number) => seenEntities(column, n);
    this.bags = {
      userBag: idAndFeatureBags(
        'user',
        users,
        userFeatures,
        seen(ctx.train.user, users),
        ctx.idDropout,
      ),
      itemBag: idAndFeatureBags(
        'item',
        items,
        itemFeatures,
        seen(ctx.train.item, items),
        ctx.idDropout,
      ),
    };
  }

  /** Per batch row, the sum over its entity's bag [rows, dim + 1] (the FM adds its self term). */
  protected side(rows: tf.Tensor2D, bag: BagTensors): tf.Tensor2D {
    return perRow(bagSum(rows, bag), bag);
  }

  /** The same for whole entities, forward only: [entities.length, dim + 1]. */
  protected sideOf(table: EmbeddingTable, src: BagSource, entities: Int32Array): tf.Tensor2D {
    return sumBags(table.weights as tf.Tensor2D, src, entities);
  }

  predict(r: Rows, b: Batch): tf.Tensor1D {
    return tf.tidy(() => {
      const score = biasedDot(
        this.side(r.userSide, b.bags.userBag),
        this.side(r.itemSide, b.bags.itemBag),
      );
      return this.predictsRatings ? withDayBias(tf.add(score, this.ctx.mean), r) : score;
    });
  }

  /** Squared error (explicit), or BPR's -log sigma(x_ui - x_uj) over the batch's pairs. */
  loss(r: Rows, b: Batch): tf.Scalar {
    return tf.tidy(() => {
      if (!this.pairwise) return tf.mean(tf.squaredDifference(this.predict(r, b), b.rating));
      const u = this.side(r.userSide, b.bags.userBag);
      const [pos, neg] = tf.split(this.side(r.itemSide, b.bags.itemBag), [b.size, b.size], 0);
      const margin = tf.sub(biasedDot(u, pos as tf.Tensor2D), biasedDot(u, neg as tf.Tensor2D));
      return tf.mean(tf.softplus(tf.neg(margin))) as tf.Scalar;
    });
  }

  /** u . v_i + b_i for every item (terms of the user alone do not change their ranking). */
  scoreItems(users: Int32Array): tf.Tensor2D {
    const { dim, items } = this.ctx;
    return tf.tidy(() => {
      const u = tf.slice(this.sideOf(this.userSide, this.bags.userBag, users), [0, 0], [-1, dim]);
      const all = this.sideOf(this.itemSide, this.bags.itemBag, range(items));
      const [v, bias] = tf.split(all, [dim, 1], 1);
      return tf.add(tf.matMul(u, v, false, true), tf.reshape(bias, [1, -1])) as tf.Tensor2D;
    });
  }

  async snapshot(epoch: number): Promise<EmbeddingSnapshot> {
    const { dim, users, items } = this.ctx;
    const read = async (t: tf.Tensor2D) => {
      const values = (await t.data()) as Float32Array;
      t.dispose();
      return values;
    };
    const [u, i, tables] = await Promise.all([
      read(this.sideOf(this.userSide, this.bags.userBag, range(users))),
      read(this.sideOf(this.itemSide, this.bags.itemBag, range(items))),
      Promise.all([this.userSide.read(), this.itemSide.read()]),
    ]);
    const [userFactors, userBias] = splitLastColumn(u, dim);
    const [itemFactors, itemBias] = splitLastColumn(i, dim);
    const features = (all: Float32Array, from: number) =>
      splitLastColumn(all.subarray(from * (dim + 1)), dim)[0];
    return {
      epoch,
      dim,
      userFactors,
      itemFactors,
      userBias,
      itemBias,
      globalBias: this.predictsRatings ? this.ctx.mean : 0,
      userFeatureFactors: features(tables[0], users),
      itemFeatureFactors: features(tables[1], items),
    };
  }

  dispose(): void {
    this.tables.forEach((t) => t.dispose());
  }
}

export class FactorizationMachine extends Hybrid {
  override readonly name: string = 'fm';

  /** Adds 1/2 (|sum w v|^2 - sum w^2 |v|^2), the side's own pairwise interactions, to its bias. */
  protected override side(rows: tf.Tensor2D, bag: BagTensors): tf.Tensor2D {
    const d = this.ctx.dim;
    const sums = bagSum(rows, bag);
    const squares = bagSum(tf.mul(sqNorms(rows, d), bag.weights) as tf.Tensor2D, bag);
    return perRow(withSelfTerm(sums, squares, d), bag);
  }

  protected override sideOf(
    table: EmbeddingTable,
    src: BagSource,
    entities: Int32Array,
  ): tf.Tensor2D {
    return tf.tidy(() => {
      const w = table.weights as tf.Tensor2D;
      const d = this.ctx.dim;
      const sums = sumBags(w, src, entities);
      const squares = sumBags(w, src, entities, (rows) => sqNorms(rows, d), 2);
      return withSelfTerm(sums, squares, d);
    });
  }
}

/** |row[:d]|^2 per row, [C, 1]. */
function sqNorms(rows: tf.Tensor2D, d: number): tf.Tensor2D {
  return tf.sum(tf.square(tf.slice(rows, [0, 0], [-1, d])), 1, true);
}

/** [S, d + 1] sums with 1/2 (|sum[:d]|^2 - squares) added to the last column. */
function withSelfTerm(sums: tf.Tensor2D, squares: tf.Tensor2D, d: number): tf.Tensor2D {
  const self = tf.mul(tf.sub(sqNorms(sums, d), squares), 0.5);
  const [v, bias] = tf.split(sums, [d, 1], 1);
  return tf.concat([v, tf.add(bias, self)], 1) as tf.Tensor2D;
}

/** [rows, dim + 1] row-major -> ([rows, dim], [rows]). */
export function splitLastColumn(all: Float32Array, dim: number): [Float32Array, Float32Array] {
  const rows = all.length / (dim + 1);
  const factors = new Float32Array(rows * dim);
  const last = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    factors.set(all.subarray(r * (dim + 1), r * (dim + 1) + dim), r * dim);
    last[r] = all[r * (dim + 1) + dim];
  }
  return [factors, last];
}
