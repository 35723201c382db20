/**
 * Records -> Dataset, one record at a time, so a file can be read as a stream: string ids become
 * dense indices, values become typed columns, and every row that cannot be read is counted and
 * explained instead of silently dropped.
 */
import { isCountColumnName, validateMapping } from './columns';
import type { ColumnMapping } from './columns';
import { delimiterAdvice, generatedColumnNames } from './csv';
import { DataError } from './errors';
import { readNumber, readTimestamp, trimEnd, trimStart } from './field-values';
import { IdTable } from './id-table';
import type { CsvRecord, Delimiter } from './stream-csv';
import { emptyFeatureTable } from './types';
import type { Dataset, InteractionKind, ParseIssue } from './types';
import { GrowableArray } from '../util/growable';
import { TimestampBuilder } from './timestamps';

/** Issues kept per file; the rest are only counted in `skippedRows`. */
export const MAX_ISSUES = 100;
/** Largest |value| a rating scale may have for the column to be read as explicit ratings. */
const RATING_SCALE_LIMIT = 10;

export interface InteractionOptions {
  /** File name, used in messages. */
  name: string;
  hasHeader: boolean;
  mapping: ColumnMapping;
  /** Forces the kind; when absent it is guessed from the value column (see `finish`). */
  kind?: InteractionKind;
  /** The delimiter the text was split at: named in the advice when it leaves rows one field. */
  delimiter?: Delimiter;
  /** 'jsonl': the fields are the keys of JSON objects, and messages say so. */
  format?: 'delimited' | 'jsonl';
}

/** How blank lines skipped are said: `1 blank line skipped (the first here)`. */
export function blankLinesNote(count: number): string {
  const lines = count === 1 ? '1 blank line' : `${count.toLocaleString('en')} blank lines`;
  return `${lines} skipped${count > 1 ? ' (the first here)' : ''}`;
}

function quoteValue(v: string): string {
  const shown = v.length > 40 ? `${v.slice(0, 40)}…` : v;
  return JSON.stringify(shown);
}

/**
 * Feed it the records of an interaction file in order (`add`, and `issue` for the parser's
 * problems), then `finish()`.
 *
 * Output columns (`user`, `item`: Int32Array of dense indices; `rating`: Float32Array;
 * `timestamp`: Uint32Array or Float64Array, see timestamps.ts, or null) have one entry per kept row, in file order. Dense indices
 * follow the order in which ids first appear; `userIds`/`itemIds` map them back.
 *
 * A row is skipped, with an issue naming its line, the column and the bad value, when it has too
 * few fields, an empty user or item id, or a rating/timestamp that is not a finite number (or, for
 * timestamps, an ISO date); so is a record the parser dropped (too long, a stray quote). kept +
 * skippedRows = data rows (a row's lines after its first are counted in `continuationLines`,
 * blank lines in `blankLines`, each noted once). A row with another number of fields than the first record that still
 * has the mapped ones is read by position, and noted once with the count of such rows. Only the
 * first MAX_ISSUES issues are kept, in line order.
 *
 * Throws DataError (from the constructor, `add` or `finish`) for an invalid mapping (with advice
 * when the delimiter leaves the first line one field), an explicit kind without a rating column,
 * a file without records or data rows, or when no row could be read.
 */
export class InteractionBuilder {
  private readonly needed: number;
  private columnNames: string[] = [];
  private readonly users = new IdTable();
  private readonly items = new IdTable();
  private user = new GrowableArray(Int32Array);
  private item = new GrowableArray(Int32Array);
  private rating = new GrowableArray(Float32Array);
  private timestamp: TimestampBuilder | null;
  private readonly issues: ParseIssue[] = [];
  private skippedRows = 0;
  private dataRows = 0;
  private ratingMin = Infinity;
  private ratingMax = -Infinity;
  private firstRecord = true;
  /** (row, line) pairs of rows with a negative value, dropped if the data are implicit. */
  private negative: number[] = [];
  /** Rows skipped for having one field, and the first one's text (a wrong delimiter's sign). */
  private oneFieldRows = 0;
  private oneFieldSample = '';
  /** Rows read whose width differs from the first record's: one issue, its count told at the end. */
  private raggedRows = 0;
  private raggedIssue: ParseIssue | null = null;
  private blankLines = 0;
  private firstBlankLine = 0;
  /** Rows spanning more than one line, and the lines after their first: one issue, counted. */
  private multiLineRows = 0;
  private continuationLines = 0;
  private multiLineIssue: ParseIssue | null = null;

