import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildInteractions } from '../data/build';
import { randomSplit, take } from '../data/split';
import { tf } from '../tf/tfjs';
import { mulberry32 } from '../util/random';
import {
  EvaluationCancelledError,
  evaluateRanking,
  factorScorer,
  popularityScorer,
} from './evaluate-ranking';
import type { RankingReport, ScoreBlock } from './evaluate-ranking';
import { groupByUser } from './ranking';
import type { UserItems } from './ranking';

const i32 = (...v: number[]): Int32Array => Int32Array.from(v);
const L2 = 1 / Math.log2(3); // discount at position 1
const L3 = 1 / Math.log2(4); // discount at position 2 (= 0.5)
const L4 = 1 / Math.log2(5); // discount at position 3

/** CSR lists from one array of items per user. */
const lists = (perUser: number[][]): UserItems => {
  const user: number[] = [];
  const item: number[] = [];
  perUser.forEach((own, u) => own.forEach((i) => (user.push(u), item.push(i))));
  return groupByUser(Int32Array.from(user), Int32Array.from(item), perUser.length);
};

/**
 * 4 users x 6 items. Item factors are the identity, so a user's scores are their factor row plus
 * the item bias [0, .1, .2, .3, .4, .5]. Both tensors carry a spare last row (as an
 * EmbeddingTable's weights do) that would rank first, and break the shapes, were it read.
 *
 * u0: scores [5, 4.1, 3.2, 2.3, 1.4, .5]; train {0}, test {1, 3} -> ranked 1 2 3 4 5
 * u1: scores [0, .1, .2, .3, .4, 9.5];   train {4, 5}, test {0} -> ranked 3 2 1 0
 * u2: no test items: skipped
 * u3: scores [0, .1, 9.2, .3, .4, .5];   train {}, test {2}     -> ranked 2 5 4 3 1 0
 */
const planted = () => {
  const items = 6;
  const userRows = [
    [5, 4, 3, 2, 1, 0],
    [0, 0, 0, 0, 0, 9],
    [1, 1, 1, 1, 1, 1],
    [0, 0, 9, 0, 0, 0],
  ];
  const eye = Array.from({ length: items + 1 }, (_, r) =>
    Array.from({ length: items }, (_, c) => (r === c || r === items ? 1 : 0)),
  );
  return {
    users: 4,
    items,
    train: lists([[0], [5, 4], [1], []]),
    test: lists([[3, 1], [0], [], [2]]),
    userFactors: tf.tensor2d(userRows),
    itemFactors: tf.tensor2d(eye),
    // [items + 1, 1], as an EmbeddingTable of dim 1 stores it; the spare row is huge.
    itemBias: tf.tensor2d([0, 0.1, 0.2, 0.3, 0.4, 0.5, 100], [items + 1, 1]),
  };
};

