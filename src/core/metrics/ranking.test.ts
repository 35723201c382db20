import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../util/random';
import { RankingAccumulator, groupByUser, groupUserItems, topK, userAuc } from './ranking';

const i32 = (...v: number[]): Int32Array => Int32Array.from(v);
const f32 = (...v: number[]): Float32Array => Float32Array.from(v);
const L2 = 1 / Math.log2(3); // discount at position 1
const L3 = 1 / Math.log2(4); // discount at position 2 (= 0.5)

describe('groupByUser', () => {
  it('builds CSR lists, sorted and without repeats', () => {
    const g = groupByUser(i32(1, 0, 1, 2, 1, 0, 1), i32(5, 3, 2, 4, 5, 0, 1), 4);
    expect([...g.offsets]).toEqual([0, 2, 5, 6, 6]);
    expect([...g.items]).toEqual([0, 3, 1, 2, 5, 4]);
  });

  it('rejects bad input', () => {
    expect(() => groupByUser(i32(0, 1), i32(0), 2)).toThrow(/1 items for 2 users/);
    expect(() => groupByUser(i32(0, 2), i32(0, 1), 2)).toThrow(/user 2, outside 0..1/);
    expect(() => groupByUser(i32(0), i32(-1), 1)).toThrow(/negative item/);
  });

  it('groups several row sets at once, for the kept users only, through an item map', () => {
    const a = { user: i32(1, 0, 1, 2), item: i32(5, 3, 2, 4) };
    const b = { user: i32(1, 0, 1), item: i32(5, 0, 1) };
    const all = groupUserItems([a, b], 4);
    const joined = groupByUser(i32(1, 0, 1, 2, 1, 0, 1), i32(5, 3, 2, 4, 5, 0, 1), 4);
    expect([...all.offsets]).toEqual([...joined.offsets]);
    expect([...all.items]).toEqual([...joined.items]);
    // Users 1 and 2 kept; item 5 dropped and the others renumbered (0->0, 1->1, 2->2, 3->3, 4->9).
    const position = i32(0, 1, 2, 3, 9, -1);
    const some = groupUserItems([a, b], 4, Uint8Array.from([0, 1, 1, 0]), position);
    expect([...some.offsets]).toEqual([0, 0, 2, 3, 3]);
    expect([...some.items]).toEqual([1, 2, 9]);
    expect(() => groupUserItems([a, { user: i32(0), item: i32(-2) }], 4)).toThrow(/negative item/);
  });
});

describe('topK', () => {
  const scores = f32(0.1, 0.5, 0.5, 0.9, 0.5, 0.2);

  it('returns the best k, ties by lower index first', () => {
    expect([...topK(scores, 3, null)]).toEqual([3, 1, 2]);
    expect([...topK(scores, 4, null)]).toEqual([3, 1, 2, 4]);
    expect([...topK(scores, 6, null)]).toEqual([3, 1, 2, 4, 5, 0]);
    expect(topK(scores, 0, null).length).toBe(0);
  });

  it('skips the excluded segment, sorted or not, and shortens when few items remain', () => {
    // Only exclude[1..3) = {3, 1} is read; 0 and 2 outside the range stay in.
    const exclude = i32(2, 3, 1, 0);
    expect([...topK(scores, 3, exclude, 1, 3)]).toEqual([2, 4, 5]);
    expect([...topK(scores, 3, i32(1, 3), 0, 2)]).toEqual([2, 4, 5]);
    expect([...topK(scores, 10, i32(0, 1, 2, 3), 0, 4)]).toEqual([4, 5]);
    expect(() => topK(scores, 3, exclude, 2, 5)).toThrow(/range 2..5/);
    expect(() => topK(scores, -1, null)).toThrow(/k must be/);
  });

  it('skips NaN scores', () => {
    expect([...topK(f32(NaN, 1, NaN, 0), 3, null)]).toEqual([1, 3]);
  });

  it('agrees with a full sort on random scores with many ties', () => {
    const random = mulberry32(3);
    for (let trial = 0; trial < 20; trial++) {
      const n = 300;
      const s = Float32Array.from({ length: n }, () => Math.floor(random() * 20));
      const ex = Int32Array.from(
        new Set(Array.from({ length: 40 }, () => Math.floor(random() * n))),
      );
      const k = 1 + Math.floor(random() * 50);
      const excluded = new Set(ex);
      const expected = [...Array(n).keys()]
        .filter((i) => !excluded.has(i))
        .sort((a, b) => s[b] - s[a] || a - b)
        .slice(0, k);
      expect([...topK(s, k, ex, 0, ex.length)]).toEqual(expected);
    }
  });
});

