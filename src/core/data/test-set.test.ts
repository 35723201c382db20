import { describe, expect, it } from 'vitest';
import { buildInteractions } from './build';
import { DataError } from './errors';
import { describeTestSet, mapTestSet, testFileLayout, type InteractionLayout } from './test-set';

const U_DATA: InteractionLayout = {
  format: 'delimited',
  delimiter: '\t',
  hasHeader: false,
  mapping: { user: 0, item: 1, rating: 2, timestamp: 3 },
};

/** A u.data-style file (user, item, rating, timestamp; tab-separated, no header). */
const read = (name: string, rows: [string, string, number, number][]) =>
  buildInteractions({
    name,
    text: rows.map((r) => r.join('\t')).join('\n') + '\n',
    delimiter: U_DATA.delimiter,
    hasHeader: false,
    mapping: U_DATA.mapping,
    kind: 'explicit',
  });

const base = read('u1.base', [
  ['1', '10', 5, 100],
  ['1', '20', 3, 101],
  ['2', '10', 4, 102],
  ['3', '30', 1, 103],
]);

describe('mapTestSet', () => {
  it('maps string ids onto the training dense indices and counts rows with unknown ids', () => {
    // Training indices: users 1 -> 0, 2 -> 1, 3 -> 2; items 10 -> 0, 20 -> 1, 30 -> 2.
    const test = read('u1.test', [
      ['3', '20', 2, 200], // known
      ['9', '10', 4, 201], // unknown user 9
      ['2', '30', 5, 202], // known
      ['1', '99', 1, 203], // unknown item 99
      ['9', '99', 3, 204], // both unknown
      ['1', '30', 4, 205], // known
    ]);
    const m = mapTestSet(base, test);
    expect(Array.from(m.set.user)).toEqual([2, 1, 0]);
    expect(Array.from(m.set.item)).toEqual([1, 2, 2]);
    expect(Array.from(m.set.rating)).toEqual([2, 5, 4]);
    expect(Array.from(m.set.timestamp!)).toEqual([200, 202, 205]);
    expect(m.set.name).toBe('u1.test');
    expect([m.rowsRead, m.unknownRows, m.unknownUsers, m.unknownItems]).toEqual([6, 3, 1, 1]);
    expect(describeTestSet(m)).toBe(
      'u1.test: 3 test rows. 3 test rows name a user or item the training file does not have; they are left out',
    );
    const one = mapTestSet(
      base,
      read('t', [
        ['1', '10', 5, 1],
        ['7', '10', 5, 2],
      ]),
    );
    expect(describeTestSet(one)).toBe(
      't: 1 test row. 1 test row names a user or item the training file does not have; it is left out',
    );
    expect(describeTestSet(mapTestSet(base, read('t', [['2', '20', 1, 1]])))).toBe('t: 1 test row');
  });

  it('refuses a test file with no row of a known user and a known item, naming it and the counts', () => {
    const stranger = read('other.test', [
      ['1', '77', 5, 1], // known user, unknown item
      ['8', '10', 4, 2], // unknown user, known item
      ['8', '77', 3, 3],
    ]);
    let error: unknown;
    try {
      mapTestSet(base, stranger);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toBe(
      'other.test: none of its 3 rows names both a user and an item of u1.base ' +
        '(2 users, 1 of them unknown; 2 items, 1 of them unknown): nothing was changed; ' +
        'is it the test file of this data set?',
    );
  });
});

describe('testFileLayout', () => {
  it('keeps the training layout and kind, and detects the test file’s own header', () => {
    const csv: InteractionLayout = {
      format: 'delimited',
      delimiter: ',',
      hasHeader: true,
      mapping: { user: 0, item: 1, rating: 2, timestamp: 3 },
    };
    expect(testFileLayout(csv, 'userId,movieId,rating,timestamp\n1,2,3,4\n', 'explicit')).toEqual({
      ...csv,
      kind: 'explicit',
    });
    // Same layout without a header row: the first line is data.
    expect(testFileLayout(csv, '1,2,3.5,4\n5,6,4,8\n', 'explicit').hasHeader).toBe(false);
    expect(testFileLayout(U_DATA, 'user\titem\trating\tts\n1\t2\t3\t4\n', 'implicit')).toEqual({
      ...U_DATA,
      hasHeader: true,
      kind: 'implicit',
    });
    // JSON Lines and Parquet name their columns: the training reading holds.
    const jsonl: InteractionLayout = { ...csv, format: 'jsonl', keys: ['u', 'i', 'r', 't'] };
    expect(testFileLayout(jsonl, '{"u":1}\n', 'explicit').hasHeader).toBe(true);
  });
});
