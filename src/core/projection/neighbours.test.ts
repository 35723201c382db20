import { describe, expect, it } from 'vitest';
import { nearest, type Metric } from './neighbours';
import { mulberry32, normalArray } from '../util/random';

function bruteForce(
  v: Float32Array,
  n: number,
  d: number,
  q: Float32Array,
  k: number,
  metric: Metric,
  skip: (i: number) => boolean,
) {
  const rows: { i: number; key: number; score: number }[] = [];
  const qn = Math.hypot(...q);
  for (let i = 0; i < n; i++) {
    if (skip(i)) continue;
    const row = v.subarray(i * d, (i + 1) * d);
    const dot = row.reduce((s, x, a) => s + x * q[a], 0);
    if (metric === 'euclidean') {
      const dist = Math.sqrt(row.reduce((s, x, a) => s + (x - q[a]) ** 2, 0));
      rows.push({ i, key: -dist, score: dist });
    } else {
      const score = metric === 'dot' ? dot : dot / (Math.hypot(...row) * qn);
      rows.push({ i, key: score, score });
    }
  }
  rows.sort((a, b) => b.key - a.key || a.i - b.i);
  return rows.slice(0, k);
}

describe('nearest', () => {
  const n = 400;
  const d = 12;
  const random = mulberry32(11);
  const vectors = normalArray(n * d, 1, random);
  const query = normalArray(d, 1, random);

  for (const metric of ['cosine', 'dot', 'euclidean'] as const) {
    it(`matches brute force (${metric})`, () => {
      const skip = (i: number) => i % 7 === 0;
      const got = nearest(vectors, n, d, query, 10, metric, skip);
      const want = bruteForce(vectors, n, d, query, 10, metric, skip);
      expect(Array.from(got.index)).toEqual(want.map((r) => r.i));
      got.score.forEach((s, j) => expect(s).toBeCloseTo(want[j].score, 4));
    });
  }

  it('handles k larger than the rows left, k = 0 and ties', () => {
    const v = Float32Array.from([1, 0, 1, 0, 0, 1]);
    const all = nearest(v, 3, 2, Float32Array.from([1, 0]), 10, 'dot', (i) => i === 2);
    expect(Array.from(all.index)).toEqual([0, 1]);
    expect(nearest(v, 3, 2, Float32Array.from([1, 0]), 0, 'cosine').index.length).toBe(0);
  });

  it('gives zero vectors cosine 0 instead of NaN', () => {
    const v = Float32Array.from([0, 0, -1, 0]);
    const r = nearest(v, 2, 2, Float32Array.from([1, 0]), 2, 'cosine');
    expect(Array.from(r.index)).toEqual([0, 1]);
    expect(Array.from(r.score)).toEqual([0, -1]);
  });
});
