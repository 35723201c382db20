/**
 * The layouts people already have on disk (MovieLens, Last.fm hetrec), recognised from a file's
 * name and first lines so that importing one is a single click: delimiter, header, column roles,
 * feedback kind and, for metadata, what each column means.
 *
 * The shape decides: delimiter, header (or its absence), number of fields and what each field
 * holds on every sampled row. A renamed file of the right shape is still recognised; a file that
 * only has the name is not. The name breaks ties between shapes and is reported (`byName`), so a
 * caller can say "MovieLens 100K u.data" or "laid out like MovieLens 100K u.data".
 */
import { isNumeric, looksLikeEpoch, type ColumnMapping } from './columns';
import { forEachCsvRecord, stripBom, type Delimiter } from './csv';
import { ML_100K_GENRES, ML_1M_OCCUPATIONS, ML_AGE_RANGES } from './movielens-codes';
import type { InteractionKind } from './types';

export type LayoutId =
  | 'movielens-ratings.csv'
  | 'movielens-100k-u.data'
  | 'movielens-ratings.dat'
  | 'lastfm-user_artists.dat'
  | 'movielens-tags.csv'
  | 'movielens-tags.dat'
  | 'movielens-movies.csv'
  | 'movielens-100k-u.item'
  | 'movielens-movies.dat'
  | 'lastfm-artists.dat'
  | 'movielens-100k-u.user'
  | 'movielens-1m-users.dat';

/** What a file is for: ratings or events, tag applications, or side information. */
export type LayoutRole = 'interactions' | 'tags' | 'item-metadata' | 'user-metadata';

/** What a field must hold on every sampled row (after trimming) for its layout to fit. */
export type FieldKind =
  | 'id' // digits
  | 'stars' // 0.5 to 5 in half stars
  | 'epoch' // Unix seconds (1973 to 2128)
  | 'count' // digits (play counts)
  | 'text' // anything but empty
  | 'tag' // text, and not a number on every sampled row (that would be a rating)
  | 'genres' // words, `|`-separated: "Animation|Children's", "(no genres listed)"
  | 'flag' // 0 or 1
  | 'date' // "01-Jan-1995" or empty
  | 'url' // http(s)://... or empty
  | 'gender' // M or F
  | 'age' // a plausible age in years
  | 'age-code' // MovieLens 1M's age range codes
  | 'occupation-code' // MovieLens 1M's occupation codes, 0..20
  | 'word' // letters: "technician"
  | 'any';

/** What a metadata column becomes (planFromLayout in metadata-columns.ts). */
export type ColumnUse =
  | 'id'
  | 'title'
  | 'list' // `|`-separated values, each a feature named by the value ("Comedy")
  | 'category' // one feature "name=value", after `ranges` or `codes`
  | 'flag' // a 0/1 column: 1 gives the feature named by the column ("Animation")
  | 'skip';

export interface LayoutColumn {
  /** The header's name, or for a headerless file the name its README gives the column. */
  name: string;
  field: FieldKind;
  /** Metadata layouts only; interaction layouts say what their columns are in `mapping`. */
  use?: ColumnUse;
  /** 'category': lower bounds of the ranges a number is named by ([1, 18, 25] -> "18-24"). */
  ranges?: readonly number[];
  /** 'category': names for coded values (MovieLens 1M occupations). */
  codes?: Readonly<Record<string, string>>;
  /** 'flag': what the flag columns are together, for messages ("genres"). */
  group?: string;
}

export interface KnownLayout {
  layout: LayoutId;
  /** For people: "MovieLens 100K u.data". */
  label: string;
  role: LayoutRole;
  delimiter: Delimiter;
  hasHeader: boolean;
  /** One entry per field of a record. */
  columns: readonly LayoutColumn[];
  /** Interactions and tags: column indices of user, item, rating and timestamp; else null. */
  mapping: ColumnMapping | null;
  /** Tags: the column holding the tag text; else null. */
  tag: number | null;
  /** Interactions and tags: explicit ratings or implicit events; metadata: null. */
  kind: InteractionKind | null;
  /** True when the file also has the layout's own name, not only its shape. */
  byName: boolean;
}

