/**
 * Biased matrix factorisation (Funk SVD, as in Surprise's SVD and TF-recomm), written as its
 * forward pass: r(u, i) = mu + b_u + b_i + p_u . q_i. The loss is the batch mean squared error
 * plus L2 on the rows the batch touches, which is what per-rating SGD regularises.
 */
import { tf } from '../tf/tfjs';
import { embeddingLookup } from '../tf/embedding';
import { normalArray, mulberry32 } from '../util/random';
import type { Batch, ModelContext, RecModel } from './types';
import type { EmbeddingSnapshot } from '../data/types';

export class BiasedMF implements RecModel {
  readonly name = 'biased-mf';
  readonly variables: tf.Variable[];
  private readonly mu: tf.Variable;
  private readonly userFactors: tf.Variable;
  private readonly itemFactors: tf.Variable;
  private readonly userBias: tf.Variable;
  private readonly itemBias: tf.Variable;

  constructor(private readonly ctx: ModelContext) {
    const random = mulberry32(ctx.seed);
    // tidy frees the initial values; the variables it creates are kept.
    const init = (rows: number) =>
      tf.tidy(() =>
        tf.variable(tf.tensor2d(normalArray(rows * ctx.dim, 0.1, random), [rows, ctx.dim])),
      );
    this.mu = tf.tidy(() => tf.variable(tf.scalar(ctx.mean)));
    this.userFactors = init(ctx.users);
    this.itemFactors = init(ctx.items);
    this.userBias = tf.tidy(() => tf.variable(tf.zeros([ctx.users, 1])));
    this.itemBias = tf.tidy(() => tf.variable(tf.zeros([ctx.items, 1])));
    this.variables = [this.mu, this.userFactors, this.itemFactors, this.userBias, this.itemBias];
  }

  private rows(b: Batch) {
    return {
      p: embeddingLookup(this.userFactors, b.userPlan, b.user),
      q: embeddingLookup(this.itemFactors, b.itemPlan, b.item),
      bu: embeddingLookup(this.userBias, b.userPlan, b.user),
      bi: embeddingLookup(this.itemBias, b.itemPlan, b.item),
    };
  }

  /** [B] = mu + b_u + b_i + p_u . q_i */
  private score(r: ReturnType<BiasedMF['rows']>): tf.Tensor1D {
    const biases = tf.add(tf.squeeze(tf.add(r.bu, r.bi), [1]), this.mu);
    return tf.add(tf.sum(tf.mul(r.p, r.q), 1), biases);
  }

  predict(b: Batch): tf.Tensor1D {
    return tf.tidy(() => this.score(this.rows(b)));
  }

  loss(b: Batch): tf.Scalar {
    return tf.tidy(() => {
      const rows = this.rows(b);
      const { p, q, bu, bi } = rows;
      const pred = this.score(rows);
      const mse = tf.mean(tf.squaredDifference(pred, b.rating));
      // (tfjs's AddN gradient fails on scalars, so the terms are added pairwise.)
      const penalty = tf.add(
        tf.add(tf.sum(tf.square(p)), tf.sum(tf.square(q))),
        tf.add(tf.sum(tf.square(bu)), tf.sum(tf.square(bi))),
      );
      return tf.add(mse, tf.mul(this.ctx.l2 / b.size, penalty)) as tf.Scalar;
    });
  }

  async snapshot(epoch: number): Promise<EmbeddingSnapshot> {
    const [uf, itf, ub, ib, mu] = await Promise.all(
      [this.userFactors, this.itemFactors, this.userBias, this.itemBias, this.mu].map((v) =>
        v.data(),
      ),
    );
    return {
      epoch,
      dim: this.ctx.dim,
      userFactors: uf as Float32Array,
      itemFactors: itf as Float32Array,
      userBias: ub as Float32Array,
      itemBias: ib as Float32Array,
      globalBias: mu[0],
    };
  }

  dispose(): void {
    tf.dispose(this.variables);
  }
}
