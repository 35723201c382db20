/**
 * The catalogue of bad input an import must survive, each file made here and read through the
 * path the import worker takes (`readInteractions` over a stream of bytes). A file rejected
 * outright gets one DataError that names it; a bad row is skipped with an issue naming its line
 * and column (and the value), every other row is kept with its values, and kept + skipped = the
 * data rows.
 */
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { DataError } from './errors';
import { blankLinesNote, MAX_ISSUES } from './interaction-builder';
import { strayQuote } from './stream-csv';
import { blobBuffer, readParquetInteractions } from './parquet';
import { readInteractions } from './stream-import';
import type { StreamImportOptions } from './stream-import';
import type { Dataset } from './types';
import { mulberry32 } from '../util/random';
import { chunkedStream } from './byte-chunks';

const CSV: StreamImportOptions = {
  name: 'ratings.csv',
  delimiter: ',',
  hasHeader: true,
  mapping: { user: 0, item: 1, rating: 2, timestamp: null },
};
const JSONL: StreamImportOptions = {
  name: 'orders.jsonl',
  format: 'jsonl',
  keys: ['u', 'i', 'r'],
  delimiter: ',',
  hasHeader: false,
  mapping: { user: 0, item: 1, rating: 2, timestamp: null },
};

function bytesOf(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? new TextEncoder().encode(data) : data;
}

/** Reads the file in chunks of several sizes; every reading must give the same data set. */
async function read(
  data: string | Uint8Array,
  options: Partial<StreamImportOptions> = {},
): Promise<Dataset> {
  const bytes = bytesOf(data);
  const all = await Promise.all(
    [1, 7, 64, 1 << 20].map((size) =>
      readInteractions(chunkedStream(bytes, size), { ...CSV, ...options }),
    ),
  );
  for (const d of all.slice(1)) expect(d).toEqual(all[0]);
  return all[0];
}

/** The DataError a file is rejected with, whatever the chunk size. */
async function rejection(
  data: string | Uint8Array,
  options: Partial<StreamImportOptions> = {},
): Promise<string> {
  const bytes = bytesOf(data);
  const messages = new Set<string>();
  for (const size of [1, 7, 64, 1 << 20]) {
    const error = await readInteractions(chunkedStream(bytes, size), { ...CSV, ...options }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DataError);
    messages.add((error as DataError).message);
  }
  expect(messages.size).toBe(1);
  return [...messages][0];
}

/** kept + skipped = data rows, and the kept rows are exactly `rows` ([user, item, rating]). */
function expectRows(d: Dataset, dataRows: number, rows: [string, string, number][]): void {
  expect(d.user.length + d.skippedRows).toBe(dataRows);
  const kept = Array.from(d.user, (u, k): [string, string, number] => [
    d.userIds[u],
    d.itemIds[d.item[k]],
    d.rating[k],
  ]);
  expect(kept).toEqual(rows);
}

