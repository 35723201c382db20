/**
 * The tfjs Trainer with its steps run by the typed-array row kernel: the same batches (the same
 * shuffles and sampled negatives, drawn from the same seeded stream in the same order), loss,
 * L2 and lazy optimizer, so a run matches the tfjs path step for step up to float rounding.
 * Evaluation, ranking, snapshots and checkpoints read the kernel's tables on this thread;
 * predictions and exports stay the tfjs model's, the tables written into its variables first.
 *
 * `step()` only queues; `takeLoss()` runs the queued steps as jobs (never across an epoch, so
 * the shared order is reshuffled only between jobs) and resolves when they are done.
 */
import { tf } from '../tf/tfjs';
import {
  RANKING_CUTOFFS,
  Trainer,
  createRowModel,
  modelContext,
  type TrainData,
} from '../training/trainer';
import type { TrainConfig } from '../training/config';
import { isUserBatchModel, tablesOf, type RecModel, type RowModel } from '../models/types';
import { ratingMetrics, type RatingMetrics } from '../metrics/rating';
import { splitLastColumn } from '../models/hybrid';
import { evaluateRanking, type RankingReport } from '../metrics/evaluate-ranking';
import { heldOutView, type HeldOutPart } from '../training/protocol';
import type { EmbeddingSnapshot } from '../data/types';
import { mulberry32 } from '../util/random';
import { shareableFloat32 } from '../util/shared';
import { CHUNK_BYTES, chunkCount, chunkedShuffle, storeByChunk, userChunks } from './row-order';
import type { RowShape } from './row-state';
import type { RowParams } from './row-kernel';
import { OPTIMIZER_CODES, optimizerSlots, optimizerUniforms } from './row-update';
import { balancedBlocks, countIds, regions } from './schedule';
import {
  dropsBagEntries,
  kernelLayout,
  KERNEL_MODELS,
  readTables,
  bagSnapshot,
  setupBags,
  tableValues,
  type KernelLayout,
} from './bag-model';
import { bagRepresentations } from './bag-kernel';
import type { RowExecutor, RowExecutorFactory } from './types';
import { resumeModel, type TrainerState } from '../training/trainer-state';

/** Copies of the kernel's table arrays (a checkpoint). */
interface KernelCopies {
  user: Float32Array;
  item: Float32Array;
  day: Float32Array;
}

export interface RowEngineOptions {
  /** User-side table bytes per chunk of the epoch's order (row-order.ts); default CHUNK_BYTES. */
  chunkBytes?: number;
  /**
   * Whether `narrowWhile` may run jobs on one thread (the caller took every core of a 2-core
   * machine); default false: the engine keeps its threads.
   */
  narrowable?: boolean;
}

/** Steps per job at most: bounds the negatives buffer and the wait for a pause. */
const JOB_STEPS = 64;

/** Why the row kernel cannot train this model (null: it can). */
export function rowKernelProblem(model: RecModel): string | null {
  if (isUserBatchModel(model) || !KERNEL_MODELS.includes(model.name))
    return `no typed-array kernel for ${model.name} yet (${KERNEL_MODELS.join(', ')} have one)`;
  if (model.dense.length) return `${model.name} has parameters the kernel does not train`;
  // The tfjs trainer draws which ids to drop per batch from the run's stream; the kernel does not.
  if (dropsBagEntries(model))
    return `${model.name} with id dropout (the cold-start splits) trains on tfjs`;
  return null;
}

