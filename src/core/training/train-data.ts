/** What a trainer trains and evaluates on: the split's parts with dense indices, and features. */
import type { FeatureTable, Interactions } from '../data/types';

export interface TrainData {
  users: number;
  items: number;
  train: Interactions;
  test: Interactions;
  /**
   * The validation part, carved from the training part (see protocol.ts): what early stopping
   * and the selected epoch read. Null or absent: the run has none.
   */
  validation?: HeldOutRows | null;
  ratingMin: number;
  ratingMax: number;
  /** Item and user metadata features (CSR); empty tables when the data set has none. */
  itemFeatures: FeatureTable;
  userFeatures: FeatureTable;
  /**
   * Items ranked in the held-out evaluation (ascending); null: every item. A cold-start split
   * ranks only the held-out items, which the model has never seen in training.
   */
  candidates?: Int32Array | null;
  /**
   * Each row's (user, day) id when the run learns a bias per user-day (see day-bias.ts): `count`
   * ids over training and held-out rows. Null or absent: no such bias.
   */
  userDay?: { count: number; train: Int32Array; test: Int32Array } | null;
}

/** A held-out part as the trainers evaluate it. */
export interface HeldOutRows extends Interactions {
  /** Items ranked (ascending); null: every item. */
  candidates: Int32Array | null;
  /** The rows' user-day ids, when the run learns a bias per user-day. */
  userDay: Int32Array | null;
}
