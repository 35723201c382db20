import { describe, expect, it } from 'vitest';
import {
  CsvError,
  CsvRecord,
  CsvStreamParser,
  mergedLine,
  strayQuote,
  UNCLOSED_QUOTE,
} from './stream-csv';
import type { Delimiter } from './stream-csv';
import { mulberry32 } from '../util/random';

type Event = ['record', number, string[]] | ['issue', number, string, boolean];

/** Everything the parser reports, in order, for `chunks` pushed one after another. */
function parse(
  chunks: string[],
  delimiter: Delimiter = ',',
  maxRecordLength?: number,
  recoverStrayQuotes = false,
): Event[] {
  const events: Event[] = [];
  const parser = new CsvStreamParser(
    delimiter,
    (r) => void events.push(['record', r.line, r.toArray()]),
    {
      onIssue: (line, message, dropped) => void events.push(['issue', line, message, dropped]),
      maxRecordLength,
      recoverStrayQuotes,
    },
  );
  for (const c of chunks) parser.push(c);
  parser.end();
  return events;
}

const records = (text: string, delimiter: Delimiter = ','): [number, string[]][] =>
  parse([text], delimiter).map((e) => {
    if (e[0] !== 'record') throw new Error(`unexpected ${e.join(' ')}`);
    return [e[1], e[2]];
  });

function chars(text: string): string[] {
  return text.split('');
}

function randomSplit(text: string, random: () => number, maxPiece: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length;) {
    const k = Math.floor(random() * (maxPiece + 1)); // 0: an empty push now and then
    out.push(text.slice(i, i + k));
    i += k;
  }
  return out;
}

/** Whole text, one character at a time, cut at every position, and random pieces agree. */
function expectChunkingInvariant(
  text: string,
  delimiter: Delimiter,
  max?: number,
  recover = false,
): Event[] {
  const whole = parse([text], delimiter, max, recover);
  expect(parse(chars(text), delimiter, max, recover)).toEqual(whole);
  for (let k = 0; k <= text.length; k++) {
    expect(parse([text.slice(0, k), text.slice(k)], delimiter, max, recover)).toEqual(whole);
  }
  const random = mulberry32(text.length);
  for (let t = 0; t < 5; t++) {
    expect(parse(randomSplit(text, random, 7), delimiter, max, recover)).toEqual(whole);
  }
  return whole;
}