describe('evaluateRanking on a planted example', () => {
  let p: ReturnType<typeof planted>;
  let score: ScoreBlock;
  beforeAll(() => {
    p = planted();
    score = factorScorer(p.userFactors, p.itemFactors, p.itemBias, p.items);
  });
  afterAll(() => tf.dispose([p.userFactors, p.itemFactors, p.itemBias]));

  const run = (blockUsers?: number): Promise<RankingReport> =>
    evaluateRanking(score, p.train, p.test, p.users, p.items, {
      k: 3,
      recallAt: [1, 2, 4],
      blockUsers,
    });

  it('gives the hand-computed metrics, training items excluded', async () => {
    const r = await run();
    expect(r.k).toBe(3);
    const m = r.metrics;
    expect(m.k).toBe(3);
    expect(m.users).toBe(3);
    // u0 hits at positions 0 and 2 (2 of 2), u1 none in the top 3, u3 at position 0.
    expect(m.precision).toBeCloseTo((2 / 3 + 0 + 1 / 3) / 3, 6);
    expect(m.recall).toBeCloseTo((1 + 0 + 1) / 3, 6);
    expect(m.ndcg).toBeCloseTo(((1 + L3) / (1 + L2) + 0 + 1) / 3, 6);
    expect(m.hitRate).toBeCloseTo(2 / 3, 6);
    expect(m.map).toBeCloseTo(((1 + 2 / 3) / 2 + 0 + 1) / 3, 6);
    expect(m.mrr).toBeCloseTo((1 + 0 + 1) / 3, 6);
    // u0: 4.1 beats {3.2, 1.4, .5}, 2.3 beats {1.4, .5}: 5/6; u1: 0 below .1 .2 .3: 0; u3: 1.
    expect(m.auc).toBeCloseTo((5 / 6 + 0 + 1) / 3, 6);
    // Top-3 lists {1,2,3}, {3,2,1}, {2,5,4}: item 0 (u0's top score, a training item) is absent.
    expect(m.coverage).toBeCloseTo(5 / 6, 6);

    expect(Object.keys(r.at).map(Number)).toEqual([1, 2, 4]);
    const near = (got: Record<string, number>, want: Record<string, number>): void => {
      for (const key of Object.keys(want)) expect(got[key], key).toBeCloseTo(want[key], 6);
    };
    // Were u0's training item 0 ranked, u0 would miss at 1; were u1's, item 0 would be 6th.
    near({ ...r.at[1] }, { precision: 2 / 3, recall: 2 / 3, ndcg: 2 / 3, hitRate: 2 / 3 });
    near(
      { ...r.at[2] },
      { precision: 1 / 3, recall: (0.5 + 0 + 1) / 3, ndcg: (1 / (1 + L2) + 1) / 3, hitRate: 2 / 3 },
    );
    near(
      { ...r.at[4] },
      {
        precision: (0.5 + 0.25 + 0.25) / 3,
        recall: 1,
        ndcg: ((1 + L3) / (1 + L2) + L4 + 1) / 3,
        hitRate: 1,
      },
    );
  });

  it('gives identical numbers whatever the block size', async () => {
    const whole = await run();
    expect(await run(1)).toEqual(whole);
    expect(await run(3)).toEqual(whole);
    expect(await run(100)).toEqual(whole);
  });

  it('skips AUC on request, reports progress per block, and scores only users with test items', async () => {
    const seen: number[][] = [];
    const progress: number[][] = [];
    const spy: ScoreBlock = (users) => (seen.push([...users]), score(users));
    const r = await evaluateRanking(spy, p.train, p.test, p.users, p.items, {
      k: 3,
      blockUsers: 2,
      withAuc: false,
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(r.metrics.auc).toBeNaN();
    expect(Object.keys(r.at).map(Number)).toEqual([10, 20]);
    expect(r.at[10].recall).toBeCloseTo(1, 6);
    expect(seen).toEqual([[0, 1], [3]]);
    expect(progress).toEqual([
      [2, 3],
      [3, 3],
    ]);
  });

  it('leaks no tensor, also when cancelled or given a bad scorer', async () => {
    const before = tf.memory().numTensors;
    await run();
    await run(1);
    expect(tf.memory().numTensors).toBe(before);

    const signal = { cancelled: false };
    const cancelling = evaluateRanking(score, p.train, p.test, p.users, p.items, {
      blockUsers: 1,
      signal,
      onProgress: () => (signal.cancelled = true),
    });
    await expect(cancelling).rejects.toBeInstanceOf(EvaluationCancelledError);

    const narrow: ScoreBlock = (users) => tf.zeros([users.length, p.items - 1]);
    await expect(evaluateRanking(narrow, p.train, p.test, p.users, p.items, {})).rejects.toThrow(
      /shape \[3, 5\] for 3 users and 6 items/,
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects inconsistent input', async () => {
    const ev = (o: Parameters<typeof evaluateRanking>[5], users = p.users, items = p.items) =>
      evaluateRanking(score, p.train, p.test, users, items, o);
    await expect(ev({ k: 0 })).rejects.toThrow(/cut-offs must be positive/);
    await expect(ev({ recallAt: [2.5] })).rejects.toThrow(/cut-offs must be positive/);
    await expect(ev({ blockUsers: 0 })).rejects.toThrow(/blockUsers/);
    await expect(ev({}, 5)).rejects.toThrow(/training lists have 5 offsets for 5 users/);
    await expect(ev({}, p.users, 3)).rejects.toThrow(/training item 4 outside 0..2/);
    expect(() => factorScorer(p.userFactors, p.itemFactors, p.itemBias, 8)).toThrow(/8 items/);
    const narrowItems = tf.zeros([6, 2]) as tf.Tensor2D;
    expect(() => factorScorer(p.userFactors, narrowItems)).toThrow(/6 columns, item factors 2/);
    narrowItems.dispose();
  });
});

describe('factorScorer', () => {
  it('computes U[users] · I^T + item bias over the first `items` rows', async () => {
    const u = tf.tensor2d([
      [1, 2],
      [3, -1],
      [9, 9],
    ]);
    const i = tf.tensor2d([
      [1, 0],
      [0, 1],
      [1, 1],
      [7, 7],
    ]);
    const b = tf.tensor1d([0.5, 0, -0.5, 100]);
    const before = tf.memory().numTensors;
    const s = factorScorer(u, i, b, 3)(i32(1, 0));
    expect(s.shape).toEqual([2, 3]);
    expect(Array.from(await s.data())).toEqual([3.5, -1, 1.5, 1.5, 2, 2.5]);
    s.dispose();
    const noBias = factorScorer(u, i)(i32(2));
    expect(Array.from(await noBias.data())).toEqual([9, 9, 18, 126]);
    noBias.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => factorScorer(u, i)(i32(3))).toThrow(/user 3 outside 0..2/);
    tf.dispose([u, i, b]);
  });
});

describe('popularityScorer', () => {
  it('gives every user the training counts and frees them on dispose', async () => {
    const before = tf.memory().numTensors;
    const pop = popularityScorer(i32(2, 0, 2, 3, 2, 0), 5);
    const s = pop(i32(4, 1));
    expect(Array.from(await s.data())).toEqual([2, 0, 3, 1, 0, 2, 0, 3, 1, 0]);
    s.dispose();
    pop.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => popularityScorer(i32(0, 4), 4)).toThrow(/item 4, outside 0..3/);
  });
});

describe('blocks on random factors', () => {
  it('give identical reports for block sizes 1, 3, 7 and the default', async () => {
    const random = mulberry32(7);
    const users = 40;
    const items = 50;
    const d = 8;
    const rand = (n: number) => Float32Array.from({ length: n }, () => random() * 2 - 1);
    const uf = tf.tensor2d(rand(users * d), [users, d]);
    const itf = tf.tensor2d(rand(items * d), [items, d]);
    const ib = tf.tensor1d(rand(items));
    const rows = 600;
    const user = Int32Array.from({ length: rows }, () => Math.floor(random() * users));
    const item = Int32Array.from({ length: rows }, () => Math.floor(random() * items));
    const split = randomSplit(rows, 0.2, 1);
    const train = groupByUser(take(user, split.train), take(item, split.train), users);
    const test = groupByUser(take(user, split.test), take(item, split.test), users);
    const score = factorScorer(uf, itf, ib);
    const run = (blockUsers?: number) =>
      evaluateRanking(score, train, test, users, items, { k: 5, recallAt: [1, 5, 10], blockUsers });
    const whole = await run();
    expect(whole.metrics.users).toBeGreaterThan(30);
    for (const b of [1, 3, 7]) expect(await run(b)).toEqual(whole);
    tf.dispose([uf, itf, ib]);
  });
});

/** The MovieLens sample, as served by the app, or the shared copy beside the repo. */
const ratingsPath = [
  new URL('../../../public/samples/ml-latest-small/ratings.csv', import.meta.url),
  new URL('../../../../shared/data/ml-latest-small/ratings.csv', import.meta.url),
].find((u) => existsSync(u));

describe.skipIf(!ratingsPath)('reference protocol on ml-latest-small', () => {
  it('popularity on a random 80/20 split matches the reference numbers', async () => {
    const started = performance.now();
    const d = buildInteractions({
      name: 'ratings.csv',
      text: readFileSync(ratingsPath!, 'utf8'),
      delimiter: ',',
      hasHeader: true,
      mapping: { user: 0, item: 1, rating: 2, timestamp: 3 },
      kind: 'explicit',
    });
    const users = d.userIds.length;
    const items = d.itemIds.length;
    const split = randomSplit(d.user.length, 0.2, 42);
    // Every rating is an interaction: no threshold on the held-out ratings.
    const train = groupByUser(take(d.user, split.train), take(d.item, split.train), users);
    const test = groupByUser(take(d.user, split.test), take(d.item, split.test), users);
    const before = tf.memory().numTensors;
    const pop = popularityScorer(take(d.item, split.train), items);
    const r = await evaluateRanking(pop, train, test, users, items, { k: 10, recallAt: [10, 20] });
    pop.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const elapsed = performance.now() - started;

    // Measured: Recall@20 0.1783, NDCG@10 0.1895 (references 0.176, 0.185), 609 of 610 users.
    expect(r.metrics.users).toBe(609);
    expect(Math.abs(r.at[20].recall - 0.176)).toBeLessThan(0.03);
    expect(Math.abs(r.at[10].ndcg - 0.185)).toBeLessThan(0.03);
    expect(r.at[10].recall).toBeCloseTo(r.metrics.recall, 12);
    // Popularity recommends the same few films to everyone.
    expect(r.metrics.coverage).toBeLessThan(0.01);
    expect(r.metrics.auc).toBeGreaterThan(0.85);
    // Typically ~0.4 s; generous for slow CI machines.
    expect(elapsed).toBeLessThan(8000);
  });
});
