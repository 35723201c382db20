/**
 * AutoRec (Sedhain et al. 2015), user-based as in Amazon's DSSTNE: an autoencoder of a user's
 * training row x of the interaction matrix, h = sigmoid(x W + b), x' = h V^T + c, with W and V
 * [items, hidden]. Trained by `UserTrainer` on mini-batches of users.
 *
 * - Explicit feedback: x holds the user's ratings (0 where unrated); the loss is the squared error
 *   on the observed entries only, over their number, and x' predicts the ratings. c starts at the
 *   training mean.
 * - Implicit feedback: x holds 1 per interaction; the loss is the multinomial likelihood of Mult-DAE
 *   (Liang et al. 2018), -sum_i x_i log softmax(x')_i over the user's interaction count, averaged
 *   over the batch's users. Scores only. On the sample it beat a squared error weighted 1 on the
 *   interactions and 0.1 elsewhere by far (Recall@20 0.312 against 0.188 after 10 epochs).
 *
 * The encoder reads the user's row sparse (`sparseMatMul`: the row's entries times W, not the
 * whole catalogue), in training, evaluation (`scoreRows`) and snapshots alike; the decoder is
 * dense, since the loss covers every item.
 *
 * Training drops each input entry with probability `dropout` (and scales the rest by
 * 1 / (1 - dropout)), so the model learns to fill in a user's row rather than copy it; the loss
 * still covers the whole row. Implicit default 0.5 (0.8: Recall@20 0.298 against 0.312); explicit
 * default 0, where 0.5 did not lower the RMSE. Weight decay: `l2` x (|W|^2 + |V|^2) / (the users
 * with training rows), added to the batch loss. For the implicit (multinomial) loss, a mean over
 * the batch's users, that is the per-user share of l2 x |weights|^2 on the whole objective. The
 * explicit loss is a mean over the batch's observed entries, so there the decay weighs about
 * (the batch's ratings per user) times more against the data term than Sedhain et al.'s lambda
 * would: l2 is a setting measured on validation, not the paper's lambda. Biases are not decayed.
 */
import { tf } from '../tf/tfjs';
import { mulberry32 } from '../util/random';
import type { EmbeddingSnapshot } from '../data/types';
import type { ModelContext } from './types';
import {
  disposeSparseRows,
  sparseGradientPays,
  sparseMatMul,
  uploadSparseRows,
  type SparseRowsTensors,
} from '../tf/sparse-rows';
import { UserRows, type UserBatch, type UserBatchModel } from './user-batch';
import {
  decayScale,
  entryMask,
  glorotUniform,
  multinomialLoss,
  sumOfSquares,
  variable,
} from './dense';

export interface AutoRecOptions {
  /** Share of input entries dropped per training step; default 0.5 implicit, 0 explicit. */
  dropout?: number;
}

export class AutoRec implements UserBatchModel {
  readonly name = 'autorec';
  readonly batching = 'users';
  readonly predictsRatings: boolean;
  readonly dense: readonly tf.Variable[];
  /** W [items, hidden]. */
  private readonly encoder: tf.Variable;
  /** b [hidden]. */
  private readonly encoderBias: tf.Variable;
  /** V [items, hidden]. */
  private readonly decoder: tf.Variable;
  /** c [items]. */
  private readonly decoderBias: tf.Variable;
  private readonly dropout: number;
  /** Seeds of the per-step dropout masks. */
  private readonly random: () => number;
  private readonly decay: number;
  private rows: UserRows | null = null;

  constructor(
    private readonly ctx: ModelContext,
    options: AutoRecOptions = {},
  ) {
    const { items, hidden } = ctx;
    this.predictsRatings = ctx.feedback === 'explicit';
    this.dropout = options.dropout ?? (this.predictsRatings ? 0 : 0.5);
    this.random = mulberry32(ctx.seed);
    this.decay = decayScale(ctx);
    const c = new Float32Array(items).fill(this.predictsRatings ? ctx.mean : 0);
    this.encoder = variable(glorotUniform(items, hidden, this.random), [items, hidden]);
    this.encoderBias = variable(new Float32Array(hidden), [hidden]);
    this.decoder = variable(glorotUniform(items, hidden, this.random), [items, hidden]);
    this.decoderBias = variable(c, [items]);
    this.dense = [this.encoder, this.encoderBias, this.decoder, this.decoderBias];
  }

