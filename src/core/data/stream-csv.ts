/**
 * An incremental RFC 4180 record parser: text arrives in chunks of any size (a quote, a CRLF or a
 * `::` may be cut anywhere) and records come out as soon as they are complete, so a file never
 * has to be one string. `forEachCsvRecord` (csv.ts) is this parser fed one whole text.
 */
import { isBlankRange } from './field-values';
import { DroppedRecordScanner } from './skip-record';

/**
 * `' '` means runs of spaces and tabs (whitespace-aligned dumps), ignored at the start and end of
 * a line.
 */
export type Delimiter = ',' | '\t' | ';' | '|' | '::' | ' ';

/** Records longer than this many characters are reported and skipped instead of held in memory. */
export const MAX_RECORD_LENGTH = 10 * 1024 * 1024;

export const UNCLOSED_QUOTE = 'a quoted field is never closed (missing ")';

/**
 * The issue for each line after the first of a record whose quoted field (opened at
 * `quoteLine`) swallowed line ends and then broke the quoting rules, without
 * `recoverStrayQuotes`: those lines are probably rows of their own, read into one.
 */
export function mergedLine(quoteLine: number): string {
  return `read into the quoted field that opens at line ${quoteLine}, whose closing quote is followed by a stray quote or text, so a quote is missing or stray there: the lines were read as one row`;
}

/**
 * The issue for a stray quote (see `recoverStrayQuotes`); `column` is 1-based; `quoteLine`: the
 * quote's line when the row starts on an earlier one (a quoted field before it spans lines).
 */
