import { describe, expect, it } from 'vitest';
import { labelPurity, layoutNeighbours, neighbourRecall } from './quality';
import { plantedClusters } from './planted';
import type { KnnGraph } from './knn';

describe('layout quality', () => {
  // Points on a line at 0, 1, 3, 6, 10: each one's nearest is its left or right neighbour.
  const line = Float32Array.from([0, 1, 3, 6, 10]);

  it('finds layout neighbours nearest first', () => {
    const nb = layoutNeighbours(line, 5, 1, 2);
    expect(Array.from(nb.index)).toEqual([1, 2, 0, 2, 1, 0, 2, 4, 3, 2]);
  });

  it('scores label purity', () => {
    expect(labelPurity(line, 5, 1, new Int32Array(5), 1)).toBe(1);
    // Nearest neighbours: 0 -> 1, 1 -> 0, 2 -> 1, 3 -> 2, 4 -> 3. Only point 3's differs: 4 of 5.
    expect(labelPurity(line, 5, 1, Int32Array.from([0, 0, 0, 1, 1]), 1)).toBe(0.8);
    // Nearest two: 0 -> 1 2, 1 -> 0 2, 2 -> 1 0 (0 and 3 tie: lower index), 3 -> 2 4, 4 -> 3 2;
    // 1 + 1 + 0 + 2 + 2 of 10 match.
    expect(labelPurity(line, 5, 1, Int32Array.from([0, 0, 1, 1, 1]), 2)).toBe(0.6);
  });

  it('scores neighbour recall against a k-neighbour graph', () => {
    // The "high-dimensional" neighbours: the line's own, then others of which 2 of 5 are kept.
    const own: KnnGraph = {
      n: 5,
      k: 2,
      index: Int32Array.from([0, 1, 1, 0, 2, 1, 3, 2, 4, 3]),
      dist: new Float32Array(10),
    };
    expect(neighbourRecall(line, 1, own)).toBe(1);
    const other = { ...own, index: Int32Array.from([0, 4, 1, 3, 2, 1, 3, 0, 4, 3]) };
    expect(neighbourRecall(line, 1, other)).toBe(0.4);
  });
});

describe('plantedClusters', () => {
  it('is seeded, shuffled, and sizes fall off with rank', () => {
    const a = plantedClusters({ n: 1000, d: 4, clusters: 5, seed: 3 });
    const b = plantedClusters({ n: 1000, d: 4, clusters: 5, seed: 3 });
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    const sizes = [0, 0, 0, 0, 0];
    for (const c of a.label) sizes[c]++;
    expect(sizes.reduce((s, v) => s + v, 0)).toBe(1000);
    for (let c = 1; c < 5; c++) expect(sizes[c]).toBeLessThan(sizes[c - 1]);
    expect(Array.from(a.label.slice(0, 20)).every((c) => c === a.label[0])).toBe(false);
  });
});