  /** h = sigmoid(x W + b), [U, hidden]. */
  private encode(x: tf.Tensor2D): tf.Tensor2D {
    return tf.sigmoid(tf.add<tf.Tensor2D>(tf.matMul(x, this.encoder), this.encoderBias));
  }

  /** x' = h V^T + c, [U, items] (the bias fused into the product). */
  private decode(h: tf.Tensor2D): tf.Tensor2D {
    const b = this.decoder as tf.Tensor2D;
    return tf.fused.matMul({ a: h, b, transposeB: true, bias: this.decoderBias }) as tf.Tensor2D;
  }

  /** h from sparse rows (`values` [C, 1]: the entries' values, after dropout when training). */
  private encodeRows(rows: SparseRowsTensors, values: tf.Tensor2D): tf.Tensor2D {
    const encoder = this.encoder as tf.Tensor2D;
    return tf.sigmoid(tf.add<tf.Tensor2D>(sparseMatMul(rows, encoder, values), this.encoderBias));
  }

  scoreRows(rows: SparseRowsTensors): tf.Tensor2D {
    return tf.tidy(() => this.decode(this.encodeRows(rows, rows.values)));
  }

  scoreUsers(input: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.decode(this.encode(input)));
  }

  userLoss(b: UserBatch): tf.Scalar {
    return tf.tidy(() => {
      // The input layer reads the sparse rows (entries x hidden, not users x items x hidden);
      // dropout zeroes entries' values.
      const sparse = sparseGradientPays();
      const x = sparse ? b.rows.values : b.input;
      const kept =
        this.dropout > 0
          ? tf.mul<tf.Tensor2D>(x, entryMask(b.rows, this.dropout, this.random, true, !sparse))
          : x;
      const out = this.decode(sparse ? this.encodeRows(b.rows, kept) : this.encode(kept));
      const data = this.predictsRatings
        ? tf.div(tf.sum(tf.mul(b.mask, tf.squaredDifference(out, b.input))), tf.sum(b.mask))
        : multinomialLoss(out, b.mask);
      const weights = tf.add(sumOfSquares(this.encoder), sumOfSquares(this.decoder));
      return tf.add(data, tf.mul(weights, this.decay)) as tf.Scalar;
    });
  }

  /**
   * userFactors: every user's hidden activations h ([users, hidden], `dim` = hidden, computed in
   * blocks from the training rows); itemFactors: the decoder rows V; itemBias: c.
   */
  async snapshot(epoch: number): Promise<EmbeddingSnapshot> {
    const { users, items, hidden } = this.ctx;
    this.rows ??= new UserRows(this.ctx.train, users, items, !this.predictsRatings);
    const userFactors = new Float32Array(users * hidden);
    const block = Math.max(1, Math.floor(4_194_304 / items));
    for (let from = 0; from < users; from += block) {
      const ids = Array.from({ length: Math.min(block, users - from) }, (_, k) => from + k);
      const rows = uploadSparseRows(this.rows.sparse(ids), items);
      const h = tf.tidy(() => this.encodeRows(rows, rows.values));
      disposeSparseRows(rows);
      userFactors.set((await h.data()) as Float32Array, from * hidden);
      h.dispose();
    }
    const [itemFactors, itemBias, weights, bias] = (await Promise.all([
      this.decoder.data(),
      this.decoderBias.data(),
      this.encoder.data(),
      this.encoderBias.data(),
    ])) as Float32Array[];
    return {
      epoch,
      dim: hidden,
      userFactors,
      itemFactors,
      userBias: new Float32Array(users),
      itemBias,
      globalBias: 0,
      // The encoder: what folding in a new user's row needs (fold-in-forward.ts).
      userEncoder: { kind: 'autorec', weights, bias },
    };
  }

  dispose(): void {
    tf.dispose([...this.dense]);
  }
}
