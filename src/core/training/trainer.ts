/**
 * A step-based trainer (the umap-js pattern: the caller owns pacing, progress and cancellation).
 * `step()` enqueues one mini-batch on the backend and never reads from it; `takeLoss()` reads the
 * mean loss of the steps since the last call with a single awaited read.
 */
import { tf } from '../tf/tfjs';
import {
  bagEntries,
  buildBag,
  disposeBag,
  disposeRowPlan,
  uploadBag,
  type BagTensors,
  type RowPlan,
  planCapacity,
  planRows,
  segmentSum,
  uploadRowPlan,
  type EmbeddingTable,
  type RowPlanTensors,
} from '../tf/embedding';
import { createModel } from '../models/registry';
import {
  isUserBatchModel,
  type Batch,
  type ModelContext,
  type RecModel,
  type RowModel,
  type Rows,
} from '../models/types';
import { meanRating } from '../models/baseline';
import { ratingMetrics, type RatingMetrics } from '../metrics/rating';
import { groupUserItems, type UserItems } from '../metrics/ranking';
import {
  evaluateRanking,
  rankedUsers,
  type RankingReport,
  type TensorScoreBlock,
} from '../metrics/evaluate-ranking';
import { createOptimizer } from './optimizers';
import { LossQueue } from './loss-queue';
import { createRowOptimizer, type RowOptimizer } from './row-optimizers';
import type { TrainConfig } from './config';
import { mulberry32, shuffledRange } from '../util/random';
import { emptyFeatureTable, type EmbeddingSnapshot } from '../data/types';
import { heldOutView, type HeldOutPart, type HeldOutView } from './protocol';
import { ParamCheckpoint } from './checkpoint';
import type { TrainData } from './train-data';
import { resumeModel, stateAt, type TrainerState } from './trainer-state';

/** A batch with, per index column, its rows sorted for the sparse gradient (none on the stock path). */
interface PreparedBatch extends Batch {
  plans: Record<string, RowPlanTensors> | null;
}

export type { TrainData } from './train-data';

/**
 * What the training session drives: `Trainer` (mini-batches of interactions) and `UserTrainer`
 * (mini-batches of users) both implement it. `step()` never reads from the backend.
 */
export interface ModelTrainer {
  readonly model: RecModel;
  readonly stepsPerEpoch: number;
  /** Completed epochs. */
  readonly epoch: number;
  /** Steps done in the current epoch (0 right after an epoch ends). */
  readonly stepInEpoch: number;
  readonly totalSteps: number;
  readonly finished: boolean;
  /** Epochs the run will train. */
  readonly epochs: number;
  /** Training rows (interactions) a step consumes, for throughput. */
  readonly batchRows: number;
  step(): void;
  takeLoss(): Promise<{ loss: number; steps: number } | null>;
  /** RMSE / MAE on a held-out part (only for models that predict ratings); default test. */
  evaluate(part?: HeldOutPart): Promise<RatingMetrics>;
  /** Ranking metrics on a held-out part (default test); null when the model cannot rank. */
  rankingReport(withAuc: boolean, part?: HeldOutPart): Promise<RankingReport | null>;
  /** The model's factors, labelled with `epoch` (default: the epochs done). */
  snapshot(epoch?: number): Promise<EmbeddingSnapshot>;
  /**
   * Keeps a copy of every parameter (the selected epoch's, for the test report), replacing the
   * copy held; `restoreCheckpoint` puts it back. Freed with the trainer.
   */
  saveCheckpoint(): Promise<void>;
  restoreCheckpoint(): Promise<void>;
  /** The finished epoch's parameters as typed arrays (trainer-state.ts); call between epochs. */
  exportState?(): Promise<TrainerState>;
  /**
   * `exportState` reads nothing the epoch's snapshot holds (the snapshot's arrays are posted,
   * transferred, before it runs), and the engine cannot lose a GPU context: the session then
   * says each epoch before reading out its parameters, which follow in a 'checkpoint' event.
   */
  readonly exportsApart?: boolean;
  /**
   * Before the first step: puts back a stored epoch's parameters and counts its epochs as done
   * (the epochs' shuffles are replayed, so the next batches are the ones an undisturbed run
   * would draw). The optimizer's moments start fresh.
   */
  resumeAt?(state: TrainerState): Promise<void>;
  /**
   * Engines that train on several threads: run on one while `busy()` says the other cores are
   * wanted (the page's live map laying out), on all of them otherwise.
   */
  narrowWhile?(busy: () => boolean): void;
  dispose(): void;
}

