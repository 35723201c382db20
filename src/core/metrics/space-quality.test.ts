import { describe, expect, it } from 'vitest';
import { buildIncidence, coOccurrenceNeighbours, coOccurrenceTable } from './item-knn';
import { agreementCategories, measuredItems, mostSupported, spaceQuality } from './space-quality';
import { nearest, SHRINK_LAMBDA } from '../projection/neighbours';

/**
 * Planted data: 3 genres of 20 items each; each of 300 users interacts with 12 items of one genre
 * (item g*20 + (u*7 + 3t) % 20), so co-occurrence and genre agree. Items 60..65 are rare: one user
 * each. Vectors: the genre's axis plus a little noise on an axis of the item's own; the rare items
 * sit exactly on genre 0's axis, so cosine ranks them first for every genre-0 item.
 */
function planted() {
  const users: number[] = [];
  const items: number[] = [];
  const nUsers = 300;
  for (let u = 0; u < nUsers; u++) {
    const g = u % 3;
    const seen = new Set<number>();
    for (let t = 0; t < 12; t++) seen.add(g * 20 + ((u * 7 + t * 3) % 20));
    for (const i of seen) {
      users.push(u);
      items.push(i);
    }
  }
  for (let r = 0; r < 6; r++) {
    users.push(r * 3); // genre-0 users
    items.push(60 + r);
  }
  const nItems = 66;
  const dim = 3 + nItems;
  const vectors = new Float32Array(nItems * dim);
  for (let i = 0; i < nItems; i++) {
    vectors[i * dim + (i < 60 ? Math.floor(i / 20) : 0)] = 1;
    if (i < 60) vectors[i * dim + 3 + i] = 0.1;
  }
  const names = ['Action', 'Comedy', 'Drama', 'tag: funny'];
  const offsets = new Int32Array(nItems + 1);
  const values: number[] = [];
  for (let i = 0; i < nItems; i++) {
    values.push(i < 60 ? Math.floor(i / 20) : 0);
    if (i % 2 === 0) values.push(3); // a tag on every other item, across genres
    offsets[i + 1] = values.length;
  }
  const inc = buildIncidence(Int32Array.from(users), Int32Array.from(items), nUsers, nItems);
  return { inc, vectors, dim, features: { names, offsets, values: Int32Array.from(values) } };
}

describe('ItemKNN co-occurrence', () => {
  it('is the cosine of the binary incidence, repeated pairs counted once', () => {
    // Users 0,1 saw items 0 and 1; user 2 saw 1 and 2; user 0 saw item 0 twice.
    const inc = buildIncidence(
      Int32Array.from([0, 0, 1, 1, 2, 2, 0]),
      Int32Array.from([0, 1, 0, 1, 1, 2, 0]),
      3,
      3,
    );
    expect(Array.from(inc.itemSupport)).toEqual([3, 3, 1]);
    expect(Array.from(inc.itemUsers)).toEqual([0, 1, 0, 1, 2, 2]);
    const near = coOccurrenceNeighbours(inc, 1, 5);
    // item 1 (users 0,1,2) with item 0 (users 0,1): 2/sqrt(3*2); with item 2 (user 2): 1/sqrt(3).
    expect(Array.from(near.index)).toEqual([0, 2]);
    expect(near.score[0]).toBeCloseTo(2 / Math.sqrt(6), 6);
    expect(near.score[1]).toBeCloseTo(1 / Math.sqrt(3), 6);
    // Minimum support 2 drops item 2 (one interaction).
    expect(Array.from(coOccurrenceNeighbours(inc, 1, 5, 2).index)).toEqual([0]);
  });

  it("finds an item's own genre on planted data, and a table matches one-by-one queries", () => {
    const { inc } = planted();
    for (const i of [0, 25, 47]) {
      const near = coOccurrenceNeighbours(inc, i, 10);
      expect(near.index).toHaveLength(10);
      for (const j of near.index) expect(Math.floor(j / 20)).toBe(Math.floor(i / 20));
    }
    const table = coOccurrenceTable(inc, Int32Array.from([3, 30]), 10);
    expect(Array.from(table.subarray(0, 10))).toEqual(
      Array.from(coOccurrenceNeighbours(inc, 3, 10).index),
    );
  });
});

