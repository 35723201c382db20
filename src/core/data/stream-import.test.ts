import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildInteractions, DataError } from './build';
import { InteractionBuilder } from './interaction-builder';
import { CsvRecord } from './stream-csv';
import { InteractionImport, readInteractions } from './stream-import';
import type { StreamImportOptions } from './stream-import';
import type { ReadProgress } from './stream-import';
import { mulberry32 } from '../util/random';
import { randomCuts, streamOf } from './byte-chunks';

const ML = { user: 0, item: 1, rating: 2, timestamp: 3 };
const OPTIONS: StreamImportOptions = {
  name: 'ratings.csv',
  delimiter: ',',
  hasHeader: true,
  mapping: ML,
};

/** A file with every kind of row: good, bad, quoted, blank, CRLF, ISO dates, string ids. */
function messyFile(rows: number, seed: number): string {
  const random = mulberry32(seed);
  const lines = ['\uFEFFuserId,movieId,rating,timestamp'];
  for (let r = 0; r < rows; r++) {
    const u = `u${Math.floor(random() * 50)}`;
    const i = String(Math.floor(random() * 80));
    const kind = random();
    if (kind < 0.05) lines.push(`${u},${i},abc,1`);
    else if (kind < 0.08) lines.push(`${u},${i}`);
    else if (kind < 0.1) lines.push('');
    else if (kind < 0.15)
      lines.push(`"${u}","item ""${i}"", with, commas\nand a line",4,2001-01-01`);
    else if (kind < 0.2) lines.push(` ${u} ,${i}, 3.5 ,${964982703 + r}\r`);
    else lines.push(`${u},${i},${(1 + Math.floor(random() * 10)) / 2},${964982703 + r}`);
  }
  return lines.join('\n');
}

describe('InteractionImport', () => {
  it('gives the same Dataset as the whole text, however the bytes are cut', () => {
    const text = messyFile(2000, 1);
    const whole = buildInteractions({ ...OPTIONS, text });
    expect(whole.skippedRows).toBeGreaterThan(0);
    expect(whole.user.length + whole.skippedRows).toBeGreaterThan(1900);
    const bytes = Buffer.from(text);
    const random = mulberry32(2);
    for (const max of [1, 7, 100, 4096, 1 << 20]) {
      const target = new InteractionImport(OPTIONS);
      for (const c of randomCuts(bytes, random, max)) target.push(c);
      expect(target.finish()).toEqual(whole);
      expect(target.bytesRead).toBe(bytes.length);
      expect(target.encoding).toBe('utf-8');
    }
  });

  it('reads UTF-16 and Latin-1 files, ids included', () => {
    const text = '\uFEFFuser,item,rating\nJosé,Café,4\nZoë,Café,5\n';
    const latin1 = Buffer.from(text.slice(1), 'latin1');
    for (const [bytes, encoding] of [
      [Buffer.from(text, 'utf16le'), 'utf-16le'],
      [latin1, 'windows-1252'],
    ] as const) {
      const target = new InteractionImport({
        ...OPTIONS,
        mapping: { user: 0, item: 1, rating: 2, timestamp: null },
      });
      for (const c of randomCuts(bytes, mulberry32(3), 5)) target.push(c);
      const d = target.finish();
      expect([d.userIds, d.itemIds, target.encoding]).toEqual([
        ['José', 'Zoë'],
        ['Café'],
        encoding,
      ]);
    }
  });

  it('reads whitespace-aligned files such as MovieLens 100K u.data', () => {
    const text = '196\t242\t3\t881250949\n186  302   3 891717742\n 22 377 1 878887116 \n';
    const target = new InteractionImport({ ...OPTIONS, delimiter: ' ', hasHeader: false });
    target.push(Buffer.from(text));
    const d = target.finish();
    expect(d.userIds).toEqual(['196', '186', '22']);
    expect(Array.from(d.timestamp ?? [])).toEqual([881250949, 891717742, 878887116]);
  });

  it('counts a line over the length limit as a skipped row and keeps the rest', () => {
    const text = `userId,movieId,rating,timestamp\n1,1,4,1\n2,${'x'.repeat(100)},4,2\n3,3,5,3\n`;
    const target = new InteractionImport({ ...OPTIONS, maxRecordLength: 50 });
    for (const c of randomCuts(Buffer.from(text), mulberry32(4), 16)) target.push(c);
    const d = target.finish();
    expect(d.userIds).toEqual(['1', '3']);
    expect(d.skippedRows).toBe(1);
    expect(d.issues).toEqual([{ line: 3, message: 'the line is longer than 50 characters' }]);
    expect(target.rows).toBe(3);
  });

  it('fails early on a mapping the first record does not fit, and on empty files', () => {
    const target = new InteractionImport(OPTIONS);
    // Early: once the first 4096 characters (checked for binary data first) are in.
    expect(() => target.push(Buffer.from('a,b\n1,2\n'.repeat(600)))).toThrow(DataError);
    expect(() => new InteractionImport(OPTIONS).finish()).toThrow('ratings.csv: the file is empty');
    expect(
      () =>
        new InteractionImport({
          ...OPTIONS,
          kind: 'explicit',
          mapping: { ...ML, rating: null },
        }),
    ).toThrow(/explicit ratings need a rating column/);
  });
});