export class RowEngineTrainer extends Trainer {
  private executor: RowExecutor | null = null;
  private readonly stream: () => number;
  /** Steps queued by step() and not yet run. */
  private queued = 0;
  /** Step in the epoch of the next step to run (the queue's head). */
  private runStepInEpoch = 0;
  private runSteps = 0;
  private lossSum = 0;
  private lossSteps = 0;
  /** Whether the kernel's tables have changed since they were written into the model. */
  private dirty = false;
  /** mu, the training mean (biased MF's global bias). */
  private mean = 0;
  private work: Promise<void> = Promise.resolve();
  /** Where the model's tables live in the engine's arrays (and a bag model's bags). */
  private layout!: KernelLayout;
  /** Where each user chunk's training rows are stored (row-order.ts); [0, rows] for one chunk. */
  private chunkOffsets: Int32Array = new Int32Array(2);
  private chunkBytes = CHUNK_BYTES;
  /**
   * The selected epoch's tables (saveCheckpoint): copies of the kernel's arrays, or the state
   * exported for the same epoch (no copy: it is read-only once made).
   */
  private saved: { copies: KernelCopies } | { state: TrainerState } | null = null;
  /** The last copies made, whose arrays the next copy reuses. */
  private copies: KernelCopies | null = null;
  /** The last state exported from the kernel's tables, and the steps run when it was read. */
  private exported: { state: TrainerState; steps: number } | null = null;

  private constructor(
    private readonly trainData: TrainData,
    private settings: TrainConfig,
    model: RowModel,
  ) {
    super(trainData, settings, { model });
    // The tfjs Trainer's stream (trainer.ts): the same seed, shuffles and draws in the same order.
    this.stream = mulberry32(settings.seed ^ 0x9e3779b9);
  }

  /** A trainer for `config.model` (one of KERNEL_MODELS) whose steps `makeExecutor`'s threads run. */
  static async create(
    data: TrainData,
    config: TrainConfig,
    makeExecutor: RowExecutorFactory,
    workers: number,
    options: RowEngineOptions = {},
  ): Promise<RowEngineTrainer> {
    const model = createRowModel(config.model, modelContext(data, config));
    const problem = rowKernelProblem(model);
    if (problem) {
      model.dispose();
      throw new Error(problem);
    }
    const trainer = new RowEngineTrainer(data, config, model);
    if (options.chunkBytes) trainer.chunkBytes = options.chunkBytes;
    trainer.narrowable = !!options.narrowable;
    try {
      await trainer.init(makeExecutor, workers);
      return trainer;
    } catch (e) {
      trainer.dispose();
      throw e;
    }
  }

  /** Its export reads the kernel's tables, its snapshot fresh copies of them. */
  readonly exportsApart = true;

  override runWith(config: TrainConfig): boolean {
    if (!super.runWith(config)) return false;
    this.settings = config;
    return true;
  }

  /** Threads that run each step (while `narrowWhile` says so, one runs them all in turn). */
  get threads(): number {
    return this.executor?.threads ?? 0;
  }

  /**
   * The next epoch's order is drawn before its first job, not as the last one ends: the epoch's
   * evaluation and snapshot come first (at 25M rows the shuffle is 0.2-0.4 s).
   */
  private reorderDue = false;

  /** Whether the next job runs on one thread (`narrowWhile`). */
  private narrow: () => boolean = () => false;
  private narrowable = false;

  /**
   * Runs each job on one thread while `busy()` says the other cores are wanted (the live map
   * laying out), on all of them otherwise; the result is the same either way. Only where the
   * engine was made `narrowable`.
   */
  narrowWhile(busy: () => boolean): void {
    if (this.narrowable) this.narrow = busy;
  }

  /** User chunks of the epoch's order (row-order.ts); 1: the plain shuffle. */
  get orderChunks(): number {
    return this.chunkOffsets.length - 1;
  }

  /** Which kernel runs the steps: WebAssembly SIMD, or the JS loops (row-kernel.ts). */
  get kernel(): 'wasm-simd' | 'js' {
    return this.executor?.state.wasm ? 'wasm-simd' : 'js';
  }

