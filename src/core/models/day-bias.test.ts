import { describe, expect, it } from 'vitest';
import { tf } from '../tf/tfjs';
import { userDayIds } from './day-bias';
import { prepareExperiment, type ExperimentData } from '../training/experiment';
import { createTrainer } from '../training/create';
import { DEFAULT_CONFIG, type TrainConfig } from '../training/config';
import { emptyFeatureTable } from '../data/types';
import { mulberry32 } from '../util/random';

const DAY = 86_400;

describe('userDayIds', () => {
  it('numbers (user, UTC day) pairs densely in order of first appearance', () => {
    const user = Int32Array.from([0, 0, 1, 0, 1, 0]);
    const t0 = 1_500_000_000 - (1_500_000_000 % DAY); // a midnight
    const timestamp = Float64Array.from([t0, t0 + DAY - 1, t0, t0 + DAY, t0 + 5, t0 + 3 * DAY]);
    expect(userDayIds(user, timestamp)).toEqual({
      ids: Int32Array.from([0, 0, 1, 2, 1, 3]),
      count: 4,
    });
  });

  it('matches a map of (user, day) keys on random rows, and on dates tens of millennia apart', () => {
    const random = mulberry32(11);
    const reference = (user: Int32Array, timestamp: Float64Array, length: number) => {
      const seen = new Map<string, number>();
      return Array.from(user, (u, k) => {
        const key = `${u}:${Math.floor(timestamp[k] / length)}`;
        if (!seen.has(key)) seen.set(key, seen.size);
        return seen.get(key)!;
      });
    };
    const n = 5000;
    const user = Int32Array.from({ length: n }, () => Math.floor(random() * 70));
    const near = Float64Array.from({ length: n }, () => 1e9 + Math.floor(random() * 40) * DAY);
    expect(Array.from(userDayIds(user, near).ids)).toEqual(reference(user, near, DAY));
    // Milliseconds 2e15 apart (63,000 years): past the dense span, the per-user maps' path.
    const far = Float64Array.from(near, (t, k) => t * 1000 + (k % 3 ? 0 : 2e15));
    const got = userDayIds(user, far);
    expect(Array.from(got.ids)).toEqual(reference(user, far, DAY * 1000));
    expect(got.count).toBe(new Set(reference(user, far, DAY * 1000)).size);
  });

  it('reads millisecond timestamps as milliseconds', () => {
    const user = Int32Array.from([0, 0, 0]);
    const ms = 1_500_000_000_000 - (1_500_000_000_000 % (DAY * 1000));
    const timestamp = Float64Array.from([ms, ms + 3_600_000, ms + DAY * 1000]);
    expect(Array.from(userDayIds(user, timestamp).ids)).toEqual([0, 0, 1]);
  });
});

/**
 * 60 users x 40 items; each user rates on 2 days (each rating's day drawn at random), and a
 * user-day shifts all its ratings by a planted offset (+-1) on top of an item effect: a bias per user-day explains what user and item
 * biases cannot.
 */
function plantedDays(): ExperimentData {
  const random = mulberry32(3);
  const [users, items] = [60, 40];
  const quality = Float32Array.from({ length: items }, () => 3 + 2 * (random() - 0.5));
  const user: number[] = [];
  const item: number[] = [];
  const rating: number[] = [];
  const timestamp: number[] = [];
  for (let u = 0; u < users; u++) {
    const offsets = [random() < 0.5 ? 1 : -1, random() < 0.5 ? 1 : -1];
    for (let i = 0; i < items; i++) {
      const day = random() < 0.5 ? 0 : 1; // not by item: no (user, item) factor can stand in
      user.push(u);
      item.push(i);
      rating.push(quality[i] + offsets[day] + 0.1 * (random() - 0.5));
      timestamp.push(1_500_000_000 + day * 10 * DAY + i);
    }
  }
  return {
    users,
    items,
    user: Int32Array.from(user),
    item: Int32Array.from(item),
    rating: Float32Array.from(rating),
    timestamp: Float64Array.from(timestamp),
    kind: 'explicit',
    ratingMin: -Infinity,
    ratingMax: Infinity,
    itemFeatures: emptyFeatureTable(items),
    userFeatures: emptyFeatureTable(users),
  };
}

async function heldOutRmse(config: TrainConfig): Promise<number> {
  const { data } = prepareExperiment(plantedDays(), config);
  const trainer = createTrainer(data, config);
  while (!trainer.finished) trainer.step();
  await trainer.takeLoss();
  const { rmse } = await trainer.evaluate();
  trainer.dispose();
  return rmse;
}

describe('a bias per user-day', () => {
  const config = (model: string, dayBias: boolean): TrainConfig => ({
    ...DEFAULT_CONFIG,
    model,
    dayBias,
    dim: 4,
    epochs: 30,
    batchSize: 256,
    learningRate: 0.05,
    l2: 0.01,
  });

  it.each(['biased-mf', 'svdpp', 'fm', 'hybrid'])(
    '%s learns planted day offsets that user and item biases cannot explain',
    async (model) => {
      const before = tf.memory().numTensors;
      const without = await heldOutRmse(config(model, false));
      const withDays = await heldOutRmse(config(model, true));
      expect(tf.memory().numTensors).toBe(before);
      // Without it the +-1 offsets are noise to the model (RMSE near 1 at best).
      expect(without).toBeGreaterThan(0.6);
      expect(withDays).toBeLessThan(0.3);
    },
  );

  it('is read only by explicit runs of models that have it, on data with dates', () => {
    const d = plantedDays();
    const days = (patch: Partial<TrainConfig>, data = d) =>
      prepareExperiment(data, { ...DEFAULT_CONFIG, ...patch }).data.userDay?.count ?? 0;
    expect(days({ model: 'biased-mf' })).toBe(120);
    expect(days({ model: 'biased-mf', dayBias: false })).toBe(0);
    expect(days({ model: 'baseline' })).toBe(0);
    expect(days({ model: 'hybrid', feedback: 'implicit' })).toBe(0);
    expect(days({ model: 'biased-mf' }, { ...d, timestamp: null })).toBe(0);
  });
});