describe('userAuc', () => {
  it('counts ties as 1/2 and ignores training items', () => {
    // Item 0 is a training item; held out: 1 (0.5) and 3 (0.1); negatives: 2, 4, 5 (0.5, 0.3, 0.5).
    // Item 1: tie, win, tie = 2 of 3 pairs; item 3 loses all three. AUC = 2 / 6.
    const scores = f32(0.9, 0.5, 0.5, 0.1, 0.3, 0.5);
    expect(userAuc(scores, i32(1, 3), i32(0), 0, 1)).toBeCloseTo(1 / 3, 12);
    // Without the training exclusion item 0 (0.9) is one more negative both positives lose to.
    expect(userAuc(scores, i32(1, 3), null, 0, 0)).toBeCloseTo(2 / 8, 12);
    // Held-out items in any order, repeats counted once.
    expect(userAuc(scores, i32(3, 1, 3), i32(0), 0, 1)).toBeCloseTo(1 / 3, 12);
  });

  it('is 1 for a perfect ranking, 0 for a reversed one, 1/2 when all scores tie', () => {
    expect(userAuc(f32(3, 2, 1, 0), i32(0, 1), null, 0, 0)).toBe(1);
    expect(userAuc(f32(3, 2, 1, 0), i32(2, 3), null, 0, 0)).toBe(0);
    expect(userAuc(f32(1, 1, 1, 1), i32(0), null, 0, 0)).toBe(0.5);
  });

  it('is NaN with no positives or no negatives', () => {
    expect(userAuc(f32(1, 2), i32(), null, 0, 0)).toBeNaN();
    expect(userAuc(f32(1, 2), i32(0), i32(1), 0, 1)).toBeNaN();
  });

  it('matches the pairwise definition on random data', () => {
    const random = mulberry32(11);
    for (let trial = 0; trial < 20; trial++) {
      const n = 200;
      const s = Float32Array.from({ length: n }, () => Math.floor(random() * 15));
      const role = Array.from({ length: n }, () => Math.floor(random() * 5)); // 0 pos, 1 train
      const rel = Int32Array.from(role.flatMap((r, i) => (r === 0 ? [i] : [])));
      const train = Int32Array.from(role.flatMap((r, i) => (r === 1 ? [i] : [])));
      let wins = 0;
      let pairs = 0;
      for (let p = 0; p < n; p++) {
        if (role[p] !== 0) continue;
        for (let q = 0; q < n; q++) {
          if (role[q] <= 1) continue;
          pairs++;
          wins += s[p] > s[q] ? 1 : s[p] === s[q] ? 0.5 : 0;
        }
      }
      expect(userAuc(s, rel, train, 0, train.length)).toBeCloseTo(wins / pairs, 12);
    }
  });
});

