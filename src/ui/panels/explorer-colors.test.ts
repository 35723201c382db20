import { describe, expect, it } from 'vitest';
import { colorPoints, metadataColumns, pointShapes, visibility } from './explorer-colors';
import { pointSpace } from '../../state/points';
import type { Dataset } from '../../core/data/types';

/** 3 users, 2 items; items: genres and a tag; users: gender and age columns. */
function dataset(): Dataset {
  return {
    name: 'tiny',
    kind: 'explicit',
    user: Int32Array.from([0, 1, 2]),
    item: Int32Array.from([0, 1, 1]),
    rating: Float32Array.from([5, 3, 4]),
    timestamp: null,
    userIds: ['a', 'b', 'c'],
    itemIds: ['1', '2'],
    itemLabels: ['One', 'Two'],
    itemFeatures: {
      names: ['Sci-Fi', 'Romance', 'tag: dark'],
      offsets: Int32Array.from([0, 2, 3]),
      values: Int32Array.from([0, 2, 1]),
    },
    userFeatures: {
      names: ['gender=F', 'gender=M', 'age=18-24'],
      offsets: Int32Array.from([0, 2, 3, 4]),
      values: Int32Array.from([0, 2, 1, 0]),
    },
    ratingMin: 1,
    ratingMax: 5,
    skippedRows: 0,
    issues: [],
  };
}

describe('metadataColumns', () => {
  it('groups "column=value" features by column, and tags apart from the unnamed column', () => {
    expect(metadataColumns(dataset()).map((c) => [c.key, c.label, c.features])).toEqual([
      ['genre', 'item genre', [0, 1]],
      ['item:tags', 'item tags', [2]],
      ['user:gender', 'user gender', [0, 1]],
      ['user:age', 'user age', [2]],
    ]);
  });
});

describe('colorPoints', () => {
  const d = dataset();
  const space = pointSpace(d, null);
  const colorOf = (c: Float32Array, p: number) => Array.from(c.subarray(p * 3, p * 3 + 3));

  it('colours users by their first value of a column, the most frequent first in the legend', () => {
    const c = colorPoints(d, 'user:gender', space, null);
    // Users a and c are F, b is M (points 2, 3, 4 after the 2 items).
    expect(c.legend.slice(0, 2).map((l) => l.label)).toEqual(['gender=F', 'gender=M']);
    expect(colorOf(c.colors, 2)).toEqual(colorOf(c.colors, 4));
    expect(colorOf(c.colors, 2)).not.toEqual(colorOf(c.colors, 3));
  });

  it('colours by popularity on a gradient with its range, and by palette', () => {
    const c = colorPoints(d, 'popularity', space, null);
    expect(c.gradient).toMatchObject({ label: 'interactions', min: 1 });
    expect(c.gradient!.max).toBeCloseTo(2, 9);
    const a = colorPoints(d, 'kind', space, null, 'default');
    const b = colorPoints(d, 'kind', space, null, 'colorblind');
    expect(a.legend[0].color).not.toBe(b.legend[0].color);
  });

  it('gives each kind its shape and hides the kinds turned off', () => {
    const s = { items: 2, users: 3, features: 2 };
    expect(Array.from(pointShapes(s))).toEqual([0, 0, 1, 1, 1, 2, 2]);
    expect(Array.from(visibility(s, { item: true, user: false, feature: true }))).toEqual([
      1, 1, 0, 0, 0, 1, 1,
    ]);
  });
});