export function strayQuote(column: number, quoteLine?: number): string {
  const where = quoteLine === undefined ? '' : ` on line ${quoteLine}`;
  return `a quote opens column ${column}${where} but is never closed (missing "); reading goes on at the next line`;
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const BOM = 0xfeff;

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

/**
 * One record as ranges, so a consumer can read numbers and look up ids from character codes
 * without a substring per field. Field j is `sources[j].slice(starts[j], ends[j])`: the source is
 * the text being parsed, or, for a quoted field with `""` inside (not a plain slice of it), the
 * field's unescaped value. The parser reuses one CsvRecord: it is valid only during `onRecord`.
 */
export class CsvRecord {
  /** 1-based physical line the record starts on. */
  line = 0;
  /** The line it ends on: more than `line` when a quoted field holds line breaks. */
  endLine = 0;
  /** Number of fields. */
  length = 0;
  readonly sources: string[] = [];
  starts = new Int32Array(16);
  ends = new Int32Array(16);

  /** A record holding `fields` as they are, e.g. to feed a consumer of records from strings. */
  static of(fields: readonly string[], line: number): CsvRecord {
    const r = new CsvRecord();
    r.line = line;
    r.endLine = line;
    for (const f of fields) r.push(f, 0, f.length);
    return r;
  }

  field(j: number): string {
    return this.sources[j].slice(this.starts[j], this.ends[j]);
  }

  /** The fields as fresh strings (safe to keep after `onRecord` returns). */
  toArray(): string[] {
    const out = new Array<string>(this.length);
    for (let j = 0; j < this.length; j++) out[j] = this.field(j);
    return out;
  }

  /** Appends a field (for the parser). */
  push(source: string, start: number, end: number): void {
    const j = this.length++;
    if (j === this.starts.length) {
      const starts = new Int32Array(j * 2);
      const ends = new Int32Array(j * 2);
      starts.set(this.starts);
      ends.set(this.ends);
      this.starts = starts;
      this.ends = ends;
    }
    this.sources[j] = source;
    this.starts[j] = start;
    this.ends[j] = end;
  }
}

export interface CsvParserOptions {
  /**
   * A structural problem at a 1-based line. `dropped`: the record was not delivered (it was
   * longer than `maxRecordLength`, or a stray quote's); otherwise it was (an unclosed quote,
   * without `recoverStrayQuotes`). `lastLine`: the last line a dropped record took, when it is
   * known and not `line` (a quoted field before the stray quote held line breaks), so that a
   * caller can account for every line. Without this callback the problem is thrown as a
   * `CsvError`, so a caller never gets silently wrong data.
   */
  onIssue?: (line: number, message: string, dropped: boolean, lastLine?: number) => void;
  /** In characters, from the record's start to its line end; default MAX_RECORD_LENGTH. */
  maxRecordLength?: number;
  /**
   * The input is a whole file, not a sample that may end inside a quoted field. Then a quote
   * still open at its end, or one that runs past `maxRecordLength` (closed, if ever, only by
   * another stray quote far below), would swallow every row after it into one field; instead its
   * row is reported as dropped and reading goes on at the line after the quote's, so the rows
   * after a stray quote are still read.
   */
  recoverStrayQuotes?: boolean;
  /**
   * A blank line (empty, or spaces and other whitespace only) was skipped, at this 1-based line:
   * RFC 4180 would read it as a record of one empty field, which no reader here wants, but a
   * caller may say how many there were.
   */
  onBlankLine?: (line: number) => void;
}

/**
 * Feeds `push(text)` chunks in order, then `end()`. `onRecord` gets each record (fields untrimmed,
 * quotes removed, `""` read as one quote; quoted fields may hold delimiters and line breaks; CRLF,
 * LF or a lone CR end a record); returning `false` stops the parse. One leading BOM (U+FEFF) is
 * ignored: ChunkDecoder keeps it in the text, so this is the one place it goes. Fully empty (or
 * whitespace-only) lines are skipped and told to `onBlankLine`.
 *
 * A quoted field that spans lines and whose closing quote is followed by text or, later on that
 * line, by a quote inside an unquoted field (`1,"x` ... `3,"z"`, or `3,",z"`) broke the quoting
 * rules, so its lines are probably rows that a stray quote joined. With `recoverStrayQuotes` its
 * opening quote is stray (below); without, the record is delivered and every line after its
 * first is reported (`mergedLine`), so no row is merged silently.
 *
 * A quote still open at the end of the input: the fields read so far are delivered, then the
 * problem is reported (with `recoverStrayQuotes`, the quote's row is dropped instead and the
 * lines after it are read). A record longer than `maxRecordLength` is reported at its first line and
 * skipped without being held; parsing goes on after it.
 *
 * A record is delivered only once its line end has arrived (or at `end()`), so a cut anywhere
 * (inside quotes, between the quotes of `""`, between CR and LF, inside `::`) reads the same as
 * the whole text. Cost: each character is scanned once, plus once more for the record a chunk
 * boundary cuts (scanned again from its start when the next chunk arrives). A record longer than
 * a chunk is scanned again only each time the text held for it doubles, so it stays linear.
 */
export class CsvStreamParser {
  private readonly d0: number;
  private readonly d1: number;
  private readonly dLen: number;
  private readonly blanks: boolean;
  private readonly maxLength: number;
  private readonly recoverStray: boolean;
  private readonly onIssue: CsvParserOptions['onIssue'];
  private readonly onBlankLine: CsvParserOptions['onBlankLine'];
  /** Fields of the first record (the header, usually): how many delimiters make a row. */
  private width = 0;
  private readonly record = new CsvRecord();
  /** Line of the next record. */
  private line = 1;
  /** The start of a record that the text so far does not complete. */
  private tail = '';
  /** Chunks received after `tail` and not scanned yet. */
  private queued: string[] = [];
  private queuedLength = 0;
  /** Held length at which an incomplete `tail` is scanned again. */
  private retryAt = 0;
  private started = false;
  /** The last record ended with a CR at the end of a chunk: a LF starting the next belongs to it. */
  private skipLF = false;
  private stopped = false;
  private ended = false;
  /** Set while reading past a record that is too long. */
  private dropping: DroppedRecordScanner | null = null;

  constructor(
    private readonly delimiter: Delimiter,
    private readonly onRecord: (record: CsvRecord) => void | false,
    options: CsvParserOptions = {},
  ) {
    this.blanks = delimiter === ' ';
    this.d0 = delimiter.charCodeAt(0);
    this.d1 = delimiter.length > 1 ? delimiter.charCodeAt(1) : -1;
    this.dLen = delimiter.length;
    this.maxLength = options.maxRecordLength ?? MAX_RECORD_LENGTH;
    this.recoverStray = options.recoverStrayQuotes ?? false;
    this.onIssue = options.onIssue;
    this.onBlankLine = options.onBlankLine;
  }

  push(text: string): void {
    if (this.stopped || this.ended) return;
    if (!this.started && text !== '') {
      this.started = true;
      if (text.charCodeAt(0) === BOM) text = text.slice(1);
    }
    if (this.dropping) {
      const rest = this.dropping.scan(text);
      if (rest < 0) return;
      this.line = this.dropping.line;
      this.skipLF = this.dropping.endedWithCR && rest === text.length;
      this.dropping = null;
      text = rest === 0 ? text : text.slice(rest);
    }
    if (this.skipLF && text !== '') {
      this.skipLF = false;
      if (text.charCodeAt(0) === LF) text = text.slice(1);
    }
    if (text === '') return;
    this.queued.push(text);
    this.queuedLength += text.length;
    if (this.tail.length + this.queuedLength >= this.retryAt) this.scan(false);
  }

  end(): void {
    if (this.stopped || this.ended) return;
    this.ended = true;
    if (this.dropping) {
      if (this.dropping.inQuotes) this.report(this.dropping.startLine, UNCLOSED_QUOTE, false);
      this.dropping = null;
      return;
    }
    this.scan(true);
  }

  private report(line: number, message: string, dropped: boolean, lastLine = line): void {
    if (this.onIssue) this.onIssue(line, message, dropped, lastLine);
    else throw new CsvError(line, message);
  }

  private scan(final: boolean): void {
    const text = this.queued.length === 0 ? this.tail : this.tail + this.queued.join('');
    this.tail = '';
    this.queued.length = 0;
    this.queuedLength = 0;
    this.retryAt = 0;
    const n = text.length;
    let i = 0;
    while (i < n && !this.stopped) {
      const next = this.scanRecord(text, i, final);
      if (next < 0) break;
      i = next;
    }
    if (i >= n || this.stopped) return;
    // One character more than the limit is held: whether a quote there is the first of `""`
    // tells whether a stray quote's field is still open at the limit (see isStray).
    if (n - i > this.maxLength + 1) {
      // Incomplete and already too long: report it now and read past it without holding it.
      this.report(this.line, this.tooLong(), true);
      this.dropping = new DroppedRecordScanner(this.delimiter, this.line);
      this.push(text.slice(i));
      return;
    }
    this.tail = i === 0 ? text : text.slice(i);
    this.retryAt = Math.min(2 * this.tail.length, this.maxLength + 2);
  }

  private tooLong(): string {
    return `the line is longer than ${this.maxLength.toLocaleString('en')} characters`;
  }

  /**
   * Whether the quoted field opening at `text[i]` of the record at `start` (closing at `j` if
   * `closed`) opened with a stray quote. Only the record's first maxRecordLength + 2 characters
   * decide, so that the answer does not depend on how the text was cut (a record still open past
   * them is dropped as too long before the rest arrives): the quote is stray when the field is
   * still open there, or at the end of the file, or when it spans lines and `breaksQuoting`, or
   * when it spans lines and one of the lines it swallowed holds a whole row's delimiters (as
   * many as the first record's, less one): then that line is a row, and an interactions file's
   * ids and numbers never hold line breaks. A quote opening past that window is the too-long
   * record's business.
   */
  private isStray(
    text: string,
    start: number,
    i: number,
    j: number,
    closed: boolean,
    multiline: boolean,
    final: boolean,
  ): boolean {
    const n = text.length;
    const limit = start + this.maxLength + 1;
    if (i >= limit) return false;
    if (!closed || j >= limit) return final || n >= limit;
    if (!multiline) return false;
    const end = this.closingLineEnd(text, j, limit, final);
    if (end < 0) return this.textFollows(text, j, limit, final);
    return this.breaksQuoting(text, j, end) || this.swallowsRow(text, i, j, end);
  }

  /**
   * The end of the line a quoted field's closing quote at `j` is on (its line break's index, or
   * the text's end when `final`), or -1 when it is not known within the window: not arrived
   * yet (the record is then incomplete and scanned again) or past the window (the record is
   * then too long and dropped as such, however the text is cut).
   */
  private closingLineEnd(text: string, j: number, limit: number, final: boolean): number {
    const n = text.length;
    let e = j + 1;
    while (e < n && e < limit) {
      const c = text.charCodeAt(e);
      if (c === LF || c === CR) return e;
      e++;
    }
    return e >= n && final ? n : -1;
  }

  /** Text, not a delimiter, follows the closing quote at `j` (decided within the window). */
  private textFollows(text: string, j: number, limit: number, final: boolean): boolean {
    const n = text.length;
    // The characters that tell whether a delimiter follows the closing quote.
    const after = j + 1 + (this.d1 >= 0 ? 1 : 0);
    if (j + 1 >= n || after >= limit || (!final && after >= n)) return false;
    return !this.endsField(text, j + 1);
  }

  /**
   * The rest of a line after a closing quote at `j`, to `end`, breaks RFC 4180: text right after
   * the quote, or a quote inside an unquoted field (`3,",z"` after `1,"x`). A real multi-line
   * field ends `..."` or `...",` and the fields after it are plain or properly quoted. Stops at
   * a quoted field that is still open at `end` (its own line break decides about it).
   */
  private breaksQuoting(text: string, j: number, end: number): boolean {
    let k = j + 1;
    if (k < end && !this.endsField(text, k)) return true;
    while (k < end) {
      k += this.blanks ? 1 : this.dLen; // past the delimiter
      if (this.blanks) while (k < end && isBlank(text.charCodeAt(k))) k++;
      if (k < end && text.charCodeAt(k) === QUOTE) {
        for (k++; ; k++) {
          if (k >= end) return false;
          if (text.charCodeAt(k) !== QUOTE) continue;
          if (text.charCodeAt(k + 1) === QUOTE) k++;
          else break;
        }
        k++;
        if (k < end && !this.endsField(text, k)) return true;
        continue;
      }
      while (k < end && !this.endsField(text, k)) {
        if (text.charCodeAt(k) === QUOTE) return true;
        k++;
      }
    }
    return false;
  }

  /**
   * With `recoverStrayQuotes`: a line that the quoted field from `i` to `j` swallowed holds as
   * many delimiters as a row of the first record's width, so it is a row of its own and the
   * opening quote is stray: a line inside the field, or the closing line up to `end` when its
   * part inside the field holds a delimiter too (a real field in the first column, `"a` /
   * `b",c,1`, has the rest of its row's delimiters after its closing quote, none before).
   */
  private swallowsRow(text: string, i: number, j: number, end: number): boolean {
    if (!this.recoverStray) return false;
    const needed = Math.max(1, this.width - 1);
    let from = -1; // the start of the current swallowed line
    for (let k = i + 1; k < j; k++) {
      const c = text.charCodeAt(k);
      if (c !== LF && c !== CR) continue;
      if (from >= 0 && this.countDelimiters(text, from, k) >= needed) return true;
      if (c === CR && text.charCodeAt(k + 1) === LF) k++;
      from = k + 1;
    }
    return (
      from >= 0 &&
      this.countDelimiters(text, from, j) > 0 &&
      this.countDelimiters(text, from, end) >= needed
    );
  }

  /** Delimiters in `text[from, to)`, quotes disregarded; runs of blanks count once. */
  private countDelimiters(text: string, from: number, to: number): number {
    let count = 0;
    if (this.blanks) {
      let inText = false;
      let blankRun = false;
      for (let k = from; k < to; k++) {
        if (isBlank(text.charCodeAt(k))) blankRun = inText;
        else {
          if (blankRun) count++;
          inText = true;
          blankRun = false;
        }
      }
      return count;
    }
    for (let k = from; k < to; k++) {
      if (text.charCodeAt(k) !== this.d0) continue;
      if (this.d1 < 0) count++;
      else if (text.charCodeAt(k + 1) === this.d1) {
        count++;
        k++;
      }
    }
    return count;
  }

  /**
   * Reports the row of a stray quote at `text[at]` (on `line`, in field `column`) as dropped, at
   * the row's own first line (`this.line`), and returns the index after the quote's line end,
   * reading nothing after the quote as quoted.
   * When that line end has not arrived yet (the text after the quote is already longer than
   * maxRecordLength), the rest of the line is read past without being held.
   */
  private skipStrayQuote(
    text: string,
    at: number,
    line: number,
    column: number,
    final: boolean,
  ): number {
    const n = text.length;
    let k = at + 1;
    while (k < n && text.charCodeAt(k) !== LF && text.charCodeAt(k) !== CR) k++;
    const start = this.line;
    this.report(start, strayQuote(column, line > start ? line : undefined), true, line);
    if (k >= n) {
      this.line = line;
      if (!final) this.dropping = new DroppedRecordScanner(this.delimiter, line, false);
      return n;
    }
    let next = k + 1;
    if (text.charCodeAt(k) === CR) {
      if (next < n) {
        if (text.charCodeAt(next) === LF) next++;
      } else if (!final) {
        this.skipLF = true;
      }
    }
    this.line = line + 1;
    return next;
  }

  /** True when the character at k ends a field: a delimiter or a line break. */
  private endsField(text: string, k: number): boolean {
    const c = text.charCodeAt(k);
    if (c === LF || c === CR) return true;
    if (this.blanks) return c === SPACE || c === TAB;
    return c === this.d0 && (this.d1 < 0 || text.charCodeAt(k + 1) === this.d1);
  }

  /**
   * Reads the record starting at `start` and delivers it; returns the index after its line end,
   * or -1 when `text` ends before the record does (unless `final`: then the text's end ends it).
   */
  private scanRecord(text: string, start: number, final: boolean): number {
    const n = text.length;
    const { d0, d1, dLen, blanks } = this;
    const rec = this.record;
    rec.length = 0;
    let line = this.line;
    let i = start;
    let quoted = false;
    let unterminated = false;
    let stop = n; // where the record's text ends (its line break, or the end of the text)
    let next = n; // where the next record starts
    let crAtEnd = false;
    let endLine = line;
    // Without recoverStrayQuotes: lines [from, to] that a quote-breaking field merged (pairs).
    let merged: number[] | null = null;
    if (blanks) while (i < n && isBlank(text.charCodeAt(i))) i++;
    for (;;) {
      if (i < n && text.charCodeAt(i) === QUOTE) {
        const quoteLine = line;
        quoted = true;
        let value: string | undefined; // the unescaped text so far, once a `""` is seen
        let segment = i + 1;
        let j = segment;
        let closed = false;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === QUOTE) {
            if (text.charCodeAt(j + 1) === QUOTE) {
              value = (value ?? '') + text.slice(segment, j + 1);
              j += 2;
              segment = j;
              continue;
            }
            closed = true;
            break;
          }
          if (c === LF || (c === CR && text.charCodeAt(j + 1) !== LF)) line++;
          j++;
        }
        if (this.recoverStray) {
          if (this.isStray(text, start, i, j, closed, line > quoteLine, final))
            return this.skipStrayQuote(text, i, quoteLine, rec.length + 1, final);
        } else if (closed && line > quoteLine) {
          // Unknown yet (-1): the record is incomplete, or too long and dropped as such.
          const end = this.closingLineEnd(text, j, start + this.maxLength + 1, final);
          if (end >= 0 && this.breaksQuoting(text, j, end)) (merged ??= []).push(quoteLine, line);
        }
        if (!closed) {
          if (!final) return -1;
          const v = (value ?? '') + text.slice(segment, n);
          rec.push(v, 0, v.length);
          unterminated = true;
          break;
        }
        // Be lenient with text between a closing quote and the delimiter (`"a"b,`): keep it.
        let k = j + 1;
        while (k < n && !this.endsField(text, k)) k++;
        if (value === undefined && k === j + 1) {
          rec.push(text, i + 1, j);
        } else {
          const v = (value ?? '') + text.slice(segment, j) + text.slice(j + 1, k);
          rec.push(v, 0, v.length);
        }
        i = k;
      } else {
        // The hot loop: one specialised scan per kind of delimiter.
        let k = i;
        if (blanks) {
          for (; k < n; k++) {
            const c = text.charCodeAt(k);
            if (c === SPACE || c === TAB || c === LF || c === CR) break;
          }
        } else if (d1 < 0) {
          for (; k < n; k++) {
            const c = text.charCodeAt(k);
            if (c === d0 || c === LF || c === CR) break;
          }
        } else {
          for (; k < n; k++) {
            const c = text.charCodeAt(k);
            if (c === LF || c === CR || (c === d0 && text.charCodeAt(k + 1) === d1)) break;
          }
        }
        rec.push(text, i, k);
        i = k;
      }
      if (i >= n) {
        if (!final) return -1;
        break;
      }
      let c = text.charCodeAt(i);
      if (c !== LF && c !== CR) {
        if (!blanks) {
          i += dLen; // a delimiter: the next field may be empty, even at the end of the text
          continue;
        }
        while (i < n && isBlank(text.charCodeAt(i))) i++;
        if (i >= n) {
          if (!final) return -1;
          break;
        }
        c = text.charCodeAt(i);
        if (c !== LF && c !== CR) continue;
      }
      stop = i;
      next = i + 1;
      endLine = line;
      if (c === CR) {
        if (next < n) {
          if (text.charCodeAt(next) === LF) next++;
        } else if (!final) {
          crAtEnd = true;
        }
      }
      line++;
      break;
    }

    if (stop === n) endLine = line;
    const startLine = this.line;
    this.line = line;
    this.skipLF = crAtEnd;
    if (stop - start > this.maxLength) {
      this.report(startLine, this.tooLong(), true, endLine);
      return next;
    }
    if (!quoted && rec.length === 1 && isBlankRange(rec.sources[0], rec.starts[0], rec.ends[0])) {
      this.onBlankLine?.(startLine);
      return next;
    }
    rec.line = startLine;
    rec.endLine = endLine;
    if (this.width === 0) this.width = rec.length;
    if (this.onRecord(rec) === false) {
      this.stopped = true;
      return next;
    }
    if (unterminated) this.report(startLine, UNCLOSED_QUOTE, false);
    if (merged)
      for (let m = 0; m < merged.length; m += 2)
        for (let l = merged[m] + 1; l <= merged[m + 1]; l++)
          this.report(l, mergedLine(merged[m]), false);
    return next;
  }
}

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB;
}