describe('files rejected outright name the file and say what to do', () => {
  it('an empty file', async () => {
    for (const text of ['', '\uFEFF', '\n\r\n  \n']) {
      expect(await rejection(text)).toBe('ratings.csv: the file is empty');
    }
    expect(await rejection('', JSONL)).toBe('orders.jsonl: the file is empty');
    expect(await rejection('\n\n', JSONL)).toBe('orders.jsonl: the file is empty');
  });

  it('a header without data rows', async () => {
    expect(await rejection('user,item,rating\r\n')).toBe(
      'ratings.csv: the file has a header row but no data rows',
    );
  });

  it('binary data: known formats by name, anything else by its control characters', async () => {
    const random = mulberry32(1);
    const noise = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(random() * 256));
    const withHead = (head: number[]) => new Uint8Array([...head, ...noise(3000)]);
    const png = withHead([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(await rejection(png)).toBe(
      'ratings.csv: this is a PNG image, not delimited text or JSON Lines',
    );
    const zip = withHead([0x50, 0x4b, 0x03, 0x04]);
    const zipMessage =
      'ratings.csv: this is a ZIP archive (an Excel .xlsx workbook is one too), not delimited ' +
      'text or JSON Lines: unzip it, or save the sheet as CSV';
    expect(await rejection(zip)).toBe(zipMessage);
    expect(await rejection(zip, JSONL)).toBe(zipMessage.replace('ratings.csv', 'orders.jsonl'));
    // Compressed, the bytes inside are checked.
    expect(await rejection(gzipSync(zip))).toBe(zipMessage);
    // No magic number: the first control character, and its line.
    const blob = new Uint8Array([...bytesOf('user,item\na,b\n'), 0x00, ...noise(100)]);
    expect(await rejection(blob)).toBe(
      'ratings.csv: this looks like a binary file, not text: line 3 holds the control ' +
        'character 0x00, which delimited text and JSON Lines never contain',
    );
    const utf16 = Buffer.from('user,item,rating\na,x,4\n', 'utf16le');
    expect(await rejection(utf16)).toBe(
      'ratings.csv: this looks like UTF-16 text without a byte-order mark: save it as UTF-8',
    );
    expect(await rejection('<!DOCTYPE html>\n<html><body>Not found</body></html>\n')).toBe(
      'ratings.csv: this is a web page (HTML), not delimited text: download the data file itself',
    );
  });

  it('the wrong delimiter: says which one splits the lines', async () => {
    expect(await rejection('user;item;rating\na;x;4\nb;y;3\n')).toBe(
      'ratings.csv: line 1 has one field when split at ","; the delimiter is probably ";", ' +
        'which splits it into 3 fields: choose that delimiter',
    );
    expect(await rejection('a\tx\t4\nb\ty\t3\n', { hasHeader: false, delimiter: ';' })).toBe(
      'ratings.csv: line 1 has one field when split at ";"; the delimiter is probably tab, ' +
        'which splits it into 3 fields: choose that delimiter',
    );
    // The header splits, the rows do not.
    expect(await rejection('user,item,rating\na|x|4\nb|y|3\n')).toBe(
      'ratings.csv: every data row has one field when split at ","; the delimiter is probably ' +
        '"|", which splits it into 3 fields: choose that delimiter',
    );
    // One column whatever the delimiter: nothing to suggest.
    expect(await rejection('user\na\nb\n')).toBe(
      'ratings.csv: line 1 has one field when split at ","; a file needs at least a user and ' +
        'an item column, so choose the delimiter between them',
    );
  });

  it('a missing required column: the mapping points past the columns', async () => {
    const past = { user: 0, item: 1, rating: 5, timestamp: null };
    expect(await rejection('user,item,rating\na,x,4\n', { mapping: past })).toBe(
      "ratings.csv: The rating column (6) is not one of the file's 3 columns. " +
        'The columns are: "user", "item", "rating".',
    );
    expect(await rejection('a,x,4\n', { mapping: past, hasHeader: false })).toBe(
      "ratings.csv: The rating column (6) is not one of the file's 3 columns. " +
        'Line 1 has: "a", "x", "4".',
    );
    expect(await rejection('{"u":"a","i":"x","r":4}\n', { ...JSONL, mapping: past })).toBe(
      "orders.jsonl: The rating column (6) is not one of the file's 3 columns. " +
        'The keys are: "u", "i", "r".',
    );
  });

  it('no readable row at all: the first problem is quoted', async () => {
    expect(await rejection('user,item,rating\na,x,bad\nb,y,\n')).toBe(
      'ratings.csv: none of the 2 rows could be read; the first problem: line 2: ' +
        'rating "bad" in column "rating" is not a number',
    );
  });

  it('a Parquet file cut short', async () => {
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: 'user', data: ['a', 'b'], type: 'STRING' },
        { name: 'item', data: ['x', 'y'], type: 'STRING' },
      ],
    });
    const cut = new Blob([new Uint8Array(buffer).slice(0, buffer.byteLength - 10)]);
    const options = { ...CSV, name: 'plays.parquet' };
    await expect(readParquetInteractions(blobBuffer(cut), options)).rejects.toThrow(
      new DataError(
        'plays.parquet',
        'could not be read as Parquet (parquet file invalid (footer != PAR1)): it may be cut ' +
          'short, or not Parquet at all',
      ),
    );
  });
});

