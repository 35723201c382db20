import { describe, expect, it } from 'vitest';
import type { EmbeddingSnapshot } from '../data/types';
import { mulberry32, normalArray } from '../util/random';
import {
  cholesky,
  choleskySolve,
  foldInUser,
  itemGramian,
  recommendFolded,
  type MarkedItem,
} from './fold-in';
import { foldInItem, likeliestUsers, nearestToNewItem } from './fold-in-item';
import { placeByNeighbours } from '../projection/place';
import { foldInPairwise, negativeSample } from './fold-in-pairwise';

const DIM = 8;
const PER_CLUSTER = 30;
const CLUSTERS = 3;

/**
 * Items in three planted clusters: cluster c's items are its random centre plus noise, with
 * biases drawn at random; users sit on the centres (user u on centre u % 3); feature rows: 0 is
 * centre 0, 1 is centre 1, 2 is half of centre 1 plus a fifth of centre 2 (the new-item case).
 */
function planted(seed = 1): EmbeddingSnapshot {
  const random = mulberry32(seed);
  const items = PER_CLUSTER * CLUSTERS;
  const centres = normalArray(CLUSTERS * DIM, 1, random);
  const centre = (c: number) => centres.subarray(c * DIM, (c + 1) * DIM);
  const noise = normalArray(items * DIM, 0.3, random);
  const itemFactors = new Float32Array(items * DIM);
  for (let i = 0; i < items; i++)
    for (let a = 0; a < DIM; a++)
      itemFactors[i * DIM + a] = centre(Math.floor(i / PER_CLUSTER))[a] + noise[i * DIM + a];
  const users = 12;
  const userFactors = new Float32Array(users * DIM);
  for (let u = 0; u < users; u++) userFactors.set(centre(u % CLUSTERS), u * DIM);
  const itemFeatureFactors = new Float32Array(3 * DIM);
  itemFeatureFactors.set(centre(0), 0);
  itemFeatureFactors.set(centre(1), DIM);
  for (let a = 0; a < DIM; a++)
    itemFeatureFactors[2 * DIM + a] = 0.5 * centre(1)[a] + 0.2 * centre(2)[a];
  return {
    epoch: 1,
    dim: DIM,
    userFactors,
    itemFactors,
    userBias: Float32Array.from({ length: users }, (_, u) => (u === 4 ? 0.3 : 0)),
    itemBias: Float32Array.from(normalArray(items, 0.05, random)),
    globalBias: 3.5,
    itemFeatureFactors,
  };
}

const cluster = (i: number) => Math.floor(i / PER_CLUSTER);

/** Gaussian elimination with partial pivoting on the dense system: the naive reference. */
function naiveSolve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    [m[c], m[p]] = [m[p], m[c]];
    for (let r = c + 1; r < n; r++) {
      const f = m[r][c] / m[c][c];
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r][n];
    for (let k = r + 1; k < n; k++) s -= m[r][k] * x[k];
    x[r] = s / m[r][r];
  }
  return x;
}

describe('foldInUser', () => {
  it('explicit: matches the normal equations of the ridge on [q; 1]', () => {
    const s = planted();
    const marked: MarkedItem[] = [
      { item: 3, rating: 5 },
      { item: 40, rating: 1.5 },
      { item: 41, rating: 2 },
      { item: 70, rating: 4 },
    ];
    const l2 = 0.15;
    const got = foldInUser(s, marked, { feedback: 'explicit', l2 });
    const n = DIM + 1;
    const a = Array.from({ length: n }, (_, i) =>
      Array.from({ length: n }, (_, j) => (i === j ? l2 : 0)),
    );
    const b = new Array<number>(n).fill(0);
    for (const { item, rating } of marked) {
      const z = [...s.itemFactors.subarray(item * DIM, (item + 1) * DIM), 1];
      const t = rating! - s.globalBias - s.itemBias[item];
      for (let i = 0; i < n; i++) {
        b[i] += t * z[i];
        for (let j = 0; j < n; j++) a[i][j] += z[i] * z[j];
      }
    }
    const want = naiveSolve(a, b);
    for (let i = 0; i < DIM; i++) expect(got.vector[i]).toBeCloseTo(want[i], 5);
    expect(got.bias).toBeCloseTo(want[DIM], 5);
  });

  it('implicit: matches the implicit-ALS normal equations', () => {
    const s = planted();
    const liked = [31, 33, 50];
    const [l2, alpha] = [0.01, 40];
    const got = foldInUser(
      s,
      liked.map((item) => ({ item })),
      { feedback: 'implicit', l2, alpha, gram: itemGramian(s) },
    );
    const items = s.itemBias.length;
    const a = Array.from({ length: DIM }, (_, i) =>
      Array.from({ length: DIM }, (_, j) => (i === j ? l2 : 0)),
    );
    const b = new Array<number>(DIM).fill(0);
    for (let it = 0; it < items; it++) {
      const q = s.itemFactors.subarray(it * DIM, (it + 1) * DIM);
      const c = liked.includes(it) ? 1 + alpha : 1;
      for (let i = 0; i < DIM; i++) {
        if (liked.includes(it)) b[i] += c * q[i];
        for (let j = 0; j < DIM; j++) a[i][j] += c * q[i] * q[j];
      }
    }
    const want = naiveSolve(a, b);
    for (let i = 0; i < DIM; i++) expect(got.vector[i]).toBeCloseTo(want[i], 4);
    expect(got.bias).toBe(0);
  });

  it('the parts add up to the vector and bias', () => {
    const s = planted();
    const got = foldInUser(
      s,
      [
        { item: 1, rating: 4 },
        { item: 65, rating: 2 },
      ],
      { feedback: 'explicit', l2: 0.1 },
    );
    for (let i = 0; i <= DIM; i++) {
      const sum = got.parts[i] + got.parts[DIM + 1 + i];
      expect(sum).toBeCloseTo(i < DIM ? got.vector[i] : got.bias, 5);
    }
  });

  it('says what is wrong with bad input', () => {
    const s = planted();
    expect(() => foldInUser(s, [{ item: 1 }], { feedback: 'explicit', l2: 0.1 })).toThrow(
      /no rating/,
    );
    expect(() => foldInUser(s, [{ item: 1 }], { feedback: 'implicit', l2: 0.1 })).toThrow(
      /Gramian/,
    );
    expect(foldInUser(s, [], { feedback: 'explicit', l2: 0.1 }).vector.every((v) => v === 0)).toBe(
      true,
    );
  });
});

