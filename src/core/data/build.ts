/**
 * Interaction file -> Dataset: string ids become dense indices, values become typed columns, and
 * every row that cannot be read is counted and explained instead of silently dropped.
 */
import { isCountColumnName, validateMapping } from './columns';
import type { ColumnMapping } from './columns';
import { forEachCsvRecord, generatedColumnNames, stripBom } from './csv';
import type { Delimiter } from './csv';
import { DataError } from './errors';
import { emptyFeatureTable } from './types';
import type { Dataset, InteractionKind, ParseIssue } from './types';
import { GrowableArray } from '../util/growable';

export { DataError } from './errors';
export {
  attachItemMetadata,
  attachItemTags,
  attachUserMetadata,
  parseItemMetadata,
  parseUserMetadata,
} from './metadata';
export type { ItemMetadata, UserMetadata } from './metadata';

/** Issues kept per file; the rest are only counted in `skippedRows`. */
export const MAX_ISSUES = 100;
/** Largest |value| a rating scale may have for the column to be read as explicit ratings. */
const RATING_SCALE_LIMIT = 10;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}/;

export interface InteractionInput {
  /** File name, used in messages. */
  name: string;
  text: string;
  delimiter: Delimiter;
  hasHeader: boolean;
  mapping: ColumnMapping;
  /** Forces the kind; when absent it is guessed from the value column (see `buildInteractions`). */
  kind?: InteractionKind;
}

/** Reads a finite number, or NaN for anything else (including "", which `Number` reads as 0). */
function parseNumber(field: string): number {
  const t = field.trim();
  if (t === '') return NaN;
  const v = Number(t);
  return Number.isFinite(v) ? v : NaN;
}

/** Numbers are kept in the file's unit; ISO dates become epoch seconds, MovieLens's unit. */
function parseTimestamp(field: string): number {
  const v = parseNumber(field);
  if (!Number.isNaN(v)) return v;
  const t = field.trim();
  if (!ISO_DATE.test(t)) return NaN;
  const ms = Date.parse(t);
  return Number.isFinite(ms) ? ms / 1000 : NaN;
}

function quoteValue(v: string): string {
  const shown = v.length > 40 ? `${v.slice(0, 40)}…` : v;
  return JSON.stringify(shown);
}

/**
 * Parses an interaction file into a Dataset.
 *
 * Output columns (`user`, `item`: Int32Array of dense indices; `rating`: Float32Array;
 * `timestamp`: Float64Array or null) have one entry per kept row, in file order. Dense indices
 * follow the order in which ids first appear; `userIds`/`itemIds` map them back.
 *
 * A row is skipped, with an issue naming its line, the column and the bad value, when it has too
 * few fields, an empty user or item id, or a rating/timestamp that is not a finite number (or, for
 * timestamps, an ISO date). kept + skippedRows = data rows. Only the first MAX_ISSUES issues are
 * kept.
 *
 * Without a rating column every row gets weight 1 and the data are implicit. With one and no
 * `kind`, the data are explicit when the values sit on a small bounded scale (|v| <= 10, not all
 * equal) and the column is not named like a count (plays, clicks...); otherwise implicit.
 *
 * Throws DataError for an empty file, a file without data rows, an invalid mapping, an explicit
 * kind without a rating column, or when no row at all could be read.
 */
