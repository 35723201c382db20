import { describe, expect, it } from 'vitest';
import type { Dataset, EmbeddingSnapshot } from '../core/data/types';
import { entityOf, pointCount, pointOf, pointSpace, projectionInput } from './points';
import { searchPoints } from './search';
import { projectionCsv } from './export';
import { projectorFiles } from './projector-export';
import { describeSelection } from './selection';
import { tinyDataset } from './test-fixtures';

/**
 * The controllers' tiny data set (test-fixtures.ts): 3 users x 4 items with genres. Item 0 is
 * "Alien, The" here (a comma: quoted in CSV).
 */
function dataset(): Dataset {
  return { ...tinyDataset(), itemLabels: ['Alien, The', 'Aliens', 'Amélie', 'Heat'] };
}

/** dim 2: items 0, 1 point along x, item 2 along y, item 3 along -x; users and features chosen. */
function snapshot(withFeatures: boolean): EmbeddingSnapshot {
  return {
    epoch: 1,
    dim: 2,
    itemFactors: Float32Array.from([1, 0, 0.9, 0.1, 0, 1, -1, 0]),
    userFactors: Float32Array.from([0, 1, 1, 0, -1, 0.2]),
    itemBias: Float32Array.from([0, 0, 0, 0]),
    userBias: Float32Array.from([0, 0.5, 0]),
    globalBias: 3,
    ...(withFeatures
      ? {
          itemFeatureFactors: Float32Array.from([1, 0, 0, 1, -1, 0]),
          userFeatureFactors: new Float32Array(0),
        }
      : {}),
  };
}

describe('point space', () => {
  it('lays out items, users, then features when the model embeds them', () => {
    const d = dataset();
    expect(pointSpace(d, snapshot(false))).toEqual({ items: 4, users: 3, features: 0 });
    const p = pointSpace(d, snapshot(true));
    expect(p).toEqual({ items: 4, users: 3, features: 3 });
    expect(pointCount(p)).toBe(10);
    for (const [kind, index] of [
      ['item', 3],
      ['user', 0],
      ['feature', 2],
    ] as const)
      expect(entityOf(p, pointOf(p, kind, index))).toEqual({ kind, index });
    const input = projectionInput(snapshot(true), p);
    expect(input.length).toBe(10 * 2);
    expect(Array.from(input.subarray(14, 16))).toEqual([1, 0]); // the first feature's row
  });
});

describe('searchPoints', () => {
  it('matches titles, ids and genres case-insensitively, and feature names', () => {
    const r = searchPoints(dataset(), 'sci-fi');
    expect(r.matches.map((m) => `${m.kind}:${m.label}`)).toEqual([
      'item:Alien, The',
      'item:Aliens',
      'feature:Sci-Fi',
    ]);
    expect(searchPoints(dataset(), 'user u2').matches).toEqual([
      { kind: 'user', index: 1, label: 'User u2' },
    ]);
  });

  it('reads /pattern/flags as a regular expression and says when one is invalid', () => {
    expect(searchPoints(dataset(), '/^alien/i').matches.map((m) => m.label)).toEqual([
      'Alien, The',
      'Aliens',
    ]);
    const bad = searchPoints(dataset(), '/(/');
    expect(bad.matches).toEqual([]);
    expect(bad.error).toMatch(/not a valid regular expression/);
  });
});

describe('projectionCsv', () => {
  it('writes one quoted row per point with coordinates, interactions and features', () => {
    const d = dataset();
    const p = pointSpace(d, snapshot(true));
    const coords = Float32Array.from({ length: 10 * 2 }, (_, k) => k / 10);
    const lines = projectionCsv(d, p, coords, 2).trimEnd().split('\n');
    expect(lines[0]).toBe('type,id,label,x,y,interactions,features');
    expect(lines).toHaveLength(11);
    expect(lines[1]).toBe('item,10,"Alien, The",0.00000,0.100000,1,Sci-Fi');
    expect(lines[5]).toBe('user,u1,User u1,0.800000,0.900000,2,');
    expect(lines[8]).toBe('feature,Sci-Fi,Sci-Fi,1.40000,1.50000,2,');
    expect(() => projectionCsv(d, p, coords.subarray(2), 2)).toThrow(/points/);
  });
});