describe('RankingAccumulator', () => {
  // 6 items, k = 3. Per user: ranked top 3, held-out items, and hand-computed metrics.
  //   A: [0,1,2] vs {1,4}:     1 hit at position 1; m = 2.
  //   B: [3,5,0] vs {3}:       1 hit at position 0; m = 1.
  //   C: [2,1,5] vs {0}:       no hit.
  //   D: [4,0,1] vs {}:        skipped (and its item 4 does not count towards coverage).
  //   E: [5,0,1] vs {0,1,2,3}: hits at positions 1 and 2; m = 3.
  function filled(): RankingAccumulator {
    const acc = new RankingAccumulator(3, 6);
    acc.addUser(i32(0, 1, 2), i32(1, 4), 0.5);
    acc.addUser(i32(3, 5, 0), i32(3), 1);
    acc.addUser(i32(2, 1, 5), i32(0));
    acc.addUser(i32(4, 0, 1), i32(), 0.9);
    acc.addUser(i32(5, 0, 1), i32(0, 1, 2, 3), 0.25);
    return acc;
  }

  it('computes every metric as defined', () => {
    const r = filled().result();
    expect(r.k).toBe(3);
    expect(r.users).toBe(4);
    expect(r.precision).toBeCloseTo((1 / 3 + 1 / 3 + 0 + 2 / 3) / 4, 12);
    expect(r.recall).toBeCloseTo((1 / 2 + 1 + 0 + 2 / 3) / 4, 12);
    expect(r.hitRate).toBeCloseTo(3 / 4, 12);
    const ndcgA = L2 / (1 + L2);
    const ndcgE = (L2 + L3) / (1 + L2 + L3);
    expect(r.ndcg).toBeCloseTo((ndcgA + 1 + 0 + ndcgE) / 4, 12);
    expect(r.ndcg).toBeCloseTo(0.479394, 5);
    // A: precision 1/2 at the hit, / 2. E: 1/2 and 2/3 at the hits, / 3.
    expect(r.map).toBeCloseTo((1 / 4 + 1 + 0 + (1 / 2 + 2 / 3) / 3) / 4, 12);
    expect(r.mrr).toBeCloseTo((1 / 2 + 1 + 0 + 1 / 2) / 4, 12);
    // Users A, B, E gave an AUC; C gave none, and D was skipped.
    expect(r.auc).toBeCloseTo((0.5 + 1 + 0.25) / 3, 12);
    // Items 0, 1, 2, 3, 5 appear; 4 only in skipped user D's list.
    expect(r.coverage).toBeCloseTo(5 / 6, 12);
  });

  it('divides precision by k even when fewer items were ranked, and reads only k', () => {
    const acc = new RankingAccumulator(3, 6);
    acc.addUser(i32(2), i32(2));
    const short = acc.result();
    expect(short.precision).toBeCloseTo(1 / 3, 12);
    expect(short.recall).toBe(1);
    expect(short.ndcg).toBe(1);
    const long = new RankingAccumulator(2, 6);
    long.addUser(i32(0, 1, 2, 3), i32(2, 3));
    expect(long.result().precision).toBe(0);
    expect(long.result().coverage).toBeCloseTo(2 / 6, 12);
  });

  it('is NaN before any user, and rejects bad input', () => {
    const r = new RankingAccumulator(5, 10).result();
    expect(r.users).toBe(0);
    expect(r.precision).toBeNaN();
    expect(r.auc).toBeNaN();
    expect(r.coverage).toBe(0);
    const acc = new RankingAccumulator(3, 6);
    expect(() => acc.addUser(i32(0, 1, 2), i32(3, 1))).toThrow(/ascending/);
    expect(() => acc.addUser(i32(0, 6, 2), i32(1))).toThrow(/ranked item 6/);
    expect(() => new RankingAccumulator(0, 6)).toThrow(/k must be/);
  });

  it('scores a whole evaluation pass end to end', () => {
    // 2 users, 6 items; user 0 trained on {0}, held out {2, 4}; user 1 trained on {1, 3}, held out {5}.
    const scores = [f32(0.9, 0.1, 0.8, 0.2, 0.3, 0.7), f32(0.5, 0.9, 0.1, 0.8, 0.2, 0.4)];
    const train = groupByUser(i32(0, 1, 1), i32(0, 1, 3), 2);
    const test = groupByUser(i32(0, 0, 1), i32(4, 2, 5), 2);
    const acc = new RankingAccumulator(2, 6);
    for (let u = 0; u < 2; u++) {
      const [a, b] = [train.offsets[u], train.offsets[u + 1]];
      const relevant = test.items.subarray(test.offsets[u], test.offsets[u + 1]);
      const ranked = topK(scores[u], 2, train.items, a, b);
      acc.addUser(ranked, relevant, userAuc(scores[u], relevant, train.items, a, b));
    }
    // User 0 ranks [2, 5]: 1 hit at 0; AUC: 2 (0.8) beats 1, 3, 5; 4 (0.3) beats 1, 3 -> 5/6.
    // User 1 ranks [0, 5]: 1 hit at 1; AUC: 5 (0.4) beats 2, 4, loses to 0 -> 2/3.
    const r = acc.result();
    expect(r.precision).toBeCloseTo(1 / 2, 12);
    expect(r.recall).toBeCloseTo((1 / 2 + 1) / 2, 12);
    expect(r.mrr).toBeCloseTo((1 + 1 / 2) / 2, 12);
    expect(r.auc).toBeCloseTo((5 / 6 + 2 / 3) / 2, 12);
    expect(r.coverage).toBeCloseTo(3 / 6, 12);
  });
});
