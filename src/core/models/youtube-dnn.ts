/**
 * YouTube DNN candidate generation (Covington et al. 2016): a user is the mean of the input
 * embeddings E [items, dim] of the items in their training row (the row over its count, times E:
 * one matMul), concatenated with the mean of their metadata features' embeddings F [features, dim]
 * when the data has user features, then an MLP: a ReLU layer of `hidden` units and a ReLU layer of
 * `dim` units, the user vector u. The items' output vectors O [items, dim] and biases score them,
 * logits = u O^T + bias, and the loss is the softmax cross-entropy over the whole catalogue
 * averaged over the user's training items (the multinomial likelihood). Implicit feedback: any
 * non-zero entry of the input is an interaction; scores only. Trained by `UserTrainer`.
 *
 * The training softmax is the full one up to `SAMPLED_ABOVE` (20,000) items: [users, items]
 * logits fit and the loss is exact. Above, it is the paper's sampled softmax (sampled-softmax.ts:
 * the batch's items and popularity-drawn negatives, logQ-corrected), so no [users, items] tensor
 * is built; the ranking metrics still score the whole catalogue. On the sample after 3 epochs
 * (bench/deep), sampled reached Recall@20 0.167 against the full softmax's 0.178 (94%).
 * The input history is read from the sparse rows (`sparseMatMul`), not a dense [users, items].
 *
 * Training holds out each of a user's items from the input with probability `dropout` (a fresh
 * draw every step), while the loss still asks for all of them: otherwise the model learns to
 * predict a user's own history back (Mult-DAE's denoising). On the sample, 0.8 beat 0.5 (Recall@20
 * 0.267 against 0.258 after 20 epochs at dim 32). Weight decay: `l2` x the squared weight matrices
 * (E, F, both layers, O) / (the users with training rows), added to the batch loss, as AutoRec
 * does; biases are not decayed. E starts unit normal, so even small `l2` pulls hard on it (0.1
 * held Recall@20 at 0.26, 1 at 0.18): the dropout regularises, and `l2` 0 is what to use.
 */
import { tf } from '../tf/tfjs';
import { mulberry32, normalArray } from '../util/random';
import type { EmbeddingSnapshot } from '../data/types';
import type { ModelContext } from './types';
import { segmentSum } from '../tf/embedding';
import { sparseGradientPays, sparseMatMul, type SparseRowsTensors } from '../tf/sparse-rows';
import {
  DEFAULT_NEGATIVES,
  PopularitySampler,
  SAMPLED_ABOVE,
  candidates,
  gatherDistinct,
} from './sampled-softmax';
import { UserRows, userFeatureWeights, type UserBatch, type UserBatchModel } from './user-batch';
import {
  decayScale,
  entryMask,
  glorotUniform,
  multinomialLoss,
  sumOfSquares,
  variable,
} from './dense';

export interface YouTubeDNNOptions {
  /** Share of a user's items held out of the input per training step; default 0.8. */
  dropout?: number;
  /**
   * The training softmax: over the whole catalogue ('full'), or over the batch's items and
   * sampled negatives with the logQ correction ('sampled', see sampled-softmax.ts). Default:
   * sampled above `SAMPLED_ABOVE` items. Evaluation always ranks the whole catalogue.
   */
  softmax?: 'full' | 'sampled';
  /** Negatives drawn per batch by the sampled softmax; default `DEFAULT_NEGATIVES`. */
  negatives?: number;
}

export class YouTubeDNN implements UserBatchModel {
  readonly name = 'youtube-dnn';
  readonly batching = 'users';
  readonly predictsRatings = false;
  readonly readsUserFeatures: boolean;
  readonly dense: readonly tf.Variable[];
  /** E [items, dim]: the items' input embeddings. */
  private readonly itemInput: tf.Variable;
  /** F [features, dim], or null without user features. */
  private readonly featureInput: tf.Variable | null;
  private readonly layer1: tf.Variable;
  private readonly bias1: tf.Variable;
  private readonly layer2: tf.Variable;
  private readonly bias2: tf.Variable;
  /** O [items, dim]: the items' output vectors. */
  private readonly itemOutput: tf.Variable;
  private readonly itemBias: tf.Variable;
  private readonly dropout: number;
  private readonly random: () => number;
  private readonly decay: number;
  private rows: UserRows | null = null;
  /** Draws the sampled softmax's negatives; null with the full softmax. */
  private readonly sampler: PopularitySampler | null;
  private readonly negatives: number;

