import { describe, expect, it } from 'vitest';
import { randomSplit, take } from '../data/split';
import { tf } from '../tf/tfjs';
import { mulberry32 } from '../util/random';
import {
  MAX_RANKING_SCORES,
  RANKING_SAMPLE_SEED,
  evaluateRanking,
  factorScorer,
  popularityScorer,
  sampleUsers,
} from './evaluate-ranking';
import type { ScoreBlock } from './evaluate-ranking';
import { groupByUser } from './ranking';

const range = (n: number) => Int32Array.from({ length: n }, (_, k) => k);

describe('sampleUsers', () => {
  it('is deterministic in the seed, ascending, distinct, and drawn from the eligible users', () => {
    const eligible = Int32Array.from({ length: 500 }, (_, k) => 3 * k + 1);
    const a = sampleUsers(eligible, 50, 9);
    expect(a).toEqual(sampleUsers(eligible, 50, 9));
    expect(a.length).toBe(50);
    expect(new Set(a).size).toBe(50);
    const allowed = new Set(eligible);
    for (let k = 0; k < a.length; k++) {
      expect(allowed.has(a[k])).toBe(true);
      if (k) expect(a[k]).toBeGreaterThan(a[k - 1]);
    }
    expect(sampleUsers(eligible, 50, 10)).not.toEqual(a);
    // The input is not reordered.
    expect(eligible[0]).toBe(1);
    expect(eligible[499]).toBe(1498);
  });

  it('keeps every user when the sample would hold them all', () => {
    const eligible = range(20);
    expect(sampleUsers(eligible, 20, 1)).toEqual(eligible);
    expect(sampleUsers(eligible, 1000, 1)).toEqual(eligible);
    expect(() => sampleUsers(eligible, -1, 1)).toThrow(/non-negative integer/);
  });

  it('includes each user about equally often over many seeds (uniform)', () => {
    const n = 100;
    const size = 10;
    const seeds = 4000;
    const counts = new Float64Array(n);
    let meanIndex = 0;
    for (let s = 0; s < seeds; s++) {
      const sample = sampleUsers(range(n), size, s);
      for (const u of sample) {
        counts[u]++;
        meanIndex += u;
      }
    }
    // Each user is expected 400 times (binomial sd about 19): all within 5 sd, and the
    // chi-square statistic near its 99 degrees of freedom (a biased draw lands far above).
    const expected = (seeds * size) / n;
    let chi2 = 0;
    for (const c of counts) {
      expect(Math.abs(c - expected)).toBeLessThan(5 * Math.sqrt(expected));
      chi2 += (c - expected) ** 2 / expected;
    }
    expect(chi2).toBeLessThan(150);
    expect(meanIndex / (seeds * size)).toBeCloseTo((n - 1) / 2, 0);
  });
});

