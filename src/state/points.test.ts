import { describe, expect, it } from 'vitest';
import { countRowsInSlices, popularity, projectionInput } from './points';
import { tinyDataset, tinySnapshot } from './test-fixtures';

describe('popularity', () => {
  it('counts each point once per row, and a second ask of the same data set costs no pass', () => {
    const d = tinyDataset();
    const space = { items: 4, users: 3, features: 0 };
    const counts = popularity(d, space);
    // Items 0..3 then users 0..2 (user 0 rated items 0 and 1, user 1 items 1 and 2, user 2 item 3).
    expect(Array.from(counts)).toEqual([1, 2, 1, 1, 2, 2, 1]);
    expect(popularity(d, space)).toBe(counts);
    // Another space (or data set) is counted afresh.
    expect(popularity(d, { ...space, features: 1 })).not.toBe(counts);
    expect(popularity(tinyDataset(), space)).not.toBe(counts);
    expect(Array.from(popularity(tinyDataset(), space))).toEqual(Array.from(counts));
  });

  it('reads the counts a sliced count made, without a pass of its own', async () => {
    const d = tinyDataset();
    let pauses = 0;
    await countRowsInSlices(d, async () => void pauses++, 2);
    expect(pauses).toBe(Math.ceil(d.user.length / 2));
    // The rows are not read again: emptied, they would count nothing.
    d.user.fill(0);
    d.item.fill(0);
    const counts = popularity(d, { items: 4, users: 3, features: 0 });
    expect(Array.from(counts)).toEqual([1, 2, 1, 1, 2, 2, 1]);
  });
});

describe('projectionInput', () => {
  it('lays the rows out in point order, or only the points asked for, in their order', () => {
    const s = tinySnapshot(1, 2);
    const space = { items: 4, users: 3, features: 0 };
    const all = projectionInput(s, space);
    expect(Array.from(all)).toEqual([...s.itemFactors, ...s.userFactors]);
    const rows = (points: number[]) => points.flatMap((p) => [...all.subarray(p * 2, p * 2 + 2)]);
    for (const points of [[0, 3, 4, 6], [6, 1], []])
      expect(Array.from(projectionInput(s, space, Int32Array.from(points)))).toEqual(rows(points));
  });
});
