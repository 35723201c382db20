import { describe, expect, it } from 'vitest';
import {
  EarlyStopping,
  effectiveFeedback,
  prepareExperiment,
  type ExperimentData,
} from './experiment';
import { DEFAULT_CONFIG, type TrainConfig } from './config';
import { emptyFeatureTable } from '../data/types';

/** 4 users x 5 items, ratings 1..5 by (user + item) % 5 + 1, timestamps in row order. */
function grid(): ExperimentData {
  const user: number[] = [];
  const item: number[] = [];
  const rating: number[] = [];
  for (let u = 0; u < 4; u++)
    for (let i = 0; i < 5; i++) {
      user.push(u);
      item.push(i);
      rating.push(((u + i) % 5) + 1);
    }
  return {
    users: 4,
    items: 5,
    user: Int32Array.from(user),
    item: Int32Array.from(item),
    rating: Float32Array.from(rating),
    timestamp: Float64Array.from(user, (_, k) => k),
    kind: 'explicit',
    ratingMin: 1,
    ratingMax: 5,
    itemFeatures: emptyFeatureTable(5),
    userFeatures: emptyFeatureTable(4),
  };
}

const config = (patch: Partial<TrainConfig>): TrainConfig => ({ ...DEFAULT_CONFIG, ...patch });

describe('prepareExperiment', () => {
  it('forces the feedback a model or the data allows', () => {
    expect(effectiveFeedback('bpr', { feedback: 'explicit' }, 'explicit')).toBe('implicit');
    expect(effectiveFeedback('biased-mf', { feedback: 'implicit' }, 'explicit')).toBe('explicit');
    expect(effectiveFeedback('hybrid', { feedback: 'implicit' }, 'explicit')).toBe('implicit');
    expect(effectiveFeedback('hybrid', { feedback: 'explicit' }, 'implicit')).toBe('implicit');
    expect(() => effectiveFeedback('svdpp', { feedback: 'explicit' }, 'implicit')).toThrow(
      /needs ratings/,
    );
  });

  it('binarises: implicit feedback keeps rows rated at or above the threshold, as 1s', () => {
    const e = prepareExperiment(
      grid(),
      config({ model: 'bpr', binarizeAt: 4, testFraction: 0.25 }),
    );
    // Ratings 4 and 5 are 2 of every 5 rows: 8 of 20 kept.
    expect(e.droppedBelowThreshold).toBe(12);
    const v = e.data.validation!;
    expect(e.data.train.rating.length + v.rating.length + e.data.test.rating.length).toBe(8);
    expect(Array.from(e.data.train.rating).every((r) => r === 1)).toBe(true);
    const all = prepareExperiment(grid(), config({ model: 'bpr', binarizeAt: 0 }));
    expect(all.droppedBelowThreshold).toBe(0);
    expect(() => prepareExperiment(grid(), config({ model: 'bpr', binarizeAt: 6 }))).toThrow(
      /lower the binarisation threshold/,
    );
  });

  it('splits: temporal holds out each user’s latest rows; cold items are all test and candidates', () => {
    const t = prepareExperiment(grid(), config({ split: 'temporal', testFraction: 0.2 }));
    // n = 2 per user: items 3 and 4 (the latest rows) of every user.
    expect(Array.from(t.data.test.item)).toEqual([3, 4, 3, 4, 3, 4, 3, 4]);
    const noTime = { ...grid(), timestamp: null };
    expect(() => prepareExperiment(noTime, config({ split: 'temporal' }))).toThrow(/timestamps/);
    const c = prepareExperiment(
      grid(),
      config({ split: 'cold-items', testFraction: 0.4, seed: 3 }),
    );
    const cold = Array.from(c.data.candidates!);
    expect(cold).toHaveLength(2);
    expect(Array.from(c.data.test.item).every((i) => cold.includes(i))).toBe(true);
    expect(Array.from(c.data.train.item).some((i) => cold.includes(i))).toBe(false);
    const again = prepareExperiment(
      grid(),
      config({ split: 'cold-items', testFraction: 0.4, seed: 3 }),
    );
    expect(Array.from(again.data.candidates!)).toEqual(cold);
  });
});

