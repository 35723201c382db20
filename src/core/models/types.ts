import type { tf } from '../tf/tfjs';
import type { BagSource, BagTensors, EmbeddingTable } from '../tf/embedding';
import type { SparseRowsTensors } from '../tf/sparse-rows';
import type { EmbeddingSnapshot, FeatureTable } from '../data/types';
import type { Interactions } from '../data/types';

/** One mini-batch on the backend: named index columns (e.g. user, item) and the targets. */
export interface Batch {
  size: number;
  /** int32 [B] per index column. */
  index: Record<string, tf.Tensor1D>;
  /** float32 [B]: ratings (explicit) or weights (implicit). */
  rating: tf.Tensor1D;
  /** The batch's bags, by the names in `RecModel.bags` (none for models without bags). */
  bags: Record<string, BagTensors>;
}

/** For each of the model's tables, its rows for the batch ([B, dim]), by table name. */
export type Rows = Record<string, tf.Tensor2D>;

/** What every model has, however it is trained. */
export interface ModelBase {
  readonly name: string;
  /**
   * Whether predictions are ratings (RMSE / MAE apply). Ranking models (implicit feedback)
   * produce scores only.
   */
  readonly predictsRatings?: boolean;
  /**
   * Fitted in closed form when built (global mean, baseline, popularity): the trainer makes one
   * pass that only measures the training loss.
   */
  readonly fitted?: boolean;
  /** Parameters that are not embedding tables (trained by a stock optimizer). */
  readonly dense: readonly tf.Variable[];
  /**
   * Scores of every item for these users, [users.length, items], for ranking metrics and top-k
   * lists. Terms that are the same for all of a user's items may be left out.
   */
  scoreItems?(users: Int32Array): tf.Tensor2D;
  /** Reads the learned factors back (one read per table; call between epochs, not per step). */
  snapshot(epoch: number): Promise<EmbeddingSnapshot>;
  dispose(): void;
}

/**
 * A recommender written as its forward pass over mini-batches of interactions (`Trainer`). Its
 * embedding tables are read only through the rows the trainer looks up for it
 * (`rows[table.name]`), which is what lets the trainer take the sparse gradient path; autodiff
 * differentiates everything the model writes.
 */
export interface RowModel extends ModelBase {
  readonly batching?: 'rows';
  /**
   * Pairwise (implicit) models: the batch's `item` column holds B positives and then B sampled
   * negatives, 2B rows, and `rating` is unused. Rating metrics do not apply.
   */
  readonly pairwise?: boolean;
  readonly tables: readonly EmbeddingTable[];
  /**
   * Bags the model reads, by name (e.g. an item's id and genres, a user's rated items). A table
   * whose `indexedBy` is a bag's name is looked up at the bag's entries: `rows[table]` is
   * [C, d] and `bagSum(rows[table], batch.bags[name])` sums them per entity.
   */
  readonly bags?: Readonly<Record<string, BagSource>>;
  /** Predicted score per batch row, [B]. */
  predict(rows: Rows, batch: Batch): tf.Tensor1D;
  /** Training objective for one batch (scalar); tables' L2 is applied by the trainer. */
  loss(rows: Rows, batch: Batch): tf.Scalar;
}

/** One mini-batch of users on the backend. */
export interface UserBatch {
  /** int32 [U]: the users. */
  users: tf.Tensor1D;
  /** [U, items]: the users' training rows, the rating (explicit) or 1 (implicit), 0 elsewhere. */
  input: tf.Tensor2D;
  /** [U, items]: 1 where the user has a training row, 0 elsewhere. */
  mask: tf.Tensor2D;
  /**
   * The same rows as `input`, sparse (CSR, padded): what an input layer reads, at the cost of
   * the entries rather than of U x items.
   */
  rows: SparseRowsTensors;
  /**
   * [U, userFeatures]: each user's metadata features, 1 / (the user's feature count) on each
   * (so `features x F` is the mean of their embeddings). Null unless the model reads user
   * features (`readsUserFeatures`) and the data has some.
   */
  features: tf.Tensor2D | null;
}

/**
 * A model trained by mini-batches of users, each with its whole training row of the interaction
 * matrix (`UserTrainer`: autoencoders, softmax models). Its parameters are all in `dense`.
 */
export interface UserBatchModel extends ModelBase {
  readonly batching: 'users';
  /** Whether the model reads the users' metadata features (`UserBatch.features`). */
  readonly readsUserFeatures?: boolean;
  /** Training objective for one batch of users (scalar), weight decay included. */
  userLoss(b: UserBatch): tf.Scalar;
  /**
   * Scores of every item for users given by their training rows (`UserBatch.input`'s layout,
   * [U, items]) and, when the model reads them, their features; [U, items].
   */
  scoreUsers(input: tf.Tensor2D, features: tf.Tensor2D | null): tf.Tensor2D;
  /**
   * `scoreUsers` from the users' rows as sparse rows (the training step's own forward pass,
   * without a dense [U, items] input); the trainer prefers it when the model has it.
   */
  scoreRows?(rows: SparseRowsTensors, features: tf.Tensor2D | null): tf.Tensor2D;
}

/** Any model: trained by interactions (`RowModel`) or by users (`UserBatchModel`). */
export type RecModel = RowModel | UserBatchModel;

export function isUserBatchModel(model: RecModel): model is UserBatchModel {
  return model.batching === 'users';
}

/** The model's embedding tables (none for a model trained by users). */
export function tablesOf(model: RecModel): readonly EmbeddingTable[] {
  return isUserBatchModel(model) ? [] : model.tables;
}

export interface ModelContext {
  users: number;
  items: number;
  /** Mean of the training ratings (the global bias). */
  mean: number;
  dim: number;
  l2: number;
  seed: number;
  /** Hidden units of the deep models' layers. */
  hidden: number;
  /**
   * What the model is trained on: 'explicit' fits the ratings; 'implicit' reads every training
   * row as a positive interaction (the session has already binarised and filtered the rows).
   */
  feedback: 'explicit' | 'implicit';
  /** The training rows (models that read a user's history or whole interaction vector). */
  train: Interactions;
  /** Item and user metadata features, CSR over items / users (empty tables when none). */
  itemFeatures: FeatureTable;
  userFeatures: FeatureTable;
  /**
   * Feature-aware models: the share of training batches in which an entity is read without its
   * id (0.5 for cold-start splits, where features must stand for ids; else 0).
   */
  idDropout: number;
  /**
   * Distinct (user, day) pairs of the data set when the run learns a bias per user-day
   * (timeSVD++'s b_{u,t}: explicit feedback with dates and the setting on); else 0.
   */
  userDays: number;
  /** The YouTube network's training softmax (unset: sampled above 20,000 items, else full). */
  softmax?: 'full' | 'sampled';
  /** Negatives per batch of a sampled softmax. */
  sampledNegatives?: number;
}
