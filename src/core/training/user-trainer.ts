/**
 * A step-based trainer over mini-batches of users, for the models that read a user's whole
 * training row of the interaction matrix at once (autoencoders, softmax models): a step hands the
 * model B users' rows as a dense [B, items] input and mask, and a stock optimizer updates every
 * dense parameter. The pacing contract is `Trainer`'s: `step()` enqueues one step on the backend
 * and never reads from it; `takeLoss()` reads the mean loss of the steps since the last call.
 *
 * Batch size: `config.batchSize` counts rows (interactions) for the row models, 4096 by default.
 * A user brings a whole row, on the sample about 130 interactions, so a user batch is
 * `round(batchSize / 64)` users (4096 -> 64), at least 1 and at most the users with training rows.
 * Every batch has that many users (an epoch's last batch is topped up from its start), so every
 * shape of a step is the same and webgl compiles its shaders once.
 */
import { tf } from '../tf/tfjs';
import { heldOutLists, rankHeldOut, type ModelTrainer, type TrainData } from './trainer';
import { heldOutView, type HeldOutPart } from './protocol';
import { ParamCheckpoint } from './checkpoint';
import type { RecModel } from '../models/types';
import {
  UserRows,
  isUserBatchModel,
  userFeatureWeights,
  type UserBatch,
  type UserBatchModel,
} from '../models/user-batch';
import type { EmbeddingSnapshot } from '../data/types';
import { ratingMetrics, type RatingMetrics } from '../metrics/rating';
import type { UserItems } from '../metrics/ranking';
import type { RankingReport } from '../metrics/evaluate-ranking';
import { createOptimizer } from './optimizers';
import { LossQueue } from './loss-queue';
import type { TrainConfig } from './config';
import { mulberry32, shuffledRange } from '../util/random';
import { groupRows } from '../data/csr';
import { resumeModel, stateAt, type TrainerState } from './trainer-state';
import { disposeSparseRows, uploadSparseRows } from '../tf/sparse-rows';

/** Users in a batch for a `config.batchSize` given in rows: one user per 64 rows. */
export function usersPerBatch(batchSize: number, usersWithRows: number): number {
  return Math.max(1, Math.min(usersWithRows, Math.round(batchSize / 64)));
}

/** Scores read back per evaluation block: 16 MiB of float32, as `evaluateRanking` does. */
const BLOCK_SCORES = 4_194_304;

export class UserTrainer implements ModelTrainer {
  readonly model: UserBatchModel;
  readonly stepsPerEpoch: number;
  /** Users in every batch. */
  readonly batchUsers: number;
  /** Completed epochs. */
  epoch = 0;
  /** Steps done in the current epoch. */
  stepInEpoch = 0;
  totalSteps = 0;
  private readonly optimizer: tf.Optimizer;
  private readonly vars: tf.Variable[];
  private readonly checkpoint: ParamCheckpoint;
  private readonly rows: UserRows;
  private readonly random: () => number;
  /** The users with training rows, shuffled every epoch. */
  private readonly order: Int32Array;
  private readonly withFeatures: boolean;
  private readonly losses = new LossQueue();
  private next: UserBatch | null = null;
  private readonly grouped = new Map<HeldOutPart, { train: UserItems; test: UserItems }>();

  constructor(
    private readonly data: TrainData,
    private readonly config: TrainConfig,
    model: RecModel,
  ) {
    if (!isUserBatchModel(model))
      throw new Error(`${model.name} is not trained by mini-batches of users`);
    if (data.train.rating.length === 0) throw new Error('no training rows');
    this.model = model;
    this.rows = new UserRows(data.train, data.users, data.items, config.feedback === 'implicit');
    const active: number[] = [];
    for (let u = 0; u < data.users; u++) if (this.rows.count(u) > 0) active.push(u);
    this.random = mulberry32(config.seed ^ 0x9e3779b9);
    this.order = Int32Array.from(active);
    shuffledRange(this.order.length, this.random, this.order);
    this.batchUsers = usersPerBatch(config.batchSize, active.length);
    this.stepsPerEpoch = Math.ceil(active.length / this.batchUsers);
    this.withFeatures = !!model.readsUserFeatures && data.userFeatures.names.length > 0;
    this.optimizer = createOptimizer(config.optimizer, config.learningRate);
    this.vars = [...model.dense];
    this.checkpoint = new ParamCheckpoint(model);
  }

  /** Epochs the run trains. */
  get epochs(): number {
    return this.config.epochs;
  }

  get finished(): boolean {
    return this.epoch >= this.epochs;
  }

  /** Training rows (interactions) of a batch's users on average, for throughput. */
  get batchRows(): number {
    return Math.round((this.batchUsers * this.data.train.rating.length) / this.order.length);
  }

  /** One optimisation step on the next batch of users. No GPU-to-CPU read. */
  step(): void {
    const batch = this.next ?? this.prepare();
    this.next = null;
    const cost = this.optimizer.minimize(() => this.model.userLoss(batch), true, this.vars);
    if (!cost) throw new Error('optimizer returned no cost');
    this.losses.push(cost);
    disposeBatch(batch);
    this.totalSteps++;
    this.stepInEpoch++;
    if (this.stepInEpoch === this.stepsPerEpoch) {
      this.epoch++;
      this.stepInEpoch = 0;
      shuffledRange(this.order.length, this.random, this.order);
    }
    // Build and upload the following batch now, so that overlaps the step the backend is running.
    if (!this.finished) this.next = this.prepare();
  }