interface LayoutSpec extends Omit<KnownLayout, 'byName'> {
  /** Names the layout's files have (lower-case, any `.gz` removed). */
  files: RegExp;
}

const DIGITS = /^\d+$/;
const GENRE_LIST = /^[A-Za-z()' -]+(\|[A-Za-z()' -]+)*$/;

const FIELDS: Record<FieldKind, (v: string) => boolean> = {
  id: (v) => DIGITS.test(v),
  stars: (v) => isNumeric(v) && Number.isInteger(2 * Number(v)) && +v >= 0.5 && +v <= 5,
  // Milliseconds are epoch-like too, but no layout here has them.
  epoch: (v) => DIGITS.test(v) && looksLikeEpoch(Number(v)) && Number(v) < 5e9,
  count: (v) => DIGITS.test(v),
  text: (v) => v !== '',
  tag: (v) => v !== '',
  genres: (v) => GENRE_LIST.test(v),
  flag: (v) => v === '0' || v === '1',
  date: (v) => v === '' || /^\d{1,2}-[A-Za-z]{3}-\d{4}$/.test(v),
  url: (v) => v === '' || /^https?:\/\//i.test(v),
  gender: (v) => v === 'M' || v === 'F',
  age: (v) => DIGITS.test(v) && Number(v) >= 1 && Number(v) <= 120,
  'age-code': (v) => DIGITS.test(v) && ML_AGE_RANGES.includes(Number(v)),
  'occupation-code': (v) => DIGITS.test(v) && Number(v) <= 20,
  word: (v) => /^[A-Za-z][A-Za-z -]*$/.test(v),
  any: () => true,
};

/** Checks on a whole sampled column, beyond each value's own. */
const COLUMN_FIELDS: Partial<Record<FieldKind, (values: string[]) => boolean>> = {
  tag: (values) => values.some((v) => !isNumeric(v)),
};

const col = (name: string, field: FieldKind, extra: Partial<LayoutColumn> = {}): LayoutColumn => ({
  name,
  field,
  ...extra,
});

const RATING_COLUMNS = (user: string, item: string): LayoutColumn[] => [
  col(user, 'id'),
  col(item, 'id'),
  col('rating', 'stars'),
  col('timestamp', 'epoch'),
];
const TAG_COLUMNS = (user: string, item: string): LayoutColumn[] => [
  col(user, 'id'),
  col(item, 'id'),
  col('tag', 'tag'),
  col('timestamp', 'epoch'),
];
const RATINGS: ColumnMapping = { user: 0, item: 1, rating: 2, timestamp: 3 };
const TAGGINGS: ColumnMapping = { user: 0, item: 1, rating: null, timestamp: 3 };
const INTERACTIONS = { role: 'interactions', tag: null } as const;
/** A tag applied is an implicit event; the tag itself is in `tag`, for item features. */
const TAGS = { role: 'tags', mapping: TAGGINGS, tag: 2, kind: 'implicit' } as const;
const METADATA = { mapping: null, tag: null, kind: null } as const;

