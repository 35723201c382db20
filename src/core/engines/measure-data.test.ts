import { describe, expect, it } from 'vitest';
import { measuringData, runRows } from './measure-data';
import { noFeatures, type TrainData } from '../training/trainer';

function data(n: number): TrainData {
  const rows = (f: (k: number) => number) => Int32Array.from({ length: n }, (_, k) => f(k));
  return {
    users: 50,
    items: 40,
    train: { user: rows((k) => k % 50), item: rows((k) => k % 40), rating: new Float32Array(n) },
    test: { user: rows(() => 0), item: rows(() => 1), rating: new Float32Array(n) },
    ratingMin: 1,
    ratingMax: 5,
    ...noFeatures(50, 40),
    userDay: { count: n, train: rows((k) => k), test: rows(() => 0) },
  };
}

describe('the rows a calibration measures on', () => {
  it('are the run’s own when there are few', () => {
    const d = data(1000);
    expect(measuringData(d, 1000)).toBe(d);
  });

  it('are evenly spaced over a large training part, with the tables and held-out rows kept', () => {
    const d = data(1000);
    const m = measuringData(d, 100);
    expect(m.train.user).toHaveLength(100);
    // Row k of the sample is row 10 k of the run, in every column.
    expect(Array.from(m.userDay!.train.slice(0, 4))).toEqual([0, 10, 20, 30]);
    expect(Array.from(m.train.user.slice(0, 6))).toEqual([0, 10, 20, 30, 40, 0]);
    expect(Array.from(m.train.item.slice(0, 5))).toEqual([0, 10, 20, 30, 0]);
    expect([m.users, m.items, m.userDay!.count]).toEqual([50, 40, 1000]);
    expect(m.test).toBe(d.test);
    expect(runRows(d, 3)).toBe(3000);
  });
});