describe('readInteractions', () => {
  const text = messyFile(3000, 5);

  it('reads a plain and a gzip stream, reporting progress in source bytes', async () => {
    const whole = buildInteractions({ ...OPTIONS, text });
    const bytes = Buffer.from(text);
    const gz = gzipSync(bytes);
    for (const source of [bytes, gz]) {
      const progress: ReadProgress[] = [];
      const chunks = randomCuts(source, mulberry32(6), 3000);
      const d = await readInteractions(streamOf(chunks), OPTIONS, (p) => void progress.push(p));
      expect(d).toEqual(whole);
      expect(progress.at(-1)?.bytes).toBe(source.length);
      expect(progress.at(-1)?.rows).toBe(whole.user.length + whole.skippedRows);
      for (let k = 1; k < progress.length; k++) {
        expect(progress[k].bytes).toBeGreaterThanOrEqual(progress[k - 1].bytes);
      }
    }
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    const chunks = randomCuts(Buffer.from(text), mulberry32(7), 1000);
    const reading = readInteractions(
      streamOf(chunks),
      OPTIONS,
      (p) => {
        if (p.rows > 100) controller.abort(new Error('cancelled'));
      },
      controller.signal,
    );
    await expect(reading).rejects.toThrow('cancelled');
  });
});

describe('InteractionBuilder', () => {
  it('builds from records made of strings, counting dropped records as skipped rows', () => {
    const b = new InteractionBuilder({ name: 'r.csv', hasHeader: false, mapping: ML });
    b.add(CsvRecord.of(['a', 'x', '4', '10'], 1));
    b.issue(2, 'too long', true);
    b.add(CsvRecord.of([' b ', '"y"', ' 3 ', '2001-01-01'], 3));
    b.issue(4, 'a quoted field is never closed', false);
    const d = b.finish();
    expect([d.userIds, d.itemIds, Array.from(d.rating)]).toEqual([
      ['a', 'b'],
      ['x', '"y"'],
      [4, 3],
    ]);
    expect(Array.from(d.timestamp ?? [])).toEqual([10, 978307200]);
    expect([d.skippedRows, b.rows, d.issues.length]).toEqual([1, 3, 2]);
  });
});

describe('bad values the builder reports', () => {
  const read = (text: string, kind?: 'implicit' | 'explicit') => {
    const target = new InteractionImport({
      name: 'plays.csv',
      delimiter: ',',
      hasHeader: true,
      mapping: { user: 0, item: 1, rating: 2, timestamp: null },
      ...(kind ? { kind } : {}),
    });
    target.push(new TextEncoder().encode(text));
    return target.finish();
  };

  it('skips negative counts of implicit data, each with its line, keeping kept + skipped whole', () => {
    const d = read('user,artist,plays\na,x,3\nb,x,-2\nb,y,40\n', 'implicit');
    expect(d.user.length + d.skippedRows).toBe(3);
    expect(d.skippedRows).toBe(1);
    expect(d.issues[0]).toMatchObject({ line: 3, message: expect.stringMatching(/-2.*negative/) });
    expect([d.ratingMin, d.ratingMax]).toEqual([3, 40]);
    // Ratings may be negative (a -2..2 scale): explicit data keep them.
    expect(read('user,item,score\na,x,-2\nb,x,1\n', 'explicit').user.length).toBe(2);
  });

  it('reports a header that names two columns alike, and still reads by position', () => {
    const d = read('user,item,Item\na,x,3\n');
    expect(d.issues[0]).toMatchObject({
      line: 1,
      message: expect.stringMatching(/columns 2 and 3/),
    });
    expect(d.user.length).toBe(1);
  });
});
