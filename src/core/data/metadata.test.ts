import { describe, expect, it } from 'vitest';
import {
  attachItemMetadata,
  attachItemTags,
  attachUserMetadata,
  buildInteractions,
  DataError,
  parseItemMetadata,
  parseUserMetadata,
} from './build';
import { FIXTURES } from './layout-fixtures';
import type { ItemMetadata } from './metadata';
import { rangeName } from './metadata-columns';
import type { Dataset } from './types';

/** Feature names of entity `e`, in the order they were read. */
function featuresOf(m: ItemMetadata, e: number): string[] {
  const f = m.features;
  return Array.from(f.values.subarray(f.offsets[e], f.offsets[e + 1])).map((v) => f.names[v]);
}

const MOVIES = [
  'movieId,title,genres',
  '1,Toy Story (1995),Adventure|Animation|Children|Comedy|Fantasy',
  '11,"American President, The (1995)",Comedy|Drama|Romance',
  '114335,La cravate (1957),(no genres listed)',
  '999,Unrated Film (2000),Western',
].join('\n');

function ratings(): Dataset {
  return buildInteractions({
    name: 'ratings.csv',
    text: 'userId,movieId,rating\n1,11,4\n2,1,5\n2,114335,3\n3,42,2\n',
    delimiter: ',',
    hasHeader: true,
    mapping: { user: 0, item: 1, rating: 2, timestamp: null },
  });
}

describe('parseItemMetadata', () => {
  it('reads ids, quoted titles and genre features', () => {
    const m = parseItemMetadata('movies.csv', MOVIES);
    expect(m.ids).toEqual(['1', '11', '114335', '999']);
    expect(m.titles[1]).toBe('American President, The (1995)');
    expect(m.featureColumn).toBe('genres');
    const names = m.features.names;
    const of = (e: number) =>
      Array.from(m.features.values.subarray(m.features.offsets[e], m.features.offsets[e + 1])).map(
        (f) => names[f],
      );
    expect(of(1)).toEqual(['Comedy', 'Drama', 'Romance']);
    expect(of(2)).toEqual([]);
    expect(names).not.toContain('(no genres listed)');
    expect(names).toHaveLength(8);
  });

  it('finds columns by content in a headerless `::` file', () => {
    const m = parseItemMetadata(
      'movies.dat',
      "1::Toy Story (1995)::Animation|Children's|Comedy\n2::Jumanji (1995)::Adventure\n",
    );
    expect(m.ids).toEqual(['1', '2']);
    expect(m.titles).toEqual(['Toy Story (1995)', 'Jumanji (1995)']);
    expect(m.features.names).toEqual(['Animation', "Children's", 'Comedy', 'Adventure']);
  });

  it('rejects empty and header-only files', () => {
    expect(() => parseItemMetadata('movies.csv', '')).toThrow(DataError);
    expect(() => parseItemMetadata('movies.csv', 'movieId,title,genres\n')).toThrow(
      'movies.csv: the file has a header row but no data rows',
    );
  });

  it('reads MovieLens 100K u.item: genre flags become genres, titles from column 2', () => {
    const m = parseItemMetadata('u.item', FIXTURES['u.item']);
    expect(m.layout).toBe('MovieLens 100K u.item');
    expect(m.ids).toEqual(['1', '2', '267']);
    expect(m.titles).toEqual(['Toy Story (1995)', 'GoldenEye (1995)', 'unknown']);
    expect(featuresOf(m, 0)).toEqual(['Animation', "Children's", 'Comedy']);
    expect(featuresOf(m, 1)).toEqual(['Action', 'Adventure', 'Thriller']);
    // "unknown" is the placeholder genre, like movies.csv's "(no genres listed)".
    expect(featuresOf(m, 2)).toEqual([]);
    expect(m.featureColumn).toBe('genres');
  });

  it('reads Last.fm artists.dat: names as titles, urls give no features', () => {
    const m = parseItemMetadata('artists.dat', FIXTURES['artists.dat']);
    expect(m.titles).toEqual(['MALICE MIZER', 'Diary of Dreams']);
    expect(m.features.names).toEqual([]);
    expect(m.featureColumn).toBeNull();
  });

  it('reads flag, numeric and category columns of other item files', () => {
    const rows = Array.from(
      { length: 30 },
      (_, k) => `${k},Film ${k},${1990 + k},${k % 2},tt${1000 + k},${k < 10 ? 'en' : 'fr'}`,
    );
    const m = parseItemMetadata(
      'items.csv',
      ['itemId,title,year,Comedy,imdbId,language', ...rows].join('\n'),
    );
    expect(m.titles[3]).toBe('Film 3');
    expect(m.features.names).toEqual([
      'year=1990-1995',
      'language=en',
      'Comedy',
      'year=1996-2001',
      'language=fr',
      'year=2002-2007',
      'year=2008-2013',
      'year=2014-2019',
    ]);
    expect(m.featureColumn).toBe('year, Comedy, language');
  });

  it('refuses ratings, tags and user files as item metadata', () => {
    expect(() => parseItemMetadata('u.user', FIXTURES['u.user'])).toThrow(
      'u.user: this looks like MovieLens 100K u.user, which is user metadata, not item metadata',
    );
    expect(() => parseItemMetadata('ratings.csv', FIXTURES['ratings.csv'])).toThrow(
      /an interactions file/,
    );
    expect(() => parseUserMetadata('tags.dat', FIXTURES['tags.dat'])).toThrow(/a tags file/);
  });
});

describe('rangeName', () => {
  it('names the range a number falls in by its bounds', () => {
    const bounds = [1, 18, 25];
    expect(
      ['0', '1', '17', '17.5', '18', '24', '25', '90', 'x'].map((v) => rangeName(bounds, v)),
    ).toEqual([null, '1-17', '1-17', '1-17', '18-24', '18-24', '25+', '25+', null]);
  });
});