  constructor(private readonly options: InteractionOptions) {
    const { mapping } = options;
    if (options.kind === 'explicit' && mapping.rating === null) {
      throw new DataError(options.name, 'explicit ratings need a rating column');
    }
    this.needed = Math.max(
      mapping.user,
      mapping.item,
      mapping.rating ?? -1,
      mapping.timestamp ?? -1,
    );
    this.timestamp = mapping.timestamp === null ? null : new TimestampBuilder();
  }

  /** Data rows read so far, kept or skipped (for progress). */
  get rows(): number {
    return this.dataRows;
  }

  /** A header naming two columns alike is reported (the mapping goes by position, so it reads). */
  private reportRepeatedNames(line: number): void {
    const first = new Map<string, number>();
    this.columnNames.forEach((name, j) => {
      const k = first.get(name.toLowerCase());
      if (k === undefined) first.set(name.toLowerCase(), j);
      else if (name && this.issues.length < MAX_ISSUES)
        this.issues.push({
          line,
          message: `columns ${k + 1} and ${j + 1} are both named ${quoteValue(name)}; check the mapping`,
        });
    });
  }

  /**
   * Implicit data: rows whose count is negative are skipped, each with its line (so kept +
   * skipped still equals the data rows).
   */
  private dropNegative(): void {
    const j = this.options.mapping.rating!;
    const values = this.rating.drain();
    const drop = new Uint8Array(values.length);
    for (let k = 0; k < this.negative.length; k += 2) {
      const row = this.negative[k];
      drop[row] = 1;
      this.skip(
        this.negative[k + 1],
        `the count ${values[row]} in ${this.columnLabel(j)} is negative (interactions are counts)`,
      );
    }
    const keep = <T extends { push(v: number): void }>(all: ArrayLike<number>, out: T) => {
      for (let k = 0; k < all.length; k++) if (!drop[k]) out.push(all[k]);
      return out;
    };
    this.user = keep(this.user.drain(), new GrowableArray(Int32Array));
    this.item = keep(this.item.drain(), new GrowableArray(Int32Array));
    this.rating = keep(values, new GrowableArray(Float32Array));
    [this.ratingMin, this.ratingMax] = [Infinity, -Infinity];
    for (let k = 0; k < values.length; k++)
      if (!drop[k]) {
        this.ratingMin = Math.min(this.ratingMin, values[k]);
        this.ratingMax = Math.max(this.ratingMax, values[k]);
      }
    if (this.timestamp) this.timestamp = keep(this.timestamp.drain(), new TimestampBuilder());
    this.negative = [];
  }

  /** `column "rating"`, `column 3` (no header, or an unnamed column) or `key "stars"`. */
  private columnLabel(j: number): string {
    const name = this.options.hasHeader ? this.columnNames[j] : '';
    if (this.options.format === 'jsonl') return `key ${JSON.stringify(name)}`;
    return name ? `column ${JSON.stringify(name)}` : `column ${j + 1}`;
  }

  /** A JSON object without the key reads as an empty field too. */
  private get emptyWord(): string {
    return this.options.format === 'jsonl' ? 'missing or empty' : 'empty';
  }

  /** Why a rating field did not read as a float32: empty, not a number, infinite, too large. */
  private badRating(raw: string, j: number): string {
    const label = this.columnLabel(j);
    const t = raw.trim();
    if (t === '') return `the rating (${label}) is ${this.emptyWord}`;
    const v = Number(t);
    const why = Number.isNaN(v)
      ? 'is not a number'
      : Number.isFinite(v)
        ? 'is too large to store (ratings are 32-bit floats, at most 3.4e38)'
        : 'is not a finite number';
    return `rating ${quoteValue(raw)} in ${label} ${why}`;
  }

  /** What to do when the delimiter leaves `sample` (a line of the file) as one field. */
  private oneFieldAdvice(what: string, sample: string): string {
    return `${what} ${delimiterAdvice(sample, this.options.delimiter ?? ',')}`;
  }

  /** The mapping does not fit the first record: why, and what that record holds. */
  private mappingProblem(problem: string, r: CsvRecord): string {
    const { delimiter, format, hasHeader } = this.options;
    if (r.length === 1 && delimiter !== undefined && format !== 'jsonl')
      return this.oneFieldAdvice(`line ${r.line} has one field`, r.field(0).slice(0, 10_000));
    const shown = r
      .toArray()
      .slice(0, 12)
      .map((f) => quoteValue(f.trim()));
    if (r.length > 12) shown.push('…');
    const what =
      format === 'jsonl' ? 'The keys are' : hasHeader ? 'The columns are' : `Line ${r.line} has`;
    return `${problem} ${what}: ${shown.join(', ')}.`;
  }