const EVAL_CHUNK = 32768;

/** Train data's feature fields for a data set without metadata. */
export function noFeatures(
  users: number,
  items: number,
): Pick<TrainData, 'itemFeatures' | 'userFeatures'> {
  return { itemFeatures: emptyFeatureTable(items), userFeatures: emptyFeatureTable(users) };
}

/** What a model is built from: the data's shape and features, and the settings. */
/** Settings a run reads as it goes: a trainer is built the same whatever they are. */
export const RUN_SETTINGS = ['epochs', 'patience', 'projectEvery'] as const;

/** `config` without RUN_SETTINGS: equal for two configs a trainer is built the same for. */
function buildKey(config: TrainConfig): string {
  const rest: Partial<TrainConfig> = { ...config };
  for (const k of RUN_SETTINGS) delete rest[k];
  return JSON.stringify(rest);
}

export function modelContext(data: TrainData, config: TrainConfig): ModelContext {
  return {
    users: data.users,
    items: data.items,
    mean: meanRating(data.train.rating),
    dim: config.dim,
    hidden: config.hidden,
    l2: config.l2,
    seed: config.seed,
    feedback: config.feedback,
    train: data.train,
    itemFeatures: data.itemFeatures,
    userFeatures: data.userFeatures,
    idDropout: config.split === 'cold-items' || config.split === 'cold-users' ? 0.5 : 0,
    userDays: data.userDay?.count ?? 0,
    ...(config.softmax !== 'auto' && { softmax: config.softmax }),
    sampledNegatives: config.sampledNegatives,
  };
}

export class Trainer implements ModelTrainer {
  readonly model: RowModel;
  readonly stepsPerEpoch: number;
  /** Completed epochs. */
  epoch = 0;
  /** Steps done in the current epoch. */
  stepInEpoch = 0;
  totalSteps = 0;
  /** Stock optimizer for dense parameters (and for every table on the stock path). */
  private readonly optimizer: tf.Optimizer;
  private readonly rowOptimizer: RowOptimizer;
  private readonly random: () => number;
  /** The epoch's shuffled order of the training rows: made at the first batch (`order`). */
  private shuffled: Int32Array | null = null;
  private readonly losses = new LossQueue();
  private next: PreparedBatch | null = null;
  private readonly grouped = new Map<HeldOutPart, { train: UserItems; test: UserItems }>();
  private readonly bagCapacity = new Map<string, number>();
  private readonly checkpoint: ParamCheckpoint;

  constructor(
    private readonly data: TrainData,
    private config: TrainConfig,
    /**
     * stockGather: differentiate plain tf.gather (the slow stock path), for the bench's
     * comparison. model: the model to train (default: the registry's `config.model`).
     */
    private readonly options: { stockGather?: boolean; model?: RowModel } = {},
  ) {
    const n = data.train.rating.length;
    if (n === 0) throw new Error('no training rows');
    this.model = options.model ?? createRowModel(config.model, modelContext(data, config));
    this.checkpoint = new ParamCheckpoint(this.model);
    this.optimizer = createOptimizer(config.optimizer, config.learningRate);
    this.rowOptimizer = createRowOptimizer(config.optimizer, config.learningRate);
    this.stepsPerEpoch = Math.ceil(n / config.batchSize);
    this.random = mulberry32(config.seed ^ 0x9e3779b9);
  }