export function buildInteractions(input: InteractionInput): Dataset {
  const { name, delimiter, hasHeader, mapping } = input;
  const text = stripBom(input.text);
  if (text.trim() === '') throw new DataError(name, 'the file is empty');
  if (input.kind === 'explicit' && mapping.rating === null) {
    throw new DataError(name, 'explicit ratings need a rating column');
  }

  const needed = Math.max(
    mapping.user,
    mapping.item,
    mapping.rating ?? -1,
    mapping.timestamp ?? -1,
  );
  let columnNames: string[] = [];
  const columnLabel = (j: number): string => JSON.stringify(columnNames[j] || `column ${j + 1}`);

  const userIndex = new Map<string, number>();
  const itemIndex = new Map<string, number>();
  const userIds: string[] = [];
  const itemIds: string[] = [];
  const users = new GrowableArray(Int32Array);
  const items = new GrowableArray(Int32Array);
  const ratings = new GrowableArray(Float32Array);
  const timestamps = mapping.timestamp === null ? null : new GrowableArray(Float64Array);

  const issues: ParseIssue[] = [];
  let skippedRows = 0;
  let dataRows = 0;
  let ratingMin = Infinity;
  let ratingMax = -Infinity;
  let firstRecord = true;
  const skip = (line: number, message: string): void => {
    skippedRows++;
    if (issues.length < MAX_ISSUES) issues.push({ line, message });
  };

  const onRecord = (fields: string[], line: number): void => {
    if (firstRecord) {
      firstRecord = false;
      const problem = validateMapping(mapping, fields.length);
      if (problem) throw new DataError(name, problem);
      if (hasHeader) {
        columnNames = fields.map((f) => f.trim());
        return;
      }
      columnNames = generatedColumnNames(fields.length);
    }
    dataRows++;
    if (fields.length <= needed) {
      skip(
        line,
        `the row has ${fields.length} fields, so column ${columnLabel(needed)} is missing`,
      );
      return;
    }
    const user = fields[mapping.user].trim();
    const item = fields[mapping.item].trim();
    if (user === '')
      return skip(line, `the user id (column ${columnLabel(mapping.user)}) is empty`);
    if (item === '')
      return skip(line, `the item id (column ${columnLabel(mapping.item)}) is empty`);
    let rating = 1;
    if (mapping.rating !== null) {
      const raw = fields[mapping.rating];
      // Stored as float32: min/max must describe the stored values, and 1e300 would be Infinity.
      rating = Math.fround(parseNumber(raw));
      if (!Number.isFinite(rating)) {
        return skip(
          line,
          `rating ${quoteValue(raw)} in column ${columnLabel(mapping.rating)} is not a number`,
        );
      }
    }
    let timestamp = 0;
    if (mapping.timestamp !== null) {
      const raw = fields[mapping.timestamp];
      timestamp = parseTimestamp(raw);
      if (Number.isNaN(timestamp)) {
        return skip(
          line,
          `timestamp ${quoteValue(raw)} in column ${columnLabel(mapping.timestamp)} ` +
            'is not a number or date',
        );
      }
    }

    let u = userIndex.get(user);
    if (u === undefined) {
      u = userIds.length;
      userIndex.set(user, u);
      userIds.push(user);
    }
    let i = itemIndex.get(item);
    if (i === undefined) {
      i = itemIds.length;
      itemIndex.set(item, i);
      itemIds.push(item);
    }
    users.push(u);
    items.push(i);
    ratings.push(rating);
    timestamps?.push(timestamp);
    if (rating < ratingMin) ratingMin = rating;
    if (rating > ratingMax) ratingMax = rating;
  };
  // A broken quote is a file-level problem, not a skipped row: the record was still delivered.
  const onIssue = (line: number, message: string): void => {
    if (issues.length < MAX_ISSUES) issues.push({ line, message });
  };
  forEachCsvRecord(text, delimiter, onRecord, onIssue);

  if (firstRecord) throw new DataError(name, 'the file is empty');
  if (dataRows === 0) throw new DataError(name, 'the file has a header row but no data rows');
  if (users.length === 0) {
    const first = issues[0];
    const detail = first ? `; the first problem: line ${first.line}: ${first.message}` : '';
    throw new DataError(name, `none of the ${dataRows} rows could be read${detail}`);
  }

  const rating = ratings.toArray();
  let kind: InteractionKind = input.kind ?? 'implicit';
  if (input.kind === undefined && mapping.rating !== null) {
    const bounded = ratingMin >= -RATING_SCALE_LIMIT && ratingMax <= RATING_SCALE_LIMIT;
    const countLike = hasHeader && isCountColumnName(columnNames[mapping.rating] ?? '');
    kind = bounded && ratingMin < ratingMax && !countLike ? 'explicit' : 'implicit';
  }

  return {
    name,
    kind,
    user: users.toArray(),
    item: items.toArray(),
    rating,
    timestamp: timestamps ? timestamps.toArray() : null,
    userIds,
    itemIds,
    itemLabels: itemIds.slice(),
    itemFeatures: emptyFeatureTable(itemIds.length),
    userFeatures: emptyFeatureTable(userIds.length),
    ratingMin,
    ratingMax,
    skippedRows,
    issues,
  };
}
