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
import type { Dataset } from './types';

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

  it('reads headerless MovieLens 1M users.dat', () => {
    const meta = parseUserMetadata('users.dat', '1::F::1::10::48067\n2::M::56::16::70072\n');
    expect(meta.ids).toEqual(['1', '2']);
    expect(meta.features.names.slice(0, 4)).toEqual([
      'column 2=F',
      'column 3=1',
      'column 4=10',
      'column 5=48067',
    ]);
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
