/**
 * Biased matrix factorisation (Funk SVD, as in Surprise's SVD and TF-recomm), written as its
 * forward pass: r(u, i) = mu + b_u + b_i + p_u . q_i, with mu the training mean (fixed, as in
 * Surprise), plus a bias for the user's day when the data has dates (day-bias.ts). Each side is one table whose last column is the bias, scored by the fused
 * `biasedDot` op: two lookups per rating instead of four. The loss is the batch mean squared error; every table carries L2 per lookup (on the
 * rows the batch touches, which is what per-rating SGD regularises), applied by the trainer.
 */
import { tf } from '../tf/tfjs';
import { EmbeddingTable } from '../tf/embedding';
import { biasedDot } from '../tf/ops';
import { normalArray, mulberry32 } from '../util/random';
import type { Batch, ModelContext, RowModel, Rows } from './types';
import type { EmbeddingSnapshot } from '../data/types';
import { splitLastColumn } from './hybrid';
import { dayBiasTables, withDayBias } from './day-bias';

export class BiasedMF implements RowModel {
  readonly name: string = 'biased-mf';
  readonly predictsRatings: boolean = true;
  tables: readonly EmbeddingTable[];
  readonly dense: readonly tf.Variable[] = [];
  /** [users, dim + 1]: p_u, then b_u in the last column (one lookup serves both). */
  protected readonly users: EmbeddingTable;
  /** [items, dim + 1]: q_i, then b_i. */
  protected readonly items: EmbeddingTable;

  constructor(protected readonly ctx: ModelContext) {
    const random = mulberry32(ctx.seed);
    const { dim, l2 } = ctx;
    const init = (rows: number) => {
      const factors = normalArray(rows * dim, 0.1, random);
      // Biases start at 0, as does the spare row (kept by the table as it is, not copied).
      const out = new Float32Array((rows + 1) * (dim + 1));
      for (let r = 0; r < rows; r++)
        out.set(factors.subarray(r * dim, (r + 1) * dim), r * (dim + 1));
      return out;
    };
    this.users = new EmbeddingTable('users', ctx.users, dim + 1, 'user', init(ctx.users), l2);
    this.items = new EmbeddingTable('items', ctx.items, dim + 1, 'item', init(ctx.items), l2);
    this.tables = [this.users, this.items, ...dayBiasTables(ctx)];
  }

  predict(r: Rows, _b?: Batch): tf.Tensor1D {
    return tf.tidy(() => withDayBias(tf.add(biasedDot(r.users, r.items), this.ctx.mean), r));
  }

  /** p_u . q_i + b_i for every item (mu and b_u do not change a user's ranking). */
  scoreItems(users: Int32Array): tf.Tensor2D {
    return tf.tidy(() =>
      this.scoreAgainstItems(tf.gather(this.users.weights, users) as tf.Tensor2D),
    );
  }

  /** Users' rows [U, dim + 1] (bias last, ignored) -> their scores of every item, [U, items]. */
  protected scoreAgainstItems(userRows: tf.Tensor2D): tf.Tensor2D {
    const { dim } = this.ctx;
    const u = tf.slice(userRows, [0, 0], [-1, dim]);
    const items = tf.slice(this.items.weights, [0, 0], [this.ctx.items, dim + 1]);
    const [q, bias] = tf.split(items, [dim, 1], 1);
    return tf.add(tf.matMul(u, q, false, true), tf.reshape(bias, [1, -1])) as tf.Tensor2D;
  }

  /** Mean squared error; the tables' L2 (`l2` per lookup) is applied by the trainer. */
  loss(r: Rows, b: Batch): tf.Scalar {
    return tf.tidy(() => tf.mean(tf.squaredDifference(this.predict(r), b.rating)));
  }

  async snapshot(epoch: number): Promise<EmbeddingSnapshot> {
    const [u, i] = await Promise.all([this.users.read(), this.items.read()]);
    const dim = this.ctx.dim;
    const [userFactors, userBias] = splitLastColumn(u, dim);
    const [itemFactors, itemBias] = splitLastColumn(i, dim);
    return { epoch, dim, userFactors, itemFactors, userBias, itemBias, globalBias: this.ctx.mean };
  }

  dispose(): void {
    this.tables.forEach((t) => t.dispose());
  }
}
