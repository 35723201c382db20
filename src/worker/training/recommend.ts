/** The training worker's answer to a 'recommend' request (see protocol.ts). */
import { tf } from '../../core/tf/tfjs';
import { factorScorer } from '../../core/metrics/evaluate-ranking';
import { recommendAll } from '../../core/models/recommend-all';
import type { RecommendRequest, TrainingEvent } from './protocol';

export async function handleRecommend(
  req: RecommendRequest,
  post: (e: TrainingEvent) => void,
): Promise<void> {
  const { snapshot: s, seen, k, id } = req;
  const users = s.userFactors.length / s.dim;
  const items = s.itemFactors.length / s.dim;
  const [uf, itf, bias] = tf.tidy(() => [
    tf.tensor2d(s.userFactors, [users, s.dim]),
    tf.tensor2d(s.itemFactors, [items, s.dim]),
    tf.tensor1d(s.itemBias),
  ]);
  try {
    const result = await recommendAll(
      factorScorer(uf as tf.Tensor2D, itf as tf.Tensor2D, bias as tf.Tensor1D),
      seen,
      users,
      k,
      (done) => post({ type: 'recommend-progress', id, done, total: users }),
    );
    post({ type: 'recommendations', id, k, item: result.item, score: result.score });
  } catch (e) {
    post({ type: 'recommend-error', id, message: e instanceof Error ? e.message : String(e) });
  } finally {
    tf.dispose([uf, itf, bias]);
  }
}
