import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from './layout-fixtures';
import { recognizeLayout, type KnownLayout } from './layouts';

type Expected = Pick<KnownLayout, 'layout' | 'role' | 'delimiter' | 'hasHeader' | 'kind'> &
  Partial<Pick<KnownLayout, 'mapping' | 'tag'>>;

const RATINGS = { user: 0, item: 1, rating: 2, timestamp: 3 };
const TAGGINGS = { user: 0, item: 1, rating: null, timestamp: 3 };

const EXPECTED: Record<keyof typeof FIXTURES, Expected> = {
  'ratings.csv': {
    layout: 'movielens-ratings.csv',
    role: 'interactions',
    delimiter: ',',
    hasHeader: true,
    kind: 'explicit',
    mapping: RATINGS,
  },
  'u.data': {
    layout: 'movielens-100k-u.data',
    role: 'interactions',
    delimiter: '\t',
    hasHeader: false,
    kind: 'explicit',
    mapping: RATINGS,
  },
  'ratings.dat': {
    layout: 'movielens-ratings.dat',
    role: 'interactions',
    delimiter: '::',
    hasHeader: false,
    kind: 'explicit',
    mapping: RATINGS,
  },
  'user_artists.dat': {
    layout: 'lastfm-user_artists.dat',
    role: 'interactions',
    delimiter: '\t',
    hasHeader: true,
    kind: 'implicit',
    mapping: { user: 0, item: 1, rating: 2, timestamp: null },
  },
  'tags.csv': {
    layout: 'movielens-tags.csv',
    role: 'tags',
    delimiter: ',',
    hasHeader: true,
    kind: 'implicit',
    mapping: TAGGINGS,
    tag: 2,
  },
  'tags.dat': {
    layout: 'movielens-tags.dat',
    role: 'tags',
    delimiter: '::',
    hasHeader: false,
    kind: 'implicit',
    mapping: TAGGINGS,
    tag: 2,
  },
  'movies.csv': {
    layout: 'movielens-movies.csv',
    role: 'item-metadata',
    delimiter: ',',
    hasHeader: true,
    kind: null,
    mapping: null,
  },
  'u.item': {
    layout: 'movielens-100k-u.item',
    role: 'item-metadata',
    delimiter: '|',
    hasHeader: false,
    kind: null,
  },
  'movies.dat': {
    layout: 'movielens-movies.dat',
    role: 'item-metadata',
    delimiter: '::',
    hasHeader: false,
    kind: null,
  },
  'artists.dat': {
    layout: 'lastfm-artists.dat',
    role: 'item-metadata',
    delimiter: '\t',
    hasHeader: true,
    kind: null,
  },
  'u.user': {
    layout: 'movielens-100k-u.user',
    role: 'user-metadata',
    delimiter: '|',
    hasHeader: false,
    kind: null,
  },
  'users.dat': {
    layout: 'movielens-1m-users.dat',
    role: 'user-metadata',
    delimiter: '::',
    hasHeader: false,
    kind: null,
  },
};

const names = Object.keys(FIXTURES) as (keyof typeof FIXTURES)[];

