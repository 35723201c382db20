import { describe, expect, it } from 'vitest';
import { tf } from '../tf/tfjs';
import { recommendAll } from './recommend-all';
import { factorScorer } from '../metrics/evaluate-ranking';
import { groupByUser } from '../metrics/ranking';

describe('recommendAll', () => {
  it("ranks every user's unseen items by score, best first, in blocks, without leaking tensors", async () => {
    // 300 users (two blocks), 5 items; item scores are u-independent: item i scores i, so each
    // user's best unseen items are the highest indices they have not rated.
    const users = 300;
    const uf = tf.ones([users, 1]) as tf.Tensor2D;
    const itf = tf.tensor2d([0, 1, 2, 3, 4], [5, 1]);
    const before = tf.memory().numTensors;
    const user = Int32Array.from([0, 0, 299]);
    const item = Int32Array.from([4, 2, 3]);
    const seen = groupByUser(user, item, users);
    const progress: number[] = [];
    const r = await recommendAll(factorScorer(uf, itf), seen, users, 3, (n) => progress.push(n));
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(r.item.subarray(0, 3))).toEqual([3, 1, 0]); // user 0 rated 4 and 2
    expect(Array.from(r.score.subarray(0, 3))).toEqual([3, 1, 0]);
    expect(Array.from(r.item.subarray(3, 6))).toEqual([4, 3, 2]); // user 1 rated nothing
    expect(Array.from(r.item.subarray(299 * 3))).toEqual([4, 2, 1]);
    expect(progress).toEqual([256, 300]);
    tf.dispose([uf, itf]);
  });

  it('pads with -1 when a user has fewer unseen items than k', async () => {
    const uf = tf.ones([1, 1]) as tf.Tensor2D;
    const itf = tf.tensor2d([1, 2], [2, 1]);
    const seen = groupByUser(Int32Array.from([0]), Int32Array.from([1]), 1);
    const r = await recommendAll(factorScorer(uf, itf), seen, 1, 3);
    expect(Array.from(r.item)).toEqual([0, -1, -1]);
    expect(Number.isNaN(r.score[1])).toBe(true);
    tf.dispose([uf, itf]);
  });
});
