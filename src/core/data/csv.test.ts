import { describe, expect, it } from 'vitest';
import { CsvError, forEachCsvRecord, previewCsv, sniffCsv } from './csv';
import type { Delimiter } from './csv';

function records(text: string, delimiter: Delimiter = ','): [string[], number][] {
  const out: [string[], number][] = [];
  forEachCsvRecord(text, delimiter, (fields, line) => void out.push([fields, line]));
  return out;
}

describe('sniffCsv', () => {
  const rows = [
    ['userId', 'movieId', 'rating', 'timestamp'],
    ['1', '1', '4.0', '964982703'],
    ['1', '3', '4.0', '964981247'],
    ['2', '6', '3.5', '964982224'],
  ];
  it.each<[string, Delimiter]>([
    ['comma', ','],
    ['tab', '\t'],
    ['semicolon', ';'],
    ['pipe', '|'],
    ['double colon', '::'],
  ])('detects the %s delimiter and the header', (_, delimiter) => {
    const text = rows.map((r) => r.join(delimiter)).join('\n') + '\n';
    expect(sniffCsv(text)).toEqual({ delimiter, hasHeader: true });
  });

  it('reads MovieLens 1M ratings.dat as headerless `::`', () => {
    const text = '1::1193::5::978300760\n1::661::3::978302109\n1::914::3::978301968\n';
    expect(sniffCsv(text)).toEqual({ delimiter: '::', hasHeader: false });
  });

  it('tells headerless numeric data from a header of unknown names', () => {
    expect(sniffCsv('1,10,5\n2,11,3\n3,12,4\n').hasHeader).toBe(false);
    expect(sniffCsv('who,what,stars\n1,10,5\n2,11,3\n').hasHeader).toBe(true);
    expect(sniffCsv('u1,i1,click\nu1,i2,view\nu2,i1,click\n').hasHeader).toBe(false);
  });

  it('ignores delimiters inside quotes and a BOM, and accepts CRLF', () => {
    const text =
      '\uFEFFmovieId,title,genres\r\n11,"American President, The (1995)",Comedy|Drama\r\n';
    expect(sniffCsv(text + '12,"Dracula: Dead and Loving It (1995)",Comedy|Horror\r\n')).toEqual({
      delimiter: ',',
      hasHeader: true,
    });
  });

  it('falls back to runs of whitespace only when no delimiter splits the sample', () => {
    expect(sniffCsv('196 242  3 881250949\n186 302  3 891717742\n')).toEqual({
      delimiter: ' ',
      hasHeader: false,
    });
    expect(sniffCsv('user,title\n1,The Matrix\n2,Up\n').delimiter).toBe(',');
  });

  it('prefers the delimiter that gives more fields when a decimal comma is consistent', () => {
    expect(sniffCsv('1;2;3,5\n2;3;4,0\n3;1;2,5\n').delimiter).toBe(';');
  });
});

describe('forEachCsvRecord', () => {
  it('parses quoted fields with delimiters, doubled quotes and newlines', () => {
    const text = 'a,"b,c","say ""hi"""\n"multi\nline",x,""\nlast,row,end';
    expect(records(text)).toEqual([
      [['a', 'b,c', 'say "hi"'], 1],
      [['multi\nline', 'x', ''], 2],
      [['last', 'row', 'end'], 4],
    ]);
  });

  it('counts physical lines across CRLF, CR and skipped empty lines', () => {
    expect(records('a,b\r\n\r\nc,d\re,f\n\n  \ng,h\n')).toEqual([
      [['a', 'b'], 1],
      [['c', 'd'], 3],
      [['e', 'f'], 4],
      [['g', 'h'], 7],
    ]);
  });

  it('strips a BOM and splits on a two-character delimiter', () => {
    expect(records('\uFEFF1::1193::5\n', '::')).toEqual([[['1', '1193', '5'], 1]]);
  });

  it('keeps empty fields, including a trailing one', () => {
    expect(records('a,,c,\n')).toEqual([[['a', '', 'c', ''], 1]]);
  });

  it('stops when the callback returns false', () => {
    const seen: string[] = [];
    forEachCsvRecord('1\n2\n3\n', ',', (f) => {
      seen.push(f[0]);
      return f[0] === '2' ? false : undefined;
    });
    expect(seen).toEqual(['1', '2']);
  });

  it('delivers an unterminated quote and then reports it', () => {
    const got: string[][] = [];
    const issues: [number, string][] = [];
    forEachCsvRecord(
      'a,b\nc,"open\nmore',
      ',',
      (f) => void got.push(f),
      (line, message) => void issues.push([line, message]),
    );
    expect(got).toEqual([
      ['a', 'b'],
      ['c', 'open\nmore'],
    ]);
    expect(issues).toHaveLength(1);
    expect(issues[0][0]).toBe(2);
    expect(() => forEachCsvRecord('"x', ',', () => undefined)).toThrow(CsvError);
  });
});

describe('previewCsv', () => {
  it('returns the header and the first rows', () => {
    const text = 'userId,movieId,rating\n1,1,4\n1,2,5\n2,1,3\n';
    expect(previewCsv(text, 2)).toEqual({
      delimiter: ',',
      hasHeader: true,
      header: ['userId', 'movieId', 'rating'],
      rows: [
        ['1', '1', '4'],
        ['1', '2', '5'],
      ],
    });
  });

  it('names columns when there is no header, keeping a last line without newline', () => {
    const p = previewCsv('1\t10\n2\t20\n3\t30\n4\t40');
    expect(p.header).toEqual(['column 1', 'column 2']);
    expect(p.rows).toHaveLength(4);
  });
});