  private async init(makeExecutor: RowExecutorFactory, workers: number): Promise<void> {
    const { train, users, items, userDay } = this.trainData;
    const n = train.rating.length;
    const layout = (this.layout = kernelLayout(this.model, users, items));
    const days = layout.tables.some((t) => t.array === 'day') ? (userDay?.count ?? 0) : 0;
    const slots = optimizerSlots(this.settings.optimizer);
    const shape: RowShape = {
      users,
      items,
      userDays: days,
      dim: this.settings.dim,
      rows: n,
      batch: this.batchRows,
      pairwise: !!this.model.pairwise,
      workers: Math.max(1, Math.min(workers, users, items)),
      slots: slots.count,
      jobSteps: JOB_STEPS,
      ...(layout.bags && { bags: layout.bags.shape }),
    };
    const params: RowParams = {
      mean: modelContext(this.trainData, this.settings).mean,
      l2: this.settings.l2,
      optimizer: OPTIMIZER_CODES[this.settings.optimizer],
    };
    this.mean = params.mean;
    const ex = (this.executor = await makeExecutor(shape, params));
    const { f32, i32 } = ex.state;
    await readTables(ex.state, layout.tables, slots, true);
    const p = shape.workers;
    const userCounts = countIds(train.user, users);
    const itemCounts = countIds(train.item, items);
    let userBlockOf: Int32Array;
    if (layout.bags) {
      setupBags(ex.state, layout.bags, userCounts, itemCounts);
      userBlockOf = i32.userOwner;
    } else {
      const ub = balancedBlocks(userCounts, p);
      const ib = balancedBlocks(itemCounts, p);
      i32.userBlock.set(ub.block);
      i32.itemBlock.set(ib.block);
      i32.userRegion.set(regions(ub.sizes));
      i32.itemRegion.set(regions(ib.sizes));
      userBlockOf = ub.block;
    }
    // Above a size, rows are stored and visited by user chunk (row-order.ts); the bag models'
    // users are owned by their bags' blocks and keep the plain shuffle.
    const userBytes = (shape.dim + 1 + days / Math.max(1, users)) * 4 * (1 + slots.count);
    const chunks = layout.bags ? 1 : chunkCount(users, userBytes, n, shape.batch, this.chunkBytes);
    if (chunks > 1) {
      const chunkOf = userChunks(userBlockOf, userCounts, p, chunks);
      this.chunkOffsets = storeByChunk(
        { ...train, day: days ? userDay!.train : null },
        { user: i32.trainUser, item: i32.trainItem, rating: f32.trainRating, day: i32.trainDay },
        chunkOf,
        chunks,
      );
    } else {
      i32.trainUser.set(train.user);
      i32.trainItem.set(train.item);
      f32.trainRating.set(train.rating);
      if (days) i32.trainDay.set(userDay!.train);
      this.chunkOffsets = Int32Array.of(0, n);
    }
    // One chunk's shuffle starts from the identity (and goes on from the last epoch's order);
    // chunks are laid out afresh each epoch (row-order.ts).
    if (chunks <= 1) for (let k = 0; k < n; k++) i32.order[k] = k;
    this.reorder();
    if (days) {
      // A user-day belongs to its user's block: only that block's worker touches it. Counted
      // through a byte mark per day (an Int32 block per day was 100 MB of fresh memory at 25M
      // rows); days no training row has are counted in block 0.
      const daySizes = new Int32Array(p);
      const seen = new Uint8Array(days);
      let unseen = days;
      for (let k = 0; k < n; k++) {
        const d = i32.trainDay[k];
        if (seen[d]) continue;
        seen[d] = 1;
        unseen--;
        daySizes[userBlockOf[i32.trainUser[k]]]++;
      }
      daySizes[0] += unseen;
      i32.dayRegion.set(regions(daySizes));
    }
  }

  /** The next epoch's order of the stored training rows (row-order.ts). */
  private reorder(): void {
    chunkedShuffle(this.chunkOffsets, this.stream, this.executor!.state.i32.order);
  }

  /** Queues one step; it runs at the next `takeLoss()` (or evaluation). */
  override step(): void {
    this.queued++;
    this.totalSteps++;
    this.stepInEpoch++;
    if (this.stepInEpoch === this.stepsPerEpoch) {
      this.epoch++;
      this.stepInEpoch = 0;
    }
  }