  constructor(
    private readonly ctx: ModelContext,
    options: YouTubeDNNOptions = {},
  ) {
    const { items, dim, hidden } = ctx;
    const features = ctx.userFeatures.names.length;
    this.readsUserFeatures = features > 0;
    this.dropout = options.dropout ?? 0.8;
    this.random = mulberry32(ctx.seed);
    this.decay = decayScale(ctx);
    const matrix = (rows: number, cols: number) =>
      variable(glorotUniform(rows, cols, this.random), [rows, cols]);
    const zeros = (n: number) => variable(new Float32Array(n), [n]);
    // Unit normal, as torch's nn.Embedding: a mean of n such rows is still of order 1 / sqrt(n),
    // where Glorot's +-sqrt(6 / (items + dim)) made the history vanish and stalled the first
    // epochs at the popularity ranking.
    this.itemInput = variable(normalArray(items * dim, 1, this.random), [items, dim]);
    this.featureInput = features > 0 ? matrix(features, dim) : null;
    this.layer1 = matrix(features > 0 ? 2 * dim : dim, hidden);
    this.bias1 = zeros(hidden);
    this.layer2 = matrix(hidden, dim);
    this.bias2 = zeros(dim);
    this.itemOutput = matrix(items, dim);
    this.itemBias = zeros(items);
    const softmax = options.softmax ?? ctx.softmax ?? (items > SAMPLED_ABOVE ? 'sampled' : 'full');
    const sampled = softmax === 'sampled';
    this.sampler = sampled ? new PopularitySampler(ctx.train.item, items) : null;
    this.negatives = options.negatives ?? ctx.sampledNegatives ?? DEFAULT_NEGATIVES;
    this.dense = [
      this.itemInput,
      ...(this.featureInput ? [this.featureInput] : []),
      this.layer1,
      this.bias1,
      this.layer2,
      this.bias2,
      this.itemOutput,
      this.itemBias,
    ];
  }

  /** The user vectors u [U, dim] from the (0/1) item rows and the feature weights. */
  private users(x: tf.Tensor2D, features: tf.Tensor2D | null): tf.Tensor2D {
    const history = tf.matMul<tf.Tensor2D>(
      tf.div(x, tf.maximum(tf.sum(x, 1, true), 1)),
      this.itemInput,
    );
    return this.tower(history, features);
  }

  /** u [U, dim] from the mean history embedding [U, dim] and the feature weights. */
  private tower(history: tf.Tensor2D, features: tf.Tensor2D | null): tf.Tensor2D {
    const z =
      this.featureInput && features
        ? tf.concat([history, tf.matMul(features, this.featureInput)], 1)
        : history;
    // Bias and ReLU fused into each product (one pass instead of three, each way).
    const dense = (a: tf.Tensor2D, b: tf.Variable, bias: tf.Variable) =>
      tf.fused.matMul({ a, b: b as tf.Tensor2D, bias, activation: 'relu' }) as tf.Tensor2D;
    return dense(dense(z as tf.Tensor2D, this.layer1, this.bias1), this.layer2, this.bias2);
  }

  private logits(u: tf.Tensor2D): tf.Tensor2D {
    const b = this.itemOutput as tf.Tensor2D;
    return tf.fused.matMul({ a: u, b, transposeB: true, bias: this.itemBias }) as tf.Tensor2D;
  }

  /** The mean input embedding of the rows' kept entries (`kept` [C, 1]: 1 kept, 0 not), [U, dim]. */
  private history(rows: SparseRowsTensors, kept: tf.Tensor2D): tf.Tensor2D {
    const count = tf.maximum(segmentSum(kept, rows.byRow), 1);
    return tf.div(sparseMatMul(rows, this.itemInput as tf.Tensor2D, kept), count);
  }

  scoreRows(rows: SparseRowsTensors, features: tf.Tensor2D | null): tf.Tensor2D {
    return tf.tidy(() => {
      const kept = tf.cast(tf.notEqual(rows.values, 0), 'float32') as tf.Tensor2D;
      return this.logits(this.tower(this.history(rows, kept), features));
    });
  }

  scoreUsers(input: tf.Tensor2D, features: tf.Tensor2D | null): tf.Tensor2D {
    return tf.tidy(() => this.logits(this.users(interactions(input), features)));
  }