describe('recommendFolded', () => {
  for (const feedback of ['implicit', 'explicit'] as const) {
    it(`${feedback}: a user who likes a planted cluster gets that cluster, never a marked item`, () => {
      const s = planted();
      const marked = [30, 35, 42, 47].map((item) => ({ item, rating: 5 }));
      const user = foldInUser(s, marked, {
        feedback,
        l2: feedback === 'explicit' ? 0.15 : 0.01,
        gram: itemGramian(s),
      });
      const exclude = new Set(marked.map((m) => m.item));
      const recs = recommendFolded(s, user, exclude, 10);
      expect(recs).toHaveLength(10);
      for (const r of recs) {
        expect(cluster(r.index)).toBe(1);
        expect(exclude.has(r.index)).toBe(false);
        // Every reason is a marked item of the same cluster that adds to the score.
        expect(r.because.length).toBeGreaterThan(0);
        for (const b of r.because) expect(b.share).toBeGreaterThan(0);
      }
      // Scores come best first and are the model's own: mu + b_u + b_i + p . q_i.
      for (let k = 1; k < recs.length; k++)
        expect(recs[k].score).toBeLessThanOrEqual(recs[k - 1].score);
      const i = recs[0].index;
      let dot = 0;
      for (let a = 0; a < DIM; a++) dot += user.vector[a] * s.itemFactors[i * DIM + a];
      expect(recs[0].score).toBeCloseTo(s.globalBias + user.bias + s.itemBias[i] + dot, 4);
    });
  }

  it('the reasons are the exact shares of the user part of the score', () => {
    const s = planted();
    const marked = [
      { item: 2, rating: 5 },
      { item: 61, rating: 4.5 },
    ];
    const user = foldInUser(s, marked, { feedback: 'explicit', l2: 0.15 });
    const [top] = recommendFolded(s, user, new Set([2, 61]), 1, 5);
    let shares = 0;
    for (let j = 0; j < marked.length; j++) {
      let share = user.parts[j * (DIM + 1) + DIM];
      for (let a = 0; a < DIM; a++)
        share += user.parts[j * (DIM + 1) + a] * s.itemFactors[top.index * DIM + a];
      shares += share;
    }
    expect(top.score).toBeCloseTo(s.globalBias + s.itemBias[top.index] + shares, 4);
  });
});