/** In order of preference when a file fits two shapes and has neither name. */
const LAYOUTS: readonly LayoutSpec[] = [
  {
    layout: 'movielens-ratings.csv',
    label: 'MovieLens ratings.csv',
    files: /^ratings\.csv$/,
    delimiter: ',',
    hasHeader: true,
    columns: RATING_COLUMNS('userId', 'movieId'),
    ...INTERACTIONS,
    mapping: RATINGS,
    kind: 'explicit',
  },
  {
    layout: 'movielens-100k-u.data',
    label: 'MovieLens 100K u.data',
    // u.data and its train/test splits (u1.base ... u5.test, ua.*, ub.*) share one layout.
    files: /^u(\.data|[1-5ab]\.(base|test))$/,
    delimiter: '\t',
    hasHeader: false,
    columns: RATING_COLUMNS('user id', 'item id'),
    ...INTERACTIONS,
    mapping: RATINGS,
    kind: 'explicit',
  },
  {
    layout: 'movielens-ratings.dat',
    // 1M has whole stars, 10M half stars; both fit 'stars'.
    label: 'MovieLens 1M/10M ratings.dat',
    files: /^ratings\.dat$/,
    delimiter: '::',
    hasHeader: false,
    columns: RATING_COLUMNS('UserID', 'MovieID'),
    ...INTERACTIONS,
    mapping: RATINGS,
    kind: 'explicit',
  },
  {
    layout: 'lastfm-user_artists.dat',
    label: 'Last.fm (hetrec) user_artists.dat',
    files: /^user_artists\.dat$/,
    delimiter: '\t',
    hasHeader: true,
    columns: [col('userID', 'id'), col('artistID', 'id'), col('weight', 'count')],
    ...INTERACTIONS,
    // Play counts: how much someone listened, not how much they liked it.
    mapping: { user: 0, item: 1, rating: 2, timestamp: null },
    kind: 'implicit',
  },
  {
    layout: 'movielens-tags.csv',
    label: 'MovieLens tags.csv',
    files: /^tags\.csv$/,
    delimiter: ',',
    hasHeader: true,
    columns: TAG_COLUMNS('userId', 'movieId'),
    ...TAGS,
  },
  {
    layout: 'movielens-tags.dat',
    label: 'MovieLens 10M tags.dat',
    files: /^tags\.dat$/,
    delimiter: '::',
    hasHeader: false,
    columns: TAG_COLUMNS('UserID', 'MovieID'),
    ...TAGS,
  },
  {
    layout: 'movielens-movies.csv',
    label: 'MovieLens movies.csv',
    files: /^movies\.csv$/,
    delimiter: ',',
    hasHeader: true,
    columns: [
      col('movieId', 'id', { use: 'id' }),
      col('title', 'text', { use: 'title' }),
      col('genres', 'genres', { use: 'list' }),
    ],
    role: 'item-metadata',
    ...METADATA,
  },
  {
    layout: 'movielens-100k-u.item',
    label: 'MovieLens 100K u.item',
    files: /^u\.item$/,
    delimiter: '|',
    hasHeader: false,
    columns: [
      col('movie id', 'id', { use: 'id' }),
      col('movie title', 'text', { use: 'title' }),
      col('release date', 'date', { use: 'skip' }),
      col('video release date', 'any', { use: 'skip' }),
      col('IMDb URL', 'url', { use: 'skip' }),
      // "unknown" marks a film without genres, like movies.csv's "(no genres listed)": no feature.
      ...ML_100K_GENRES.map((g) =>
        col(g, 'flag', { use: g === 'unknown' ? 'skip' : 'flag', group: 'genres' }),
      ),
    ],
    role: 'item-metadata',
    ...METADATA,
  },
  {
    layout: 'movielens-movies.dat',
    label: 'MovieLens 1M/10M movies.dat',
    files: /^movies\.dat$/,
    delimiter: '::',
    hasHeader: false,
    columns: [
      col('MovieID', 'id', { use: 'id' }),
      col('Title', 'text', { use: 'title' }),
      col('Genres', 'genres', { use: 'list' }),
    ],
    role: 'item-metadata',
    ...METADATA,
  },
  {
    layout: 'lastfm-artists.dat',
    label: 'Last.fm (hetrec) artists.dat',
    files: /^artists\.dat$/,
    delimiter: '\t',
    hasHeader: true,
    columns: [
      col('id', 'id', { use: 'id' }),
      col('name', 'any', { use: 'title' }),
      col('url', 'url', { use: 'skip' }),
      col('pictureURL', 'url', { use: 'skip' }),
    ],
    role: 'item-metadata',
    ...METADATA,
  },
  {
    layout: 'movielens-100k-u.user',
    label: 'MovieLens 100K u.user',
    files: /^u\.user$/,
    delimiter: '|',
    hasHeader: false,
    // Zip codes are nearly one per user: as features they would only repeat the user id.
    columns: [
      col('user id', 'id', { use: 'id' }),
      col('age', 'age', { use: 'category', ranges: ML_AGE_RANGES }),
      col('gender', 'gender', { use: 'category' }),
      col('occupation', 'word', { use: 'category' }),
      col('zip code', 'any', { use: 'skip' }),
    ],
    role: 'user-metadata',
    ...METADATA,
  },
  {
    layout: 'movielens-1m-users.dat',
    label: 'MovieLens 1M users.dat',
    files: /^users\.dat$/,
    delimiter: '::',
    hasHeader: false,
    columns: [
      col('user id', 'id', { use: 'id' }),
      col('gender', 'gender', { use: 'category' }),
      col('age', 'age-code', { use: 'category', ranges: ML_AGE_RANGES }),
      col('occupation', 'occupation-code', { use: 'category', codes: ML_1M_OCCUPATIONS }),
      col('zip code', 'any', { use: 'skip' }),
    ],
    role: 'user-metadata',
    ...METADATA,
  },
];