  private skip(line: number, message: string): void {
    this.skippedRows++;
    if (this.issues.length < MAX_ISSUES) this.issues.push({ line, message });
  }

  /**
   * A problem the parser found; `dropped`: the record was not delivered, so a row is lost (its
   * lines after the first, to `lastLine`, are counted in `continuationLines`).
   */
  issue(line: number, message: string, dropped: boolean, lastLine = line): void {
    if (dropped) {
      this.dataRows++;
      this.continuationLines += Math.max(0, lastLine - line);
      this.skip(line, message);
    } else if (this.issues.length < MAX_ISSUES) {
      // A broken quote is a file-level problem, not a skipped row: the record was delivered.
      this.issues.push({ line, message });
    }
  }

  /** The parser skipped a blank line: counted, and said once at the end (`finish`). */
  blankLine(line: number): void {
    if (this.blankLines++ === 0) this.firstBlankLine = line;
  }

  /**
   * A row over several lines is RFC 4180 (a quoted field with line breaks), but in an
   * interactions file it may also be rows that a stray quote joined and no rule caught: say so,
   * so that no line goes unaccounted for.
   */
  private noteMultiLine(r: CsvRecord): void {
    const extra = r.endLine - r.line;
    if (extra <= 0) return;
    this.continuationLines += extra;
    if (this.multiLineRows++ === 0 && this.issues.length < MAX_ISSUES) {
      this.multiLineIssue = {
        line: r.line,
        message: `the row runs over lines ${r.line}-${r.endLine} (a quoted field holds line breaks); if those lines are rows, a quote is missing or stray`,
      };
      this.issues.push(this.multiLineIssue);
    }
  }

  add(r: CsvRecord): void {
    const { mapping } = this.options;
    const line = r.line;
    this.noteMultiLine(r);
    if (this.firstRecord) {
      this.firstRecord = false;
      const problem = validateMapping(mapping, r.length);
      if (problem) throw new DataError(this.options.name, this.mappingProblem(problem, r));
      if (this.options.hasHeader) {
        this.columnNames = r.toArray().map((f) => f.trim());
        this.reportRepeatedNames(line);
        return;
      }
      this.columnNames = generatedColumnNames(r.length);
    }
    this.dataRows++;
    const width = this.columnNames.length;
    if (r.length <= this.needed) {
      if (r.length === 1 && this.oneFieldRows++ === 0)
        this.oneFieldSample = r.field(0).slice(0, 10_000);
      const fields = r.length === 1 ? '1 field' : `${r.length} fields`;
      const first = this.options.hasHeader ? 'the header' : 'the first line';
      return this.skip(
        line,
        `the row has ${fields} (${first} has ${width}), so ${this.columnLabel(this.needed)} is missing`,
      );
    }
    if (r.length !== width && this.raggedRows++ === 0 && this.issues.length < MAX_ISSUES) {
      const first = this.options.hasHeader ? 'the header' : 'the first line';
      this.raggedIssue = {
        line,
        message: `the row has ${r.length} fields where ${first} has ${width}; rows like this are read by position`,
      };
      this.issues.push(this.raggedIssue);
    }
    // Ranges, not substrings: ids and numbers are read from the parsed text's character codes.
    const { sources, starts, ends } = r;
    const userText = sources[mapping.user];
    const userStart = trimStart(userText, starts[mapping.user], ends[mapping.user]);
    const userEnd = trimEnd(userText, userStart, ends[mapping.user]);
    if (userStart === userEnd) {
      return this.skip(
        line,
        `the user id (${this.columnLabel(mapping.user)}) is ${this.emptyWord}`,
      );
    }
    const itemText = sources[mapping.item];
    const itemStart = trimStart(itemText, starts[mapping.item], ends[mapping.item]);
    const itemEnd = trimEnd(itemText, itemStart, ends[mapping.item]);
    if (itemStart === itemEnd) {
      return this.skip(
        line,
        `the item id (${this.columnLabel(mapping.item)}) is ${this.emptyWord}`,
      );
    }
    let rating = 1;
    if (mapping.rating !== null) {
      const j = mapping.rating;
      // Stored as float32: min/max must describe the stored values, and 1e300 would be Infinity.
      rating = Math.fround(readNumber(sources[j], starts[j], ends[j]));
      if (!Number.isFinite(rating)) return this.skip(line, this.badRating(r.field(j), j));
    }
    let timestamp = 0;
    if (mapping.timestamp !== null) {
      const j = mapping.timestamp;
      timestamp = readTimestamp(sources[j], starts[j], ends[j]);
      if (Number.isNaN(timestamp)) {
        const raw = r.field(j);
        return this.skip(
          line,
          raw.trim() === ''
            ? `the timestamp (${this.columnLabel(j)}) is ${this.emptyWord}`
            : `timestamp ${quoteValue(raw)} in ${this.columnLabel(j)} is not a number or date`,
        );
      }
    }

    // A negative value cannot be a count: if the data turn out implicit, the row goes (finish).
    if (rating < 0) this.negative.push(this.user.length, line);
    this.user.push(this.users.intern(userText, userStart, userEnd));
    this.item.push(this.items.intern(itemText, itemStart, itemEnd));
    this.rating.push(rating);
    this.timestamp?.push(timestamp);
    if (rating < this.ratingMin) this.ratingMin = rating;
    if (rating > this.ratingMax) this.ratingMax = rating;
  }