describe('cholesky', () => {
  it('solves a symmetric positive-definite system', () => {
    const a = Float64Array.from([4, 2, 0.4, 2, 3, 0.5, 0.4, 0.5, 2]);
    const x = choleskySolve(cholesky(a, 3), 3, [1, 2, 3]);
    const want = naiveSolve(
      [
        [4, 2, 0.4],
        [2, 3, 0.5],
        [0.4, 0.5, 2],
      ],
      [1, 2, 3],
    );
    x.forEach((v, i) => expect(v).toBeCloseTo(want[i], 10));
    expect(() => cholesky(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(/positive definite/);
  });
});

describe('new item from features', () => {
  it('sums its features and finds their cluster and users', () => {
    const s = planted();
    const v = foldInItem(s, [1, 2]);
    const f = s.itemFeatureFactors!;
    for (let a = 0; a < DIM; a++) expect(v[a]).toBeCloseTo(f[DIM + a] + f[2 * DIM + a], 5);
    const near = nearestToNewItem(s, v, [1, 2], 5);
    for (const r of near) expect(cluster(r.index)).toBe(1);
    expect(near[0].because[0].feature).toBe(1);
    const users = likeliestUsers(s, v, 4);
    for (const u of users) expect(u.index % CLUSTERS).toBe(1);
    expect(users[0].index).toBe(4); // the one with a bias
    expect(() => foldInItem(s, [7])).toThrow(/no item feature 7/);
    expect(() => foldInItem({ ...s, itemFeatureFactors: undefined }, [0])).toThrow(/feature/);
  });
});

describe('placeByNeighbours', () => {
  it('lands among the laid-out points nearest the vector', () => {
    const s = planted();
    const items = s.itemBias.length;
    // A 2D layout: cluster c around (10 c, 0).
    const coords = new Float32Array(items * 2);
    for (let i = 0; i < items; i++) {
      coords[i * 2] = 10 * cluster(i) + (i % 3) * 0.1;
      coords[i * 2 + 1] = (i % 5) * 0.1;
    }
    const user = foldInUser(
      s,
      [
        { item: 65, rating: 5 },
        { item: 70, rating: 5 },
      ],
      { feedback: 'explicit', l2: 0.15 },
    );
    const at = placeByNeighbours(s.itemFactors, coords, items, DIM, 2, user.vector)!;
    expect(at[0]).toBeGreaterThan(19.5);
    expect(at[0]).toBeLessThan(20.5);
    // Points left out of the layout are never used.
    const elsewhere = placeByNeighbours(
      s.itemFactors,
      coords,
      items,
      DIM,
      2,
      user.vector,
      (i) => cluster(i) !== 2,
    )!;
    expect(elsewhere[0]).toBeLessThan(10.5);
    expect(placeByNeighbours(s.itemFactors, coords, items, DIM, 2, new Float32Array(DIM))).toBe(
      null,
    );
  });
});

describe('foldInPairwise', () => {
  it('reaches the optimum of the BPR objective, and its parts add up to the user', () => {
    const s = planted();
    const liked = [31, 33, 50];
    const negatives = negativeSample(s.itemBias.length, 40);
    const l2 = 0.01;
    const user = foldInPairwise(s, liked, l2, negatives);
    expect(user.gradientNorm).toBeLessThan(1e-6);
    // The objective, by a plain sum over the pairs: no nearby point is lower.
    const f = (u: ArrayLike<number>) => {
      const score = (i: number) => {
        let x = s.itemBias[i];
        for (let a = 0; a < DIM; a++) x += u[a] * s.itemFactors[i * DIM + a];
        return x;
      };
      const neg = Array.from(negatives).filter((j) => !liked.includes(j));
      let sum = 0;
      for (const i of liked)
        for (const j of neg) sum += Math.log1p(Math.exp(-(score(i) - score(j))));
      return sum / neg.length + l2 * Array.from(u).reduce((t, v) => t + v * v, 0);
    };
    const best = f(user.vector);
    const random = mulberry32(3);
    for (let t = 0; t < 20; t++) {
      const nudged = Array.from(user.vector, (v) => v + (random() - 0.5) * 0.05);
      expect(f(nudged)).toBeGreaterThan(best);
    }
    for (let a = 0; a < DIM; a++) {
      let sum = 0;
      for (let r = 0; r < liked.length; r++) sum += user.parts[r * (DIM + 1) + a];
      expect(sum).toBeCloseTo(user.vector[a], 5);
    }
  });

  it('a user who likes a planted cluster gets that cluster, never a liked item', () => {
    const s = planted();
    const liked = [60, 64, 71];
    const user = foldInPairwise(s, liked, 0.01, negativeSample(s.itemBias.length));
    const recs = recommendFolded(s, user, new Set(liked), 10);
    for (const r of recs) {
      expect(cluster(r.index)).toBe(2);
      expect(liked).not.toContain(r.index);
      expect(r.because.length).toBeGreaterThan(0);
    }
    expect(() => foldInPairwise(s, liked, 0, negativeSample(90))).toThrow(/L2/);
    expect(foldInPairwise(s, [], 0.01, negativeSample(90)).vector.every((v) => v === 0)).toBe(true);
  });

  it('samples the same negatives every time, without repeats', () => {
    const a = negativeSample(10_000, 1000);
    expect(Array.from(a)).toEqual(Array.from(negativeSample(10_000, 1000)));
    expect(new Set(a).size).toBe(1000);
    expect(Array.from(negativeSample(5, 1000))).toEqual([0, 1, 2, 3, 4]);
  });
});