  /**
   * Takes `config` for the run ahead when it differs from the trainer's settings only in what a
   * run reads as it goes (RUN_SETTINGS: epochs, early stopping, the map's cadence), so that a
   * trainer built ahead serves a run whose epochs were changed since; false (nothing changed)
   * when anything else differs. Only before the first step.
   */
  runWith(config: TrainConfig): boolean {
    if (this.totalSteps > 0 || buildKey(config) !== buildKey(this.config)) return false;
    this.config = config;
    return true;
  }

  /**
   * The first shuffle is the stream's first draw either way; made when a batch first needs it,
   * so a subclass that runs its own steps (the row engine) does not pay for it (at 18M training
   * rows, 1.5 s and 72 MB).
   */
  private get order(): Int32Array {
    return (this.shuffled ??= shuffledRange(this.data.train.rating.length, this.random));
  }

  get rowsPerEpoch(): number {
    return this.data.train.rating.length;
  }

  /** Epochs this run trains: the settings', or one pass for a model fitted in closed form. */
  get epochs(): number {
    return this.model.fitted ? 1 : this.config.epochs;
  }

  get finished(): boolean {
    return this.epoch >= this.epochs;
  }

  /**
   * Rows in every batch. All batches have the same size, so every shape of a step is the same
   * and webgl compiles its shaders once (an epoch's last batch is topped up from its start).
   */
  get batchRows(): number {
    return Math.min(this.config.batchSize, this.rowsPerEpoch);
  }

  /** One optimisation step on the next mini-batch. No GPU-to-CPU read. */
  step(): void {
    const batch = this.next ?? this.prepare();
    this.next = null;
    const cost = this.model.fitted
      ? this.lossOnly(batch)
      : this.options.stockGather
        ? this.stockStep(batch)
        : this.sparseStep(batch);
    this.losses.push(cost);
    disposeBatch(batch);
    this.totalSteps++;
    this.stepInEpoch++;
    if (this.stepInEpoch === this.stepsPerEpoch) {
      this.epoch++;
      this.stepInEpoch = 0;
      shuffledRange(this.order.length, this.random, this.order);
    }
    // Sort and upload the following batch now, so that overlaps the step the backend is running.
    if (!this.finished) this.next = this.prepare();
  }

  /**
   * Autodiff down to the looked-up rows (and dense parameters), then per table a segment sum to
   * its distinct rows and a row-sparse update.
   */
  private sparseStep(batch: PreparedBatch): tf.Scalar {
    const { tables, dense } = this.model;
    return tf.tidy(() => {
      const rows: Rows = {};
      for (const t of tables)
        rows[t.name] = tf.gather(t.weights, batch.index[t.indexedBy]) as tf.Tensor2D;
      const xs = [...tables.map((t) => rows[t.name]), ...dense];
      const { value, grads } = tf
        .engine()
        .gradients(() => this.model.loss(rows, batch), xs, undefined, true);
      this.rowOptimizer.nextStep();
      tables.forEach((t, k) => {
        const plan = batch.plans![t.indexedBy];
        const coef = (2 * t.l2) / batch.size;
        const bag = batch.bags[t.indexedBy];
        // A bag entry is regularised once per batch row that reads it (per rating, as SGD
        // would): coef x rows-of-its-entity x row, added here; a plain lookup's decay is folded
        // into the segment sum.
        const grad = bag
          ? (tf.add(grads[k], tf.mul(rows[t.name], tf.mul(bag.readers, coef))) as tf.Tensor2D)
          : (grads[k] as tf.Tensor2D);
        const decay = bag ? undefined : { table: t.weights, coef };
        this.rowOptimizer.apply(t, plan, segmentSum(grad, plan, decay));
      });
      if (dense.length) {
        const named: tf.NamedTensorMap = {};
        dense.forEach((v, k) => (named[v.name] = grads[tables.length + k]));
        this.optimizer.applyGradients(named);
      }
      return value as tf.Scalar;
    });
  }

