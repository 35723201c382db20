/**
 * BPR (Rendle et al. 2009): matrix factorisation trained on pairs. For an interaction (u, i) and
 * an item j sampled uniformly from the catalogue, it maximises log sigma(x_ui - x_uj), with
 * x_ui = p_u . q_i + b_i, so that what a user interacted with ranks above what they did not. The
 * tables are biased MF's (the user bias cancels in the difference and stays at 0).
 */
import { tf } from '../tf/tfjs';
import { biasedDot } from '../tf/ops';
import { BiasedMF } from './biased-mf';
import type { Batch, Rows } from './types';

export class BPR extends BiasedMF {
  override readonly name = 'bpr';
  readonly pairwise = true;
  override readonly predictsRatings = false;

  /** Mean of -log sigma(x_ui - x_uj) over the batch's pairs. */
  override loss(r: Rows, b: Batch): tf.Scalar {
    return tf.tidy(() => {
      const [positive, negative] = tf.split(r.items, [b.size, b.size], 0) as tf.Tensor2D[];
      const margin = tf.sub(biasedDot(r.users, positive), biasedDot(r.users, negative));
      return tf.mean(tf.softplus(tf.neg(margin))) as tf.Scalar;
    });
  }
}
