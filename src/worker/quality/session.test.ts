import { describe, expect, it } from 'vitest';
import { QualitySession } from './session';
import type { QualityResponse } from './protocol';

/**
 * Two taste groups of 60 users; user u interacts with 55 of its group's 60 items (all but
 * (u + t) % 60 for t < 5), so every user and item has >= 50 interactions. Item vectors and user
 * vectors point along their group's axis: a map that agrees with co-occurrence.
 */
function data() {
  const user: number[] = [];
  const item: number[] = [];
  for (let u = 0; u < 120; u++) {
    const g = u % 2;
    for (let i = 0; i < 60; i++) {
      if ((i - u + 600) % 60 < 5) continue;
      user.push(u);
      item.push(g * 60 + i);
    }
  }
  const axis = (n: number, group: (i: number) => number) => {
    const v = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) {
      v[i * 3 + group(i)] = 1;
      v[i * 3 + 2] = i / 1000; // distinct points
    }
    return v;
  };
  return {
    user: Int32Array.from(user),
    item: Int32Array.from(item),
    items: axis(120, (i) => Math.floor(i / 60)),
    users: axis(120, (u) => u % 2),
  };
}

describe('QualitySession', () => {
  it('measures items, and users when user vectors come with the request', () => {
    const d = data();
    const out: QualityResponse[] = [];
    const session = new QualitySession((m) => out.push(m));
    session.handle({
      type: 'data',
      key: 1,
      user: d.user,
      item: d.item,
      nUsers: 120,
      nItems: 120,
      categories: null,
    });
    const measure = { type: 'measure' as const, key: 1, dim: 3, metric: 'cosine' as const };
    session.handle({ ...measure, id: 1, vectors: d.items, k: 5, minSupport: 5 });
    session.handle({
      ...measure,
      id: 2,
      vectors: d.items,
      k: 5,
      minSupport: 5,
      userVectors: d.users,
      userDim: 3,
    });
    // A user table of the wrong size (another data set's model) measures items only.
    session.handle({
      ...measure,
      id: 3,
      vectors: d.items,
      k: 5,
      minSupport: 5,
      userVectors: d.users.subarray(0, 30),
      userDim: 3,
    });
    expect(out.map((m) => m.type)).toEqual(['result', 'result', 'result']);
    const [a, b, c] = out.map((m) => (m.type === 'result' ? m.quality : null));
    expect(a!.users).toBeNull();
    expect(a!.items).toBe(120);
    expect(b!.users!.users).toBe(120);
    // Every listed neighbour is of the user's group, as co-occurrence lists them; the overlap
    // with the exact top 5 of 59 same-group users is above chance (5/59) but need not be 1.
    expect(b!.users!.coOccurrenceOverlap).toBeGreaterThan(5 / 59);
    expect(b!.users!.lowSupportShare).toBe(0);
    expect(c!.users).toBeNull();
  });

  it('refuses a measurement before its data set', () => {
    const out: QualityResponse[] = [];
    const session = new QualitySession((m) => out.push(m));
    session.handle({
      type: 'measure',
      id: 1,
      key: 7,
      vectors: new Float32Array(6),
      dim: 3,
      metric: 'cosine',
      k: 5,
      minSupport: 1,
    });
    expect(out[0]).toMatchObject({ type: 'error', message: /data set/ });
  });
});
