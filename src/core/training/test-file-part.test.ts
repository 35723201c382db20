import { describe, expect, it } from 'vitest';
import { prepareExperiment, type ExperimentData } from './experiment';
import { DEFAULT_CONFIG, SPLIT_LABELS, validateConfig, type TrainConfig } from './config';
import { emptyFeatureTable } from '../data/types';
import type { TestSet } from '../data/test-set';

/** 5 users x 6 items, every pair rated (u + i) % 5 + 1, a day apart per row (seconds). */
function grid(): ExperimentData {
  const user: number[] = [];
  const item: number[] = [];
  for (let u = 0; u < 5; u++)
    for (let i = 0; i < 6; i++) {
      user.push(u);
      item.push(i);
    }
  return {
    users: 5,
    items: 6,
    user: Int32Array.from(user),
    item: Int32Array.from(item),
    rating: Float32Array.from(user, (u, k) => ((u + item[k]) % 5) + 1),
    timestamp: Uint32Array.from(user, (_, k) => 86_400 * k),
    kind: 'explicit',
    ratingMin: 1,
    ratingMax: 5,
    itemFeatures: emptyFeatureTable(6),
    userFeatures: emptyFeatureTable(5),
  };
}

/** Test rows already mapped onto the grid's ids (as mapTestSet leaves them). */
const testSet: TestSet = {
  name: 'u1.test',
  user: Int32Array.from([0, 3, 4, 2]),
  item: Int32Array.from([5, 1, 0, 2]),
  rating: Float32Array.from([4.5, 2, 1, 3.5]),
  timestamp: Uint32Array.from([0, 86_400 * 9, 86_400 * 99, 86_400 * 14]),
};

const config = (patch: Partial<TrainConfig>): TrainConfig => ({
  ...DEFAULT_CONFIG,
  split: 'test-file',
  ...patch,
});

describe('prepareExperiment with a test file', () => {
  it('is offered as the split "Test file"', () => {
    expect(SPLIT_LABELS['test-file']).toContain('Test file');
  });

  it('trains on the loaded rows less a validation part carved from them; the test part is the file', () => {
    const d = { ...grid(), testSet };
    const e = prepareExperiment(d, config({ validationFraction: 0.2, testFraction: 0.5 }));
    const { train, validation, test } = e.data;
    // Every loaded row is training or validation (the test fraction is not used): 30 = 24 + 6.
    expect(train.rating.length).toBe(24);
    expect(validation!.rating.length).toBe(6);
    const pairs = (p: { user: Int32Array; item: Int32Array }) =>
      Array.from(p.user, (u, k) => u * 6 + p.item[k]);
    const all = [...pairs(train), ...pairs(validation!)].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 30 }, (_, k) => k));
    expect(Array.from(test.user)).toEqual([0, 3, 4, 2]);
    expect(Array.from(test.item)).toEqual([5, 1, 0, 2]);
    expect(Array.from(test.rating)).toEqual([4.5, 2, 1, 3.5]);
    expect(e.data.candidates).toBeNull();
    // timeSVD++'s day ids run over both files: a test day the user also trained on shares its
    // id; a day only the test file has gets an id of its own.
    const s = prepareExperiment(
      d,
      config({ model: 'biased-mf', dayBias: true, validationFraction: 0 }),
    );
    const days = s.data.userDay!;
    expect(days.count).toBe(30 + 2);
    // User 0's day 0 is row 0's day; user 2's day 14 is row 14's (user 2, item 2); user 3 never
    // trained on day 9 (row 9 is user 1's), nor user 4 on day 99.
    expect(days.test[0]).toBe(days.train[0]);
    expect(days.test[3]).toBe(days.train[14]);
    expect(new Set([days.test[1], days.test[2]]).size).toBe(2);
    expect(days.test[1]).toBeGreaterThanOrEqual(30);
  });

  it('binarises the test rows as it binarises the training rows under implicit feedback', () => {
    const e = prepareExperiment(
      { ...grid(), testSet },
      config({ model: 'bpr', binarizeAt: 3.5, validationFraction: 0 }),
    );
    // Test ratings 4.5 and 3.5 reach the threshold; 2 and 1 do not.
    expect(Array.from(e.data.test.user)).toEqual([0, 2]);
    expect(Array.from(e.data.test.item)).toEqual([5, 2]);
    expect(Array.from(e.data.test.rating)).toEqual([1, 1]);
    // Training ratings 4 and 5 are 2 of every 5 rows: 12 of 30 kept, all as 1s.
    expect(e.data.train.rating.length).toBe(12);
    expect(e.droppedBelowThreshold).toBe(18);
    expect(Array.from(e.data.train.rating).every((r) => r === 1)).toBe(true);
    expect(() =>
      prepareExperiment(
        { ...grid(), testSet },
        config({ model: 'bpr', binarizeAt: 5, validationFraction: 0 }),
      ),
    ).toThrow('u1.test: no test row is rated 5 or more: lower the binarisation threshold');
  });

  it('refuses a run without a test file, and folds with one', () => {
    expect(() => prepareExperiment(grid(), config({}))).toThrow(
      /The "Test file" split needs a test interactions file: choose one under "Test interactions file"/,
    );
    expect(() =>
      prepareExperiment({ ...grid(), testSet }, config({ folds: 5 }), { index: 0, count: 5 }),
    ).toThrow(/u1\.test is the test part as given, which cannot be cut into folds: set Folds to 1/);
    expect(validateConfig(config({ folds: 5 }))).toEqual([
      expect.stringMatching(
        /^a test file is the test part as given, which cannot be cut into folds/,
      ),
    ]);
    expect(validateConfig(config({ folds: 1 }))).toEqual([]);
    // Another split ignores a test file the data set carries.
    const r = prepareExperiment({ ...grid(), testSet }, config({ split: 'random' }));
    expect(r.data.test.rating.length).toBe(6);
  });
});
