import { describe, expect, it } from 'vitest';
import { UMAP } from 'umap-js';
import { fuzzySimplicialSet } from './graph';
import { exactKnn, unitRows } from './knn';
import { plantedClusters } from './planted';

interface UmapJsGraph {
  getAll(): { row: number; col: number; value: number }[];
}

describe('fuzzySimplicialSet', () => {
  const { data, n, d } = plantedClusters({ n: 300, d: 8, clusters: 4, seed: 2 });
  const k = 10;
  const knn = exactKnn(unitRows(data, n, d), n, d, k);
  const graph = fuzzySimplicialSet(knn);

  it("equals umap-js's graph for the same neighbours", () => {
    // umap-js's own fuzzy set from the same k-neighbour lists (its method is internal, not API:
    // this pins our port to the reference, and only this test touches it).
    const umap = new UMAP({ nNeighbors: k });
    const rows = (a: Int32Array | Float32Array) =>
      Array.from({ length: n }, (_, i) => Array.from(a.subarray(i * k, (i + 1) * k)));
    umap.setPrecomputedKNN(rows(knn.index), rows(knn.dist));
    const reference = (
      umap as unknown as { fuzzySimplicialSet(x: number[][], k: number): UmapJsGraph }
    ).fuzzySimplicialSet(new Array<number[]>(n).fill([]), k);
    const want = new Map<string, number>();
    for (const e of reference.getAll()) if (e.value > 0) want.set(`${e.row},${e.col}`, e.value);

    let edges = 0;
    for (let i = 0; i < n; i++) {
      for (let c = graph.rowStart[i]; c < graph.rowStart[i + 1]; c++) {
        const key = `${i},${graph.col[c]}`;
        expect(want.has(key)).toBe(true);
        expect(graph.weight[c]).toBeCloseTo(want.get(key)!, 6);
        edges++;
      }
    }
    expect(edges).toBe(want.size);
  });

  it('is symmetric, without self-loops, sorted by column, weights in (0, 1]', () => {
    const at = (i: number, j: number) => {
      for (let c = graph.rowStart[i]; c < graph.rowStart[i + 1]; c++) {
        if (graph.col[c] === j) return graph.weight[c];
      }
      return 0;
    };
    for (let i = 0; i < n; i++) {
      for (let c = graph.rowStart[i]; c < graph.rowStart[i + 1]; c++) {
        const j = graph.col[c];
        expect(j).not.toBe(i);
        if (c > graph.rowStart[i]) expect(j).toBeGreaterThan(graph.col[c - 1]);
        expect(graph.weight[c]).toBeGreaterThan(0);
        expect(graph.weight[c]).toBeLessThanOrEqual(1);
        expect(at(j, i)).toBe(graph.weight[c]);
      }
    }
  });
});
