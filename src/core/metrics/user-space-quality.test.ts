import { describe, expect, it } from 'vitest';
import { buildIncidence, coOccurrenceNeighbours } from './item-knn';
import { transposeIncidence, userReference, userSpaceQuality } from './user-space-quality';

/**
 * Planted data: 120 users in 4 taste groups (u % 4); user u interacts with 10 of its group's 25
 * items (item g*25 + (7u + 3t) % 25, t < 10). Users 120..123 are rare: four interactions
 * each, with items 0, 3, 6 and 9, which user 0 has too (so they are among its nearest).
 */
function planted() {
  const users: number[] = [];
  const items: number[] = [];
  for (let u = 0; u < 120; u++)
    for (let t = 0; t < 10; t++) {
      users.push(u);
      items.push((u % 4) * 25 + ((7 * u + 3 * t) % 25));
    }
  for (let r = 0; r < 4; r++)
    for (const i of [0, 3, 6, 9]) {
      users.push(120 + r);
      items.push(i);
    }
  return buildIncidence(Int32Array.from(users), Int32Array.from(items), 124, 100);
}

/** Each user's binary row of the incidence: its cosine is exactly UserKNN's similarity. */
function incidenceRows(inc: ReturnType<typeof planted>): Float32Array {
  const v = new Float32Array(inc.nUsers * inc.nItems);
  for (let u = 0; u < inc.nUsers; u++)
    for (let p = inc.userOffsets[u]; p < inc.userOffsets[u + 1]; p++)
      v[u * inc.nItems + inc.userItems[p]] = 1;
  return v;
}

describe('user space quality', () => {
  it('transposes the incidence so UserKNN is ItemKNN on the other side', () => {
    const inc = planted();
    const t = transposeIncidence(inc);
    expect(t.nItems).toBe(124);
    expect(t.itemSupport).toBe(inc.userSupport);
    // User 0 (group 0) co-occurs only with group-0 users (and the rare users).
    const near = coOccurrenceNeighbours(t, 0, 10);
    expect(near.index).toHaveLength(10);
    for (const v of near.index) expect(v >= 120 || v % 4 === 0).toBe(true);
  });

  it('scores 1 for a map whose user cosine is the co-occurrence cosine', () => {
    const inc = planted();
    const vectors = incidenceRows(inc);
    const q = userSpaceQuality({
      vectors,
      dim: inc.nItems,
      inc,
      metric: 'cosine',
      k: 10,
      minSupport: 1,
      evalSupport: 10,
    });
    expect(q.users).toBe(120);
    expect(q.coOccurrenceOverlap).toBeCloseTo(1, 9);
    // The same lists, so the same rare users in them: counted from UserKNN's lists.
    const ref = userReference(inc, 10, 1, 10);
    let rare = 0;
    let listed = 0;
    for (const v of ref.lists)
      if (v >= 0) {
        listed++;
        if (inc.userSupport[v] < 5) rare++;
      }
    expect(rare).toBeGreaterThan(0);
    expect(q.lowSupportShare).toBeCloseTo(rare / listed, 9);
    // Minimum support 5 keeps the rare users out of both lists.
    const filtered = userSpaceQuality({
      vectors,
      dim: inc.nItems,
      inc,
      metric: 'cosine',
      k: 10,
      minSupport: 5,
      evalSupport: 10,
    });
    expect(filtered.lowSupportShare).toBe(0);
    expect(filtered.coOccurrenceOverlap).toBeCloseTo(1, 9);
  });

  it('scores low for a map that mixes the taste groups', () => {
    const inc = planted();
    // Users point by floor(u / 4) % 4: each direction holds users of all four groups.
    const vectors = new Float32Array(inc.nUsers * 4);
    for (let u = 0; u < inc.nUsers; u++) vectors[u * 4 + (Math.floor(u / 4) % 4)] = 1 + u / 1000;
    const q = userSpaceQuality({
      vectors,
      dim: 4,
      inc,
      metric: 'cosine',
      k: 10,
      minSupport: 5,
      evalSupport: 10,
    });
    expect(q.coOccurrenceOverlap).toBeLessThan(0.25);
  });

  it('measures nobody when no user has enough support, and refuses a short table', () => {
    const inc = planted();
    const q = userSpaceQuality({
      vectors: incidenceRows(inc),
      dim: inc.nItems,
      inc,
      metric: 'cosine',
      k: 10,
      minSupport: 1,
    });
    expect(q.users).toBe(0);
    expect(q.coOccurrenceOverlap).toBeNaN();
    expect(() =>
      userSpaceQuality({
        vectors: new Float32Array(3),
        dim: 2,
        inc,
        metric: 'cosine',
        k: 10,
        minSupport: 1,
      }),
    ).toThrow(/124x2/);
  });
});
