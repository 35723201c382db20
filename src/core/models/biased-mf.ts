/**
 * Biased matrix factorisation (Funk SVD, as in Surprise's SVD and TF-recomm), written as its
 * forward pass: r(u, i) = mu + b_u + b_i + p_u . q_i, with mu the training mean (fixed, as in
 * Surprise). The loss is the batch mean squared error plus L2 on the rows the batch touches, which
 * is what per-rating SGD regularises.
 */
import { tf } from '../tf/tfjs';
import { EmbeddingTable } from '../tf/embedding';
import { normalArray, mulberry32 } from '../util/random';
import type { Batch, ModelContext, RecModel, Rows } from './types';
import type { EmbeddingSnapshot } from '../data/types';

export class BiasedMF implements RecModel {
  readonly name = 'biased-mf';
  readonly tables: readonly EmbeddingTable[];
  readonly dense: readonly tf.Variable[] = [];
  private readonly p: EmbeddingTable;
  private readonly q: EmbeddingTable;
  private readonly bu: EmbeddingTable;
  private readonly bi: EmbeddingTable;

  constructor(private readonly ctx: ModelContext) {
    const random = mulberry32(ctx.seed);
    const { users, items, dim } = ctx;
    this.p = new EmbeddingTable(
      'userFactors',
      users,
      dim,
      'user',
      normalArray(users * dim, 0.1, random),
    );
    this.q = new EmbeddingTable(
      'itemFactors',
      items,
      dim,
      'item',
      normalArray(items * dim, 0.1, random),
    );
    this.bu = new EmbeddingTable('userBias', users, 1, 'user', new Float32Array(users));
    this.bi = new EmbeddingTable('itemBias', items, 1, 'item', new Float32Array(items));
    this.tables = [this.p, this.q, this.bu, this.bi];
  }

  predict(r: Rows): tf.Tensor1D {
    return tf.tidy(() => {
      const biases = tf.add(tf.reshape(tf.add(r.userBias, r.itemBias), [-1]), this.ctx.mean);
      return tf.add(tf.sum(tf.mul(r.userFactors, r.itemFactors), 1), biases);
    });
  }

  loss(r: Rows, b: Batch): tf.Scalar {
    return tf.tidy(() => {
      const mse = tf.mean(tf.squaredDifference(this.predict(r), b.rating));
      // (tfjs's AddN gradient fails on scalars, so the terms are added pairwise.)
      const penalty = tf.add(
        tf.add(tf.sum(tf.square(r.userFactors)), tf.sum(tf.square(r.itemFactors))),
        tf.add(tf.sum(tf.square(r.userBias)), tf.sum(tf.square(r.itemBias))),
      );
      return tf.add(mse, tf.mul(penalty, this.ctx.l2 / b.size)) as tf.Scalar;
    });
  }

  async snapshot(epoch: number): Promise<EmbeddingSnapshot> {
    const [uf, itf, ub, ib] = await Promise.all(this.tables.map((t) => t.read()));
    return {
      epoch,
      dim: this.ctx.dim,
      userFactors: uf,
      itemFactors: itf,
      userBias: ub,
      itemBias: ib,
      globalBias: this.ctx.mean,
    };
  }

  dispose(): void {
    this.tables.forEach((t) => t.dispose());
  }
}
