/**
 * Delimited-text reading: an RFC 4180 record walker, a dialect sniffer and a preview.
 * Works on a whole file already decoded to a string; nothing here allocates per character.
 */
import { isKnownColumnName, isNumeric } from './columns';

export type Delimiter = ',' | '\t' | ';' | '|' | '::';

/** Candidates in order of preference when two fit a sample equally well. */
const DELIMITERS: readonly Delimiter[] = ['::', '\t', ',', ';', '|'];
const SNIFF_RECORDS = 20;

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** An unreadable file structure (e.g. a quote that is never closed), tied to a 1-based line. */
export class CsvError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'CsvError';
  }
}

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
 * given, or else thrown as a `CsvError`, so the caller never gets silently wrong data.
 */
export function forEachCsvRecord(
  text: string,
  delimiter: Delimiter,
  onRecord: (fields: string[], line: number) => void | false,
  onIssue?: (line: number, message: string) => void,
): void {
  const n = text.length;
  const d0 = delimiter.charCodeAt(0);
  const d1 = delimiter.length > 1 ? delimiter.charCodeAt(1) : -1;
  const dLen = delimiter.length;
  const isDelimiterAt = (k: number): boolean =>
    text.charCodeAt(k) === d0 && (d1 < 0 || text.charCodeAt(k + 1) === d1);

  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    let quoted = false;
    let unterminated = false;
    for (;;) {
      if (text.charCodeAt(i) === QUOTE) {
        quoted = true;
        let value = '';
        let segment = i + 1;
        let j = segment;
        let closed = false;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === QUOTE) {
            if (text.charCodeAt(j + 1) === QUOTE) {
              value += text.slice(segment, j + 1);
              j += 2;
              segment = j;
              continue;
            }
            value += text.slice(segment, j);
            j++;
            closed = true;
            break;
          }
          if (c === LF || (c === CR && text.charCodeAt(j + 1) !== LF)) line++;
          j++;
        }
        if (!closed) {
          fields.push(value + text.slice(segment, n));
          unterminated = true;
          i = n;
          break;
        }
        // Be lenient with text between a closing quote and the delimiter (`"a"b,`): keep it.
        let k = j;
        while (k < n && !isDelimiterAt(k) && text.charCodeAt(k) !== LF && text.charCodeAt(k) !== CR)
          k++;
        fields.push(k > j ? value + text.slice(j, k) : value);
        i = k;
      } else {
        let k = i;
        while (k < n) {
          const c = text.charCodeAt(k);
          if (c === LF || c === CR || (c === d0 && (d1 < 0 || text.charCodeAt(k + 1) === d1)))
            break;
          k++;
        }
        fields.push(text.slice(i, k));
        i = k;
      }
      if (i >= n) break;
      const c = text.charCodeAt(i);
      if (c !== LF && c !== CR) {
        i += dLen; // a delimiter: the next field may be empty, even at the end of the text
        continue;
      }
      i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      line++;
      break;
    }
    if (!quoted && fields.length === 1 && fields[0].trim() === '') continue;
    if (onRecord(fields, startLine) === false) return;
    if (unterminated) {
      const message = 'a quoted field is never closed (missing ")';
      if (onIssue) onIssue(startLine, message);
      else throw new CsvError(startLine, message);
    }
  }
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
  for (const d of DELIMITERS) {
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

export function generatedColumnNames(width: number): string[] {
  return Array.from({ length: width }, (_, j) => `column ${j + 1}`);
}
