/**
 * Delimited-text reading over a whole string: a record walker (the streaming parser fed one
 * text), a dialect sniffer and a preview.
 */
import { isKnownColumnName, isNumeric } from './columns';
import { CsvStreamParser } from './stream-csv';
import type { Delimiter } from './stream-csv';

export { CsvError, type Delimiter } from './stream-csv';

/**
 * Candidates in order of preference when two fit a sample equally well. Runs of whitespace
 * (`' '`) are tried only when none of these splits the sample at all: text fields often hold
 * spaces, so whitespace must not win over a real delimiter.
 */
const DELIMITERS: readonly Delimiter[] = ['::', '\t', ',', ';', '|'];
const SNIFF_RECORDS = 20;

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Walks the records of `text` (RFC 4180): fields may be quoted, `""` inside quotes is one quote,
 * and quoted fields may contain the delimiter and line breaks (CRLF, LF or lone CR all end a
 * record). A leading BOM is ignored. Fully empty (or whitespace-only) lines are skipped.
 *
 * `onRecord(fields, line)` gets the raw field strings (untrimmed, quotes removed) and the 1-based
 * physical line the record starts on; returning `false` stops the walk.
 *
 * A quote still open at the end of the text cannot be parsed correctly: the fields read so far
 * are still passed to `onRecord`, then the problem is reported to `onIssue(line, message)` when
 * given, or else thrown as a `CsvError`, so the caller never gets silently wrong data. So is a
 * record longer than MAX_RECORD_LENGTH (10 M characters), which is skipped.
 */
export function forEachCsvRecord(
  text: string,
  delimiter: Delimiter,
  onRecord: (fields: string[], line: number) => void | false,
  onIssue?: (line: number, message: string) => void,
): void {
  const parser = new CsvStreamParser(delimiter, (r) => onRecord(r.toArray(), r.line), {
    onIssue,
  });
  parser.push(text);
  parser.end();
}

/**
 * Up to `max` records. A sample cut from a longer file (`mayBeCut`) may end in a partial record,
 * which would skew the field counts, so it is dropped.
 */
function sampleRecords(
  text: string,
  delimiter: Delimiter,
  max: number,
  mayBeCut = true,
): string[][] {
  const records: string[][] = [];
  forEachCsvRecord(
    text,
    delimiter,
    (fields) => {
      records.push(fields);
      return records.length < max ? undefined : false;
    },
    () => undefined,
  );
  const complete = /[\r\n]$/.test(text);
  if (mayBeCut && records.length < max && !complete && records.length > 2) records.pop();
  return records;
}

function mode(values: number[]): number {
  const counts = new Map<number, number>();
  let best = 0;
  let bestCount = 0;
  for (const v of values) {
    const c = (counts.get(v) ?? 0) + 1;
    counts.set(v, c);
    if (c > bestCount || (c === bestCount && v > best)) {
      best = v;
      bestCount = c;
    }
  }
  return best;
}

function detectDelimiter(text: string): Delimiter {
  let best: Delimiter = ',';
  let bestConsistency = -1;
  let bestWidth = 0;
  for (const d of [...DELIMITERS, ' ' as const]) {
    if (d === ' ' && bestConsistency >= 0) break;
    const widths = sampleRecords(text, d, SNIFF_RECORDS).map((r) => r.length);
    if (widths.length === 0) continue;
    const width = mode(widths);
    if (width < 2) continue;
    const consistency = widths.filter((w) => w === width).length / widths.length;
    // Consistency decides; among near-equals the delimiter that splits into more fields wins
    // (`1;2;3,5` is three fields with a decimal comma, not two).
    const better =
      consistency > bestConsistency + 0.05 ||
      (Math.abs(consistency - bestConsistency) <= 0.05 && width > bestWidth);
    if (better) {
      best = d;
      bestConsistency = consistency;
      bestWidth = width;
    }
  }
  return best;
}

