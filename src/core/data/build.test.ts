import { describe, expect, it } from 'vitest';
import { buildInteractions, DataError, MAX_ISSUES } from './build';
import type { InteractionInput } from './build';

const ML = { user: 0, item: 1, rating: 2, timestamp: 3 };

function build(text: string, extra: Partial<InteractionInput> = {}) {
  return buildInteractions({
    name: 'ratings.csv',
    text,
    delimiter: ',',
    hasHeader: true,
    mapping: ML,
    ...extra,
  });
}

describe('buildInteractions', () => {
  it('maps string ids to dense indices in order of first appearance', () => {
    const d = build('userId,movieId,rating,timestamp\nb,x,4,10\na,y,3.5,20\nb,y,5,30\n');
    expect(d.userIds).toEqual(['b', 'a']);
    expect(d.itemIds).toEqual(['x', 'y']);
    expect(Array.from(d.user)).toEqual([0, 1, 0]);
    expect(Array.from(d.item)).toEqual([0, 1, 1]);
    expect(Array.from(d.rating)).toEqual([4, 3.5, 5]);
    expect(Array.from(d.timestamp ?? [])).toEqual([10, 20, 30]);
    expect(d.itemLabels).toEqual(['x', 'y']);
    expect([d.ratingMin, d.ratingMax, d.kind]).toEqual([3.5, 5, 'explicit']);
    expect(d.itemFeatures.offsets).toHaveLength(3);
    expect(d.userFeatures.names).toEqual([]);
    expect(d.skippedRows).toBe(0);
  });

  it('skips bad rows with issues that name the line, column and value', () => {
    const text = [
      'userId,movieId,rating,timestamp',
      '1,1,4,10',
      '1,2,abc,11',
      '2,1',
      ',3,4,12',
      '2,3,5,yesterday',
      '3,3,Infinity,13',
      '3,4,2,14',
    ].join('\n');
    const d = build(text);
    expect(d.user.length).toBe(2);
    expect(d.skippedRows).toBe(5);
    expect(d.user.length + d.skippedRows).toBe(7);
    expect(d.issues[0]).toEqual({
      line: 3,
      message: 'rating "abc" in column "rating" is not a number',
    });
    expect(d.issues[1].line).toBe(4);
    expect(d.issues[1].message).toMatch(/column "timestamp" is missing/);
    expect(d.issues[2].message).toMatch(/user id \(column "userId"\) is empty/);
    expect(d.issues[3].message).toMatch(/timestamp "yesterday"/);
    expect(d.issues[4].message).toMatch(/"Infinity"/);
  });

  it('keeps the first issues but counts every skipped row', () => {
    const bad = Array.from({ length: 250 }, (_, i) => `u${i},i,bad,1`);
    const d = build(['h1,h2,h3,h4', '1,1,4,1', ...bad].join('\n'));
    expect(d.issues).toHaveLength(MAX_ISSUES);
    expect(d.skippedRows).toBe(250);
    expect(d.user.length + d.skippedRows).toBe(251);
  });

  it('is implicit with weight 1 without a rating column', () => {
    const d = build('u1\ti1\nu1\ti2\nu2\ti1\n', {
      delimiter: '\t',
      hasHeader: false,
      mapping: { user: 0, item: 1, rating: null, timestamp: null },
    });
    expect(d.kind).toBe('implicit');
    expect(Array.from(d.rating)).toEqual([1, 1, 1]);
    expect(d.timestamp).toBeNull();
    expect([d.ratingMin, d.ratingMax]).toEqual([1, 1]);
  });

  it('guesses implicit for play counts and respects a forced kind', () => {
    const mapping = { user: 0, item: 1, rating: 2, timestamp: null };
    const counts = 'user,artist,plays\na,x,250\nb,x,3\n';
    expect(build(counts, { mapping }).kind).toBe('implicit');
    expect(build('user,artist,plays\na,x,2\nb,x,3\n', { mapping }).kind).toBe('implicit');
    expect(build('user,item,stars\na,x,2\nb,x,3\n', { mapping }).kind).toBe('explicit');
    expect(build(counts, { mapping, kind: 'explicit' }).kind).toBe('explicit');
  });

  it('reads `::` files, CRLF and a BOM, and ISO date timestamps', () => {
    const d = build('\uFEFF1::1193::5::978300760\r\n1::661::3::2001-01-01T00:00:00Z\r\n', {
      delimiter: '::',
      hasHeader: false,
    });
    expect(d.itemIds).toEqual(['1193', '661']);
    expect(Array.from(d.timestamp ?? [])).toEqual([978300760, 978307200]);
  });

  it('throws DataError naming the file for unusable files', () => {
    expect(() => build('')).toThrow(DataError);
    expect(() => build('\uFEFF \n')).toThrow('ratings.csv: the file is empty');
    expect(() => build('userId,movieId,rating,timestamp\n')).toThrow(/header row but no data/);
    expect(() => build('userId,movieId\n1,2\n')).toThrow(/not one of the file's 2 columns/);
    expect(() =>
      build('a,b\n1,2\n', { mapping: { user: 0, item: 0, rating: null, timestamp: null } }),
    ).toThrow(DataError);
    expect(() => build('u,i,r,t\n1,2,x,4\n1,3,y,5\n')).toThrow(
      /none of the 2 rows.*line 2: rating "x"/,
    );
  });

  it('reports an unclosed quote as an issue', () => {
    const d = build('u,i,r,t\n1,2,3,4\n1,"3,4,5\n', { mapping: ML });
    expect(d.user.length).toBe(1);
    expect(d.issues.some((i) => i.line === 3 && /never closed/.test(i.message))).toBe(true);
  });
});
