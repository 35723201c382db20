/**
 * What the user-batch models (autoencoders, softmax models) and their trainer share: a batch of
 * users' whole training rows, the models' interface, and the rows and features as dense blocks
 * built on the CPU.
 */
import type { Interactions, FeatureTable } from '../data/types';
import { groupRows } from '../data/csr';
import type { SparseRows } from '../tf/sparse-rows';

export { isUserBatchModel, type UserBatch, type UserBatchModel } from './types';

/**
 * The training rows as a CSR over users, and dense [U, items] blocks of it built on the CPU.
 * Implicit rows read as 1; explicit rows as their rating. A repeated (user, item) keeps its last
 * rating.
 */
export class UserRows {
  /** [users + 1]: user u's entries are `rowItems` / `rowValues` [offsets[u], offsets[u + 1]). */
  readonly offsets: Int32Array;
  readonly rowItems: Int32Array;
  readonly rowValues: Float32Array;

  constructor(
    train: Interactions,
    readonly users: number,
    readonly items: number,
    private readonly implicit: boolean,
  ) {
    const { offsets, rows } = groupRows(train.user, users, 'training rows', 'user');
    this.rowItems = Int32Array.from(rows, (r) => train.item[r]);
    this.rowValues = Float32Array.from(rows, (r) => (implicit ? 1 : train.rating[r]));
    this.offsets = offsets;
  }

  /** Training rows of user u. */
  count(u: number): number {
    return this.offsets[u + 1] - this.offsets[u];
  }

  /** The users' rows as CSR (values: the rating, or 1 when implicit). */
  sparse(users: ArrayLike<number>): SparseRows {
    const offsets = new Int32Array(users.length + 1);
    for (let b = 0; b < users.length; b++) offsets[b + 1] = offsets[b] + this.count(users[b]);
    const columns = new Int32Array(offsets[users.length]);
    const values = new Float32Array(offsets[users.length]);
    for (let b = 0; b < users.length; b++) {
      const from = this.offsets[users[b]];
      const to = this.offsets[users[b] + 1];
      columns.set(this.rowItems.subarray(from, to), offsets[b]);
      values.set(this.rowValues.subarray(from, to), offsets[b]);
    }
    return { offsets, columns, values };
  }

  /**
   * The users' rows, dense: input [users.length, items] (values) and, when asked for, the mask
   * (1 where observed). Implicit rows read as 1, so their mask is the input itself (the same
   * array: one [users x items] block built and uploaded a step, not two). Fresh arrays each
   * call: tfjs may keep a reference until it uploads them.
   */
  dense(users: ArrayLike<number>, withMask: boolean): { input: Float32Array; mask: Float32Array } {
    const { items } = this;
    const input = new Float32Array(users.length * items);
    if (withMask && this.implicit) {
      for (let b = 0; b < users.length; b++)
        for (let k = this.offsets[users[b]]; k < this.offsets[users[b] + 1]; k++)
          input[b * items + this.rowItems[k]] = 1;
      return { input, mask: input };
    }
    const mask = new Float32Array(withMask ? users.length * items : 0);
    for (let b = 0; b < users.length; b++) {
      const u = users[b];
      for (let k = this.offsets[u]; k < this.offsets[u + 1]; k++) {
        input[b * items + this.rowItems[k]] = this.rowValues[k];
        if (withMask) mask[b * items + this.rowItems[k]] = 1;
      }
    }
    return { input, mask };
  }
}

/**
 * The users' metadata features, dense [users.length, features]: 1 / count on each of a user's
 * features (mean pooling), a zero row for a user without any.
 */
export function userFeatureWeights(table: FeatureTable, users: ArrayLike<number>): Float32Array {
  const f = table.names.length;
  const out = new Float32Array(users.length * f);
  for (let b = 0; b < users.length; b++) {
    const from = table.offsets[users[b]];
    const to = table.offsets[users[b] + 1];
    for (let k = from; k < to; k++) out[b * f + table.values[k]] += 1 / (to - from);
  }
  return out;
}