  userLoss(b: UserBatch): tf.Scalar {
    return tf.tidy(() => {
      const x = b.mask;
      // The history's mean read from the sparse rows (entries x dim, not users x items x dim);
      // dropout zeroes entries (padding entries have value 0 already).
      // (The dense product where the sparse gradient does not pay: see sparseGradientPays.)
      const sparse = sparseGradientPays();
      const v = sparse ? b.rows.values : x;
      const kept =
        this.dropout > 0
          ? tf.mul<tf.Tensor2D>(v, entryMask(b.rows, this.dropout, this.random, false, !sparse))
          : v;
      const u = sparse
        ? this.tower(this.history(b.rows, kept), b.features)
        : this.users(kept, b.features);
      const data = this.sampler ? this.sampledLoss(u, b) : multinomialLoss(this.logits(u), x);
      const matrices = [this.itemInput, this.layer1, this.layer2, this.itemOutput];
      if (this.featureInput) matrices.push(this.featureInput);
      // Chained adds: tfjs 4.22's AddN gradient fails here (it clones a null dy).
      const weights = matrices.map(sumOfSquares).reduce((sum, t) => tf.add(sum, t));
      return tf.add(data, tf.mul(weights, this.decay)) as tf.Scalar;
    });
  }

  /**
   * The multinomial likelihood over the batch's candidates (sampled-softmax.ts): logits
   * [U, K] minus log Q, targets the users' own candidates.
   */
  private sampledLoss(u: tf.Tensor2D, b: UserBatch): tf.Scalar {
    const { items } = this.ctx;
    const c = candidates(b.rows.host, items, this.sampler!, this.negatives, this.random);
    const k = c.items.length;
    const ids = tf.tensor1d(c.items, 'int32');
    const out = gatherDistinct(this.itemOutput as tf.Tensor2D, ids);
    const bias = gatherDistinct(this.itemBias as tf.Tensor1D, ids);
    const logits = tf.sub(
      tf.fused.matMul({ a: u, b: out, transposeB: true, bias }),
      tf.tensor1d(c.logQ),
    ) as tf.Tensor2D;
    return multinomialLoss(logits, tf.tensor2d(c.target, [u.shape[0], k]));
  }

  /** userFactors: u for every user (in blocks, from the training rows); items: O and its bias. */
  async snapshot(epoch: number): Promise<EmbeddingSnapshot> {
    const { users, items, dim, hidden, userFeatures } = this.ctx;
    this.rows ??= new UserRows(this.ctx.train, users, items, true);
    const userFactors = new Float32Array(users * dim);
    const block = Math.max(1, Math.floor(4_194_304 / items));
    for (let from = 0; from < users; from += block) {
      const ids = Array.from({ length: Math.min(block, users - from) }, (_, k) => from + k);
      const { input } = this.rows.dense(ids, false);
      const f = this.readsUserFeatures ? userFeatureWeights(userFeatures, ids) : null;
      const u = tf.tidy(() =>
        this.users(
          tf.tensor2d(input, [ids.length, items]),
          f && tf.tensor2d(f, [ids.length, userFeatures.names.length]),
        ),
      );
      userFactors.set((await u.data()) as Float32Array, from * dim);
      u.dispose();
    }
    const [itemFactors, itemBias, inputs, layer1, bias1, layer2, bias2] = (await Promise.all(
      [
        this.itemOutput,
        this.itemBias,
        this.itemInput,
        this.layer1,
        this.bias1,
        this.layer2,
        this.bias2,
      ].map((v) => v.data()),
    )) as Float32Array[];
    return {
      epoch,
      dim,
      userFactors,
      itemFactors,
      userBias: new Float32Array(users),
      itemBias,
      globalBias: 0,
      // The user tower: what folding in a new user's items needs (fold-in-forward.ts).
      userEncoder: { kind: 'youtube-dnn', inputs, layer1, bias1, layer2, bias2, hidden },
    };
  }

  dispose(): void {
    tf.dispose([...this.dense]);
  }
}

/** 1 where the input has an entry (a rating or an implicit 1), 0 elsewhere. */
function interactions(input: tf.Tensor2D): tf.Tensor2D {
  return tf.cast(tf.notEqual(input, 0), 'float32') as tf.Tensor2D;
}