describe('bad rows are skipped with their line and column; every good row is kept', () => {
  it('non-numeric and non-finite ratings', async () => {
    const text = [
      'user,item,rating',
      'a,x,4',
      'b,x,NaN',
      'c,x,Infinity',
      'd,x,-Infinity',
      'e,x,1e999',
      'f,x,',
      'g,x,   ',
      'h,x,four',
      'i,x,1e300',
      'j,y,2.5',
    ].join('\n');
    const d = await read(text);
    expectRows(d, 10, [
      ['a', 'x', 4],
      ['j', 'y', 2.5],
    ]);
    expect(d.issues).toEqual([
      { line: 3, message: 'rating "NaN" in column "rating" is not a number' },
      { line: 4, message: 'rating "Infinity" in column "rating" is not a finite number' },
      { line: 5, message: 'rating "-Infinity" in column "rating" is not a finite number' },
      { line: 6, message: 'rating "1e999" in column "rating" is not a finite number' },
      { line: 7, message: 'the rating (column "rating") is empty' },
      { line: 8, message: 'the rating (column "rating") is empty' },
      { line: 9, message: 'rating "four" in column "rating" is not a number' },
      {
        line: 10,
        message:
          'rating "1e300" in column "rating" is too large to store (ratings are 32-bit floats, at most 3.4e38)',
      },
    ]);
  });

  it('columns without a header are named by number; bad timestamps and ids too', async () => {
    const text = 'a,x,4,100\nb,x,5,\nc,x,3,soon\n,x,3,1\nd,,3,1\ne,y,1,2001-01-01\n';
    const d = await read(text, {
      hasHeader: false,
      mapping: { user: 0, item: 1, rating: 2, timestamp: 3 },
    });
    expectRows(d, 6, [
      ['a', 'x', 4],
      ['e', 'y', 1],
    ]);
    expect(Array.from(d.timestamp ?? [])).toEqual([100, 978307200]);
    expect(d.issues).toEqual([
      { line: 2, message: 'the timestamp (column 4) is empty' },
      { line: 3, message: 'timestamp "soon" in column 4 is not a number or date' },
      { line: 4, message: 'the user id (column 1) is empty' },
      { line: 5, message: 'the item id (column 2) is empty' },
    ]);
  });

  it('negative counts in implicit data', async () => {
    const d = await read('user,artist,plays\na,x,3\nb,x,-2\nb,y,40\nc,y,-0.5\n', {
      kind: 'implicit',
    });
    expectRows(d, 4, [
      ['a', 'x', 3],
      ['b', 'y', 40],
    ]);
    expect(d.issues).toEqual([
      { line: 3, message: 'the count -2 in column "plays" is negative (interactions are counts)' },
      {
        line: 5,
        message: 'the count -0.5 in column "plays" is negative (interactions are counts)',
      },
    ]);
    // A guessed kind: a count column is implicit, so the same rows go.
    const guessed = await read('user,artist,plays\na,x,3\nb,x,-2\nb,y,40\n');
    expect([guessed.kind, guessed.skippedRows, guessed.issues[0].line]).toEqual(['implicit', 1, 3]);
  });

  it('ragged rows: too short is skipped; longer (or short of unused columns) is read and noted once', async () => {
    const text = [
      'user,item,rating,timestamp',
      'a,x,4,1',
      'b,y',
      'c',
      'd,z,5,2,extra',
      'e,z,3',
      'f,w,2,3,more,more',
    ].join('\n');
    const d = await read(text);
    expectRows(d, 6, [
      ['a', 'x', 4],
      ['d', 'z', 5],
      ['e', 'z', 3],
      ['f', 'w', 2],
    ]);
    expect(d.skippedRows).toBe(2);
    expect(d.issues).toEqual([
      {
        line: 3,
        message: 'the row has 2 fields (the header has 4), so column "rating" is missing',
      },
      { line: 4, message: 'the row has 1 field (the header has 4), so column "rating" is missing' },
      {
        line: 5,
        message:
          'the row has 5 fields where the header has 4; rows like this are read by position (3 rows in all)',
      },
    ]);
  });

  it('an unterminated quote: its row is skipped, the rows after it are kept', async () => {
    const text = 'user,item,rating\na,x,4\nb,"y,3\nc,z,5\r\nd,w,2\n';
    const d = await read(text);
    expectRows(d, 4, [
      ['a', 'x', 4],
      ['c', 'z', 5],
      ['d', 'w', 2],
    ]);
    expect(d.issues).toEqual([
      {
        line: 3,
        message:
          'a quote opens column 2 but is never closed (missing "); reading goes on at the next line',
      },
    ]);
    // Two stray quotes would pair up across the lines between them; the text after the second
    // gives them away.
    const paired = await read('user,item,rating\na,x,4\nb,"y,3\nc,z,5\nd,"w,2\ne,v,1\n');
    expectRows(paired, 5, [
      ['a', 'x', 4],
      ['c', 'z', 5],
      ['e', 'v', 1],
    ]);
    expect(paired.issues.map((i) => i.line)).toEqual([3, 5]);
    // Real quoted fields, over lines too, still read.
    const quoted = await read('user,item,rating\n"a","x, the\nsequel",4\n"b","""y""",3\n');
    expectRows(quoted, 2, [
      ['a', 'x, the\nsequel', 4],
      ['b', '"y"', 3],
    ]);
  });

  it('a stray quote in a big file costs one row, not the rest of the file', async () => {
    const rows = Array.from({ length: 40 }, (_, k) => `u${k},i${k % 3},${1 + (k % 5)}`);
    const text = ['user,item,rating', 'a,"x,4', ...rows].join('\n');
    // Held past the record limit, the open quote is given up on there instead of at the end.
    const d = await read(text, { maxRecordLength: 100 });
    expect(d.user.length).toBe(40);
    expect(d.skippedRows).toBe(1);
    expect(d.issues).toEqual([{ line: 2, message: expect.stringMatching(/quote opens column 2/) }]);
  });

  it('a line over the length limit (10 MB by default) is skipped unread', async () => {
    const long = 'y'.repeat(5000);
    const d = await read(`user,item,rating\na,x,4\nb,${long},3\nc,z,5\n`, {
      maxRecordLength: 1000,
    });
    expectRows(d, 3, [
      ['a', 'x', 4],
      ['c', 'z', 5],
    ]);
    expect(d.issues).toEqual([{ line: 3, message: 'the line is longer than 1,000 characters' }]);
    const jsonl = `{"u":"a","i":"x","r":4}\n{"u":"${long}","i":"y","r":3}\n{"u":"c","i":"z","r":5}\n`;
    const j = await read(jsonl, { ...JSONL, maxRecordLength: 1000 });
    expectRows(j, 3, [
      ['a', 'x', 4],
      ['c', 'z', 5],
    ]);
    expect(j.issues).toEqual([{ line: 2, message: 'the line is longer than 1,000 characters' }]);
  });

  it('duplicate column names are reported; the mapping still reads by position', async () => {
    const d = await read('user,item,User\na,x,4\nb,y,5\n');
    expectRows(d, 2, [
      ['a', 'x', 4],
      ['b', 'y', 5],
    ]);
    expect(d.issues).toEqual([
      { line: 1, message: 'columns 1 and 3 are both named "User"; check the mapping' },
    ]);
  });

  it('150 bad rows: the first 100 are listed, all 150 counted', async () => {
    const lines = ['user,item,rating'];
    for (let k = 0; k < 300; k++) lines.push(k % 2 ? `u${k},i,${k % 5}` : `u${k},i,x${k}`);
    const d = await read(lines.join('\n'));
    expect(d.issues).toHaveLength(MAX_ISSUES);
    expect(d.skippedRows).toBe(150);
    expect(d.user.length).toBe(150);
    expect(d.issues.map((i) => i.line)).toEqual(Array.from({ length: 100 }, (_, k) => 2 + 2 * k));
    expect(d.issues[99].message).toBe('rating "x198" in column "rating" is not a number');
    expect(Array.from(d.rating.slice(0, 3))).toEqual([1, 3, 0]);
  });

  it('JSON Lines: bad lines, other values than objects, missing keys', async () => {
    const text = [
      '{"u":"a","i":"x","r":4}',
      '{"u" "b","i":"x","r":3}',
      '[1, 2]',
      '{"u":"c","r":3}',
      '{"u":"d","i":"x"}',
      '{"u":"e","i":"x","r":null}',
      '{"u":"f","i":"x","r":1e999}',
      '{"u":"g","i":"y","r":2,"extra":true}',
    ].join('\n');
    const d = await read(text, JSONL);
    expectRows(d, 8, [
      ['a', 'x', 4],
      ['g', 'y', 2],
    ]);
    expect(d.issues[0]).toEqual({
      line: 2,
      message: expect.stringMatching(
        /^the line is not valid JSON( at column 6)?: "\{\\"u\\" \\"b\\",\\"i\\":\\"x\\",\\"r\\":3}"$/,
      ),
    });
    expect(d.issues.slice(1)).toEqual([
      { line: 3, message: 'the line holds an array, not a JSON object: "[1, 2]"' },
      { line: 4, message: 'the item id (key "i") is missing or empty' },
      { line: 5, message: 'the rating (key "r") is missing or empty' },
      { line: 6, message: 'the rating (key "r") is missing or empty' },
      { line: 7, message: 'rating "Infinity" in key "r" is not a finite number' },
    ]);
  });
});

