import { describe, expect, it } from 'vitest';
import { tf } from '../tf/tfjs';
import { modelContext, noFeatures, type TrainData } from '../training/trainer';
import { DEFAULT_CONFIG, type TrainConfig } from '../training/config';
import { mulberry32 } from '../util/random';
import { disposeSparseRows, uploadSparseRows } from '../tf/sparse-rows';
import { AutoRec } from './autorec';
import { YouTubeDNN } from './youtube-dnn';
import { UserRows, type UserBatchModel } from './user-batch';

const USERS = 12;
const ITEMS = 30;

function data(explicit: boolean): TrainData {
  const random = mulberry32(3);
  const user: number[] = [];
  const item: number[] = [];
  const rating: number[] = [];
  for (let u = 0; u < USERS; u++)
    for (let i = 0; i < ITEMS; i++)
      if (random() < 0.25) {
        user.push(u);
        item.push(i);
        rating.push(explicit ? 1 + Math.floor(random() * 5) : 1);
      }
  const train = {
    user: Int32Array.from(user),
    item: Int32Array.from(item),
    rating: Float32Array.from(rating),
  };
  return {
    users: USERS,
    items: ITEMS,
    train,
    test: train,
    ratingMin: 1,
    ratingMax: 5,
    ...noFeatures(USERS, ITEMS),
  };
}

/** Largest difference between the dense and the sparse scoring of every user. */
function gap(model: UserBatchModel, d: TrainData, implicit: boolean): number {
  const rows = new UserRows(d.train, USERS, ITEMS, implicit);
  const all = Array.from({ length: USERS }, (_, u) => u);
  const sparse = uploadSparseRows(rows.sparse(all), ITEMS);
  const a = model.scoreRows!(sparse, null);
  const b = tf.tidy(() =>
    model.scoreUsers(tf.tensor2d(rows.dense(all, false).input, [USERS, ITEMS]), null),
  );
  const x = a.dataSync();
  const y = b.dataSync();
  tf.dispose([a, b]);
  disposeSparseRows(sparse);
  let worst = 0;
  for (let k = 0; k < x.length; k++) worst = Math.max(worst, Math.abs(x[k] - y[k]));
  return worst;
}

const config = (feedback: 'explicit' | 'implicit'): TrainConfig => ({
  ...DEFAULT_CONFIG,
  feedback,
  dim: 4,
  hidden: 8,
});

describe('scoreRows (the sparse forward pass) agrees with the dense scoreUsers', () => {
  it('AutoRec, explicit and implicit', () => {
    for (const feedback of ['explicit', 'implicit'] as const) {
      const d = data(feedback === 'explicit');
      const model = new AutoRec(modelContext(d, config(feedback)));
      expect(gap(model, d, feedback === 'implicit')).toBeLessThan(1e-5);
      model.dispose();
    }
  });

  it('YouTube DNN', () => {
    const d = data(false);
    const model = new YouTubeDNN(modelContext(d, config('implicit')));
    expect(gap(model, d, true)).toBeLessThan(1e-5);
    model.dispose();
  });
});