describe('agreementCategories', () => {
  it('prefers the genre column over tags', () => {
    const { features } = planted();
    const c = agreementCategories(features)!;
    expect(c.column).toBe('genre');
    expect(Array.from(c.values.subarray(c.offsets[0], c.offsets[1]))).toEqual([0]);
  });
  it('falls back to a named column, then to tags', () => {
    const t = {
      names: ['tag: a', 'decade=1990', 'decade=2000'],
      offsets: Int32Array.from([0, 2, 3]),
      values: Int32Array.from([0, 1, 2]),
    };
    const c = agreementCategories(t)!;
    expect(c.column).toBe('decade');
    expect(Array.from(c.values)).toEqual([1, 2]);
    const tags = agreementCategories({ ...t, names: ['tag: a', 'tag: b', 'tag: c'] })!;
    expect(tags.column).toBe('tags');
    expect(
      agreementCategories({ names: [], offsets: new Int32Array(3), values: new Int32Array(0) }),
    ).toBeNull();
  });
});

describe('spaceQuality', () => {
  it('scores a planted map: genres agree, ItemKNN overlaps, rare neighbours counted', () => {
    const { inc, vectors, dim, features } = planted();
    const categories = agreementCategories(features);
    const q = spaceQuality({
      vectors,
      dim,
      inc,
      categories,
      metric: 'cosine',
      k: 10,
      minSupport: 1,
      evalSupport: 50,
    });
    // Each genre item has 60 users' worth of interactions: 300 users x 12 / 60 items.
    expect(q.items).toBe(60);
    // Genre-0 items list the 6 rare items first, then 4 of their genre; the rare items are
    // genre 0 too, so agreement is 1 everywhere.
    expect(q.genreAgreement).toBeCloseTo(1, 6);
    // Low support: genre-0 items (a third) each list the 6 rare items: 6/10 of a third.
    expect(q.lowSupportShare).toBeCloseTo((20 * 6) / 600, 6);
    // With minimum support 5 the rare items are not listed, and the overlap with ItemKNN rises.
    const filtered = spaceQuality({
      vectors,
      dim,
      inc,
      categories,
      metric: 'cosine',
      k: 10,
      minSupport: 5,
    });
    expect(filtered.lowSupportShare).toBe(0);
    expect(filtered.genreAgreement).toBeCloseTo(1, 6);
    expect(filtered.coOccurrenceOverlap).toBeGreaterThan(q.coOccurrenceOverlap);
    // Shrunk cosine does the same without a filter: support 1 shrinks cosine 1 to 1/(1 + λ).
    const shrunk = spaceQuality({
      vectors,
      dim,
      inc,
      categories,
      metric: 'shrunk-cosine',
      k: 10,
      minSupport: 1,
    });
    expect(shrunk.lowSupportShare).toBe(0);
  });

  it('scores vectors that ignore the genres low', () => {
    const { inc, dim, features } = planted();
    // Item i's vector points by i mod 3: unrelated to its genre (floor(i / 20)) for most items.
    const vectors = new Float32Array(66 * dim); // dim >= 3
    for (let i = 0; i < 66; i++) vectors[i * dim + (i % 3)] = 1 + i / 1000;
    const q = spaceQuality({
      vectors,
      dim,
      inc,
      categories: agreementCategories(features),
      metric: 'cosine',
      k: 10,
      minSupport: 5,
    });
    expect(q.genreAgreement).toBeLessThan(0.5);
    expect(q.coOccurrenceOverlap).toBeLessThan(0.5);
  });

  it('picks the measured items by support', () => {
    const support = Int32Array.from([60, 10, 80, 50, 49]);
    expect(Array.from(measuredItems(support, 50))).toEqual([0, 2, 3]);
    expect(Array.from(measuredItems(support, 50, 2))).toEqual([0, 2]);
    expect(Array.from(mostSupported(support, 2))).toEqual([2, 0]);
  });
});

describe('shrunk cosine', () => {
  it('lists a close point with little support below a slightly farther one with much', () => {
    const vectors = Float32Array.from([1, 0, 0.99, 0.14, 0.9, 0.43]);
    const query = Float32Array.from([1, 0]);
    const support = Int32Array.from([100, 2, 200]);
    const cos = nearest(vectors, 3, 2, query, 2, 'cosine', (i) => i === 0);
    expect(Array.from(cos.index)).toEqual([1, 2]);
    const shrunk = nearest(vectors, 3, 2, query, 2, 'shrunk-cosine', (i) => i === 0, support);
    expect(Array.from(shrunk.index)).toEqual([2, 1]);
    // cos x n / (n + λ)
    const expected = (0.9 / Math.hypot(0.9, 0.43)) * (200 / (200 + SHRINK_LAMBDA));
    expect(shrunk.score[0]).toBeCloseTo(expected, 5);
    expect(() => nearest(vectors, 3, 2, query, 2, 'shrunk-cosine')).toThrow(/support/);
  });
});