  override takeLoss(): Promise<{ loss: number; steps: number } | null> {
    return this.flush().then(() => {
      if (!this.lossSteps) return null;
      const out = { loss: this.lossSum / this.lossSteps, steps: this.lossSteps };
      this.lossSum = this.lossSteps = 0;
      return out;
    });
  }

  override async predict(user: Int32Array, item: Int32Array, day?: Int32Array) {
    await this.writeModel();
    return super.predict(user, item, day);
  }

  /**
   * Held-out RMSE / MAE from the kernel's tables, on this thread: the tfjs model's prediction
   * (mu + p_u . q_i + b_u + b_i + b_{u,t}), clipped as Trainer.evaluate clips it, without
   * uploading the tables to the backend every epoch.
   */
  override async evaluate(part: HeldOutPart = 'test'): Promise<RatingMetrics> {
    await this.flush();
    const { test, userDay, ratingMin, ratingMax } = heldOutView(this.trainData, part);
    const state = this.executor!.state;
    const { f32, shape } = state;
    const { day } = f32;
    // A bag model scores with each user's and item's sum over its bag.
    const user = shape.bags ? bagRepresentations(state, 'user') : f32.user;
    const item = shape.bags ? bagRepresentations(state, 'item') : f32.item;
    const dim = shape.dim;
    const c = dim + 1;
    const mean = this.mean;
    const days = shape.userDays ? userDay?.test : undefined;
    const predicted = new Float32Array(test.rating.length);
    for (let k = 0; k < predicted.length; k++) {
      const pu = test.user[k] * c;
      const qi = test.item[k] * c;
      let x = mean + user[pu + dim] + item[qi + dim] + (days ? day[days[k]] : 0);
      for (let a = 0; a < dim; a++) x += user[pu + a] * item[qi + a];
      predicted[k] = x;
    }
    return ratingMetrics(predicted, test.rating, ratingMin, ratingMax);
  }

  /**
   * Ranking metrics from the kernel's tables, scored on this thread: u . v_i + b_i, the kernel
   * models' `scoreItems` (terms of the user alone do not change a user's ranking), for each
   * evaluated user against the part's candidate items. At 25M rows this spares writing the
   * tables into the tfjs model and a matMul and read-back per block on a software renderer: the
   * report took 23 s there, over an epoch.
   */
  override async rankingReport(
    withAuc: boolean,
    part: HeldOutPart = 'test',
  ): Promise<RankingReport | null> {
    if (!this.model.scoreItems) return null;
    await this.flush();
    const { view, lists } = this.rankingLists(part);
    const state = this.executor!.state;
    const { f32, shape } = state;
    const candidates = view.candidates ?? null;
    const items = candidates?.length ?? view.items;
    const itemRows = shape.bags ? bagRepresentations(state, 'item') : f32.item;
    const score = (users: Int32Array): Float32Array => {
      const userRows = shape.bags
        ? bagRepresentations(state, 'user', users)
        : gatherRows(f32.user, users, shape.dim + 1);
      return itemScores(userRows, itemRows, candidates, items, shape.dim);
    };
    return evaluateRanking(score, lists.train, lists.test, view.users, items, {
      ...RANKING_CUTOFFS,
      withAuc,
    });
  }

  /**
   * The kernel's tables as they are now (the tfjs model's variables are not current between
   * epochs): the state just exported for this epoch when there is one, else a copy.
   */
  override async saveCheckpoint(): Promise<void> {
    await this.flush();
    if (this.exported?.steps === this.runSteps) {
      this.saved = { state: this.exported.state };
      return;
    }
    const { f32 } = this.executor!.state;
    // Copied into the last copy's arrays: a fresh 100 MB array is mostly the cost of its first
    // touch (0.3 s here), a copy into a touched one 10 ms.
    const into = (kept: Float32Array | undefined, from: Float32Array) =>
      kept?.length === from.length ? (kept.set(from), kept) : from.slice();
    const c = this.copies;
    this.copies = {
      user: into(c?.user, f32.user),
      item: into(c?.item, f32.item),
      day: into(c?.day, f32.day),
    };
    this.saved = { copies: this.copies };
  }

