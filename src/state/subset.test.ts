import { describe, expect, it } from 'vitest';
import { byPopularity, countKinds, sameSubset, spreadLayout, stratifiedSample } from './subset';
import { mulberry32 } from '../core/util/random';

describe('stratifiedSample', () => {
  // 1,000 items with popularity = index (a long tail), 200 users, 50 features.
  const space = { items: 1000, users: 200, features: 50 };
  const popularity = Float32Array.from({ length: 1250 }, (_, i) => (i < 1000 ? i : i % 7));

  it('draws exactly the size asked, sorted and without repeats, reproducibly', () => {
    const s = stratifiedSample(space, popularity, 125, 1);
    expect(s).toHaveLength(125);
    expect(new Set(s).size).toBe(125);
    expect(Array.from(s)).toEqual([...s].sort((a, b) => a - b));
    expect(stratifiedSample(space, popularity, 125, 1)).toEqual(s);
    expect(stratifiedSample(space, popularity, 125, 2)).not.toEqual(s);
  });

  it('keeps each kind and each popularity decile in proportion', () => {
    const s = stratifiedSample(space, popularity, 125, 3);
    expect(countKinds(space, s)).toEqual({ item: 100, user: 20, feature: 5 });
    // Items' popularity is their index: each block of 100 is a decile and keeps 10.
    for (let q = 0; q < 10; q++)
      expect(Array.from(s).filter((p) => p >= q * 100 && p < (q + 1) * 100)).toHaveLength(10);
  });

  it('keeps every point when the size allows', () => {
    expect(stratifiedSample(space, popularity, 5000, 1)).toHaveLength(1250);
  });
});

describe('byPopularity', () => {
  it('orders by popularity then index, as the comparator sort does, counts or not', () => {
    const random = mulberry32(9);
    const reference = (p: Float32Array, from: number, count: number) =>
      Array.from({ length: count }, (_, k) => from + k).sort((a, b) => p[a] - p[b] || a - b);
    const counts = Float32Array.from({ length: 5000 }, () => Math.floor(random() * 40));
    const fractions = Float32Array.from({ length: 500 }, () => random() * 3);
    for (const [p, from, count] of [
      [counts, 0, 5000],
      [counts, 1200, 3000],
      [fractions, 7, 400],
    ] as const)
      expect(Array.from(byPopularity(p, from, count))).toEqual(reference(p, from, count));
  });
});

describe('spreadLayout', () => {
  it("puts a subset's coordinates at its points and the rest at its centroid", () => {
    const out = spreadLayout(Float32Array.from([0, 0, 2, 4]), Int32Array.from([1, 3]), 4, 2);
    expect(Array.from(out)).toEqual([1, 2, 0, 0, 1, 2, 2, 4]);
  });
});

describe('sameSubset', () => {
  it('compares by content; null is all points', () => {
    expect(sameSubset(null, null)).toBe(true);
    expect(sameSubset(Int32Array.from([1, 2]), Int32Array.from([1, 2]))).toBe(true);
    expect(sameSubset(Int32Array.from([1, 2]), null)).toBe(false);
    expect(sameSubset(Int32Array.from([1, 2]), Int32Array.from([1, 3]))).toBe(false);
  });
});