describe('recognizeLayout', () => {
  it.each(names)('recognises %s by name and shape', (name) => {
    const layout = recognizeLayout(name, FIXTURES[name]);
    expect(layout).toMatchObject({ ...EXPECTED[name], byName: true });
    const firstRow = FIXTURES[name].split('\n')[1];
    expect(layout?.columns.length).toBe(firstRow.split(EXPECTED[name].delimiter).length);
  });

  it.each(names)('recognises %s renamed, by shape alone', (name) => {
    const layout = recognizeLayout('download (1).txt', FIXTURES[name]);
    expect(layout).toMatchObject({ layout: EXPECTED[name].layout, byName: false });
  });

  it('names headerless columns as the README does', () => {
    expect(recognizeLayout('u.data', FIXTURES['u.data'])?.columns.map((c) => c.name)).toEqual([
      'user id',
      'item id',
      'rating',
      'timestamp',
    ]);
    const item = recognizeLayout('u.item', FIXTURES['u.item']);
    expect(item?.label).toBe('MovieLens 100K u.item');
    expect(item?.columns.slice(5, 9).map((c) => c.name)).toEqual([
      'unknown',
      'Action',
      'Adventure',
      'Animation',
    ]);
  });

  it('accepts paths, upper case, .gz, a BOM, CRLF and a head cut mid-line', () => {
    const cut = FIXTURES['u.data'].replace(/\n/g, '\r\n').slice(0, -12);
    expect(recognizeLayout('ml-100k/U.DATA.gz', '\ufeff' + cut)).toMatchObject({
      layout: 'movielens-100k-u.data',
      byName: true,
    });
    // The 100K train/test splits are u.data's layout too.
    expect(recognizeLayout('u3.test', FIXTURES['u.data'])?.byName).toBe(true);
  });

  it('does not recognise a file that has the name but another shape', () => {
    // Other delimiter, or an extra column.
    expect(recognizeLayout('u.data', FIXTURES['u.data'].replace(/\t/g, ','))).toBeNull();
    expect(recognizeLayout('ratings.dat', '1::1193::5::978300760::x\n')).toBeNull();
    // A 10-point scale is not MovieLens stars (nor tags: they are words); millisecond
    // timestamps are not Unix seconds.
    expect(
      recognizeLayout('ratings.dat', '1::1193::8::978300760\n1::661::3::978302109\n'),
    ).toBeNull();
    expect(recognizeLayout('u.data', '196\t242\t3\t881250949000\n')).toBeNull();
    // Three of four columns, or a header with other names.
    expect(recognizeLayout('ratings.csv', 'userId,movieId,rating\n1,1,4.0\n')).toBeNull();
    expect(recognizeLayout('movies.csv', 'movieId,name,genres\n1,Toy Story,Comedy\n')).toBeNull();
    // Genre flags that are not 0/1, and a u.item row short of its flags.
    const item = FIXTURES['u.item'];
    expect(recognizeLayout('u.item', item.replace('|0|1|1|', '|0|2|1|'))).toBeNull();
    expect(recognizeLayout('u.item', item.replace(/\|0\n/g, '\n'))).toBeNull();
    // users.dat ages must be its range codes; u.user's gender must be M or F.
    expect(recognizeLayout('users.dat', '1::F::20::10::48067\n')).toBeNull();
    expect(recognizeLayout('u.user', '1|24|X|technician|85711\n')).toBeNull();
    // A header alone proves nothing about the rows.
    expect(recognizeLayout('ratings.csv', 'userId,movieId,rating,timestamp\n')).toBeNull();
    expect(recognizeLayout('ratings.csv', '')).toBeNull();
  });

  it('tells ratings from tags in `::` files', () => {
    expect(recognizeLayout('x.dat', FIXTURES['tags.dat'])?.layout).toBe('movielens-tags.dat');
    expect(recognizeLayout('x.dat', FIXTURES['ratings.dat'])?.layout).toBe('movielens-ratings.dat');
    // Tags that are all star-like numbers are read as ratings, whatever the name.
    const numericTags = '15::4973::5::1215184630\n20::1747::3::1188263867\n';
    expect(recognizeLayout('tags.dat', numericTags)).toMatchObject({
      layout: 'movielens-ratings.dat',
      byName: false,
    });
    // u.data's shape without its name is still u.data's layout, named as such.
    expect(recognizeLayout('train.tsv', FIXTURES['u.data'])?.label).toBe('MovieLens 100K u.data');
  });

  it('returns a copy the caller may change', () => {
    const a = recognizeLayout('u.data', FIXTURES['u.data']);
    if (a?.mapping) a.mapping.rating = null;
    expect(recognizeLayout('u.data', FIXTURES['u.data'])?.mapping?.rating).toBe(2);
  });

  it('recognises the built-in sample', () => {
    const head = (file: string): string =>
      readFileSync(
        new URL(`../../../public/samples/ml-latest-small/${file}`, import.meta.url),
        'utf8',
      ).slice(0, 65536);
    expect(recognizeLayout('ratings.csv', head('ratings.csv'))?.layout).toBe(
      'movielens-ratings.csv',
    );
    expect(recognizeLayout('movies.csv', head('movies.csv'))?.layout).toBe('movielens-movies.csv');
    expect(recognizeLayout('tags.csv', head('tags.csv'))?.layout).toBe('movielens-tags.csv');
  });
});
