import type { tf } from '../tf/tfjs';
import type { LookupTensors } from '../tf/embedding';
import type { EmbeddingSnapshot } from '../data/types';

/** One mini-batch on the backend. Plans are present while training (fast gradients). */
export interface Batch {
  size: number;
  user: tf.Tensor1D; // int32 [B]
  item: tf.Tensor1D; // int32 [B]
  rating: tf.Tensor1D; // float32 [B]
  userPlan: LookupTensors | null;
  itemPlan: LookupTensors | null;
}

/** What every factor model built on the embedding op exposes to the trainer. */
export interface RecModel {
  readonly name: string;
  readonly variables: tf.Variable[];
  /** Forward pass: predicted score per batch row, [B]. */
  predict(batch: Batch): tf.Tensor1D;
  /** Training objective for one batch (scalar), including regularisation. */
  loss(batch: Batch): tf.Scalar;
  /** Reads the learned factors back (one GPU read per table; call between epochs, not per step). */
  snapshot(epoch: number): Promise<EmbeddingSnapshot>;
  dispose(): void;
}

export interface ModelContext {
  users: number;
  items: number;
  /** Mean of the training ratings (global bias start value). */
  mean: number;
  dim: number;
  l2: number;
  seed: number;
}