  /** A fitted model's training loss on the batch, without a gradient. */
  private lossOnly(batch: PreparedBatch): tf.Scalar {
    return tf.tidy(() => {
      const rows: Rows = {};
      for (const t of this.model.tables)
        rows[t.name] = tf.gather(t.weights, batch.index[t.indexedBy]) as tf.Tensor2D;
      return this.model.loss(rows, batch);
    });
  }

  /** The obvious tfjs code: gather inside the loss and let stock autodiff and optimizers run. */
  private stockStep(batch: PreparedBatch): tf.Scalar {
    const { tables, dense } = this.model;
    const vars = [...tables.map((t) => t.weights), ...dense];
    const cost = this.optimizer.minimize(
      () => {
        const rows: Rows = {};
        for (const t of tables)
          rows[t.name] = tf.gather(t.weights, batch.index[t.indexedBy]) as tf.Tensor2D;
        return tf.add(this.model.loss(rows, batch), rowPenalty(tables, rows, batch));
      },
      true,
      vars,
    );
    if (!cost) throw new Error('optimizer returned no cost');
    return cost;
  }

  /** Mean training loss over the steps since the last call (null when none). One read. */
  takeLoss(): Promise<{ loss: number; steps: number } | null> {
    return this.losses.take();
  }

  /** Held-out RMSE / MAE, predictions clipped to the rating range. Reads once per chunk. */
  async evaluate(part: HeldOutPart = 'test'): Promise<RatingMetrics> {
    const { test, userDay, ratingMin, ratingMax } = heldOutView(this.data, part);
    const predicted = await this.predict(test.user, test.item, userDay?.test);
    return ratingMetrics(predicted, test.rating, ratingMin, ratingMax);
  }

  /** Scores for (user, item) pairs, [n], rated on the given user-days (when the model has them). */
  async predict(user: Int32Array, item: Int32Array, userDay?: Int32Array): Promise<Float32Array> {
    const out = new Float32Array(user.length);
    for (let start = 0; start < user.length; start += EVAL_CHUNK) {
      const end = Math.min(user.length, start + EVAL_CHUNK);
      const columns: Record<string, Int32Array> = {
        user: user.slice(start, end),
        item: item.slice(start, end),
      };
      if (this.readsUserDay) {
        if (!userDay) throw new Error(`${this.model.name}: predictions need the rows' user-days`);
        columns.userDay = userDay.slice(start, end);
      }
      const b = this.makeBatch(columns, new Float32Array(end - start), false);
      const pred = tf.tidy(() => {
        const rows: Rows = {};
        for (const t of this.model.tables)
          rows[t.name] = tf.gather(t.weights, b.index[t.indexedBy]) as tf.Tensor2D;
        return this.model.predict(rows, b);
      });
      disposeBatch(b);
      out.set((await pred.data()) as Float32Array, start);
      pred.dispose();
    }
    return out;
  }

  /**
   * Ranking metrics on the held-out split: every item scored for every user with held-out items,
   * training items excluded, in blocks on the backend (one read a block). Null when the model
   * cannot score all items.
   */
  async rankingReport(withAuc: boolean, part: HeldOutPart = 'test'): Promise<RankingReport | null> {
    const model = this.model;
    if (!model.scoreItems) return null;
    const { view, lists } = this.rankingLists(part);
    return rankHeldOut(view, lists, (u) => model.scoreItems!(u), withAuc);
  }

  /** The part's view and its users' item lists (`heldOutLists`, grouped once a part). */
  protected rankingLists(part: HeldOutPart): {
    view: HeldOutView;
    lists: { train: UserItems; test: UserItems };
  } {
    const view = heldOutView(this.data, part);
    let lists = this.grouped.get(part);
    if (!lists) this.grouped.set(part, (lists = heldOutLists(view)));
    return { view, lists };
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
    this.rowOptimizer.dispose();
    this.model.dispose();
  }

