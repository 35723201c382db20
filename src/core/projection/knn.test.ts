import { describe, expect, it } from 'vitest';
import { exactKnn, unitRows } from './knn';
import { mulberry32, normalArray } from '../util/random';

/** Every other row by descending dot product (summed in the same order), ties to the lower index. */
function bruteForce(unit: Float32Array, n: number, d: number, k: number) {
  const index: number[][] = [];
  for (let i = 0; i < n; i++) {
    const rows: { j: number; s: number }[] = [];
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      let s = 0;
      for (let a = 0; a < d; a++) s += unit[i * d + a] * unit[j * d + a];
      rows.push({ j, s });
    }
    rows.sort((x, y) => y.s - x.s || x.j - y.j);
    index.push([i, ...rows.slice(0, k - 1).map((r) => r.j)]);
  }
  return index;
}

describe('exactKnn', () => {
  it('matches brute force across tile edges, with duplicate, zero and NaN rows', () => {
    // 600 rows: more than two 256-row tiles, an odd tail; d = 5 is odd too.
    const n = 601;
    const d = 5;
    const data = normalArray(n * d, 1, mulberry32(3));
    data.copyWithin(10 * d, 20 * d, 21 * d); // row 10 duplicates row 20: a tie at distance 0
    data.copyWithin(300 * d, 20 * d, 21 * d); // and row 300 too
    data.fill(0, 7 * d, 8 * d); // a zero row: distance 1 to everything
    data[40 * d + 2] = NaN; // treated as a zero row
    const unit = unitRows(data, n, d);
    const k = 9;
    const g = exactKnn(unit, n, d, k);
    expect(g.k).toBe(k);
    const want = bruteForce(unit, n, d, k);
    for (let i = 0; i < n; i++) {
      expect(Array.from(g.index.subarray(i * k, (i + 1) * k))).toEqual(want[i]);
    }
    // Distances are 1 - cos, ascending, non-negative; the duplicates are at 0.
    for (let i = 0; i < n; i++) {
      expect(g.dist[i * k]).toBe(0);
      for (let t = 1; t < k; t++)
        expect(g.dist[i * k + t]).toBeGreaterThanOrEqual(g.dist[i * k + t - 1]);
    }
    expect(Array.from(g.index.subarray(20 * k, 20 * k + 3))).toEqual([20, 10, 300]);
    expect(g.dist[20 * k + 1]).toBeCloseTo(0, 6);
    expect(g.dist[7 * k + 1]).toBeCloseTo(1, 6);
  });

  it('handles k = 1 (only the point itself) and k = n', () => {
    const unit = unitRows(normalArray(12, 1, mulberry32(1)), 4, 3);
    expect(Array.from(exactKnn(unit, 4, 3, 1).index)).toEqual([0, 1, 2, 3]);
    const all = exactKnn(unit, 4, 3, 4);
    for (let i = 0; i < 4; i++) {
      expect([...all.index.subarray(i * 4, i * 4 + 4)].sort()).toEqual([0, 1, 2, 3]);
    }
    expect(() => exactKnn(unit, 4, 3, 5)).toThrow(RangeError);
  });
});