/** 1,500 users x 80 items; each user's 12 items drawn by Zipf popularity, 20% held out. */
function generated() {
  const random = mulberry32(3);
  const users = 1500;
  const items = 80;
  const weights = Float64Array.from({ length: items }, (_, i) => 1 / (i + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const draw = () => {
    let x = random() * total;
    for (let i = 0; i < items; i++) if ((x -= weights[i]) <= 0) return i;
    return items - 1;
  };
  const user: number[] = [];
  const item: number[] = [];
  for (let u = 0; u < users; u++) {
    const seen = new Set<number>();
    while (seen.size < 12) seen.add(draw());
    for (const i of seen) {
      user.push(u);
      item.push(i);
    }
  }
  const u32 = Int32Array.from(user);
  const i32 = Int32Array.from(item);
  const split = randomSplit(u32.length, 0.2, 5);
  return {
    users,
    items,
    trainItem: take(i32, split.train),
    train: groupByUser(take(u32, split.train), take(i32, split.train), users),
    test: groupByUser(take(u32, split.test), take(i32, split.test), users),
  };
}

describe('evaluateRanking with a users sample', () => {
  it('is the full evaluation, unchanged, at or below the bound', async () => {
    const g = generated();
    const score = popularityScorer(g.trainItem, g.items);
    const full = await evaluateRanking(score, g.train, g.test, g.users, g.items, {
      maxScores: Infinity,
    });
    const atBound = await evaluateRanking(score, g.train, g.test, g.users, g.items, {
      maxScores: full.usersWithHeldOut * g.items,
    });
    const byDefault = await evaluateRanking(score, g.train, g.test, g.users, g.items);
    score.dispose();
    expect(full.usersEvaluated).toBe(full.usersWithHeldOut);
    expect(full.usersWithHeldOut).toBeGreaterThan(1400);
    expect(full.sampleSeed).toBeNull();
    expect(atBound).toEqual(full);
    expect(g.users * g.items).toBeLessThan(MAX_RANKING_SCORES);
    expect(byDefault).toEqual(full);
  });

  it('scores floor(maxScores / items) users, the same ones every time, and says so', async () => {
    const g = generated();
    const asked: number[][] = [];
    const inner = popularityScorer(g.trainItem, g.items);
    const score: ScoreBlock = (u) => (asked.push([...u]), inner(u));
    const progress: number[] = [];
    const opts = {
      maxScores: 300 * g.items + 79,
      onProgress: (_: number, t: number) => progress.push(t),
    };
    const a = await evaluateRanking(score, g.train, g.test, g.users, g.items, opts);
    const first = asked.flat();
    asked.length = 0;
    const b = await evaluateRanking(score, g.train, g.test, g.users, g.items, opts);
    expect(a.usersEvaluated).toBe(300);
    expect(a.metrics.users).toBe(300);
    expect(a.usersWithHeldOut).toBeGreaterThan(1400);
    expect(a.sampleSeed).toBe(RANKING_SAMPLE_SEED);
    expect(first.length).toBe(300);
    expect(asked.flat()).toEqual(first);
    expect(b).toEqual(a);
    expect(new Set(progress)).toEqual(new Set([300]));
    // Every scored user has held-out items.
    for (const u of first) expect(g.test.offsets[u + 1]).toBeGreaterThan(g.test.offsets[u]);
    // Another seed ranks other users.
    const c = await evaluateRanking(score, g.train, g.test, g.users, g.items, {
      ...opts,
      sampleSeed: 11,
    });
    inner.dispose();
    expect(c.sampleSeed).toBe(11);
    expect(c).not.toEqual(a);
  });

  it('gives metrics close to the full ones on a generated set', async () => {
    const random = mulberry32(21);
    const g = generated();
    const d = 6;
    const rand = (n: number) => Float32Array.from({ length: n }, () => random() * 2 - 1);
    const uf = tf.tensor2d(rand(g.users * d), [g.users, d]);
    const itf = tf.tensor2d(rand(g.items * d), [g.items, d]);
    // Popularity as the item bias, so the metrics are far from both 0 and 1.
    const pop = new Float32Array(g.items);
    for (const i of g.trainItem) pop[i]++;
    const ib = tf.tensor1d(pop.map((c) => Math.log1p(c)));
    const score = factorScorer(uf, itf, ib);
    const full = await evaluateRanking(score, g.train, g.test, g.users, g.items, {
      maxScores: Infinity,
    });
    const sampled = await evaluateRanking(score, g.train, g.test, g.users, g.items, {
      maxScores: 400 * g.items,
    });
    tf.dispose([uf, itf, ib]);
    expect(sampled.usersEvaluated).toBe(400);
    expect(full.at[20].recall).toBeGreaterThan(0.2);
    expect(full.at[20].recall).toBeLessThan(0.9);
    // 400 of about 1,480 users: a standard error of about 0.015 on these means.
    expect(Math.abs(sampled.at[20].recall - full.at[20].recall)).toBeLessThan(0.05);
    expect(Math.abs(sampled.at[10].ndcg - full.at[10].ndcg)).toBeLessThan(0.05);
    expect(Math.abs(sampled.metrics.auc - full.metrics.auc)).toBeLessThan(0.03);
    expect(Math.abs(sampled.metrics.hitRate - full.metrics.hitRate)).toBeLessThan(0.06);
  });

  it('rejects a bound below one user', async () => {
    const g = generated();
    const score = popularityScorer(g.trainItem, g.items);
    await expect(
      evaluateRanking(score, g.train, g.test, g.users, g.items, { maxScores: g.items - 1 }),
    ).rejects.toThrow(/maxScores must be at least/);
    score.dispose();
  });
});
