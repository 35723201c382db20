import { describe, expect, it } from 'vitest';
import { tf } from '../tf/tfjs';
import { modelContext, noFeatures } from '../training/trainer';
import { DEFAULT_CONFIG, type TrainConfig } from '../training/config';
import { mulberry32 } from '../util/random';
import type { FeatureTable, Interactions } from '../data/types';
import { AutoRec } from './autorec';
import { YouTubeDNN } from './youtube-dnn';
import { encodeUser, foldInForward } from './fold-in-forward';
import { recommendFolded } from './fold-in';

const USERS = 20;
const ITEMS = 30;

/** Each user has 5 random items, rated 1..5 (explicit) or 1. */
function rows(explicit: boolean): Interactions {
  const random = mulberry32(5);
  const user: number[] = [];
  const item: number[] = [];
  const rating: number[] = [];
  for (let u = 0; u < USERS; u++) {
    const picks = new Set<number>();
    while (picks.size < 5) picks.add(Math.floor(random() * ITEMS));
    for (const i of picks) {
      user.push(u);
      item.push(i);
      rating.push(explicit ? 1 + Math.floor(random() * 5) : 1);
    }
  }
  return {
    user: Int32Array.from(user),
    item: Int32Array.from(item),
    rating: Float32Array.from(rating),
  };
}

function context(explicit: boolean, userFeatures?: FeatureTable) {
  const train = rows(explicit);
  const config: TrainConfig = {
    ...DEFAULT_CONFIG,
    feedback: explicit ? 'explicit' : 'implicit',
    dim: 6,
    hidden: 10,
  };
  const features = noFeatures(USERS, ITEMS);
  if (userFeatures) features.userFeatures = userFeatures;
  const data = {
    users: USERS,
    items: ITEMS,
    train,
    test: train,
    ratingMin: 1,
    ratingMax: 5,
    ...features,
  };
  return { ctx: modelContext(data, config), train };
}

/** User u's marks as the training row holds them. */
function marksOf(train: Interactions, u: number) {
  const out: { item: number; rating: number }[] = [];
  train.user.forEach(
    (v, k) => v === u && out.push({ item: train.item[k], rating: train.rating[k] }),
  );
  return out;
}

describe('foldInForward', () => {
  const cases = [
    ['autorec explicit', true, (c: ReturnType<typeof context>['ctx']) => new AutoRec(c)],
    ['autorec implicit', false, (c: ReturnType<typeof context>['ctx']) => new AutoRec(c)],
    ['youtube-dnn', false, (c: ReturnType<typeof context>['ctx']) => new YouTubeDNN(c)],
  ] as const;
  for (const [name, explicit, make] of cases) {
    it(`${name}: a new user with a training user's items is that user's vector`, async () => {
      const { ctx, train } = context(explicit);
      const model = make(ctx);
      const before = tf.memory().numTensors;
      const s = await model.snapshot(1);
      expect(tf.memory().numTensors).toBe(before);
      expect(s.userEncoder?.kind).toBe(model.name);
      for (const u of [0, 7, 19]) {
        const marks = marksOf(train, u).map((m) => (explicit ? m : { item: m.item }));
        const v = encodeUser(s, s.userEncoder!, marks);
        const want = s.userFactors.subarray(u * s.dim, (u + 1) * s.dim);
        v.forEach((x, a) => expect(x).toBeCloseTo(want[a], 4));
      }
      model.dispose();
    });
  }

  it('youtube-dnn with user features reads only the history half for a new user', async () => {
    const userFeatures: FeatureTable = {
      names: ['a'],
      offsets: Int32Array.from({ length: USERS + 1 }, () => 0),
      values: new Int32Array(0),
    };
    const { ctx, train } = context(false, userFeatures);
    const model = new YouTubeDNN(ctx);
    const s = await model.snapshot(1);
    const marks = marksOf(train, 3).map((m) => ({ item: m.item }));
    const v = encodeUser(s, s.userEncoder!, marks);
    v.forEach((x, a) => expect(x).toBeCloseTo(s.userFactors[3 * s.dim + a], 4));
    model.dispose();
  });

  it('recommends unmarked items with leave-one-out reasons', async () => {
    const { ctx } = context(false);
    const model = new AutoRec(ctx);
    const s = await model.snapshot(1);
    const marks = [{ item: 2 }, { item: 9 }, { item: 11 }];
    const user = foldInForward(s, s.userEncoder!, marks);
    const recs = recommendFolded(s, user, new Set([2, 9, 11]), 10);
    expect(recs).toHaveLength(10);
    for (const r of recs) expect([2, 9, 11]).not.toContain(r.index);
    // A reason's share is the score's drop when that item leaves the row.
    const top = recs[0];
    for (const b of top.because) {
      const without = marks.filter((_, k) => k !== b.marked);
      const w = encodeUser(s, s.userEncoder!, without);
      let drop = 0;
      for (let a = 0; a < s.dim; a++)
        drop += (user.vector[a] - w[a]) * s.itemFactors[top.index * s.dim + a];
      expect(b.share).toBeCloseTo(drop, 5);
    }
    expect(() => encodeUser(s, s.userEncoder!, [{ item: ITEMS }])).toThrow(/no item 30/);
    model.dispose();
  });
});
