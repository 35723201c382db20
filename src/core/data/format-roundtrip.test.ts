/**
 * Round-trip property tests (issue 20): generated interaction tables (ids of any text: accents,
 * CJK, emoji, quotes, commas, line breaks, blanks; ratings of any double; optional timestamps)
 * are written as JSON Lines and as Parquet and read back through the app's own readers. The typed
 * columns, ids mapped back through the id tables, must equal the rows written, with the rows the
 * builder must refuse (blank ids, non-finite ratings, missing timestamps) counted as skipped.
 * Fixed seeds, so CI runs the same cases; fast-check prints the seed and path of a failure.
 */
import fc from 'fast-check';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { chunkings, cut } from './csv-arbitraries';
import { DataError } from './errors';
import { blobBuffer, readParquetInteractions } from './parquet';
import { InteractionImport } from './stream-import';
import type { Dataset } from './types';

const SEED = 20_2021;

/** Pieces an id is made of, as in csv-arbitraries, plus what matters to JSON. */
const PIECES = [
  'a',
  'Z',
  '0',
  '7',
  ' ',
  ',',
  ';',
  '"',
  "'",
  '\\',
  '{',
  '}',
  ':',
  'null',
  '\n',
  '\r\n',
  '\t',
  'é',
  'ß',
  '€',
  '“',
  '日本',
  '😀',
  'e\u0301', // a combining mark
  '\uFEFF',
  '\u00a0',
  '\u3000',
  '\u2028',
  '\u0000',
  '\u0001',
  '\u007f',
];

/** Ids: built of pieces, any graphemes, or a few common ones (so ids repeat and are interned). */
const id = fc.oneof(
  {
    arbitrary: fc.array(fc.constantFrom(...PIECES), { maxLength: 5 }).map((p) => p.join('')),
    weight: 3,
  },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 4 }), weight: 2 },
  { arbitrary: fc.constantFrom('u1', 'u2', 'Zoë', '日本', '😀', 'a,b', '"q"'), weight: 3 },
);

/** Ratings: a scale's values, and any double (NaN, infinities, -0, 1e300, subnormals). */
const rating = fc.oneof(
  { arbitrary: fc.constantFrom(0.5, 1, 2.5, 3, 4, 5, -1), weight: 3 },
  { arbitrary: fc.double(), weight: 1 },
);

type TimestampKind = 'none' | 'int' | 'double';

interface Row {
  user: string;
  item: string;
  rating: number;
  /** Null: missing (the row must be skipped). */
  timestamp: number | null;
  /** JSON Lines: a missing timestamp's key left out rather than written as null. */
  omitKey: boolean;
}

interface Table {
  timestamps: TimestampKind;
  /** Ratings written as text ("4.5") rather than numbers. */
  ratingAsText: boolean;
  /** JSON Lines: keys written in reverse order. */
  reversed: boolean;
  lineEnd: '\n' | '\r\n';
  trailingLineEnd: boolean;
  rows: Row[];
}

const timestampOf: Record<TimestampKind, fc.Arbitrary<number>> = {
  none: fc.constant(0),
  // Unix seconds (Uint32Array), and 64-bit integers a double holds exactly (Float64Array).
  int: fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.maxSafeInteger()),
  double: fc.double({ noNaN: true, noDefaultInfinity: true }),
};

const table: fc.Arbitrary<Table> = fc
  .record({
    timestamps: fc.constantFrom<TimestampKind>('none', 'int', 'double'),
    ratingAsText: fc.boolean(),
    reversed: fc.boolean(),
    lineEnd: fc.constantFrom<Table['lineEnd']>('\n', '\r\n'),
    trailingLineEnd: fc.boolean(),
  })
  .chain((t) =>
    fc
      .array(
        fc.record({
          user: id,
          item: id,
          rating,
          timestamp: fc.option(timestampOf[t.timestamps], { freq: 6 }),
          omitKey: fc.boolean(),
        }),
        { minLength: 1, maxLength: 12 },
      )
      .map((rows) => ({
        ...t,
        rows: t.timestamps === 'none' ? rows.map((r) => ({ ...r, timestamp: 0 })) : rows,
      })),
  );

interface Expected {
  users: string[];
  items: string[];
  ratings: number[];
  timestamps: number[] | null;
  skipped: number;
}

/** What the builder must keep: ids trimmed and not blank, float32 ratings and timestamps finite. */
function expected(t: Table): Expected {
  const e: Expected = {
    users: [],
    items: [],
    ratings: [],
    timestamps: t.timestamps === 'none' ? null : [],
    skipped: 0,
  };
  for (const r of t.rows) {
    const user = r.user.trim();
    const item = r.item.trim();
    // As written: JSON and String() write -0 as "0" (a tiny negative still rounds to -0).
    const rating = Math.fround(Number(String(r.rating)));
    const ok =
      user !== '' &&
      item !== '' &&
      Number.isFinite(rating) &&
      (e.timestamps === null || (r.timestamp !== null && Number.isFinite(r.timestamp)));
    if (!ok) {
      e.skipped++;
      continue;
    }
    e.users.push(user);
    e.items.push(item);
    e.ratings.push(rating);
    e.timestamps?.push(Number(String(r.timestamp)));
  }
  return e;
}

const keysOf = (t: Table) =>
  t.timestamps === 'none' ? ['user', 'item', 'rating'] : ['user', 'item', 'rating', 'timestamp'];

