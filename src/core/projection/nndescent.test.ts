import { describe, expect, it } from 'vitest';
import { nnDescentKnn } from './nndescent';
import { exactKnn, unitRows } from './knn';
import { plantedClusters } from './planted';

describe('nnDescentKnn', () => {
  const { data, n, d } = plantedClusters({ n: 3000, d: 16, noise: 1, seed: 4 });
  const unit = unitRows(data, n, d);
  const k = 15;
  const exact = exactKnn(unit, n, d, k);

  it('finds nearly all the exact neighbours, deterministically', () => {
    const g = nnDescentKnn(unit, n, d, k, 1);
    expect(Array.from(g.index)).toEqual(Array.from(nnDescentKnn(unit, n, d, k, 1).index));
    let found = 0;
    for (let i = 0; i < n; i++) {
      const want = new Set(exact.index.subarray(i * k + 1, (i + 1) * k));
      for (let t = 1; t < k; t++) if (want.has(g.index[i * k + t])) found++;
    }
    expect(found / (n * (k - 1))).toBeGreaterThan(0.97);
  });

  it('returns well-formed lists: self first, distinct, ascending, distances of their rows', () => {
    const g = nnDescentKnn(unit, n, d, k, 2);
    for (let i = 0; i < n; i++) {
      const row = Array.from(g.index.subarray(i * k, (i + 1) * k));
      expect(row[0]).toBe(i);
      expect(new Set(row).size).toBe(k);
      for (let t = 1; t < k; t++) {
        const j = row[t];
        expect(g.dist[i * k + t]).toBeGreaterThanOrEqual(g.dist[i * k + t - 1]);
        let s = 0;
        for (let a = 0; a < d; a++) s += unit[i * d + a] * unit[j * d + a];
        expect(g.dist[i * k + t]).toBeCloseTo(Math.max(0, 1 - s), 6);
      }
    }
  });

  it('copes with identical and zero rows, and with k = n', () => {
    const m = 40;
    const same = new Float32Array(m * 3).fill(1); // all identical: every split degenerates
    same.fill(0, 0, 6); // two zero rows
    const g = nnDescentKnn(unitRows(same, m, 3), m, 3, m, 5);
    for (let i = 0; i < m; i++) {
      expect([...g.index.subarray(i * m, (i + 1) * m)].sort((a, b) => a - b)).toEqual(
        Array.from({ length: m }, (_, j) => j),
      );
    }
  });
});