  /**
   * The Dataset. Without a rating column every row gets weight 1 and the data are implicit. With
   * one and no `kind`, the data are explicit when the values sit on a small bounded scale
   * (|v| <= 10, not all equal) and the column is not named like a count (plays, clicks...);
   * otherwise implicit. Call once.
   */
  finish(): Dataset {
    const { name, mapping, hasHeader } = this.options;
    const { dataRows, issues, ratingMin, ratingMax } = this;
    if (this.firstRecord) throw new DataError(name, 'the file is empty');
    if (dataRows === 0) {
      // JSON Lines have no header row: the builder's first record is their keys.
      const why =
        this.options.format === 'jsonl'
          ? 'the file is empty'
          : 'the file has a header row but no data rows';
      throw new DataError(name, why);
    }
    if (this.raggedIssue && this.raggedRows > 1)
      this.raggedIssue.message += ` (${this.raggedRows.toLocaleString('en')} rows in all)`;
    if (this.multiLineIssue && this.multiLineRows > 1)
      this.multiLineIssue.message += ` (${this.multiLineRows.toLocaleString('en')} rows like this, over ${this.continuationLines.toLocaleString('en')} lines after their first)`;
    // Said even past MAX_ISSUES: it is one line, and the count is the point.
    if (this.blankLines > 0)
      issues.push({ line: this.firstBlankLine, message: blankLinesNote(this.blankLines) });
    if (this.user.length === 0 && this.oneFieldRows === dataRows && this.options.delimiter)
      throw new DataError(
        name,
        this.oneFieldAdvice('every data row has one field', this.oneFieldSample),
      );
    if (this.user.length === 0) {
      const first = issues[0];
      const detail = first ? `; the first problem: line ${first.line}: ${first.message}` : '';
      throw new DataError(name, `none of the ${dataRows} rows could be read${detail}`);
    }

    let kind: InteractionKind = this.options.kind ?? 'implicit';
    if (this.options.kind === undefined && mapping.rating !== null) {
      const bounded = ratingMin >= -RATING_SCALE_LIMIT && ratingMax <= RATING_SCALE_LIMIT;
      const countLike = hasHeader && isCountColumnName(this.columnNames[mapping.rating] ?? '');
      kind = bounded && ratingMin < ratingMax && !countLike ? 'explicit' : 'implicit';
    }
    if (kind === 'implicit' && this.negative.length) this.dropNegative();
    // Negative counts are found last; a person reads the list in file order.
    issues.sort((a, b) => a.line - b.line);
    // One column at a time, chunks freed as they are copied: the peak is the data plus one chunk
    // more than one column, not two copies of everything. The builder is spent after.
    const user = this.user.drain();
    const item = this.item.drain();
    const rating = this.rating.drain();
    const timestamp = this.timestamp ? this.timestamp.drain() : null;
    this.timestamp = null;
    const userIds = this.users.ids;
    const itemIds = this.items.ids;
    return {
      name,
      kind,
      user,
      item,
      rating,
      timestamp,
      userIds,
      itemIds,
      itemLabels: itemIds.slice(),
      itemFeatures: emptyFeatureTable(itemIds.length),
      userFeatures: emptyFeatureTable(userIds.length),
      ratingMin: this.ratingMin,
      ratingMax: this.ratingMax,
      skippedRows: this.skippedRows,
      blankLines: this.blankLines,
      continuationLines: this.continuationLines,
      issues,
    };
  }
}
