import { describe, expect, it } from 'vitest';
import { cleanDataset, DEFAULT_CLEAN } from './clean';
import type { Dataset } from './types';

/** Rows as [user, item, rating, time]; ids are the indices as strings. */
function dataset(rows: [number, number, number, number][], users = 4, items = 4): Dataset {
  return {
    name: 't',
    kind: 'explicit',
    user: Int32Array.from(rows, (r) => r[0]),
    item: Int32Array.from(rows, (r) => r[1]),
    rating: Float32Array.from(rows, (r) => r[2]),
    timestamp: Float64Array.from(rows, (r) => r[3]),
    userIds: Array.from({ length: users }, (_, u) => `u${u}`),
    itemIds: Array.from({ length: items }, (_, i) => `i${i}`),
    itemLabels: Array.from({ length: items }, (_, i) => `Item ${i}`),
    itemFeatures: {
      names: ['even', 'odd'],
      offsets: Int32Array.from({ length: items + 1 }, (_, i) => i),
      values: Int32Array.from({ length: items }, (_, i) => i % 2),
    },
    userFeatures: { names: [], offsets: new Int32Array(users + 1), values: new Int32Array(0) },
    ratingMin: 1,
    ratingMax: 5,
    skippedRows: 0,
    issues: [],
  };
}

const rows = (d: Dataset) =>
  Array.from(d.user, (u, k) => [d.userIds[u], d.itemIds[d.item[k]], d.rating[k], d.timestamp![k]]);

describe('cleanDataset', () => {
  // u0 rated i1 three times (at 5, then 9, then 7), and i0 once.
  const d = dataset([
    [0, 1, 2, 5],
    [0, 0, 4, 1],
    [0, 1, 5, 9],
    [1, 2, 3, 2],
    [0, 1, 1, 7],
  ]);

  it('keeps the last rating by timestamp, or the mean, or the sum, and counts the merges', () => {
    const last = cleanDataset(d, DEFAULT_CLEAN);
    expect(last.report.duplicates).toBe(2);
    expect(rows(last.dataset)).toEqual([
      ['u0', 'i1', 5, 9],
      ['u0', 'i0', 4, 1],
      ['u1', 'i2', 3, 2],
    ]);
    const mean = cleanDataset(d, { ...DEFAULT_CLEAN, duplicates: 'mean' }).dataset;
    expect(rows(mean)[0]).toEqual(
      ['u0', 'i1', 8 / 3, 9].map((v) => (typeof v === 'number' ? Math.fround(v) : v)),
    );
    const sum = cleanDataset(d, { ...DEFAULT_CLEAN, duplicates: 'sum' }).dataset;
    expect(rows(sum)[0]).toEqual(['u0', 'i1', 8, 9]);
  });

  it('merges like a pair-by-pair reference on random data with repeats and tied times', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const data: [number, number, number, number][] = Array.from({ length: 400 }, () => [
      Math.floor(random() * 6),
      Math.floor(random() * 5),
      1 + Math.floor(random() * 5),
      Math.floor(random() * 4),
    ]);
    for (const duplicates of ['last', 'mean', 'sum'] as const) {
      // The reference: each pair's rows in file order, the pairs in order of their first row.
      const groups = new Map<string, { rows: [number, number, number, number][] }>();
      for (const r of data) {
        const key = `${r[0]},${r[1]}`;
        if (!groups.has(key)) groups.set(key, { rows: [] });
        groups.get(key)!.rows.push(r);
      }
      const expected = [...groups.values()].map(({ rows: g }) => {
        let last = g[0];
        for (const r of g) if (r[3] >= last[3]) last = r;
        const sum = g.reduce((a, r) => a + r[2], 0);
        const rating =
          duplicates === 'last' ? last[2] : duplicates === 'sum' ? sum : sum / g.length;
        const time = duplicates === 'last' ? last[3] : Math.max(...g.map((r) => r[3]));
        return [`u${g[0][0]}`, `i${g[0][1]}`, Math.fround(rating), time];
      });
      const out = cleanDataset(dataset(data, 6, 5), { ...DEFAULT_CLEAN, duplicates }).dataset;
      expect(rows(out)).toEqual(expected);
    }
  });

  it('drops ratings outside the range and entities left without rows, renumbering the rest', () => {
    const { dataset: c, report } = cleanDataset(d, { ...DEFAULT_CLEAN, ratingRange: [3.5, 5] });
    expect(report.outOfRange).toBe(1); // u1's 3
    expect(c.userIds).toEqual(['u0']);
    expect(c.itemIds).toEqual(['i0', 'i1']);
    expect(c.itemLabels).toEqual(['Item 0', 'Item 1']);
    // Features follow their items: i0 is even, i1 odd.
    expect(Array.from(c.itemFeatures.values)).toEqual([0, 1]);
    expect([c.ratingMin, c.ratingMax]).toEqual([4, 5]);
  });

  it('applies a k-core until it is stable', () => {
    // A 2-core: u0 has i0, i1; u1 has i0, i1; u2 has i0 and i2 (i2 has 1 user, so it goes, and
    // then u2 has 1 item and goes too); u3 has i3 only.
    const k = dataset([
      [0, 0, 1, 0],
      [0, 1, 1, 0],
      [1, 0, 1, 0],
      [1, 1, 1, 0],
      [2, 0, 1, 0],
      [2, 2, 1, 0],
      [3, 3, 1, 0],
    ]);
    const { dataset: c, report } = cleanDataset(k, {
      ...DEFAULT_CLEAN,
      minPerUser: 2,
      minPerItem: 2,
    });
    expect(c.userIds).toEqual(['u0', 'u1']);
    expect(c.itemIds).toEqual(['i0', 'i1']);
    expect(report).toMatchObject({ coreRows: 3, coreUsers: 2, coreItems: 2 });
    expect(c.user.length + report.coreRows).toBe(7);
  });

  it('changes nothing by default on data without repeats', () => {
    const plain = dataset([
      [0, 0, 1, 0],
      [1, 1, 2, 0],
    ]);
    const { dataset: c, report } = cleanDataset(plain, DEFAULT_CLEAN);
    expect(rows(c)).toEqual(rows(plain));
    expect(report).toEqual({
      duplicates: 0,
      outOfRange: 0,
      coreRows: 0,
      coreUsers: 0,
      coreItems: 0,
    });
  });

  it('log-scales implicit weights into confidences 1 + ln(1 + w), and leaves ratings alone', () => {
    const counts = {
      ...dataset([
        [0, 0, 0, 0],
        [1, 1, 9, 0],
      ]),
      kind: 'implicit' as const,
    };
    const c = cleanDataset(counts, { ...DEFAULT_CLEAN, logWeights: true }).dataset;
    expect(Array.from(c.rating)).toEqual([1, Math.fround(1 + Math.log(10))]);
    const ratings = cleanDataset(dataset([[0, 0, 4, 0]]), { ...DEFAULT_CLEAN, logWeights: true });
    expect(Array.from(ratings.dataset.rating)).toEqual([4]);
  });
});
