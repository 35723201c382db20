/**
 * Which column of a metadata file is the id, which the title, and how every other cell becomes
 * features: read off a known layout (layouts.ts) when the file is one, else guessed from the
 * header and the values.
 */
import { isItemColumnName, isNumeric, isUserColumnName, normalizeColumnName } from './columns';
import type { KnownLayout, LayoutColumn } from './layouts';

export type Side = 'item' | 'user';

/** One column's contribution to an entity's features. */
export interface FeatureColumn {
  index: number;
  /** What the features are, for messages: the column's name, or a group ("genres"). */
  source: string;
  /** Appends the feature names of one (trimmed) cell to `out`. */
  features(cell: string, out: string[]): void;
}

export interface MetadataPlan {
  /** Column indices into a record. */
  id: number;
  title: number | null;
  features: FeatureColumn[];
}

/** Numbers of a column: an array, or a typed array collected while streaming. */
type Numbers = ArrayLike<number> & Iterable<number>;

/**
 * A numeric column whose features depend on all of its numbers (how many distinct ones, their
 * quantiles), so a reader of a stream can only settle it at the end: see `numericColumn`.
 */
export interface NumericColumn {
  index: number;
  source: string;
  numeric: true;
}

/** A guessed plan, its numeric columns still open. */
export interface GuessedPlan {
  id: number;
  title: number | null;
  features: (FeatureColumn | NumericColumn)[];
}

const TITLE_NAMES = [
  'title',
  'name',
  'label',
  'movietitle',
  'itemname',
  'productname',
  'booktitle',
];
const MULTI_NAMES = ['genres', 'genre', 'tags', 'tag', 'category', 'categories', 'keywords'];
/** Cell values that mean "no features" rather than a feature of their own. */
const NO_VALUE = new Set(['', '(no genres listed)', 'none', '(none)', 'n/a', 'na', 'null', '-']);
/** Rows used to judge a column's type; enough to be stable, cheap on big files. */
export const PROFILE_ROWS = 1000;
/** Numbers with at most this many distinct values are categories (codes, star counts, sizes). */
const MAX_NUMERIC_CATEGORIES = 12;
/** Other numbers are named by the quantile bucket they fall in. */
const NUMERIC_BUCKETS = 5;

interface ValueOptions {
  /** Prepended to each value ("gender=") or '' to name features by value alone. */
  prefix: string;
  /** Splits a cell into several values. */
  separator?: '|' | ';';
  /** A value's name; null drops it (a number below every range). */
  rename?: (value: string) => string | null;
  /** Lower-cased values that give no feature. */
  placeholders?: ReadonlySet<string>;
}

/** A column whose values (split on `separator`) name features: prefix + value. */
function valueColumn(index: number, source: string, options: ValueOptions): FeatureColumn {
  const { prefix, separator, rename = (v: string) => v, placeholders = NO_VALUE } = options;
  return {
    index,
    source,
    features(cell, out) {
      for (const part of separator ? cell.split(separator) : [cell]) {
        const value = part.trim();
        if (value === '' || placeholders.has(value.toLowerCase())) continue;
        const named = rename(value);
        if (named !== null) out.push(prefix + named);
      }
    },
  };
}

/** A one-hot column: a 1 gives the feature `name`, anything else none. */
function flagColumn(index: number, source: string, name: string): FeatureColumn {
  return {
    index,
    source,
    features(cell, out) {
      if (cell === '1') out.push(name);
    },
  };
}

/**
 * Names the range a number falls in, given the ranges' lower bounds in increasing order:
 * with [1, 18, 25], 17 -> "1-17", 18 -> "18-24", 60 -> "25+". Null below the first bound or for
 * anything that is not a number. Bounds are integers (ages), so a range ends one below the next.
 */
export function rangeName(bounds: readonly number[], value: string): string | null {
  if (!isNumeric(value)) return null;
  const v = Number(value);
  let k = -1;
  while (k + 1 < bounds.length && v >= bounds[k + 1]) k++;
  if (k < 0) return null;
  return k === bounds.length - 1 ? `${bounds[k]}+` : `${bounds[k]}-${bounds[k + 1] - 1}`;
}

