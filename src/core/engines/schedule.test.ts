import { describe, expect, it } from 'vitest';
import { balancedBlocks, diagonalSchedule, regions, roundConflicts } from './schedule';

describe('FPSGD block schedule', () => {
  for (const p of [1, 2, 3, 4, 8, 16]) {
    it(`${p} workers: no round shares a user or item block, and all ${p * p} blocks run once`, () => {
      const rounds = diagonalSchedule(p);
      expect(rounds).toHaveLength(p);
      const seen = new Set<string>();
      for (const round of rounds) {
        expect(roundConflicts(round)).toBe(false);
        round.forEach(([u, i], w) => {
          expect(u).toBe(w); // a worker keeps its user block: it alone updates those rows
          seen.add(`${u},${i}`);
        });
      }
      expect(seen.size).toBe(p * p);
    });
  }

  it('detects a conflicting round', () => {
    expect(
      roundConflicts([
        [0, 1],
        [1, 1],
      ]),
    ).toBe(true);
  });

  it('balances the work of skewed rows across blocks', () => {
    const counts = Int32Array.from({ length: 1000 }, (_, k) => Math.floor(5000 / (k + 1)));
    const { block, sizes } = balancedBlocks(counts, 4);
    const work = new Float64Array(4);
    counts.forEach((c, k) => (work[block[k]] += c + 1));
    const total = work.reduce((a, b) => a + b, 0);
    // The heaviest row (5,000 of ~38,000) bounds the balance: each block within 15% of a quarter.
    work.forEach((w) => expect(Math.abs(w - total / 4) / (total / 4)).toBeLessThan(0.15));
    expect([...sizes].reduce((a, b) => a + b, 0)).toBe(1000);
    // Contiguous: a block's rows are one range, so two workers' rows rarely share a cache line.
    block.forEach((b, k) => expect(b).toBeGreaterThanOrEqual(k ? block[k - 1] : 0));
    expect([...regions(sizes)]).toEqual([0, sizes[0], sizes[0] + sizes[1], 1000 - sizes[3], 1000]);
  });
});
