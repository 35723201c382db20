/**
 * Biased matrix factorisation (Funk SVD, as in Surprise's SVD and TF-recomm), written as its
 * forward pass: r(u, i) = mu + b_u + b_i + p_u . q_i, with mu the training mean (fixed, as in
 * Surprise). The loss is the batch mean squared error; every table carries L2 per lookup (on the
 * rows the batch touches, which is what per-rating SGD regularises), applied by the trainer.
 */
import { tf } from '../tf/tfjs';
import { EmbeddingTable } from '../tf/embedding';
import { rowDot } from '../tf/ops';
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
      ctx.l2,
    );
    this.q = new EmbeddingTable(
      'itemFactors',
      items,
      dim,
      'item',
      normalArray(items * dim, 0.1, random),
      ctx.l2,
    );
    this.bu = new EmbeddingTable('userBias', users, 1, 'user', new Float32Array(users), ctx.l2);
    this.bi = new EmbeddingTable('itemBias', items, 1, 'item', new Float32Array(items), ctx.l2);
    this.tables = [this.p, this.q, this.bu, this.bi];
  }

  predict(r: Rows): tf.Tensor1D {
    return tf.tidy(() => {
      const biases = tf.add(tf.reshape(tf.add(r.userBias, r.itemBias), [-1]), this.ctx.mean);
      return tf.add(rowDot(r.userFactors, r.itemFactors), biases);
    });
  }

  /** Mean squared error; the tables' L2 (`l2` per lookup) is applied by the trainer. */
  loss(r: Rows, b: Batch): tf.Scalar {
    return tf.tidy(() => tf.mean(tf.squaredDifference(this.predict(r), b.rating)));
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