  private prepare(): PreparedBatch {
    const { train, items, userDay } = this.data;
    const n = this.order.length;
    const start = this.stepInEpoch * this.config.batchSize;
    const b = this.batchRows;
    // Pairwise models get B positives, then B negatives: drawn uniformly from the catalogue, or
    // in proportion to popularity (the item of a random training row: exact, O(1) a draw).
    const pairwise = !!this.model.pairwise;
    const u = new Int32Array(b);
    const i = new Int32Array(pairwise ? 2 * b : b);
    const r = new Float32Array(b);
    const days = this.readsUserDay ? new Int32Array(b) : null;
    for (let k = 0; k < b; k++) {
      const row = this.order[(start + k) % n];
      u[k] = train.user[row];
      i[k] = train.item[row];
      r[k] = train.rating[row];
      if (days) days[k] = userDay!.train[row];
    }
    if (pairwise && this.config.negatives === 'popularity')
      for (let k = b; k < 2 * b; k++) i[k] = train.item[Math.floor(this.random() * n)];
    else if (pairwise) for (let k = b; k < 2 * b; k++) i[k] = Math.floor(this.random() * items);
    const columns: Record<string, Int32Array> = { user: u, item: i };
    if (days) columns.userDay = days;
    return this.makeBatch(columns, r, !this.options.stockGather);
  }

  /** Whether the model has a table looked up by the rows' user-day (timeSVD++'s b_{u,t}). */
  private get readsUserDay(): boolean {
    return this.model.tables.some((t) => t.indexedBy === 'userDay');
  }

  /** Rows of the tables an index column looks up. */
  private columnRows(column: string): number {
    if (column === 'user') return this.data.users;
    if (column === 'item') return this.data.items;
    if (column === 'userDay' && this.data.userDay) return this.data.userDay.count;
    throw new Error(`${this.model.name}: the data has no "${column}" column`);
  }

  /**
   * Uploads a batch: its index columns (user, item, and others some models read) and bags, and
   * with `withPlans` each column sorted by row for the sparse gradient. Fresh arrays per batch:
   * tfjs may keep a reference to them until the upload happens.
   */
  private makeBatch(
    columns: Record<string, Int32Array>,
    r: Float32Array,
    withPlans: boolean,
  ): PreparedBatch {
    const cpu: Record<string, RowPlan> = {};
    for (const [name, ids] of Object.entries(columns)) {
      const rows = this.columnRows(name);
      cpu[name] = planRows(ids, rows, planCapacity(rows, ids.length));
    }
    const bags: Record<string, BagTensors> = {};
    for (const [name, src] of Object.entries(this.model.bags ?? {})) {
      const rows = this.bagTableRows(name);
      const keyPlan = cpu[src.keyedBy];
      const needed = bagEntries(src, keyPlan);
      // Capacity grows in powers of two and never shrinks, so shapes (and shaders) rarely change.
      const capacity = Math.max(this.bagCapacity.get(name) ?? 1, nextPowerOfTwo(needed));
      this.bagCapacity.set(name, capacity);
      // Entries are dropped (src.dropRate) only from training batches.
      const bag = buildBag(src, keyPlan, rows, capacity, withPlans ? this.random : undefined);
      bags[name] = uploadBag(bag);
      // The spare row is a real row of this plan (padding entries look it up, with weight 0).
      if (withPlans)
        cpu[name] = planRows(bag.indices, rows + 1, planCapacity(rows + 1, capacity), rows);
    }
    const index: Record<string, tf.Tensor1D> = {};
    let plans: Record<string, RowPlanTensors> | null = null;
    if (withPlans) {
      plans = {};
      for (const [name, plan] of Object.entries(cpu)) {
        plans[name] = uploadRowPlan(plan);
        index[name] = plans[name].indices;
      }
    } else {
      for (const [name, ids] of Object.entries(columns)) index[name] = tf.tensor1d(ids, 'int32');
      for (const [name, bag] of Object.entries(bags)) index[name] = bag.indices;
    }
    return { size: r.length, index, rating: tf.tensor1d(r), bags, plans };
  }

