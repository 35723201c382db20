import { describe, expect, it } from 'vitest';
import { coldStartSplit, randomSplit, temporalSplit } from './split';

/** Train and test are disjoint, ascending, and together hold every row exactly once. */
function expectPartition(train: Int32Array, test: Int32Array, rows: number): void {
  for (const half of [train, test]) {
    for (let j = 1; j < half.length; j++) expect(half[j]).toBeGreaterThan(half[j - 1]);
  }
  const seen = new Uint8Array(rows);
  for (const r of [...train, ...test]) seen[r]++;
  expect(train.length + test.length).toBe(rows);
  expect([...seen].every((c) => c === 1)).toBe(true);
}

describe('temporalSplit', () => {
  // Rows:          0  1  2  3  4  5  6  7  8  9
  const user = Int32Array.from([0, 1, 0, 2, 0, 1, 0, 2, 1, 0]);
  const time = Float64Array.from([5, 1, 9, 3, 2, 7, 9, 4, 3, 1]);

  it('holds out each user’s latest interaction', () => {
    const { train, test } = temporalSplit(user, time, 3, 1);
    // User 0: rows 0,2,4,6,9 at 5,9,2,9,1 -> 2 and 6 tie at 9, the later row (6) wins.
    // User 1: rows 1,5,8 at 1,7,3 -> row 5. User 2: rows 3,7 at 3,4 -> row 7.
    expect([...test]).toEqual([5, 6, 7]);
    expectPartition(train, test, user.length);
  });

  it('holds out the latest n, and leaves users with <= n rows whole in train', () => {
    const { train, test } = temporalSplit(user, time, 3, 2);
    // User 0: rows 2 and 6 (both at 9). User 1: rows 5 (7) and 8 (3). User 2 has only 2 rows.
    expect([...test]).toEqual([2, 5, 6, 8]);
    expect([...train]).toEqual([0, 1, 3, 4, 7, 9]);
    expectPartition(train, test, user.length);
  });

  it('keeps every row of a user with exactly holdOut rows, and holds out nothing for 0', () => {
    expect(temporalSplit(user, time, 3, 5).test.length).toBe(0);
    expect(temporalSplit(user, time, 3, 0).train.length).toBe(user.length);
  });

  it('picks the latest interactions of every user on a larger random log', () => {
    const rows = 2000;
    const users = 50;
    const u = Int32Array.from({ length: rows }, (_, r) => (r * 7919) % users);
    const t = Float64Array.from({ length: rows }, (_, r) => (r * 104729) % 97); // many ties
    const holdOut = 3;
    const { train, test } = temporalSplit(u, t, users, holdOut);
    expectPartition(train, test, rows);
    const isTest = new Uint8Array(rows);
    for (const r of test) isTest[r] = 1;
    const later = (a: number, b: number): boolean => t[a] > t[b] || (t[a] === t[b] && a > b);
    for (let x = 0; x < users; x++) {
      const own = [...Array(rows).keys()].filter((r) => u[r] === x);
      const held = own.filter((r) => isTest[r]);
      expect(held.length).toBe(own.length > holdOut ? holdOut : 0);
      // Every held-out row is later than every training row of the same user.
      for (const h of held) for (const r of own) if (!isTest[r]) expect(later(h, r)).toBe(true);
    }
  });

  it('rejects bad arguments', () => {
    expect(() => temporalSplit(user, new Float64Array(3), 3, 1)).toThrow(/3 timestamps for 10/);
    expect(() => temporalSplit(user, time, 2, 1)).toThrow(/user 2, outside 0..1/);
    expect(() => temporalSplit(user, time, 3, -1)).toThrow(/hold-out/);
    expect(() => temporalSplit(user, time, 3, 1.5)).toThrow(/hold-out/);
    const nan = time.slice();
    nan[4] = NaN;
    expect(() => temporalSplit(user, nan, 3, 1)).toThrow(/row 4 has no timestamp/);
  });
});

describe('coldStartSplit', () => {
  const rows = 5000;
  const entities = 200;
  const item = Int32Array.from({ length: rows }, (_, r) => (r * 31 + (r >> 3)) % entities);

  it('holds out whole entities, with no leakage', () => {
    const { train, test, heldOut } = coldStartSplit(item, entities, 0.2, 7);
    expect(heldOut.length).toBe(40);
    for (let j = 1; j < heldOut.length; j++) expect(heldOut[j]).toBeGreaterThan(heldOut[j - 1]);
    expectPartition(train, test, rows);
    const held = new Set(heldOut);
    for (const r of train) expect(held.has(item[r])).toBe(false);
    for (const r of test) expect(held.has(item[r])).toBe(true);
  });

  it('is reproducible with a seed, and differs between seeds', () => {
    const a = coldStartSplit(item, entities, 0.1, 42);
    const b = coldStartSplit(item, entities, 0.1, 42);
    const c = coldStartSplit(item, entities, 0.1, 43);
    expect([...a.heldOut]).toEqual([...b.heldOut]);
    expect([...a.test]).toEqual([...b.test]);
    expect([...a.heldOut]).not.toEqual([...c.heldOut]);
    expect([...a.test]).not.toEqual([...c.test]);
  });

  it('rounds the number of held-out entities, and holds out nothing at fraction 0', () => {
    expect(coldStartSplit(item, entities, 0.0124, 1).heldOut.length).toBe(2); // 2.48 -> 2
    const none = coldStartSplit(item, entities, 0, 1);
    expect(none.heldOut.length).toBe(0);
    expect(none.train.length).toBe(rows);
  });

  it('rejects bad arguments', () => {
    expect(() => coldStartSplit(item, entities, 1, 1)).toThrow(/fraction must be in \[0, 1\)/);
    expect(() => coldStartSplit(item, entities, NaN, 1)).toThrow(/fraction/);
    expect(() => coldStartSplit(item, 100, 0.1, 1)).toThrow(/outside 0..99/);
    expect(() => coldStartSplit(item, -1, 0.1, 1)).toThrow(/entity count/);
  });
});

describe('k-fold blocks', () => {
  it('random: the folds’ test blocks partition the rows', () => {
    const seen = new Uint8Array(103);
    for (let index = 0; index < 5; index++) {
      const s = randomSplit(103, 0.2, 9, { index, count: 5 });
      expect(s.train.length + s.test.length).toBe(103);
      expect(s.test.length).toBeGreaterThanOrEqual(20);
      for (const r of s.test) seen[r]++;
      const inTest = new Set(s.test);
      expect(Array.from(s.train).some((r) => inTest.has(r))).toBe(false);
    }
    expect(Array.from(seen).every((n) => n === 1)).toBe(true);
    expect(() => randomSplit(10, 0.2, 1, { index: 3, count: 3 })).toThrow(/fold 3 of 3/);
  });

  it('cold-start: each entity is held out in exactly one fold', () => {
    const item = Int32Array.from({ length: 60 }, (_, k) => k % 12);
    const held = new Uint8Array(12);
    for (let index = 0; index < 4; index++) {
      const s = coldStartSplit(item, 12, 0.2, 5, false, { index, count: 4 });
      expect(s.heldOut).toHaveLength(3);
      for (const e of s.heldOut) held[e]++;
    }
    expect(Array.from(held).every((n) => n === 1)).toBe(true);
  });
});