  override async restoreCheckpoint(): Promise<void> {
    if (!this.saved) throw new Error('no checkpoint to restore');
    await this.flush();
    const state = this.executor!.state;
    if ('state' in this.saved) {
      const { params } = this.saved.state;
      const own = new Map(this.layout.tables.map((k) => [k.table, k]));
      tablesOf(this.model).forEach((t, k) =>
        tableValues(state, own.get(t)!).set(params[k].values.subarray(0, t.rows * t.dim)),
      );
    } else {
      const { f32 } = state;
      f32.user.set(this.saved.copies.user);
      f32.item.set(this.saved.copies.item);
      f32.day.set(this.saved.copies.day);
    }
    this.dirty = true;
  }

  /**
   * The epoch's parameters straight from the kernel's tables, in the tfjs model's variable
   * order and shapes (trainer-state.ts), without writing them into the model and reading them
   * back from the backend (on WebGL an upload and a read of every table, each epoch).
   */
  override async exportState(): Promise<TrainerState> {
    await this.flush();
    const state = this.executor!.state;
    const own = new Map(this.layout.tables.map((k) => [k.table, k]));
    const tables = tablesOf(this.model);
    if (this.model.dense.length || !tables.every((t) => own.has(t))) {
      await this.writeModel();
      return super.exportState();
    }
    const params = tables.map((t) => {
      // Written once, where shareState would copy it to (a fresh copy of the tables each epoch
      // cost 0.5-1.2 s at 25M rows); the spare row stays 0.
      const values = shareableFloat32((t.rows + 1) * t.dim);
      values.set(tableValues(state, own.get(t)!));
      return { name: `table:${t.name}`, shape: [t.rows + 1, t.dim], values };
    });
    const exported = { epoch: this.epoch, model: this.model.name, params };
    // The selected epoch's checkpoint, when this epoch is selected (saveCheckpoint).
    this.exported = { state: exported, steps: this.runSteps };
    return exported;
  }

  /** As the tfjs Trainer's, on the kernel's tables, slots (fresh) and stream. */
  override async resumeAt(state: TrainerState): Promise<void> {
    resumeModel(this.model, state, this.totalSteps, () => this.reorder());
    await readTables(
      this.executor!.state,
      this.layout.tables,
      optimizerSlots(this.settings.optimizer),
    );
    this.epoch = state.epoch;
    this.totalSteps = state.epoch * this.stepsPerEpoch;
    this.dirty = false;
  }

  /** The tfjs model's snapshot (biased-mf.ts), read from the kernel's tables. */
  override async snapshot(epoch = this.epoch): Promise<EmbeddingSnapshot> {
    await this.flush();
    if (this.layout.bags) return bagSnapshot(this.executor!.state, this.model, this.mean, epoch);
    const { f32, shape } = this.executor!.state;
    const [userFactors, userBias] = splitLastColumn(f32.user, shape.dim);
    const [itemFactors, itemBias] = splitLastColumn(f32.item, shape.dim);
    return {
      epoch,
      dim: shape.dim,
      userFactors,
      itemFactors,
      userBias,
      itemBias,
      globalBias: this.mean,
    };
  }

  override dispose(): void {
    this.executor?.dispose();
    this.executor = null;
    super.dispose();
  }

  /** Runs the queued steps (one caller at a time). */
  private flush(): Promise<void> {
    this.work = this.work.then(() => this.runQueued());
    return this.work;
  }