describe('attachItemMetadata', () => {
  it('joins titles and features by item id without touching the input', () => {
    const d = ratings();
    const { dataset, matched, unmatched } = attachItemMetadata(
      d,
      parseItemMetadata('movies.csv', MOVIES),
    );
    expect(d.itemIds).toEqual(['11', '1', '114335', '42']);
    expect(dataset.itemLabels).toEqual([
      'American President, The (1995)',
      'Toy Story (1995)',
      'La cravate (1957)',
      '42',
    ]);
    expect([matched, unmatched]).toEqual([3, 1]);
    // Western belongs only to an unrated film, so it is dropped from the dataset's table.
    expect(dataset.itemFeatures.names).not.toContain('Western');
    expect(Array.from(dataset.itemFeatures.offsets)).toEqual([0, 3, 8, 8, 8]);
    expect(d.itemLabels).toEqual(['11', '1', '114335', '42']);
    expect(d.itemFeatures.names).toEqual([]);
  });
});

describe('user metadata', () => {
  it('turns every attribute into column=value features', () => {
    const meta = parseUserMetadata(
      'users.csv',
      'userId,gender,age,likes\n1,F,25,jazz|rock\n2,M,25,\n9,F,40,jazz\n',
    );
    expect(meta.titles).toEqual([null, null, null]);
    expect(meta.features.names).toEqual([
      'gender=F',
      'age=25',
      'likes=jazz',
      'likes=rock',
      'gender=M',
      'age=40',
    ]);
    const { dataset, matched, unmatched } = attachUserMetadata(ratings(), meta);
    expect([matched, unmatched]).toEqual([2, 1]);
    expect(dataset.userFeatures.names).toEqual([
      'gender=F',
      'age=25',
      'likes=jazz',
      'likes=rock',
      'gender=M',
    ]);
    expect(Array.from(dataset.userFeatures.offsets)).toEqual([0, 4, 6, 6]);
  });

  it('reads headerless MovieLens 1M users.dat: age ranges, occupation names, no zip codes', () => {
    const meta = parseUserMetadata('users.dat', FIXTURES['users.dat']);
    expect(meta.ids).toEqual(['1', '2', '3']);
    expect(meta.layout).toBe('MovieLens 1M users.dat');
    expect(featuresOf(meta, 0)).toEqual(['gender=F', 'age=1-17', 'occupation=K-12 student']);
    expect(featuresOf(meta, 1)).toEqual(['gender=M', 'age=56+', 'occupation=self-employed']);
    expect(featuresOf(meta, 2)).toEqual(['gender=M', 'age=25-34', 'occupation=scientist']);
    expect(meta.featureColumn).toBe('gender, age, occupation');
  });

  it('reads MovieLens 100K u.user: raw ages bucketed into the same ranges', () => {
    const meta = parseUserMetadata('u.user', FIXTURES['u.user']);
    expect(meta.ids).toEqual(['1', '2', '3', '4']);
    expect(featuresOf(meta, 0)).toEqual(['age=18-24', 'gender=M', 'occupation=technician']);
    expect(featuresOf(meta, 1)).toEqual(['age=50-55', 'gender=F', 'occupation=other']);
    expect(featuresOf(meta, 2)).toEqual(['age=1-17', 'gender=M', 'occupation=writer']);
    // "none" is one of u.user's occupations, not a missing value.
    expect(featuresOf(meta, 3)).toEqual(['age=25-34', 'gender=F', 'occupation=none']);
    expect(meta.features.names.some((n) => n.startsWith('zip'))).toBe(false);
  });

  it('buckets numbers, names flags by their header and leaves out near-unique text', () => {
    const rows = Array.from(
      { length: 25 },
      (_, k) => `u${k},${20 + 2 * k},${k % 2},${k % 3 === 0 ? 'NL' : 'DE'},person${k}@example.org`,
    );
    const meta = parseUserMetadata(
      'people.csv',
      ['user_id,age,premium,country,email', ...rows].join('\n'),
    );
    expect(meta.features.names).toEqual([
      'age=20-28',
      'country=NL',
      'premium',
      'country=DE',
      'age=30-38',
      'age=40-48',
      'age=50-58',
      'age=60-68',
    ]);
    expect(featuresOf(meta, 24)).toEqual(['age=60-68', 'country=NL']);
  });
});

describe('attachItemTags', () => {
  it('adds tags used on enough items as features after the genres, and counts the rest', () => {
    const d = attachItemMetadata(ratings(), parseItemMetadata('movies.csv', MOVIES)).dataset;
    const tags = [
      'userId,movieId,tag,timestamp',
      '1,11,Politics,1',
      '2,1,pixar,2',
      '3,1, Politics ,3',
      '3,1,politics,4', // the same tag twice on one item counts once
      '4,114335,french,5',
      '5,777,politics,6', // item not in the data
    ].join('\n');
    const r = attachItemTags(d, 'tags.csv', tags, 2);
    expect([r.tags, r.taggedItems, r.rareTags, r.unmatched]).toEqual([1, 2, 2, 1]);
    const f = r.dataset.itemFeatures;
    expect(f.names.at(-1)).toBe('tag: politics');
    const of = (item: number) =>
      Array.from(f.values.subarray(f.offsets[item], f.offsets[item + 1])).map((v) => f.names[v]);
    expect(of(0)).toEqual(['Comedy', 'Drama', 'Romance', 'tag: politics']);
    expect(of(1)).toContain('tag: politics');
    expect(of(2)).toEqual([]);
    expect(() => attachItemTags(d, 'tags.csv', 'a,b\n1,2\n')).toThrow(/tags.csv: .*"tag" column/);
  });
});
