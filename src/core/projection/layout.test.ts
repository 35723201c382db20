import { describe, expect, it } from 'vitest';
import { LayoutOptimizer, findAB, powB, powTable } from './layout';
import type { FuzzyGraph } from './graph';

describe('findAB', () => {
  it("gives umap-learn's curve parameters", () => {
    // umap-learn's find_ab_params (scipy curve_fit): min_dist 0.1 -> (1.577, 0.895), 0.5 -> (0.583, 1.334).
    const d1 = findAB(1, 0.1);
    expect(d1.a).toBeCloseTo(1.5769, 3);
    expect(d1.b).toBeCloseTo(0.8951, 3);
    const d5 = findAB(1, 0.5);
    expect(d5.a).toBeCloseTo(0.583, 3);
    expect(d5.b).toBeCloseTo(1.3342, 3);
  });
});

describe('powB', () => {
  it('stays within 0.1% of Math.pow at min-dist <= 0.1, 0.6% up to 0.99', () => {
    // b at min-dist 0, 0.1 (the default), 0.5 and 0.99.
    for (const b of [0.7905, 0.8951, 1.3342, 1.9164]) {
      const table = powTable(b);
      let worst = 0;
      for (let t = 0; t <= 4000; t++) {
        const d2 = Math.exp((t / 4000 - 0.5) * 30); // 3e-7 .. 3e6
        worst = Math.max(worst, Math.abs(powB(table, d2, b) / Math.pow(d2, b) - 1));
      }
      expect(worst).toBeLessThan(b < 1 ? 1e-3 : 6e-3);
    }
  });
});

describe('LayoutOptimizer', () => {
  // Two triangles, joined by nothing: attraction inside, repulsion between.
  const graph: FuzzyGraph = {
    n: 6,
    rowStart: Int32Array.from([0, 2, 4, 6, 8, 10, 12]),
    col: Int32Array.from([1, 2, 0, 2, 0, 1, 4, 5, 3, 5, 3, 4]),
    weight: new Float32Array(12).fill(1),
  };
  const init = Float32Array.from([0, 0, 1, 3, 2, -1, -2, 1, 3, -3, 0, 2]);
  const { a, b } = findAB(1, 0.1);

  it('runs exactly nEpochs, deterministically per seed, leaving its input alone', () => {
    const run = (seed: number) => {
      const opt = new LayoutOptimizer(graph, init, 2, { a, b, nEpochs: 50, seed });
      while (opt.epochsDone < 60) if (opt.step() === 50) break;
      expect(opt.step()).toBe(50);
      return Array.from(opt.embedding);
    };
    expect(run(1)).toEqual(run(1));
    expect(run(1)).not.toEqual(run(2));
    expect(Array.from(init)).toEqual([0, 0, 1, 3, 2, -1, -2, 1, 3, -3, 0, 2]);
  });

  it('pulls each triangle together and pushes the two apart', () => {
    const opt = new LayoutOptimizer(graph, init, 2, { a, b, nEpochs: 200, seed: 3 });
    while (opt.step() < 200);
    const y = opt.embedding;
    const dist = (i: number, j: number) =>
      Math.hypot(y[2 * i] - y[2 * j], y[2 * i + 1] - y[2 * j + 1]);
    const within = Math.max(dist(0, 1), dist(0, 2), dist(1, 2), dist(3, 4), dist(3, 5), dist(4, 5));
    let between = Infinity;
    for (const i of [0, 1, 2]) for (const j of [3, 4, 5]) between = Math.min(between, dist(i, j));
    expect(between).toBeGreaterThan(within);
  });
});