  /** Rows of the table(s) a bag indexes (every table read through one bag has the same rows). */
  private bagTableRows(bag: string): number {
    const tables = this.model.tables.filter((t) => t.indexedBy === bag);
    if (!tables.length) throw new Error(`${this.model.name}: no table is indexed by bag "${bag}"`);
    if (tables.some((t) => t.rows !== tables[0].rows))
      throw new Error(`${this.model.name}: tables indexed by bag "${bag}" differ in rows`);
    return tables[0].rows;
  }
}

function nextPowerOfTwo(n: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(1, n)));
}

/**
 * Each user's held-out items and known (training) items, over the evaluation's candidate items.
 * The known lists hold only the users the ranking evaluates (`rankedUsers`: those with held-out
 * items, or the sample of them above the bound), every other user's list is empty: at 25M rows
 * grouping every user's training items took 5.5 s for the 568 users a report ranks.
 */
export function heldOutLists(view: HeldOutView): { train: UserItems; test: UserItems } {
  const { users, items, known, test, candidates } = view;
  // Items renumbered to their position among the candidates; other items dropped.
  let position: Int32Array | undefined;
  if (candidates) {
    position = new Int32Array(items).fill(-1);
    candidates.forEach((item, k) => (position![item] = k));
  }
  const held = groupUserItems([test], users, undefined, position);
  const keep = new Uint8Array(users);
  for (const u of rankedUsers(held, users, candidates?.length ?? items).evaluated) keep[u] = 1;
  return { train: groupUserItems(known, users, keep, position), test: held };
}

/**
 * Ranking metrics on the held-out split (the protocol of `evaluateRanking`): every candidate item
 * (all items, or a cold-start split's held-out items) scored for every user with held-out items,
 * training items excluded, in blocks on the backend.
 */
export function rankHeldOut(
  data: TrainData,
  lists: { train: UserItems; test: UserItems },
  score: TensorScoreBlock,
  withAuc: boolean,
): Promise<RankingReport> {
  const { candidates } = data;
  const block: TensorScoreBlock = candidates
    ? (u) => tf.tidy(() => tf.gather(score(u), tf.tensor1d(candidates, 'int32'), 1) as tf.Tensor2D)
    : score;
  return evaluateRanking(
    block,
    lists.train,
    lists.test,
    data.users,
    candidates?.length ?? data.items,
    {
      ...RANKING_CUTOFFS,
      withAuc,
    },
  );
}

/** The cut-offs every trainer's ranking report uses. */
export const RANKING_CUTOFFS = { k: 10, recallAt: [10, 20] };

/**
 * The tables' L2 as a term of the objective, (l2 / B) x sum |row|^2 over the lookups (a bag
 * entry counted once per batch row that reads it), for the stock path; the sparse path adds the
 * same gradient to its segment sums.
 */
function rowPenalty(tables: readonly EmbeddingTable[], rows: Rows, batch: Batch): tf.Scalar {
  return tables.reduce((sum, t) => {
    if (!t.l2) return sum;
    const bag = batch.bags[t.indexedBy];
    const squares = tf.square(rows[t.name]);
    const total = tf.sum(bag ? tf.mul(squares, bag.readers) : squares);
    return tf.add(sum, tf.mul(total, t.l2 / batch.size));
  }, tf.scalar(0));
}

function disposeBatch(b: PreparedBatch): void {
  if (b.plans) Object.values(b.plans).forEach(disposeRowPlan);
  // The bags' indices go with the bags.
  else
    tf.dispose(
      Object.entries(b.index)
        .filter(([name]) => !(name in b.bags))
        .map(([, t]) => t),
    );
  Object.values(b.bags).forEach(disposeBag);
  tf.dispose(b.rating);
}

/** The registry's model `name`, which must be trained by interactions (`Trainer`). */
export function createRowModel(name: string, ctx: ModelContext): RowModel {
  const model = createModel(name, ctx);
  if (!isUserBatchModel(model)) return model;
  model.dispose();
  throw new Error(`${name} is trained by mini-batches of users, not of interactions`);
}
