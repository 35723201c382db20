import type { tf } from '../tf/tfjs';
import type { EmbeddingTable } from '../tf/embedding';
import type { EmbeddingSnapshot } from '../data/types';

/** One mini-batch on the backend: named index columns (e.g. user, item) and the targets. */
export interface Batch {
  size: number;
  /** int32 [B] per index column. */
  index: Record<string, tf.Tensor1D>;
  /** float32 [B]: ratings (explicit) or weights (implicit). */
  rating: tf.Tensor1D;
}

/** For each of the model's tables, its rows for the batch ([B, dim]), by table name. */
export type Rows = Record<string, tf.Tensor2D>;

/**
 * A recommender written as its forward pass. Its embedding tables are read only through the rows
 * the trainer looks up for it (`rows[table.name]`), which is what lets the trainer take the
 * sparse gradient path; autodiff differentiates everything the model writes.
 */
export interface RecModel {
  readonly name: string;
  /**
   * Pairwise (implicit) models: the batch's `item` column holds B positives and then B sampled
   * negatives, 2B rows, and `rating` is unused. Rating metrics do not apply.
   */
  readonly pairwise?: boolean;
  readonly tables: readonly EmbeddingTable[];
  /** Parameters that are not embedding tables (trained by a stock optimizer). */
  readonly dense: readonly tf.Variable[];
  /** Predicted score per batch row, [B]. */
  predict(rows: Rows, batch: Batch): tf.Tensor1D;
  /**
   * Scores of every item for these users, [users.length, items], for ranking metrics and top-k
   * lists. Terms that are the same for all of a user's items may be left out.
   */
  scoreItems?(users: Int32Array): tf.Tensor2D;
  /** Training objective for one batch (scalar); tables' L2 is applied by the trainer. */
  loss(rows: Rows, batch: Batch): tf.Scalar;
  /** Reads the learned factors back (one read per table; call between epochs, not per step). */
  snapshot(epoch: number): Promise<EmbeddingSnapshot>;
  dispose(): void;
}

export interface ModelContext {
  users: number;
  items: number;
  /** Mean of the training ratings (the global bias). */
  mean: number;
  dim: number;
  l2: number;
  seed: number;
}
