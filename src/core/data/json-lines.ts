/**
 * JSON Lines (one JSON object per line, e.g. an export from a shop's database or an event log):
 * recognised from a file's first line, previewed with the keys as columns, and parsed as a stream
 * into the same records the delimited parser gives, so the same builder reads both. JSON escapes
 * line breaks inside strings, so a line is always a whole record.
 */
import { CsvRecord, MAX_RECORD_LENGTH } from './stream-csv';
import type { CsvPreview } from './csv';

/** Lines read for the keys (columns) and the preview. */
const SAMPLE_LINES = 50;

function* firstLines(text: string, max: number): Generator<string> {
  let at = 0;
  for (let n = 0; n < max && at < text.length; n++) {
    const end = text.indexOf('\n', at);
    const line = text.slice(at, end < 0 ? text.length : end).trim();
    at = end < 0 ? text.length : end + 1;
    if (line) yield line;
    else n--;
  }
}

function parseObject(line: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(line);
    return v !== null && typeof v === 'object' && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/**
 * Why `line` (trimmed, not empty) is not a JSON object, with the column JSON.parse stopped at;
 * `indent`: the characters trimmed from its start.
 */
function notAnObject(line: string, indent: number): string {
  const shown = JSON.stringify(line.length > 40 ? `${line.slice(0, 40)}…` : line);
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (e) {
    // V8 and Firefox say "column N" or "position N" (0-based); the column is what a person finds.
    const text = e instanceof Error ? e.message : '';
    const column = /column (\d+)/.exec(text);
    const position = /position (\d+)/.exec(text);
    const at = column
      ? ` at column ${Number(column[1]) + indent}`
      : position
        ? ` at column ${Number(position[1]) + 1 + indent}`
        : '';
    return `the line is not valid JSON${at}: ${shown}`;
  }
  const what = Array.isArray(v) ? 'an array' : v === null ? 'null' : `a ${typeof v}`;
  return `the line holds ${what}, not a JSON object: ${shown}`;
}

/** Whether the text starts with a line holding one JSON object. */
export function looksLikeJsonLines(head: string): boolean {
  const first = firstLines(head.replace(/^\uFEFF/, ''), 1).next();
  return !first.done && first.value.startsWith('{') && parseObject(first.value) !== null;
}

/** A value as a field: strings as they are, numbers and booleans as text, null as empty. */
function fieldOf(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** The keys of the first lines' objects (first-seen order) as columns, and their first rows. */
export function previewJsonLines(head: string, maxRows = 20): CsvPreview {
  const objects: Record<string, unknown>[] = [];
  for (const line of firstLines(head.replace(/^\uFEFF/, ''), SAMPLE_LINES)) {
    const o = parseObject(line);
    if (o) objects.push(o);
  }
  const keys: string[] = [];
  for (const o of objects) for (const k of Object.keys(o)) if (!keys.includes(k)) keys.push(k);
  return {
    delimiter: ',',
    hasHeader: true,
    header: keys,
    rows: objects.slice(0, maxRows).map((o) => keys.map((k) => fieldOf(o[k]))),
  };
}

/**
 * Streams JSON Lines into records of the values at `keys` (in that order), after one header
 * record of the keys themselves (the builder reads column names from it). A line that is not a
 * JSON object is reported and dropped; so is a line longer than `maxRecordLength`, without being
 * held in memory.
 */
export class JsonLinesParser {
  private pending = '';
  private line = 1;
  private skipping = false;
  private readonly index: Map<string, number>;

  constructor(
    private readonly keys: string[],
    private readonly onRecord: (r: CsvRecord) => void,
    private readonly onIssue: (line: number, message: string, dropped: boolean) => void,
    private readonly maxRecordLength = MAX_RECORD_LENGTH,
    /** A blank line was skipped (see CsvParserOptions.onBlankLine). */
    private readonly onBlankLine?: (line: number) => void,
  ) {
    this.index = new Map(keys.map((k, j) => [k, j]));
    onRecord(CsvRecord.of(keys, 0));
  }

  push(text: string): void {
    let at = 0;
    for (;;) {
      const end = text.indexOf('\n', at);
      if (end < 0) break;
      if (this.skipping) this.skipping = false;
      // A long line that arrived whole within one chunk is refused like one cut across chunks.
      else if (this.pending.length + end - at > this.maxRecordLength) this.tooLong();
      else this.record(this.pending + text.slice(at, end));
      this.pending = '';
      this.line++;
      at = end + 1;
    }
    if (this.skipping) return;
    this.pending += text.slice(at);
    if (this.pending.length > this.maxRecordLength) {
      this.tooLong();
      this.pending = '';
      this.skipping = true;
    }
  }

  /** As the delimited parser says it, so both formats read the same in the problems list. */
  private tooLong(): void {
    const limit = this.maxRecordLength.toLocaleString('en');
    this.onIssue(this.line, `the line is longer than ${limit} characters`, true);
  }

  end(): void {
    if (!this.skipping && this.pending) this.record(this.pending);
    this.pending = '';
  }

  private record(text: string): void {
    const line = text.trim();
    if (!line) {
      this.onBlankLine?.(this.line);
      return;
    }
    const o = parseObject(line);
    if (!o) {
      this.onIssue(this.line, notAnObject(line, text.length - text.trimStart().length), true);
      return;
    }
    const fields = new Array<string>(this.keys.length).fill('');
    for (const [k, v] of Object.entries(o)) {
      const j = this.index.get(k);
      if (j !== undefined) fields[j] = fieldOf(v);
    }
    this.onRecord(CsvRecord.of(fields, this.line));
  }
}