  private async runQueued(): Promise<void> {
    const ex = this.executor;
    if (!ex) throw new Error('row engine: disposed');
    const { state } = ex;
    const { batch, rows, pairwise } = state.shape;
    const { items, train } = this.trainData;
    while (this.queued > 0) {
      if (this.reorderDue) {
        this.reorderDue = false;
        this.reorder();
      }
      const steps = Math.min(this.queued, JOB_STEPS, this.stepsPerEpoch - this.runStepInEpoch);
      if (pairwise) {
        // Negatives as trainer.ts draws them: uniform over the catalogue, or the item of a random
        // training row (popularity).
        const neg = state.i32.negatives;
        const popular = this.settings.negatives === 'popularity';
        for (let k = 0; k < steps * batch; k++)
          neg[k] = popular
            ? train.item[Math.floor(this.stream() * rows)]
            : Math.floor(this.stream() * items);
      }
      const uniforms: number[] = [];
      for (let s = 1; s <= steps; s++)
        uniforms.push(
          ...optimizerUniforms(
            this.settings.optimizer,
            this.settings.learningRate,
            this.runSteps + s,
          ),
        );
      const job = {
        firstStep: this.runSteps + 1,
        steps,
        stepInEpoch: this.runStepInEpoch,
        uniforms,
      };
      const loss = await ex.run(job, this.narrow());
      this.lossSum += loss;
      this.lossSteps += steps;
      this.queued -= steps;
      this.runSteps += steps;
      this.runStepInEpoch += steps;
      this.dirty = true;
      if (this.runStepInEpoch === this.stepsPerEpoch) {
        this.runStepInEpoch = 0;
        this.reorderDue = true;
      }
    }
  }

  /**
   * Runs what is queued and writes the kernel's tables into the tfjs model's variables (before
   * anything reads the model: ranking, predictions for exports).
   */
  async writeModel(): Promise<void> {
    await this.flush();
    if (!this.dirty || !this.executor) return;
    const state = this.executor.state;
    for (const k of this.layout.tables) {
      const t = k.table;
      const values = new Float32Array((t.rows + 1) * t.dim); // the spare row stays 0
      values.set(tableValues(state, k));
      tf.tidy(() => t.weights.assign(tf.tensor2d(values, [t.rows + 1, t.dim])));
    }
    this.dirty = false;
  }
}

/** Rows `ids` of a table of `width` columns, packed in their order. */
function gatherRows(table: Float32Array, ids: Int32Array, width: number): Float32Array {
  const out = new Float32Array(ids.length * width);
  ids.forEach((id, k) => out.set(table.subarray(id * width, (id + 1) * width), k * width));
  return out;
}

/**
 * [users, items] row-major: each user row's dot product with each item row (the first `dim`
 * columns of both) plus the item row's last column, its bias. Items are `candidates` (table
 * rows) when given, else rows 0..items-1. Items outer, users inner: the block's user rows stay
 * in cache while each item row is read once.
 */
export function itemScores(
  userRows: Float32Array,
  itemRows: Float32Array,
  candidates: Int32Array | null,
  items: number,
  dim: number,
): Float32Array {
  const c = dim + 1;
  const users = userRows.length / c;
  const out = new Float32Array(users * items);
  // Four users at a time: each item value read once for four products.
  const fours = users - (users % 4);
  for (let j = 0; j < items; j++) {
    const q = (candidates ? candidates[j] : j) * c;
    const bias = itemRows[q + dim];
    for (let b = 0; b < fours; b += 4) {
      const p = b * c;
      let x0 = bias;
      let x1 = bias;
      let x2 = bias;
      let x3 = bias;
      for (let a = 0; a < dim; a++) {
        const v = itemRows[q + a];
        x0 += userRows[p + a] * v;
        x1 += userRows[p + c + a] * v;
        x2 += userRows[p + 2 * c + a] * v;
        x3 += userRows[p + 3 * c + a] * v;
      }
      out[b * items + j] = x0;
      out[(b + 1) * items + j] = x1;
      out[(b + 2) * items + j] = x2;
      out[(b + 3) * items + j] = x3;
    }
    for (let b = fours; b < users; b++) {
      const p = b * c;
      let x = bias;
      for (let a = 0; a < dim; a++) x += userRows[p + a] * itemRows[q + a];
      out[b * items + j] = x;
    }
  }
  return out;
}