function jsonLines(t: Table): string {
  const lines = t.rows.map((r) => {
    const o: Record<string, unknown> = {
      user: r.user,
      item: r.item,
      rating: t.ratingAsText ? String(r.rating) : r.rating,
    };
    if (t.timestamps !== 'none' && !(r.timestamp === null && r.omitKey)) o.timestamp = r.timestamp;
    const entries = Object.entries(o);
    return JSON.stringify(Object.fromEntries(t.reversed ? entries.reverse() : entries));
  });
  return lines.join(t.lineEnd) + (t.trailingLineEnd ? t.lineEnd : '');
}

function parquet(t: Table): Blob {
  const columnData: Parameters<typeof parquetWriteBuffer>[0]['columnData'] = [
    { name: 'user', data: t.rows.map((r) => r.user), type: 'STRING' },
    { name: 'item', data: t.rows.map((r) => r.item), type: 'STRING' },
    t.ratingAsText
      ? { name: 'rating', data: t.rows.map((r) => String(r.rating)), type: 'STRING' }
      : { name: 'rating', data: t.rows.map((r) => r.rating), type: 'DOUBLE' },
  ];
  if (t.timestamps === 'int')
    columnData.push({
      name: 'timestamp',
      data: t.rows.map((r) => (r.timestamp === null ? null : BigInt(r.timestamp))),
      type: 'INT64',
    });
  if (t.timestamps === 'double')
    columnData.push({ name: 'timestamp', data: t.rows.map((r) => r.timestamp), type: 'DOUBLE' });
  return new Blob([parquetWriteBuffer({ columnData, rowGroupSize: 5 })]);
}

const mapping = (t: Table) => ({
  user: 0,
  item: 1,
  rating: 2,
  timestamp: t.timestamps === 'none' ? null : 3,
});

/** The dataset's columns in the shape of `Expected`, ids mapped back through the id tables. */
function columnsOf(d: Dataset): Expected {
  return {
    users: Array.from(d.user, (u) => d.userIds[u]),
    items: Array.from(d.item, (i) => d.itemIds[i]),
    ratings: Array.from(d.rating),
    timestamps: d.timestamp ? Array.from(d.timestamp) : null,
    skipped: d.skippedRows,
  };
}

/** The read equals what was written; the id tables hold each id once; the column type fits. */
function check(d: Dataset, t: Table, want: Expected): void {
  const got = columnsOf(d);
  // A cheap comparison first: vitest's deep equality costs more than the reading it checks.
  // JSON writes -0 as 0: the signs of zeros are compared apart.
  const sameZeros = (a: number[] | null, b: number[] | null) =>
    !a || !b || a.every((v, k) => Object.is(v, b[k]));
  if (
    JSON.stringify(got) !== JSON.stringify(want) ||
    !sameZeros(got.ratings, want.ratings) ||
    !sameZeros(got.timestamps, want.timestamps)
  )
    expect(got).toEqual(want);
  expect(d.user.length + d.skippedRows).toBe(t.rows.length);
  expect(new Set(d.userIds).size).toBe(d.userIds.length);
  expect(new Set(d.itemIds).size).toBe(d.itemIds.length);
  expect(d.rating).toBeInstanceOf(Float32Array);
  if (want.timestamps) {
    const narrow = want.timestamps.every((v) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff);
    expect(d.timestamp).toBeInstanceOf(narrow ? Uint32Array : Float64Array);
  }
}

/** Reads `read()`: the dataset when a row is kept, else the DataError saying none could be. */
function expectRead(read: () => Dataset, t: Table, want: Expected): void {
  if (want.users.length === 0) {
    expect(read).toThrow(DataError);
    return;
  }
  check(read(), t, want);
}

const counts = { tables: 0, rows: 0, kept: 0, jsonReads: 0, parquetReads: 0 };

describe('JSON Lines and Parquet round trips (issue 20)', () => {
  it('JSON Lines read in chunks of 1 byte, 7 bytes and whole give the rows written', () => {
    const started = performance.now();
    fc.assert(
      fc.property(table, (t) => {
        const want = expected(t);
        const bytes = new TextEncoder().encode(jsonLines(t));
        const [whole, ones, sevens] = chunkings(bytes.length, () => 0.5);
        for (const ends of [whole, ones, sevens]) {
          expectRead(
            () => {
              const target = new InteractionImport({
                name: 'generated.jsonl',
                format: 'jsonl',
                keys: keysOf(t),
                delimiter: ',',
                hasHeader: false,
                kind: 'explicit',
                mapping: mapping(t),
              });
              for (const c of cut(bytes, ends)) target.push(c);
              return target.finish();
            },
            t,
            want,
          );
          counts.jsonReads++;
        }
        counts.tables++;
        counts.rows += t.rows.length;
        counts.kept += want.users.length;
      }),
      { seed: SEED, numRuns: 300 },
    );
    console.log(
      `JSON Lines round trips: ${counts.tables} tables, ${counts.rows} rows (${counts.kept} ` +
        `kept), ${counts.jsonReads} reads in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  }, 60_000);

  it('Parquet written by hyparquet-writer gives the rows written', async () => {
    const started = performance.now();
    let tables = 0;
    await fc.assert(
      fc.asyncProperty(table, async (t) => {
        const want = expected(t);
        const file = blobBuffer(parquet(t));
        const options = {
          name: 'generated.parquet',
          hasHeader: true,
          kind: 'explicit' as const,
          mapping: mapping(t),
        };
        if (want.users.length === 0) {
          await expect(readParquetInteractions(file, options)).rejects.toThrow(DataError);
        } else {
          check(await readParquetInteractions(file, options), t, want);
        }
        counts.parquetReads++;
        tables++;
      }),
      { seed: SEED + 1, numRuns: 200 },
    );
    console.log(
      `Parquet round trips: ${tables} tables in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  }, 60_000);
});