  /** Mean training loss over the steps since the last call (null when none). One read. */
  takeLoss(): Promise<{ loss: number; steps: number } | null> {
    return this.losses.take();
  }

  /**
   * Held-out RMSE / MAE, predictions clipped to the rating range: the test rows' users scored in
   * blocks from their training rows, the held-out pairs gathered on the backend, one read a block.
   */
  async evaluate(part: HeldOutPart = 'test'): Promise<RatingMetrics> {
    const { test, items } = heldOutView(this.data, part);
    const n = test.user.length;
    const predicted = new Float32Array(n);
    const byUser = groupRows(test.user, this.data.users);
    const evaluated: number[] = [];
    for (let u = 0; u < this.data.users; u++)
      if (byUser.offsets[u + 1] > byUser.offsets[u]) evaluated.push(u);
    const blockUsers = Math.max(1, Math.floor(BLOCK_SCORES / items));
    for (let from = 0; from < evaluated.length; from += blockUsers) {
      const block = evaluated.slice(from, from + blockUsers);
      const rows: number[] = [];
      const flat: number[] = [];
      block.forEach((u, b) => {
        for (let k = byUser.offsets[u]; k < byUser.offsets[u + 1]; k++) {
          const r = byUser.rows[k];
          rows.push(r);
          flat.push(b * items + test.item[r]);
        }
      });
      const picked = tf.tidy(() =>
        tf.gather(tf.reshape(this.scoreBlock(block), [-1]), tf.tensor1d(flat, 'int32')),
      );
      const values = (await picked.data()) as Float32Array;
      picked.dispose();
      rows.forEach((r, k) => (predicted[r] = values[k]));
    }
    return ratingMetrics(predicted, test.rating, this.data.ratingMin, this.data.ratingMax);
  }

  /**
   * Ranking metrics on the held-out split, `Trainer.rankingReport`'s protocol (`rankHeldOut`,
   * candidate items included): every item scored for every user with held-out items, from the
   * user's training row, training items excluded.
   */
  async rankingReport(withAuc: boolean, part: HeldOutPart = 'test'): Promise<RankingReport | null> {
    const view = heldOutView(this.data, part);
    let lists = this.grouped.get(part);
    if (!lists) this.grouped.set(part, (lists = heldOutLists(view)));
    return rankHeldOut(view, lists, (u) => this.scoreBlock(u), withAuc);
  }

  snapshot(epoch = this.epoch): Promise<EmbeddingSnapshot> {
    return this.model.snapshot(epoch);
  }

  async saveCheckpoint(): Promise<void> {
    this.checkpoint.save();
  }

  async restoreCheckpoint(): Promise<void> {
    this.checkpoint.restore();
  }

  exportState(): Promise<TrainerState> {
    return stateAt(this.epoch, this.model);
  }

  async resumeAt(state: TrainerState): Promise<void> {
    resumeModel(this.model, state, this.totalSteps, () =>
      shuffledRange(this.order.length, this.random, this.order),
    );
    this.epoch = state.epoch;
    this.totalSteps = state.epoch * this.stepsPerEpoch;
  }

  dispose(): void {
    this.checkpoint.dispose();
    if (this.next) disposeBatch(this.next);
    this.next = null;
    this.losses.dispose();
    this.optimizer.dispose();
    this.model.dispose();
  }

  /** Scores of every item for these users, from their training rows: [users.length, items]. */
  private scoreBlock(users: ArrayLike<number>): tf.Tensor2D {
    const { items, userFeatures } = this.data;
    const features = this.withFeatures ? userFeatureWeights(userFeatures, users) : null;
    const featureTensor = () =>
      features && tf.tensor2d(features, [users.length, userFeatures.names.length]);
    if (this.model.scoreRows) {
      const rows = uploadSparseRows(this.rows.sparse(users), items);
      try {
        return tf.tidy(() => this.model.scoreRows!(rows, featureTensor()));
      } finally {
        disposeSparseRows(rows);
      }
    }
    const { input } = this.rows.dense(users, false);
    return tf.tidy(() =>
      this.model.scoreUsers(tf.tensor2d(input, [users.length, items]), featureTensor()),
    );
  }

  private prepare(): UserBatch {
    const n = this.order.length;
    const b = this.batchUsers;
    const start = this.stepInEpoch * b;
    const users = new Int32Array(b);
    for (let k = 0; k < b; k++) users[k] = this.order[(start + k) % n];
    const { input, mask } = this.rows.dense(users, true);
    const { items, userFeatures } = this.data;
    const inputTensor = tf.tensor2d(input, [b, items]);
    return {
      users: tf.tensor1d(users, 'int32'),
      input: inputTensor,
      // Implicit rows: the mask is the input (one tensor; disposing it twice is a no-op).
      mask: mask === input ? inputTensor : tf.tensor2d(mask, [b, items]),
      rows: uploadSparseRows(this.rows.sparse(users), items),
      features: this.withFeatures
        ? tf.tensor2d(userFeatureWeights(userFeatures, users), [b, userFeatures.names.length])
        : null,
    };
  }
}

function disposeBatch(b: UserBatch): void {
  tf.dispose([b.users, b.input, b.mask]);
  disposeSparseRows(b.rows);
  if (b.features) b.features.dispose();
}