/** Data rows judged: enough that a lookalike fails somewhere, few enough to be instant. */
const SAMPLE_ROWS = 20;
/** Characters of the head read; 20 rows of u.item are about 3,000. */
const SAMPLE_CHARS = 64 * 1024;

function headRecords(text: string, delimiter: Delimiter): string[][] {
  const records: string[][] = [];
  forEachCsvRecord(
    text,
    delimiter,
    (fields) => {
      records.push(fields.map((f) => f.trim()));
      return records.length <= SAMPLE_ROWS ? undefined : false;
    },
    () => undefined,
  );
  // The head is usually cut from a longer file, so its last record may be partial.
  if (records.length > 1 && !/[\r\n]$/.test(text)) records.pop();
  return records;
}

const normalize = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');

function fits(spec: LayoutSpec, records: string[][]): boolean {
  const { columns } = spec;
  if (spec.hasHeader) {
    const header = records[0] ?? [];
    const same =
      header.length === columns.length &&
      header.every((h, j) => normalize(h) === normalize(columns[j].name));
    if (!same) return false;
  }
  const rows = spec.hasHeader ? records.slice(1) : records;
  return (
    rows.length > 0 &&
    rows.every(
      (r) => r.length === columns.length && columns.every((c, j) => FIELDS[c.field](r[j])),
    ) &&
    columns.every((c, j) => COLUMN_FIELDS[c.field]?.(rows.map((r) => r[j])) ?? true)
  );
}

/** "data/ml-100k/U.DATA.gz" -> "u.data". */
function baseName(name: string): string {
  return (name.split(/[\\/]/).pop() ?? '').toLowerCase().replace(/\.gz$/, '');
}

/**
 * Recognises a known layout from a file's name and its first characters (decoded text, e.g. the
 * preview's head; a cut last line is ignored). Returns the layout whose shape every sampled row
 * fits, preferring one whose file name matches too, or null when none fits.
 */
export function recognizeLayout(name: string, head: string): KnownLayout | null {
  const text = stripBom(head).slice(0, SAMPLE_CHARS);
  const base = baseName(name);
  const byDelimiter = new Map<Delimiter, string[][]>();
  let shapeOnly: LayoutSpec | null = null;
  for (const spec of LAYOUTS) {
    let records = byDelimiter.get(spec.delimiter);
    if (!records) byDelimiter.set(spec.delimiter, (records = headRecords(text, spec.delimiter)));
    if (!fits(spec, records)) continue;
    if (spec.files.test(base)) return toLayout(spec, true);
    shapeOnly ??= spec;
  }
  return shapeOnly && toLayout(shapeOnly, false);
}

function toLayout(spec: LayoutSpec, byName: boolean): KnownLayout {
  // Copies, so a caller that edits its layout (a changed mapping) leaves the table as written.
  return {
    layout: spec.layout,
    label: spec.label,
    role: spec.role,
    delimiter: spec.delimiter,
    hasHeader: spec.hasHeader,
    columns: spec.columns.map((c) => ({ ...c })),
    mapping: spec.mapping && { ...spec.mapping },
    tag: spec.tag,
    kind: spec.kind,
    byName,
  };
}