describe('describeSelection', () => {
  it('recommends a user unseen items only, each with the history item behind it', () => {
    const s = describeSelection(dataset(), snapshot(false), 'user', 0, { metric: 'cosine', k: 2 });
    // User 0 (0, 1) has seen items 0 and 1: item 2 (along y) scores 1, item 3 scores 0.
    expect(s.recommendations!.map((r) => r.id)).toEqual(['30', '40']);
    expect(s.recommendations![0].because[0]).toMatch(/^you rated Aliens/);
    expect(s.history!.map((h) => h.label)).toEqual(['Alien, The', 'Aliens']);
    expect(s.neighbors).toHaveLength(2);
    expect(s.neighbors.every((n) => n.kind === 'user' && n.index !== 0)).toBe(true);
  });

  it("lists an item's likeliest new users, not those who have seen it", () => {
    const s = describeSelection(dataset(), snapshot(false), 'item', 0, { metric: 'dot', k: 5 });
    // Item 0 was seen by user 0 only; user 1 (1, 0) + bias 0.5 beats user 2 (-1, 0.2).
    expect(s.audience!.map((a) => a.id)).toEqual(['u2', 'u3']);
    expect(s.neighbors[0].id).toBe('20'); // Aliens, by dot product
    expect(s.features).toEqual(['Sci-Fi']);
  });

  it('finds neighbours by euclidean distance, nearest first', () => {
    const s = describeSelection(dataset(), snapshot(false), 'item', 0, {
      metric: 'euclidean',
      k: 3,
    });
    expect(s.neighbors.map((n) => n.id)).toEqual(['20', '30', '40']);
    expect(s.neighbors[0].score).toBeLessThan(s.neighbors[2].score);
  });

  it("gives a feature its nearest items, and the user feature contributions' reasons", () => {
    const f = describeSelection(dataset(), snapshot(true), 'feature', 1, {
      metric: 'cosine',
      k: 1,
    });
    expect(f.relatedItems!.map((r) => r.id)).toEqual(['30']); // Romance points along y, as Amélie
    expect(f.interactions).toBe(1);
    const u = describeSelection(dataset(), snapshot(true), 'user', 0, { metric: 'cosine', k: 1 });
    expect(u.recommendations![0].because.at(-1)).toMatch(/^Romance \(\+1\.00\)/);
  });
});

describe('projectorFiles', () => {
  it("writes TensorBoard projector's vectors, metadata with a header, and a config naming them", () => {
    const d = { ...dataset(), itemLabels: ['Tab\there', 'Aliens', 'Amélie', 'Heat'] };
    const s = snapshot(true);
    const f = Object.fromEntries(
      projectorFiles(d, s, pointSpace(d, s), 'tiny').map((x) => [x.name, x.text]),
    );
    const vectors = f['vectors.tsv'].trimEnd().split('\n');
    expect(vectors).toHaveLength(10);
    expect(vectors[0].split('\t').map(Number)).toEqual([1, 0]);
    expect(vectors[9].split('\t').map(Number)).toEqual([-1, 0]); // the Crime feature
    const meta = f['metadata.tsv'].split('\n').slice(0, -1);
    expect(meta[0]).toBe('type\tid\tlabel\tinteractions\tfeatures');
    expect(meta).toHaveLength(11);
    expect(meta[1]).toBe('item\t10\tTab here\t1\tSci-Fi');
    expect(meta[10]).toBe('feature\tCrime\tCrime\t1\t');
    expect(JSON.parse(f['projector_config.json']).embeddings[0]).toEqual({
      tensorName: 'tiny',
      tensorShape: [10, 2],
      tensorPath: 'vectors.tsv',
      metadataPath: 'metadata.tsv',
    });
  });
});
