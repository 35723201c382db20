import { describe, expect, it } from 'vitest';
import { popularityScores } from './popularity';

describe('popularityScores', () => {
  it('counts interactions per item, 0 for unseen items', () => {
    const scores = popularityScores(Int32Array.from([2, 0, 2, 3, 2, 0]), 5);
    expect([...scores]).toEqual([2, 0, 3, 1, 0]);
  });

  it('rejects items outside the range', () => {
    expect(() => popularityScores(Int32Array.from([0, 4]), 4)).toThrow(/item 4, outside 0..3/);
  });
});
