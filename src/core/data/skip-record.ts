/**
 * Reads past a record that is too long to hold (CsvStreamParser's `maxRecordLength`), chunk by
 * chunk, keeping only the state needed to find where it ends. It follows the parser's rules
 * exactly (a quote opens a quoted field only at a field's start, `""` inside one is a quote, text
 * after the closing quote runs to the delimiter), so both agree on where the next record starts
 * and on its line number.
 */
import type { Delimiter } from './stream-csv';

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_SEEN = 3; // a quote inside a quoted field: closing, or the first of `""`

export class DroppedRecordScanner {
  /** The line of the next character (after the record: the next record's line). */
  line: number;
  /** The record ended with a CR at the end of the last chunk, so a LF may follow. */
  endedWithCR = false;
  private state = FIELD_START;
  /** The first character of a two-character delimiter was seen. */
  private half = false;
  private prevCR = false;
  private readonly d0: number;
  private readonly d1: number;
  private readonly blanks: boolean;

  /** `quotes` false: read to the line end, quotes included (the rest of a stray quote's line). */
  constructor(
    delimiter: Delimiter,
    readonly startLine: number,
    private readonly quotes = true,
  ) {
    this.line = startLine;
    this.blanks = delimiter === ' ';
    this.d0 = delimiter.charCodeAt(0);
    this.d1 = delimiter.length > 1 ? delimiter.charCodeAt(1) : -1;
  }

  /** Inside a quoted field: at the end of the input, the record's quote was never closed. */
  get inQuotes(): boolean {
    return this.state === QUOTED;
  }

  /** Consumes `text`; returns the index after the record's line end, or -1 if it goes on. */
  scan(text: string): number {
    const n = text.length;
    const { d0, d1, blanks } = this;
    let { state, half, prevCR, line } = this;
    let end = -1;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (state === QUOTED) {
        if (c === QUOTE) state = QUOTE_SEEN;
        else if (c === CR || (c === LF && !prevCR)) line++;
        prevCR = c === CR;
        continue;
      }
      if (state === QUOTE_SEEN) {
        if (c === QUOTE) {
          state = QUOTED;
          prevCR = false;
          continue;
        }
        state = UNQUOTED;
      }
      if (half) {
        half = false;
        if (c === d1) {
          state = FIELD_START;
          continue;
        }
        state = UNQUOTED; // the first character was text
      }
      if (c === LF || c === CR) {
        line++;
        end = i + 1;
        if (c === CR) {
          if (end < n) {
            if (text.charCodeAt(end) === LF) end++;
          } else {
            this.endedWithCR = true;
          }
        }
        break;
      }
      if (state === FIELD_START && c === QUOTE && this.quotes) {
        state = QUOTED;
        prevCR = false;
      } else if (blanks ? c === 0x20 || c === 0x09 : c === d0) {
        if (d1 < 0) state = FIELD_START;
        else half = true;
      } else {
        state = UNQUOTED;
      }
    }
    this.state = state;
    this.half = half;
    this.prevCR = prevCR;
    this.line = line;
    return end;
  }
}
