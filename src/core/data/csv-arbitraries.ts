/**
 * fast-check generators of delimited files for the property tests (test-only: nothing in the app
 * imports this). Valid files are RFC 4180 as papaparse reads them; malformed ones are interaction
 * files whose rows were damaged one line at a time, so that the number of rows written is known.
 */
import fc from 'fast-check';
import type { Delimiter } from './stream-csv';

/** Pieces a field is made of: everything that matters to a parser, and text that must pass. */
const PIECES = [
  'a',
  'Z',
  '0',
  '7',
  ' ',
  ',',
  ';',
  '|',
  '\t',
  ':',
  '::',
  '"',
  '\n',
  '\r\n',
  '\r',
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
];

/** Blank lines as people leave them: skipped by the reader, counted. */
const BLANKS = ['', ' ', '  ', '\u00a0', '\u3000', ' \u00a0'];

export interface ValidFile {
  delimiter: Exclude<Delimiter, ' '>;
  lineEnd: '\n' | '\r\n' | '\r';
  bom: boolean;
  /** The records written, in order. */
  records: string[][];
  /** The file's text: a BOM when `bom`, then the records and blank lines. */
  text: string;
  /** Blank lines written between records. */
  blankLines: number;
}

function needsQuotes(f: string, delimiter: string, only: boolean): boolean {
  // A field holding the delimiter's first character is quoted, so `a:` before `::` stays apart;
  // a lone blank field would read as a blank line.
  return /["\r\n]/.test(f) || f.includes(delimiter[0]) || (only && f.trim() === '');
}

const field = fc.array(fc.constantFrom(...PIECES), { maxLength: 6 }).map((p) => p.join(''));

/** A valid RFC 4180 file: 1-8 records of 1-5 fields, blank lines between some of them. */
export const validFile: fc.Arbitrary<ValidFile> = fc
  .record({
    delimiter: fc.constantFrom<ValidFile['delimiter']>(',', '\t', ';', '|', '::'),
    lineEnd: fc.constantFrom<ValidFile['lineEnd']>('\n', '\r\n', '\r'),
    bom: fc.boolean(),
    width: fc.integer({ min: 1, max: 5 }),
    rows: fc.array(
      fc.record({
        fields: fc.array(field, { minLength: 5, maxLength: 5 }),
        quoteAll: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
        blankBefore: fc.option(fc.constantFrom(...BLANKS), { freq: 5 }),
      }),
      { minLength: 1, maxLength: 8 },
    ),
    trailingLineEnd: fc.boolean(),
  })
  .map(({ delimiter, lineEnd, bom, width, rows, trailingLineEnd }) => {
    const records: string[][] = [];
    const lines: string[] = [];
    let blankLines = 0;
    rows.forEach((r, k) => {
      // Not before the first record: a blank first line and a BOM would read as one record.
      if (k > 0 && r.blankBefore !== null) {
        lines.push(r.blankBefore);
        blankLines++;
      }
      // The only field of a one-column record is never blank (it would be a blank line).
      const fields = r.fields
        .slice(0, width)
        .map((f) => (width === 1 && f.trim() === '' ? 'x' : f));
      records.push(fields);
      lines.push(
        fields
          .map((f, j) =>
            r.quoteAll[j] || needsQuotes(f, delimiter, width === 1)
              ? `"${f.replace(/"/g, '""')}"`
              : f,
          )
          .join(delimiter),
      );
    });
    const text = (bom ? '\uFEFF' : '') + lines.join(lineEnd) + (trailingLineEnd ? lineEnd : '');
    return { delimiter, lineEnd, bom, records, text, blankLines };
  });

export interface MalformedFile {
  delimiter: ',' | '\t' | ';' | '::';
  /** The whole text; the header is line 1 and holds no quote. */
  text: string;
  /** Lines after the header that are not blank, each written as one row (damaged or not). */
  rows: number;
  /** Blank lines written. */
  blankLines: number;
}

/** Damage done to one row's text. */
const DAMAGE = [
  'none',
  'open-quote', // a quote opening a field, never closed
  'quote-inside', // a quote inside an unquoted field
  'close-quote', // a quote ending a field that never opened
  'text-after-quote', // "x"y
  'drop-field',
  'bad-rating',
  'empty-id',
] as const;

/**
 * An interactions file (user, item, rating) whose rows are damaged: quotes opened and never
 * closed, closed without opening, in the middle of fields; fields dropped, ratings and ids bad.
 * Every row is one line, so the rows written are its non-blank lines after the header.
 */
export const malformedFile: fc.Arbitrary<MalformedFile> = fc
  .record({
    delimiter: fc.constantFrom<MalformedFile['delimiter']>(',', '\t', ';', '::'),
    lineEnd: fc.constantFrom('\n', '\r\n', '\r'),
    rows: fc.array(
      fc.record({
        user: fc.constantFrom('u1', 'u2', 'Zoë', '日本', 'a b'),
        item: fc.constantFrom('i1', 'i2', 'Café', '😀', 'x\u0301'),
        rating: fc.constantFrom('1', '2.5', '5', '4'),
        damage: fc.constantFrom(...DAMAGE),
        column: fc.integer({ min: 0, max: 2 }),
        quoted: fc.boolean(),
        blankAfter: fc.option(fc.constantFrom(...BLANKS.slice(1)), { freq: 6 }),
      }),
      { minLength: 3, maxLength: 12 },
    ),
    trailingLineEnd: fc.boolean(),
  })
  .map(({ delimiter, lineEnd, rows, trailingLineEnd }) => {
    const lines = [['user', 'item', 'rating'].join(delimiter)];
    let blankLines = 0;
    for (const r of rows) {
      let fields: string[] = [r.user, r.item, r.rating];
      // Some good fields are quoted, so damage meets real quoted fields too.
      if (r.quoted) fields[(r.column + 1) % 3] = `"${fields[(r.column + 1) % 3]}"`;
      const c = r.column;
      if (r.damage === 'open-quote') fields[c] = `"${fields[c]}`;
      else if (r.damage === 'quote-inside') {
        // After the first code point: an emoji's surrogates must stay together.
        const [first, ...rest] = Array.from(fields[c]);
        fields[c] = `${first}"${rest.join('')}`;
      } else if (r.damage === 'close-quote') fields[c] = `${fields[c]}"`;
      else if (r.damage === 'text-after-quote') fields[c] = `"${fields[c]}"z`;
      else if (r.damage === 'drop-field') fields = fields.filter((_, j) => j !== c);
      else if (r.damage === 'bad-rating') fields[2] = 'n/a';
      else if (r.damage === 'empty-id') fields[c === 2 ? 0 : c] = '';
      lines.push(fields.join(delimiter));
      if (r.blankAfter !== null) {
        lines.push(r.blankAfter);
        blankLines++;
      }
    }
    // A blank last line with no line end after it is a blank line still.
    const text = lines.join(lineEnd) + (trailingLineEnd ? lineEnd : '');
    return { delimiter, text, rows: rows.length, blankLines };
  });

/**
 * Cuts for a text or byte length: whole, 1, 7, and random points (from `seed`), as chunk
 * boundaries (increasing, inside the length).
 */
export function chunkings(length: number, random: () => number): number[][] {
  const every = (step: number) =>
    Array.from({ length: Math.ceil(length / step) }, (_, k) => (k + 1) * step);
  const cuts: number[] = [];
  for (let at = 0; at < length;) {
    at += 1 + Math.floor(random() * 12);
    cuts.push(Math.min(at, length));
  }
  return [[length], every(1), every(7), cuts];
}

/** `whole` cut at `ends` (chunk ends as from `chunkings`). */
export function cut<T extends string | Uint8Array>(whole: T, ends: number[]): T[] {
  let from = 0;
  return ends.map((end) => {
    const piece = whole.slice(from, end) as T;
    from = end;
    return piece;
  });
}
