/**
 * A step-based trainer (the umap-js pattern: the caller owns pacing, progress and cancellation).
 * `step()` enqueues one mini-batch on the backend and never reads from it; `takeLoss()` reads the
 * mean loss of the steps since the last call with a single awaited read.
 */
import { tf } from '../tf/tfjs';
import { buildLookupPlan, disposePlan, uploadPlan } from '../tf/embedding';
import { createModel } from '../models/registry';
import type { Batch, RecModel } from '../models/types';
import type { Interactions } from '../models/baseline';
import { meanRating } from '../models/baseline';
import { ratingMetrics, type RatingMetrics } from '../metrics/rating';
import { createOptimizer } from './optimizers';
import type { TrainConfig } from './config';
import { mulberry32, shuffledRange } from '../util/random';
import type { EmbeddingSnapshot } from '../data/types';

export interface TrainData {
  users: number;
  items: number;
  train: Interactions;
  test: Interactions;
  ratingMin: number;
  ratingMax: number;
}

const EVAL_CHUNK = 32768;

export class Trainer {
  readonly model: RecModel;
  readonly stepsPerEpoch: number;
  /** Completed epochs. */
  epoch = 0;
  /** Steps done in the current epoch. */
  stepInEpoch = 0;
  totalSteps = 0;
  private readonly optimizer: tf.Optimizer;
  private readonly random: () => number;
  private order: Int32Array;
  private lossSum: tf.Scalar | null = null;
  private lossSteps = 0;
  private next: Batch | null = null;

  constructor(
    private readonly data: TrainData,
    private readonly config: TrainConfig,
  ) {
    const n = data.train.rating.length;
    if (n === 0) throw new Error('no training rows');
    this.model = createModel(config.model, {
      users: data.users,
      items: data.items,
      mean: meanRating(data.train.rating),
      dim: config.dim,
      l2: config.l2,
      seed: config.seed,
    });
    this.optimizer = createOptimizer(config.optimizer, config.learningRate);
    this.stepsPerEpoch = Math.ceil(n / config.batchSize);
    this.random = mulberry32(config.seed ^ 0x9e3779b9);
    this.order = shuffledRange(n, this.random);
  }

  get rowsPerEpoch(): number {
    return this.data.train.rating.length;
  }

  get finished(): boolean {
    return this.epoch >= this.config.epochs;
  }

  /** Rows in the batch that `step()` will run next. */
  get nextBatchRows(): number {
    const start = this.stepInEpoch * this.config.batchSize;
    return Math.min(this.config.batchSize, this.rowsPerEpoch - start);
  }

  /** One optimisation step on the next mini-batch. No GPU-to-CPU read. */
  step(): void {
    const batch = this.next ?? this.prepare();
    this.next = null;
    const cost = this.optimizer.minimize(() => this.model.loss(batch), true, this.model.variables);
    if (!cost) throw new Error('optimizer returned no cost');
    const prev = this.lossSum;
    this.lossSum = prev ? tf.tidy(() => tf.add(prev, cost) as tf.Scalar) : cost;
    if (prev) {
      prev.dispose();
      cost.dispose();
    }
    this.lossSteps++;
    disposeBatch(batch);
    this.totalSteps++;
    this.stepInEpoch++;
    if (this.stepInEpoch === this.stepsPerEpoch) {
      this.epoch++;
      this.stepInEpoch = 0;
      shuffledRange(this.order.length, this.random, this.order);
    }
    // Upload the following batch now, so the transfer overlaps the step the backend is running.
    if (!this.finished) this.next = this.prepare();
  }

  /** Mean training loss over the steps since the last call (null when none). One read. */
  async takeLoss(): Promise<{ loss: number; steps: number } | null> {
    if (!this.lossSum) return null;
    const sum = this.lossSum;
    const steps = this.lossSteps;
    this.lossSum = null;
    this.lossSteps = 0;
    const value = (await sum.data())[0];
    sum.dispose();
    return { loss: value / steps, steps };
  }

  /** Held-out RMSE / MAE, predictions clipped to the rating range. Reads once per chunk. */
  async evaluate(): Promise<RatingMetrics> {
    const predicted = await this.predict(this.data.test.user, this.data.test.item);
    return ratingMetrics(
      predicted,
      this.data.test.rating,
      this.data.ratingMin,
      this.data.ratingMax,
    );
  }

  /** Scores for (user, item) pairs, [n]. */
  async predict(user: Int32Array, item: Int32Array): Promise<Float32Array> {
    const out = new Float32Array(user.length);
    for (let start = 0; start < user.length; start += EVAL_CHUNK) {
      const end = Math.min(user.length, start + EVAL_CHUNK);
      const pred = tf.tidy(() => {
        const b: Batch = {
          size: end - start,
          user: tf.tensor1d(user.subarray(start, end), 'int32'),
          item: tf.tensor1d(item.subarray(start, end), 'int32'),
          rating: tf.zeros([end - start]),
          userPlan: null,
          itemPlan: null,
        };
        return this.model.predict(b);
      });
      out.set((await pred.data()) as Float32Array, start);
      pred.dispose();
    }
    return out;
  }

  snapshot(): Promise<EmbeddingSnapshot> {
    return this.model.snapshot(this.epoch);
  }

  dispose(): void {
    if (this.next) disposeBatch(this.next);
    this.next = null;
    this.lossSum?.dispose();
    this.lossSum = null;
    this.optimizer.dispose();
    this.model.dispose();
  }

  private prepare(): Batch {
    const { train, users, items } = this.data;
    const start = this.stepInEpoch * this.config.batchSize;
    const end = Math.min(start + this.config.batchSize, this.order.length);
    const b = end - start;
    const u = new Int32Array(b);
    const i = new Int32Array(b);
    const r = new Float32Array(b);
    for (let k = 0; k < b; k++) {
      const row = this.order[start + k];
      u[k] = train.user[row];
      i[k] = train.item[row];
      r[k] = train.rating[row];
    }
    // Fresh arrays per batch: tfjs may keep a reference to them until the upload happens.
    const userPlan = uploadPlan(buildLookupPlan(u, users));
    const itemPlan = uploadPlan(buildLookupPlan(i, items));
    return {
      size: b,
      user: userPlan.indices,
      item: itemPlan.indices,
      rating: tf.tensor1d(r),
      userPlan,
      itemPlan,
    };
  }
}

function disposeBatch(b: Batch): void {
  if (b.userPlan) disposePlan(b.userPlan);
  if (b.itemPlan) disposePlan(b.itemPlan);
  b.user.dispose();
  b.item.dispose();
  b.rating.dispose();
}
