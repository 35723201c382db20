/**
 * The reference models, fitted in closed form rather than trained: the global mean, the
 * regularised user + item biases (Surprise's BaselineOnly, see ./baseline) and popularity. They
 * have no tables; `fitted` tells the trainer to make one pass that only measures the loss.
 */
import { tf } from '../tf/tfjs';
import { fitBiases, type BiasModel } from './baseline';
import { popularityScores } from './popularity';
import type { Batch, ModelContext, RowModel } from './types';
import type { EmbeddingSnapshot } from '../data/types';

abstract class FittedModel implements RowModel {
  abstract readonly name: string;
  abstract readonly predictsRatings: boolean;
  readonly fitted = true;
  readonly tables = [];
  readonly dense = [];
  /** Per-user and per-item values the model scores with (biases, or popularity). */
  protected abstract readonly userValue: Float32Array;
  protected abstract readonly itemValue: Float32Array;
  protected abstract readonly offset: number;

  constructor(protected readonly ctx: ModelContext) {}

  /** offset + user value + item value, [B]. */
  predict(_rows: unknown, b: Batch): tf.Tensor1D {
    return tf.tidy(() => {
      const u = tf.gather(this.userValue, b.index.user);
      const i = tf.gather(this.itemValue, b.index.item);
      return tf.add(tf.add(u, i), this.offset) as tf.Tensor1D;
    });
  }

  /** Squared error on the batch (explicit); 0 for popularity, which has no objective. */
  loss(rows: unknown, b: Batch): tf.Scalar {
    return tf.tidy(() =>
      this.predictsRatings
        ? tf.mean(tf.squaredDifference(this.predict(rows, b), b.rating))
        : tf.scalar(0),
    );
  }

  /** Every user ranks items by the item values (the global mean has none: it cannot rank). */
  protected byItemValue(users: Int32Array): tf.Tensor2D {
    return tf.tidy(() =>
      tf.tile(tf.tensor2d(this.itemValue, [1, this.ctx.items]), [users.length, 1]),
    );
  }

  /** One dimension: the values themselves (the map needs at least two and skips this). */
  async snapshot(epoch: number): Promise<EmbeddingSnapshot> {
    return {
      epoch,
      dim: 1,
      userFactors: this.userValue.slice(),
      itemFactors: this.itemValue.slice(),
      userBias: this.userValue.slice(),
      itemBias: this.itemValue.slice(),
      globalBias: this.offset,
    };
  }

  dispose(): void {}
}

export class GlobalMean extends FittedModel {
  readonly name = 'global-mean';
  readonly predictsRatings = true;
  protected readonly userValue: Float32Array;
  protected readonly itemValue: Float32Array;
  protected readonly offset: number;

  constructor(ctx: ModelContext) {
    super(ctx);
    this.userValue = new Float32Array(ctx.users);
    this.itemValue = new Float32Array(ctx.items);
    this.offset = ctx.mean;
  }
}

/** BaselineOnly: mu + b_u + b_i by alternating least squares (reg_u 15, reg_i 10, 10 sweeps). */
export class Baseline extends FittedModel {
  readonly name = 'baseline';
  readonly scoreItems = (users: Int32Array) => this.byItemValue(users);
  readonly predictsRatings = true;
  protected readonly userValue: Float32Array;
  protected readonly itemValue: Float32Array;
  protected readonly offset: number;

  constructor(ctx: ModelContext) {
    super(ctx);
    const fit: BiasModel = fitBiases(ctx.train, ctx.users, ctx.items);
    this.userValue = fit.userBias;
    this.itemValue = fit.itemBias;
    this.offset = fit.mean;
  }
}

/** Every user gets the same list: items by their number of training interactions. */
export class Popularity extends FittedModel {
  readonly name = 'popularity';
  readonly scoreItems = (users: Int32Array) => this.byItemValue(users);
  readonly predictsRatings = false;
  protected readonly userValue: Float32Array;
  protected readonly itemValue: Float32Array;
  protected readonly offset = 0;

  constructor(ctx: ModelContext) {
    super(ctx);
    this.userValue = new Float32Array(ctx.users);
    this.itemValue = popularityScores(ctx.train.item, ctx.items);
  }
}
