/**
 * Which column of an interaction file holds what: guessed from column names, then from contents.
 * Names are compared after lower-casing and dropping everything but letters and digits, so
 * "user_id", "User ID" and "userId" are all "userid".
 */

/** Column indices into a record; null = the file has no such column. */
export interface ColumnMapping {
  user: number;
  item: number;
  rating: number | null;
  timestamp: number | null;
}

type Role = keyof ColumnMapping;

const words = (s: string): string[] => s.split(' ');

const USER_NAMES = words(
  'userid user uid customerid customer clientid client memberid member visitorid ' +
    'visitor reviewerid reviewer personid person raterid rater listenerid listener ' +
    'viewerid viewer accountid account username',
);
const ITEM_NAMES = words(
  'itemid item iid movieid movie filmid film productid product artistid artist ' +
    'artistname songid song trackid track bookid book isbn asin sku articleid article ' +
    'businessid business animeid anime gameid game recipeid recipe jokeid joke videoid ' +
    'video',
);
/** Value columns that count events (implicit feedback) rather than grade items. */
const COUNT_NAMES = words(
  'plays playcount count counts clicks views quantity qty frequency listens listencount ' +
    'purchases interactions weight',
);
const RATING_NAMES = [
  ...words('rating ratings score stars star rate grade preference value'),
  ...COUNT_NAMES,
];
const TIMESTAMP_NAMES = words('timestamp time date datetime ts unixtime epoch createdat ratedat');
/** Names that only appear in metadata files; they mark a header row too. */
const METADATA_NAMES = ['id', 'title', 'name', 'genres', 'genre', 'tags', 'category'];

const ROLE_NAMES: [Role, string[]][] = [
  ['user', USER_NAMES],
  ['item', ITEM_NAMES],
  ['rating', RATING_NAMES],
  ['timestamp', TIMESTAMP_NAMES],
];

export function normalizeColumnName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** True when `name` is a column name this app recognises (used to spot header rows). */
export function isKnownColumnName(name: string): boolean {
  const n = normalizeColumnName(name);
  return (
    n !== '' && (METADATA_NAMES.includes(n) || ROLE_NAMES.some(([, names]) => names.includes(n)))
  );
}

/** True when a value column's name says it counts events (plays, clicks...) rather than rates. */
export function isCountColumnName(name: string): boolean {
  return COUNT_NAMES.includes(normalizeColumnName(name));
}

/** True for user-id-like column names ("userId", "customer_id"...). */
export function isUserColumnName(name: string): boolean {
  return USER_NAMES.includes(normalizeColumnName(name));
}

/** True for item-id-like column names ("movieId", "product"...). */
export function isItemColumnName(name: string): boolean {
  return ITEM_NAMES.includes(normalizeColumnName(name));
}

const INTEGER = /^\s*[-+]?\d+\s*$/;
const NUMBER = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

/** True for plain decimal numbers ("4", "-1.5", "3e2", ".5"), not for "", "NaN" or "1,5". */
export function isNumeric(s: string): boolean {
  return NUMBER.test(s);
}
const ISO_DATE = /^\s*\d{4}-\d{2}-\d{2}/;

/** Epoch seconds from 1973 to 2128, or epoch milliseconds over the same span. */
export function looksLikeEpoch(v: number): boolean {
  return (v >= 1e8 && v < 5e9) || (v >= 1e11 && v < 5e12);
}

function columnValues(rows: string[][], j: number): string[] {
  return rows.map((r) => (r[j] ?? '').trim()).filter((v) => v !== '');
}

function isTimestampColumn(values: string[]): boolean {
  if (values.length === 0) return false;
  return (
    values.every((v) => INTEGER.test(v) && looksLikeEpoch(Number(v))) ||
    values.every((v) => ISO_DATE.test(v) && Number.isFinite(Date.parse(v)))
  );
}

function isNumericColumn(values: string[]): boolean {
  return values.length > 0 && values.every(isNumeric);
}

/**
 * Guesses which columns hold user id, item id, rating and timestamp.
 * `header` has one name per column (generated "column N" names match nothing); `rows` are a few
 * data rows of raw fields. Names decide first (exact, then containing a known word); columns still
 * unclaimed fall back to contents: the first two become user and item, a column of epoch-sized
 * integers or ISO dates the timestamp, and the first all-numeric column left the rating.
 */
export function guessMapping(header: string[], rows: string[][]): ColumnMapping {
  const width = Math.max(header.length, ...rows.map((r) => r.length));
  const found: Partial<Record<Role, number>> = {};
  const claimed = new Set<number>();
  const claim = (role: Role, j: number): void => {
    found[role] = j;
    claimed.add(j);
  };
  const names = header.map(normalizeColumnName);

  for (const [role, list] of ROLE_NAMES) {
    const j = names.findIndex((n, k) => !claimed.has(k) && list.includes(n));
    if (j >= 0) claim(role, j);
  }
  // Looser pass ("user_name" -> user); short words like "ts" would match too much.
  for (const [role, list] of ROLE_NAMES) {
    if (found[role] !== undefined) continue;
    const j = names.findIndex(
      (n, k) => !claimed.has(k) && list.some((w) => w.length >= 4 && n.includes(w)),
    );
    if (j >= 0) claim(role, j);
  }

  const unclaimed = (): number[] =>
    Array.from({ length: width }, (_, j) => j).filter((j) => !claimed.has(j));
  for (const role of ['user', 'item'] as const) {
    if (found[role] === undefined) {
      const free = unclaimed();
      if (free.length > 0) claim(role, free[0]);
    }
  }
  if (found.timestamp === undefined) {
    const j = unclaimed().find((k) => isTimestampColumn(columnValues(rows, k)));
    if (j !== undefined) claim('timestamp', j);
  }
  if (found.rating === undefined) {
    const j = unclaimed().find((k) => isNumericColumn(columnValues(rows, k)));
    if (j !== undefined) claim('rating', j);
  }
  const user = found.user ?? 0;
  return {
    user,
    item: found.item ?? (user === 0 ? 1 : 0),
    rating: found.rating ?? null,
    timestamp: found.timestamp ?? null,
  };
}

/**
 * Checks a mapping against a file of `columns` columns. Returns a message for the user, or null
 * when the mapping is usable.
 */
export function validateMapping(m: ColumnMapping, columns: number): string | null {
  const label: Record<Role, string> = {
    user: 'user id',
    item: 'item id',
    rating: 'rating',
    timestamp: 'timestamp',
  };
  const used = new Map<number, Role>();
  for (const role of ['user', 'item', 'rating', 'timestamp'] as const) {
    const j = m[role];
    if (j === null) {
      if (role === 'user' || role === 'item') return `Choose the ${label[role]} column.`;
      continue;
    }
    if (!Number.isInteger(j) || j < 0 || j >= columns) {
      return `The ${label[role]} column (${j + 1}) is not one of the file's ${columns} columns.`;
    }
    const other = used.get(j);
    if (other !== undefined) {
      return `The ${label[other]} and ${label[role]} cannot both be column ${j + 1}.`;
    }
    used.set(j, role);
  }
  return null;
}