describe('the validation part', () => {
  const parts = (e: ReturnType<typeof prepareExperiment>) => {
    const key = (u: number, i: number) => `${u}:${i}`;
    const rows = (p: { user: Int32Array; item: Int32Array }) =>
      Array.from(p.user, (u, k) => key(u, p.item[k]));
    return {
      train: rows(e.data.train),
      validation: rows(e.data.validation!),
      test: rows(e.data.test),
    };
  };

  it('random: a fraction of the training rows, disjoint from train and test', () => {
    const e = prepareExperiment(grid(), config({ testFraction: 0.2, validationFraction: 0.25 }));
    const p = parts(e);
    expect(p.test).toHaveLength(4);
    expect(p.validation).toHaveLength(4); // a quarter of the 16 training rows
    expect(p.train).toHaveLength(12);
    expect(new Set([...p.train, ...p.validation, ...p.test]).size).toBe(20);
    expect(e.data.validation!.candidates).toBeNull();
    // Seeded: the same rows again, others with another seed.
    const again = parts(
      prepareExperiment(grid(), config({ testFraction: 0.2, validationFraction: 0.25 })),
    );
    expect(again.validation).toEqual(p.validation);
  });

  it('temporal: each user’s next-to-last rows', () => {
    const e = prepareExperiment(
      grid(),
      config({ split: 'temporal', testFraction: 0.2, validationFraction: 0.1 }),
    );
    // Test: items 3 and 4 (latest); validation: item 2, the next latest, of every user.
    expect(Array.from(e.data.test.item)).toEqual([3, 4, 3, 4, 3, 4, 3, 4]);
    expect(Array.from(e.data.validation!.item)).toEqual([2, 2, 2, 2]);
    expect(Array.from(e.data.train.item).every((i) => i < 2)).toBe(true);
  });

  it('cold-start: a share of the training part’s items, ranked among themselves', () => {
    const e = prepareExperiment(
      grid(),
      config({ split: 'cold-items', testFraction: 0.4, validationFraction: 0.34, seed: 3 }),
    );
    const test = Array.from(e.data.candidates!);
    const valid = Array.from(e.data.validation!.candidates!);
    expect(valid).toHaveLength(1); // a third of the 3 training items
    expect(test.includes(valid[0])).toBe(false);
    expect(Array.from(e.data.validation!.item).every((i) => i === valid[0])).toBe(true);
    expect(Array.from(e.data.train.item).some((i) => i === valid[0] || test.includes(i))).toBe(
      false,
    );
  });

  it('is off at 0, and counts validation rows the training part cannot have learned', () => {
    const off = prepareExperiment(grid(), config({ validationFraction: 0 }));
    expect(off.data.validation).toBeNull();
    expect(off.data.train.rating.length + off.data.test.rating.length).toBe(20);
    // One user's only row lands in validation: the model has never seen that user.
    const d = grid();
    const user = Int32Array.from([...d.user, 4]);
    const lonely: ExperimentData = {
      ...d,
      users: 5,
      user,
      item: Int32Array.from([...d.item, 0]),
      rating: Float32Array.from([...d.rating, 3]),
      timestamp: Float64Array.from(user, (_, k) => k),
      userFeatures: emptyFeatureTable(5),
    };
    const counted = [0, 1, 2, 3, 4, 5, 6, 7].map(
      (seed) =>
        prepareExperiment(lonely, config({ validationFraction: 0.3, seed })).validationUnseen,
    );
    expect(Math.max(...counted)).toBeGreaterThan(0);
    for (const seed of [0, 1, 2, 3]) {
      const e = prepareExperiment(lonely, config({ validationFraction: 0.3, seed }));
      const trainUsers = new Set(e.data.train.user);
      const unseen = Array.from(e.data.validation!.user).filter((u) => !trainUsers.has(u));
      expect(e.validationUnseen).toBeGreaterThanOrEqual(unseen.length);
    }
  });
});

describe('EarlyStopping', () => {
  it('stops after `patience` epochs without a better score, and remembers the best epoch', () => {
    const e = new EarlyStopping(2);
    expect([0.1, 0.3, 0.2, 0.25].map((s) => e.done(s))).toEqual([false, false, false, true]);
    expect(e.bestEpoch).toBe(2);
    const off = new EarlyStopping(0);
    expect([0.3, 0.2, 0.1, 0].some((s) => off.done(s))).toBe(false);
  });
});