/** Issue 20's minimal examples, through the worker's path, in chunks of 1, 7, 64 and 1 M bytes. */
describe('issue 20: no character changed, no row lost silently', () => {
  // `\uFEFF\uFEFFx` (one BOM dropped, not two) is held at the parser's level: ids are trimmed.
  it('a U+FEFF inside the file is kept; only the one leading BOM goes', async () => {
    // Ids are trimmed of whitespace, U+FEFF included, so the mark sits inside them here.
    const d = await read('u,i,r\na,b\uFEFFc,1\n');
    expect(d.itemIds).toEqual(['b\uFEFFc']);
    const utf16 = await read(Buffer.from('\uFEFFu,i,r\na\uFEFFb,c,1\n', 'utf16le'));
    expect(utf16.userIds).toEqual(['a\uFEFFb']);
  });

  it('an unterminated quote closed later by `",` costs its own row only', async () => {
    const d = await read('a,b,r\n1,"x,1\n2,y,1\n3,",z",1\n4,w,1\n');
    expectRows(d, 4, [
      ['2', 'y', 1],
      ['3', ',z', 1],
      ['4', 'w', 1],
    ]);
    expect(d.issues).toEqual([{ line: 2, message: strayQuote(2) }]);
    // The issue's two-column example, mapped without a rating.
    const two = await read('a,b\n1,"x\n2,y\n3,",z"\n4,w\n', {
      mapping: { user: 0, item: 1, rating: null, timestamp: null },
    });
    expect(two.user.length + two.skippedRows).toBe(4);
    expect(two.issues[0]).toEqual({ line: 2, message: strayQuote(2) });
  });

  it('blank and whitespace-only lines are skipped, counted and said', async () => {
    const d = await read('u,i,r\n\na,b,1\n  \n\u00a0\r\n\u3000\nc,d,2\n');
    expectRows(d, 2, [
      ['a', 'b', 1],
      ['c', 'd', 2],
    ]);
    expect(d.blankLines).toBe(4);
    expect(d.issues).toEqual([{ line: 2, message: blankLinesNote(4) }]);
  });

  it('a row over several lines is noted, so every line is accounted for', async () => {
    const d = await read('u,i,r\n"a\nb",c,1\nd,e,2\n');
    expect(d.userIds).toEqual(['a\nb', 'd']);
    expect(d.continuationLines).toBe(1);
    expect(d.issues).toHaveLength(1);
    expect(d.issues[0].line).toBe(2);
    expect(d.issues[0].message).toMatch(/runs over lines 2-3/);
  });
});