function detectHeader(records: string[][]): boolean {
  if (records.length === 0) return false;
  const first = records[0].map((f) => f.trim());
  if (first.some(isKnownColumnName)) return true;
  const rest = records.slice(1);
  // A text cell above a column of numbers is a column name.
  for (let j = 0; j < first.length; j++) {
    if (first[j] === '' || isNumeric(first[j])) continue;
    const below = rest.map((r) => (r[j] ?? '').trim()).filter((v) => v !== '');
    if (below.length > 0 && below.filter(isNumeric).length >= 0.8 * below.length) return true;
  }
  // All-text files: names are words without digits that never recur as values below them.
  return first.every(
    (f, j) => f !== '' && !/\d/.test(f) && rest.every((r) => (r[j] ?? '').trim() !== f),
  );
}

/**
 * Guesses the dialect of a file from its first few kilobytes: the delimiter whose field counts
 * are most consistent over the first ~20 records (quotes respected), and whether the first record
 * is a header row.
 */
export function sniffCsv(sample: string): { delimiter: Delimiter; hasHeader: boolean } {
  const text = stripBom(sample);
  const delimiter = detectDelimiter(text);
  const hasHeader = detectHeader(sampleRecords(text, delimiter, SNIFF_RECORDS));
  return { delimiter, hasHeader };
}

/**
 * Whether the first record of `sample` is a header row, when the delimiter is already known (a
 * second file of a known layout, e.g. a test file beside its training file).
 */
export function detectHeaderIn(sample: string, delimiter: Delimiter): boolean {
  return detectHeader(sampleRecords(stripBom(sample), delimiter, SNIFF_RECORDS));
}

export interface CsvPreview {
  delimiter: Delimiter;
  hasHeader: boolean;
  /** One name per column; "column 1", "column 2", ... when the file has no header. */
  header: string[];
  /** Up to `maxRows` data rows of raw (untrimmed) fields; rows may be ragged. */
  rows: string[][];
}

/**
 * Sniffs (unless `format` is given: the person's own choice) and reads the first `maxRows` data
 * rows, for showing a file before mapping its columns.
 */
export function previewCsv(
  text: string,
  maxRows = 20,
  format?: { delimiter: Delimiter; hasHeader: boolean },
): CsvPreview {
  const { delimiter, hasHeader } = format ?? sniffCsv(text.slice(0, 65536));
  const records = sampleRecords(text, delimiter, maxRows + (hasHeader ? 1 : 0), false);
  const rows = hasHeader ? records.slice(1) : records;
  const width = Math.max(0, ...records.map((r) => r.length));
  const header = hasHeader
    ? Array.from({ length: width }, (_, j) => records[0][j]?.trim() || `column ${j + 1}`)
    : generatedColumnNames(width);
  return { delimiter, hasHeader, header, rows };
}

/** A delimiter as a person would name it: `","`, `tab`, `spaces`. */
export function delimiterName(d: Delimiter): string {
  return d === '\t' ? 'tab' : d === ' ' ? 'spaces' : JSON.stringify(d);
}

/**
 * The delimiter other than `current` that splits `line` into the most fields (at least 2), or
 * null: what to suggest when `current` leaves a line as one field. Runs of spaces only when no
 * other delimiter splits it, as in sniffing.
 */
export function delimiterSplitting(
  line: string,
  current: Delimiter,
): { delimiter: Delimiter; fields: number } | null {
  let best: { delimiter: Delimiter; fields: number } | null = null;
  for (const d of [...DELIMITERS, ' ' as const]) {
    if (d === current || (d === ' ' && best)) continue;
    const fields = sampleRecords(line, d, 1, false)[0]?.length ?? 0;
    if (fields >= 2 && (!best || fields > best.fields)) best = { delimiter: d, fields };
  }
  return best;
}

export function generatedColumnNames(width: number): string[] {
  return Array.from({ length: width }, (_, j) => `column ${j + 1}`);
}

/**
 * What to do when `current` leaves `line` (a line of the file) one field, as the end of a
 * sentence: "when split at ","; the delimiter is probably ";", which splits it into 3 fields:
 * choose that delimiter".
 */
export function delimiterAdvice(line: string, current: Delimiter): string {
  const better = delimiterSplitting(line, current);
  const advice = better
    ? `the delimiter is probably ${delimiterName(better.delimiter)}, which splits it into ` +
      `${better.fields} fields: choose that delimiter`
    : 'a file needs at least a user and an item column, so choose the delimiter between them';
  return `when split at ${delimiterName(current)}; ${advice}`;
}
