import { describe, expect, it } from 'vitest';
import { recommendForUser, seenItems } from './recommend';
import type { EmbeddingSnapshot } from '../data/types';

const snap: EmbeddingSnapshot = {
  epoch: 1,
  dim: 2,
  userFactors: Float32Array.from([1, 0, 0, 1]),
  itemFactors: Float32Array.from([3, 0, 0, 3, 1, 1, 2, 0]),
  userBias: Float32Array.from([0, 0.5]),
  itemBias: Float32Array.from([0, 0, 0, 0.5]),
  globalBias: 1,
};

describe('recommendForUser', () => {
  it('ranks unseen items by mu + biases + dot product', () => {
    const seen = new Uint8Array(4);
    const recs = recommendForUser(snap, 0, seen, 3);
    expect(recs.map((r) => r.index)).toEqual([0, 3, 2]);
    expect(recs[0].score).toBeCloseTo(4);
    expect(recs[1].score).toBeCloseTo(3.5);
  });

  it('excludes items the user has seen', () => {
    const seen = seenItems(Int32Array.from([1, 0, 1]), Int32Array.from([1, 0, 3]), 1, 4);
    expect(Array.from(seen)).toEqual([0, 1, 0, 1]);
    const recs = recommendForUser(snap, 1, seen, 10);
    expect(recs.map((r) => r.index)).toEqual([2, 0]);
  });
});