function fromLayoutColumn(c: LayoutColumn, j: number): FeatureColumn | null {
  switch (c.use) {
    case 'list':
      return valueColumn(j, c.name, { prefix: '', separator: '|' });
    case 'flag':
      return flagColumn(j, c.group ?? c.name, c.name);
    case 'category': {
      const { ranges, codes } = c;
      const rename = ranges
        ? (v: string) => rangeName(ranges, v)
        : codes
          ? (v: string) => (Object.hasOwn(codes, v) ? codes[v] : v)
          : undefined;
      // A documented category is a value even when it reads "none" (u.user's occupations).
      return valueColumn(j, c.name, { prefix: `${c.name}=`, rename, placeholders: new Set() });
    }
    default:
      return null;
  }
}

/** The plan a metadata layout spells out column by column. */
export function planFromLayout(layout: KnownLayout): MetadataPlan {
  const id = layout.columns.findIndex((c) => c.use === 'id');
  const title = layout.columns.findIndex((c) => c.use === 'title');
  return {
    id: Math.max(0, id),
    title: title >= 0 ? title : null,
    features: layout.columns.flatMap((c, j) => fromLayoutColumn(c, j) ?? []),
  };
}

function idColumn(names: string[], side: Side): number {
  const known = side === 'item' ? isItemColumnName : isUserColumnName;
  const exact = names.findIndex((n) => n === 'id' || (n.endsWith('id') && known(n)));
  if (exact >= 0) return exact;
  const loose = names.findIndex((n) => known(n));
  return loose >= 0 ? loose : 0;
}

/** Non-empty trimmed values of column j in the first PROFILE_ROWS rows (all rows with `all`). */
function columnValues(rows: string[][], j: number, all = false): string[] {
  const out: string[] = [];
  const n = all ? rows.length : Math.min(rows.length, PROFILE_ROWS);
  for (let r = 0; r < n; r++) {
    const v = (rows[r][j] ?? '').trim();
    if (v !== '') out.push(v);
  }
  return out;
}

/** The separator a multi-valued column uses, or null when it looks single-valued. */
function multiSeparator(values: string[], named: boolean): '|' | ';' | null {
  for (const sep of ['|', ';'] as const) {
    // A few titles contain ';'; a real list column splits a good share of its cells.
    if (values.filter((v) => v.includes(sep)).length >= Math.max(1, 0.05 * values.length)) {
      return sep;
    }
  }
  return named ? '|' : null;
}

function separatorOf(values: string[], side: Side, named: boolean): '|' | ';' | null {
  // User attributes split only on `|`: `;` may be inside their values.
  if (side === 'user') return values.some((v) => v.includes('|')) ? '|' : null;
  return multiSeparator(values, named);
}

/**
 * Quantile buckets over all of a column's numbers (a sorted file would skew a sample), named by
 * the smallest and largest value inside ("year=1990-1995"). Equal values share a bucket, so there
 * may be fewer than NUMERIC_BUCKETS.
 */
function bucketColumn(index: number, name: string, numbers: Numbers): FeatureColumn {
  const sorted = Float64Array.from(numbers).sort();
  const uppers: number[] = [];
  const names: string[] = [];
  let start = 0;
  for (let b = 1; b <= NUMERIC_BUCKETS && start < sorted.length; b++) {
    const upper = sorted[Math.max(start, Math.ceil((b * sorted.length) / NUMERIC_BUCKETS) - 1)];
    let end = start;
    while (end < sorted.length && sorted[end] <= upper) end++;
    const lo = sorted[start];
    names.push(lo === upper ? `${name}=${lo}` : `${name}=${lo}-${upper}`);
    uppers.push(upper);
    start = end;
  }
  return {
    index,
    source: name,
    features(cell, out) {
      if (!isNumeric(cell)) return;
      const v = Number(cell);
      const k = uppers.findIndex((u) => v <= u);
      if (k >= 0) out.push(names[k]);
    },
  };
}