describe('CsvStreamParser', () => {
  it('parses quoted fields with delimiters, doubled quotes and newlines, cut anywhere', () => {
    const text = 'a,"b,c","say ""hi"""\r\n"multi\nline",x,""\nlast,"q""",end';
    expect(expectChunkingInvariant(text, ',')).toEqual([
      ['record', 1, ['a', 'b,c', 'say "hi"']],
      ['record', 2, ['multi\nline', 'x', '']],
      ['record', 4, ['last', 'q"', 'end']],
    ]);
  });

  it('counts physical lines across LF, CRLF, lone CR and skipped blank lines', () => {
    const text = 'a,b\r\n\r\nc,d\re,f\n\n  \ng,"h\r\ni"\r\rj,k\r';
    expect(expectChunkingInvariant(text, ',')).toEqual([
      ['record', 1, ['a', 'b']],
      ['record', 3, ['c', 'd']],
      ['record', 4, ['e', 'f']],
      ['record', 7, ['g', 'h\r\ni']],
      ['record', 10, ['j', 'k']],
    ]);
  });

  it.each<[Delimiter, string]>([
    ['\t', '1\t2\t"x\ty"\n'],
    [';', '1;2;"x;y"\n'],
    ['|', '1|2|"x|y"\n'],
    ['::', '1::2::"x::y"\n'],
  ])('splits on %j', (delimiter, text) => {
    expect(expectChunkingInvariant(text, delimiter)).toEqual([
      ['record', 1, ['1', '2', `x${delimiter}y`]],
    ]);
  });

  it('reads MovieLens 1M `::` rows, with a lone colon as text', () => {
    const text = '1::1193::5::978300760\n2:::3::a:b\n';
    expect(expectChunkingInvariant(text, '::')).toEqual([
      ['record', 1, ['1', '1193', '5', '978300760']],
      ['record', 2, ['2', ':3', 'a:b']],
    ]);
  });

  it("splits on runs of spaces and tabs with ' ', ignoring them at line ends", () => {
    const text = '196\t242\t3\t881250949\n  186  302 \t 3   891717742  \n \t\n"a b"  c\n';
    expect(expectChunkingInvariant(text, ' ')).toEqual([
      ['record', 1, ['196', '242', '3', '881250949']],
      ['record', 2, ['186', '302', '3', '891717742']],
      ['record', 4, ['a b', 'c']],
    ]);
  });

  it('keeps empty fields, a trailing one and lenient text after a closing quote', () => {
    expect(records('a,,c,\n"x"y,z\n')).toEqual([
      [1, ['a', '', 'c', '']],
      [2, ['xy', 'z']],
    ]);
  });

  it('ignores a BOM, also when it arrives alone', () => {
    expect(parse(['\uFEFF', 'a,b\n'])).toEqual([['record', 1, ['a', 'b']]]);
    expect(records('\uFEFFa,b')).toEqual([[1, ['a', 'b']]]);
  });

  // Issue 20: the decoder keeps the BOM, so the parser's one is the only one dropped.
  it("ignores one leading BOM only: a second is the first field's", () => {
    expect(records('\uFEFF\uFEFFx,y')).toEqual([[1, ['\uFEFFx', 'y']]]);
    expect(parse(chars('\uFEFF\uFEFFx,y'))).toEqual([['record', 1, ['\uFEFFx', 'y']]]);
    expect(records('a,\uFEFFb\n\uFEFFc,d')).toEqual([
      [1, ['a', '\uFEFFb']],
      [2, ['\uFEFFc', 'd']],
    ]);
  });

  // Issue 20: `1,"x` opens a quote that `3,"` closes; the bare quote in `z"` shows the merge.
  it('costs a stray quote only its row when its field meets a quote and a delimiter', () => {
    const text = 'a,b\n1,"x\n2,y\n3,",z"\n4,w\n';
    expect(expectChunkingInvariant(text, ',', undefined, true)).toEqual([
      ['record', 1, ['a', 'b']],
      ['issue', 2, strayQuote(2), true],
      ['record', 3, ['2', 'y']],
      ['record', 4, ['3', ',z']],
      ['record', 5, ['4', 'w']],
    ]);
    // Without recovery (sniffing, previews, side files) the rows are merged, but every merged
    // line is reported.
    expect(expectChunkingInvariant(text, ',')).toEqual([
      ['record', 1, ['a', 'b']],
      ['record', 2, ['1', 'x\n2,y\n3,', 'z"']],
      ['issue', 3, mergedLine(2), false],
      ['issue', 4, mergedLine(2), false],
      ['record', 5, ['4', 'w']],
    ]);
  });

  it('reports the rows merged by a quote closed by a quote followed by text, without recovery', () => {
    const text = 'a,b\n1,"x\n2,y\n3,"z"\n4,w';
    expect(expectChunkingInvariant(text, ',')).toEqual([
      ['record', 1, ['a', 'b']],
      ['record', 2, ['1', 'x\n2,y\n3,z"']],
      ['issue', 3, mergedLine(2), false],
      ['issue', 4, mergedLine(2), false],
      ['record', 5, ['4', 'w']],
    ]);
    // Side files have no onIssue: the file is refused naming the line, not read merged.
    const parser = new CsvStreamParser(',', () => undefined);
    expect(() => parser.push(text)).toThrow(new CsvError(3, mergedLine(2)));
  });

  it('drops a stray quote whose field swallows whole rows, even when it closes cleanly', () => {
    // `1,"a,5` and `3,c",5` pair into valid RFC 4180; the line between is a row of its own.
    const text = 'u,i,r\n1,"a,5\n2,b,5\n3,c",5\n';
    expect(expectChunkingInvariant(text, ',', undefined, true)).toEqual([
      ['record', 1, ['u', 'i', 'r']],
      ['issue', 2, strayQuote(2), true],
      ['record', 3, ['2', 'b', '5']],
      ['record', 4, ['3', 'c"', '5']],
    ]);
    // A text column with line breaks and fewer delimiters per line than a row still reads.
    const review = 'u,i,r,text\n1,2,5,"Great, really\nloved it"\n3,4,1,x\n';
    expect(expectChunkingInvariant(review, ',', undefined, true)).toEqual([
      ['record', 1, ['u', 'i', 'r', 'text']],
      ['record', 2, ['1', '2', '5', 'Great, really\nloved it']],
      ['record', 4, ['3', '4', '1', 'x']],
    ]);
  });

  // Issue 20: the report named the quote's line, and the row's first line went unaccounted for.
  it("reports a stray quote after a multi-line field at the row's first line", () => {
    const text = 'u,i,r\n"a\nb",c,"x\nd,e,1\n';
    expect(expectChunkingInvariant(text, ',', undefined, true)).toEqual([
      ['record', 1, ['u', 'i', 'r']],
      ['issue', 2, strayQuote(3, 3), true],
      ['record', 4, ['d', 'e', '1']],
    ]);
  });

  it('tells each blank line it skips, whitespace of any kind', () => {
    const blank: number[] = [];
    const seen: number[] = [];
    const parser = new CsvStreamParser(',', (r) => void seen.push(r.line), {
      onBlankLine: (line) => void blank.push(line),
    });
    parser.push('a,b\n\n  \n\u00a0\n\u3000\t\r\nc,d\n""\n');
    parser.end();
    expect(blank).toEqual([2, 3, 4, 5]);
    expect(seen).toEqual([1, 6, 7]); // a quoted empty field is a record
  });

  it('gives the line a record ends on', () => {
    const ends: [number, number][] = [];
    const parser = new CsvStreamParser(',', (r) => void ends.push([r.line, r.endLine]));
    parser.push('a,"b\r\nc\rd"\ne,f');
    parser.end();
    expect(ends).toEqual([
      [1, 3],
      [4, 4],
    ]);
  });

  it('stops when onRecord returns false', () => {
    const seen: string[] = [];
    const parser = new CsvStreamParser(',', (r) => {
      seen.push(r.field(0));
      return r.field(0) === '2' ? false : undefined;
    });
    for (const c of chars('1\n2\n3\n')) parser.push(c);
    parser.end();
    expect(seen).toEqual(['1', '2']);
  });

  it('delivers a quote left open at the end, then reports its starting line', () => {
    const text = 'a,b\nc,"open\nmore';
    expect(expectChunkingInvariant(text, ',')).toEqual([
      ['record', 1, ['a', 'b']],
      ['record', 2, ['c', 'open\nmore']],
      ['issue', 2, UNCLOSED_QUOTE, false],
    ]);
    const parser = new CsvStreamParser(',', () => undefined);
    parser.push('x\n"y');
    expect(() => parser.end()).toThrow(new CsvError(2, UNCLOSED_QUOTE));
  });

  it('skips a line longer than the limit, reports it and keeps the next rows', () => {
    const long = 'x'.repeat(30);
    const text = `1,2\n${long},3\n"q\n${long}",4\n5,6\n`;
    expect(expectChunkingInvariant(text, ',', 20)).toEqual([
      ['record', 1, ['1', '2']],
      ['issue', 2, 'the line is longer than 20 characters', true],
      ['issue', 3, 'the line is longer than 20 characters', true],
      ['record', 5, ['5', '6']],
    ]);
  });

  it('throws a too-long line as a CsvError without onIssue', () => {
    const parser = new CsvStreamParser(',', () => undefined, { maxRecordLength: 4 });
    expect(() => parser.push('1,2\n123456\n')).toThrow(
      new CsvError(2, 'the line is longer than 4 characters'),
    );
  });

  it('reports a long record whose quote never closes as too long, then as unclosed', () => {
    const text = `1,2\n3,"${'y'.repeat(30)}\n4,5\n`;
    const events = expectChunkingInvariant(text, ',', 20);
    expect(events).toEqual([
      ['record', 1, ['1', '2']],
      ['issue', 2, 'the line is longer than 20 characters', true],
      ['issue', 2, UNCLOSED_QUOTE, false],
    ]);
  });

  it('drops a 10 MB+ line fed in 64 KB chunks without losing the rows after it', () => {
    const long = `9,${'z'.repeat(11 * 1024 * 1024)}\n`;
    const text = `1,2\n${long}3,4\r\n5,6`;
    const chunks: string[] = [];
    for (let i = 0; i < text.length; i += 65536) chunks.push(text.slice(i, i + 65536));
    expect(parse(chunks)).toEqual([
      ['record', 1, ['1', '2']],
      ['issue', 2, 'the line is longer than 10,485,760 characters', true],
      ['record', 3, ['3', '4']],
      ['record', 4, ['5', '6']],
    ]);
  });

  it('skips the row of a stray quote and reads on at the next line (whole files)', () => {
    const text = '1,2\n3,"open,4\n5,6\n7,"x\ny"z,8\n9,10';
    expect(expectChunkingInvariant(text, ',', undefined, true)).toEqual([
      ['record', 1, ['1', '2']],
      ['issue', 2, strayQuote(2), true],
      ['record', 3, ['5', '6']],
      // Closed on the next line but followed by text: the quote on line 4 was stray too.
      ['issue', 4, strayQuote(2), true],
      ['record', 5, ['y"z', '8']],
      ['record', 6, ['9', '10']],
    ]);
    // Past the length limit the quote is given up on at once, and what follows is read.
    const long = `1,2\n"${'y'.repeat(30)}\n3,4\n${'z'.repeat(30)}"w\n5,6\n`;
    expect(expectChunkingInvariant(long, ',', 20, true)).toEqual([
      ['record', 1, ['1', '2']],
      ['issue', 2, strayQuote(1), true],
      ['record', 3, ['3', '4']],
      ['issue', 4, 'the line is longer than 20 characters', true],
      ['record', 5, ['5', '6']],
    ]);
    // A stray quote whose line itself outgrows the limit: read past without quotes.
    const longLine = `1,2\n3,"${'q'.repeat(30)}"x"\n5,6\n`;
    expect(expectChunkingInvariant(longLine, ',', 20, true)).toEqual([
      ['record', 1, ['1', '2']],
      ['issue', 2, strayQuote(2), true],
      ['record', 3, ['5', '6']],
    ]);
  });

  it('agrees with itself however arbitrary text is cut, stray quotes given up on or not', () => {
    const alphabet = ['a', '"', '"', ',', ':', '\n', '\r', ' '];
    const random = mulberry32(11);
    const delimiters: Delimiter[] = [',', '::', ' '];
    for (let t = 0; t < 300; t++) {
      const n = 1 + Math.floor(random() * 24);
      let text = '';
      for (let k = 0; k < n; k++) text += alphabet[Math.floor(random() * alphabet.length)];
      const delimiter = delimiters[t % delimiters.length];
      expectChunkingInvariant(text, delimiter, undefined, true);
      expectChunkingInvariant(text, delimiter, 1 + (t % 6), true);
    }
  });

  it('agrees with itself however arbitrary text is cut, for every delimiter', () => {
    // Short strings over the characters that matter: quotes, delimiters, line ends, blanks.
    const alphabet = ['a', 'b', '"', ',', ';', ':', '|', '\t', ' ', '\n', '\r', '\u00e9'];
    const random = mulberry32(7);
    const delimiters: Delimiter[] = [',', ';', '|', '\t', '::', ' '];
    for (let t = 0; t < 300; t++) {
      const n = 1 + Math.floor(random() * 24);
      let text = '';
      for (let k = 0; k < n; k++) text += alphabet[Math.floor(random() * alphabet.length)];
      const delimiter = delimiters[t % delimiters.length];
      expectChunkingInvariant(text, delimiter);
      expectChunkingInvariant(text, delimiter, 1 + (t % 6));
    }
  });

  it('reads back random tables written as CSV, however the text is cut', () => {
    const random = mulberry32(42);
    const pieces = ['a', 'Z', '0', '7', ',', '"', '""', '\n', '\r\n', '\r', ' ', '\t', ';'];
    const unicode = ['é', 'ß', '€', '日本', '😀', '\u00a0', '\u2028'];
    const cell = (): string => {
      let s = '';
      const n = Math.floor(random() * 6);
      for (let k = 0; k < n; k++) {
        const pool = random() < 0.2 ? unicode : pieces;
        s += pool[Math.floor(random() * pool.length)];
      }
      return s;
    };
    for (let t = 0; t < 60; t++) {
      const width = 1 + Math.floor(random() * 4);
      const rows = Array.from({ length: 1 + Math.floor(random() * 12) }, () =>
        Array.from({ length: width }, cell),
      );
      const lineEnd = ['\n', '\r\n', '\r'][t % 3];
      const text = rows
        .map((r) => r.map((f) => writeField(f, r.length, random)).join(','))
        .join(lineEnd);
      const events = parse(randomSplit(text, random, 1 + Math.floor(random() * 16)));
      expect(events.map((e) => e[2])).toEqual(rows);
      // Each record starts one physical line after the line breaks written before it.
      let line = 1;
      rows.forEach((r, k) => {
        expect(events[k][1]).toBe(line);
        line += 1 + r.reduce((sum, f) => sum + (f.match(/\r\n|\r|\n/g) ?? []).length, 0);
      });
    }
  });
});

/**
 * RFC 4180 writing: quoted when needed (the delimiter, a quote, a line break; a leading quote;
 * the only field of a row when blank, which would read as an empty line), and sometimes anyway.
 */
function writeField(f: string, width: number, random: () => number): string {
  const needs = /[",\r\n]/.test(f) || (width === 1 && f.trim() === '');
  return needs || random() < 0.2 ? `"${f.replace(/"/g, '""')}"` : f;
}

describe('CsvRecord', () => {
  it('holds ranges and gives fresh strings', () => {
    const r = CsvRecord.of(['a', 'bc'], 3);
    expect([r.line, r.length, r.field(1)]).toEqual([3, 2, 'bc']);
    expect(r.toArray()).toEqual(['a', 'bc']);
    const wide = CsvRecord.of(
      Array.from({ length: 40 }, (_, j) => `f${j}`),
      1,
    );
    expect(wide.field(39)).toBe('f39');
  });
});
