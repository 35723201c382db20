/**
 * SVD++ (Koren 2008): biased MF whose user factor is p_u plus the normalised sum of implicit
 * factors of the items the user rated, |N(u)|^-1/2 sum_{j in N(u)} y_j, so what a user chose to
 * rate (not only how) shapes their vector. N(u) is the user's training rows. The sum is one bag
 * per distinct user of the batch (not per rating), so a step looks up each history once.
 */
import { tf } from '../tf/tfjs';
import { bagSum, EmbeddingTable, perRow, type BagSource } from '../tf/embedding';
import { biasedDot } from '../tf/ops';
import { normalArray, mulberry32 } from '../util/random';
import { BiasedMF } from './biased-mf';
import { historyBags, range, sumBags } from './bags';
import { withDayBias } from './day-bias';
import { splitLastColumn } from './hybrid';
import type { EmbeddingSnapshot } from '../data/types';
import type { Batch, ModelContext, Rows } from './types';

export class SVDpp extends BiasedMF {
  override readonly name = 'svdpp';
  readonly bags: Readonly<Record<string, BagSource>>;
  /** [items, dim + 1] implicit factors y_j (the last column stays 0: no bias of its own). */
  private readonly implicit: EmbeddingTable;

  constructor(ctx: ModelContext) {
    super(ctx);
    const { dim, items, l2 } = ctx;
    const init = normalArray(items * (dim + 1), 0.01, mulberry32(ctx.seed + 1));
    for (let r = 0; r < items; r++) init[r * (dim + 1) + dim] = 0;
    this.implicit = new EmbeddingTable('implicit', items, dim + 1, 'history', init, l2);
    this.tables = [...this.tables, this.implicit];
    this.bags = { history: historyBags(ctx.train.user, ctx.train.item, ctx.users) };
  }

  /** The user's rows plus their history's implicit factors, [B, dim + 1]. */
  private userRows(r: Rows, b: Batch): tf.Tensor2D {
    const bag = b.bags.history;
    return tf.add(r.users, perRow(withoutBias(bagSum(r.implicit, bag)), bag));
  }

  override predict(r: Rows, b: Batch): tf.Tensor1D {
    return tf.tidy(() =>
      withDayBias(tf.add(biasedDot(this.userRows(r, b), r.items), this.ctx.mean), r),
    );
  }

  override loss(r: Rows, b: Batch): tf.Scalar {
    return tf.tidy(() => tf.mean(tf.squaredDifference(this.predict(r, b), b.rating)));
  }

  override scoreItems(users: Int32Array): tf.Tensor2D {
    return tf.tidy(() => this.scoreAgainstItems(this.fullUserRows(users)));
  }

  /** p_u + |N(u)|^-1/2 sum y_j with b_u last, for whole users: [users.length, dim + 1]. */
  private fullUserRows(users: Int32Array): tf.Tensor2D {
    return tf.tidy(() => {
      const y = sumBags(this.implicit.weights as tf.Tensor2D, this.bags.history, users);
      return tf.add(tf.gather(this.users.weights, users), withoutBias(y)) as tf.Tensor2D;
    });
  }

  /** The map shows each user's whole vector, implicit part included. */
  override async snapshot(epoch: number): Promise<EmbeddingSnapshot> {
    const s = await super.snapshot(epoch);
    const rows = this.fullUserRows(range(this.ctx.users));
    const all = (await rows.data()) as Float32Array;
    rows.dispose();
    return { ...s, userFactors: splitLastColumn(all, this.ctx.dim)[0] };
  }
}

/** Zeroes the last column (the implicit factors carry no bias). */
function withoutBias(x: tf.Tensor2D): tf.Tensor2D {
  const d = x.shape[1] - 1;
  return tf.pad(tf.slice(x, [0, 0], [-1, d]), [
    [0, 0],
    [0, 1],
  ]);
}