/** Mostly distinct text (urls, names, zip codes): as features each would describe one entity. */
function isIdentifierLike(values: string[]): boolean {
  return values.length >= 20 && new Set(values).size > 0.5 * values.length;
}

/**
 * Guesses a plan from the header (generated "column N" names when there is none) and the rows.
 * The id column is named like an id (movieId, user_id, id...) or is the first. Items get a title:
 * the column named title/name, else the first mostly-text single-valued one. Every other column
 * becomes features by what it holds:
 * - several values per cell (`|`, or `;` on the item side): one feature per value, named by the
 *   value on the item side when it is the only such column, else "column=value";
 * - only 0 and 1: a one-hot flag, the feature named by the header;
 * - numbers: "column=value" when there are few distinct ones, else quantile buckets
 *   "column=lo-hi"; id-like names (imdbId) give nothing;
 * - text: "column=value", unless nearly every value is distinct.
 */
export function guessPlan(header: string[], rows: string[][], side: Side): MetadataPlan {
  const { id, title, features } = guessColumns(header, rows, side);
  const settle = (c: FeatureColumn | NumericColumn): FeatureColumn =>
    'numeric' in c
      ? numericColumn(
          c.index,
          c.source,
          columnValues(rows, c.index, true).filter(isNumeric).map(Number),
        )
      : c;
  return { id, title, features: features.map(settle) };
}

/**
 * `guessPlan` judged on `profile` (the first PROFILE_ROWS data rows are enough), leaving its
 * numeric columns open: the caller collects their numbers from every row, then settles each
 * with `numericColumn`.
 */
export function guessColumns(header: string[], profile: string[][], side: Side): GuessedPlan {
  const rows = profile;
  const names = header.map(normalizeColumnName);
  const id = idColumn(names, side);
  const others = header.map((_, j) => j).filter((j) => j !== id);
  const samples = new Map(others.map((j) => [j, columnValues(rows, j)]));
  const sample = (j: number): string[] => samples.get(j) ?? [];
  const separators = new Map(
    others.map((j) => [j, separatorOf(sample(j), side, MULTI_NAMES.includes(names[j]))]),
  );
  let title: number | null = null;
  if (side === 'item') {
    title =
      others.find((j) => TITLE_NAMES.includes(names[j])) ??
      others.find((j) => {
        const values = sample(j);
        const text = values.filter((v) => !isNumeric(v)).length;
        return separators.get(j) === null && values.length > 0 && text > values.length / 2;
      }) ??
      null;
  }
  const lists = others.filter((j) => j !== title && (separators.get(j) ?? null) !== null);
  const features: (FeatureColumn | NumericColumn)[] = [];
  for (const j of others) {
    const values = sample(j);
    const separator = separators.get(j) ?? null;
    const prefix = `${header[j]}=`;
    if (j === title || values.length === 0) continue;
    if (separator) {
      const byValue = side === 'item' && lists.length === 1;
      features.push(valueColumn(j, header[j], { prefix: byValue ? '' : prefix, separator }));
    } else if (values.every((v) => v === '0' || v === '1')) {
      features.push(flagColumn(j, header[j], header[j]));
    } else if (values.every(isNumeric)) {
      if (names[j].endsWith('id')) continue;
      features.push({ index: j, source: header[j], numeric: true });
    } else if (!isIdentifierLike(values)) {
      features.push(valueColumn(j, header[j], { prefix }));
    }
  }
  return { id, title, features };
}

/**
 * A numeric column settled from all of its `numbers` (every data row's, in file order): "name=v"
 * features when there are few distinct values, else quantile buckets "name=lo-hi".
 */
export function numericColumn(index: number, name: string, numbers: Numbers): FeatureColumn {
  return new Set(numbers).size <= MAX_NUMERIC_CATEGORIES
    ? valueColumn(index, name, { prefix: `${name}=` })
    : bucketColumn(index, name, numbers);
}
