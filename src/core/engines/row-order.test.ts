import { describe, expect, it } from 'vitest';
import { mulberry32, shuffledRange } from '../util/random';
import { chunkCount, chunkedShuffle, storeByChunk, userChunks } from './row-order';
import { balancedBlocks } from './schedule';

describe('row order by user chunk', () => {
  it('one chunk until the user tables pass the chunk size; each chunk 16 batches or more', () => {
    const mib = 1 << 20;
    expect(chunkCount(610, 396, 90_000, 4096, mib)).toBe(1);
    expect(chunkCount(0, 396, 0, 4096, mib)).toBe(1);
    // 162,000 users of 2 KiB: 316 chunks by size, 305 of 16 batches in 20M rows.
    expect(chunkCount(162_000, 2_048, 20_000_000, 4096, mib)).toBe(305);
    expect(chunkCount(162_000, 1_024, 20_000_000, 4096, mib)).toBe(158);
    expect(chunkCount(162_000, 1_024, 20_000_000, 4096, 1)).toBe(305);
  });

  it('each chunk takes about the same share of every block, in runs of consecutive users', () => {
    const random = mulberry32(3);
    const counts = Int32Array.from({ length: 1_000 }, () => Math.floor(random() * 50));
    const blocks = 3;
    const chunks = 8;
    const { block } = balancedBlocks(counts, blocks);
    const chunk = userChunks(block, counts, blocks, chunks);
    const work = Array.from({ length: blocks }, () => new Float64Array(chunks));
    for (let u = 0; u < counts.length; u++) work[block[u]][chunk[u]] += counts[u] + 1;
    for (let b = 0; b < blocks; b++) {
      const total = work[b].reduce((a, x) => a + x, 0);
      for (let c = 0; c < chunks; c++) {
        // Within one user's work (at most 50) of an equal share.
        expect(Math.abs(work[b][c] - total / chunks)).toBeLessThanOrEqual(51);
      }
    }
    // Within a block, chunks do not decrease with the user index: each is one run.
    for (let u = 1; u < counts.length; u++) {
      if (block[u] === block[u - 1]) expect(chunk[u]).toBeGreaterThanOrEqual(chunk[u - 1]);
    }
  });

  it('stores rows grouped by chunk, in their original order within a chunk', () => {
    const user = Int32Array.of(3, 0, 2, 1, 0, 3, 2);
    const chunkOf = Int32Array.of(0, 1, 1, 0); // users 0..3
    const rows = (n: number) => ({
      user: new Int32Array(n),
      item: new Int32Array(n),
      rating: new Float32Array(n),
      day: new Int32Array(n),
    });
    const from = {
      user,
      item: user.map((_, k) => 10 * k),
      rating: Float32Array.from(user, (_, k) => k + 0.5),
      day: user.map((_, k) => 100 + k),
    };
    const to = rows(7);
    const offsets = storeByChunk(from, to, chunkOf, 2);
    expect([...offsets]).toEqual([0, 4, 7]);
    const order = [0, 1, 4, 5, 2, 3, 6]; // chunk 0: users 0 and 3; chunk 1: users 1 and 2
    expect([...to.user]).toEqual(order.map((k) => user[k]));
    expect([...to.item]).toEqual(order.map((k) => 10 * k));
    expect([...to.rating]).toEqual(order.map((k) => k + 0.5));
    expect([...to.day]).toEqual(order.map((k) => 100 + k));
    // Without days the day column is left alone.
    const plain = rows(7);
    storeByChunk({ ...from, day: null }, plain, chunkOf, 2);
    expect([...plain.item]).toEqual([...to.item]);
    expect([...plain.day]).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it('one chunk: exactly the plain shuffle and its draws', () => {
    const a = shuffledRange(100, mulberry32(9));
    const b = new Int32Array(100).map((_, k) => k);
    chunkedShuffle(Int32Array.of(0, 100), mulberry32(9), b);
    expect([...b]).toEqual([...a]);
  });

  it('chunks: every row once per epoch, each chunk in one run, chunks and rows shuffled', () => {
    const offsets = Int32Array.of(0, 10, 25, 40, 60);
    const out = new Int32Array(60);
    const random = mulberry32(5);
    const firsts = new Set<number>();
    for (let epoch = 0; epoch < 8; epoch++) {
      chunkedShuffle(offsets, random, out);
      expect([...out].sort((x, y) => x - y)).toEqual([...Array(60).keys()]);
      const chunkAt = (k: number) => {
        let c = 0;
        while (offsets[c + 1] <= out[k]) c++;
        return c;
      };
      let runs = 1;
      for (let k = 1; k < 60; k++) if (chunkAt(k) !== chunkAt(k - 1)) runs++;
      expect(runs).toBe(4);
      firsts.add(chunkAt(0));
      // Rows within a chunk are not left in stored order.
      const first = out.subarray(0, offsets[chunkAt(0) + 1] - offsets[chunkAt(0)]);
      expect([...first]).not.toEqual([...first].sort((x, y) => x - y));
    }
    expect(firsts.size).toBeGreaterThan(1);
  });
});
