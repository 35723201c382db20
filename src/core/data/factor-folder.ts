/**
 * Spark ALS factors as Spark writes them: `ALSModel.save(path)` makes a folder of `metadata/`
 * (one JSON line naming the class, the rank and the parameters), `userFactors/` and
 * `itemFactors/` (Parquet part files `part-00000-<uuid>-c000.snappy.parquet`, with `_SUCCESS`
 * and `.crc` files beside them); `model.userFactors.write.parquet(...)` makes one such factor
 * folder. The side of a part file comes from a folder in its path named exactly `userFactors`
 * or `itemFactors`: the part files' own names say neither, and a substring test would take a
 * model folder named `user_item_als/` for a side. Paths here are relative and '/'-separated, as
 * a folder picker (`webkitRelativePath`) or a dropped folder's entries give them.
 */
import type { AsyncBuffer } from 'hyparquet';
import { DataError } from './errors';
import { isParquet } from './parquet';
import {
  concatFactors,
  parseFactorJsonLines,
  readFactorParquet,
  type FactorTable,
} from './factors';

/** One chosen file: its relative path and size, and ways to read it (a File in the browser). */
export interface FolderEntry {
  path: string;
  size: number;
  text(): Promise<string>;
  buffer(): AsyncBuffer;
}

export type FactorSide = 'user' | 'item';

/** What `ALSModel.save` records in `metadata/part-00000` that matters here. */
export interface AlsMetadata {
  rank: number | null;
  userCol: string;
  itemCol: string;
  sparkVersion: string | null;
}

export const ALS_MODEL_CLASS = 'org.apache.spark.ml.recommendation.ALSModel';

const segmentsOf = (path: string) => path.split('/').filter((s) => s !== '');

/**
 * Files Spark writes beside the data, never rows: `_SUCCESS` (and `_committed_` /
 * `_started_` markers), checksums (`.part-00000-….crc`), and hidden files or folders
 * (`.DS_Store`, `.ipynb_checkpoints/`).
 */
export function isBookkeeping(path: string): boolean {
  const parts = segmentsOf(path);
  const name = parts[parts.length - 1] ?? '';
  return parts.some((s) => s.startsWith('.')) || name.startsWith('_') || name.endsWith('.crc');
}

/** Whether the file sits directly in a folder named `metadata` (Spark's model metadata). */
export function isMetadataPath(path: string): boolean {
  const parts = segmentsOf(path);
  return parts.length >= 2 && parts[parts.length - 2] === 'metadata';
}

/**
 * The side of a factor file: the nearest enclosing folder named exactly `userFactors` or
 * `itemFactors`. A file chosen on its own (no folder in its path) keeps the older rule of its
 * name saying "user" or "item" (`userFactors-part-00000.json`), when it says only one of them.
 */
export function sideOf(path: string): FactorSide | null {
  const parts = segmentsOf(path);
  const folders = parts.slice(0, -1);
  for (let k = folders.length - 1; k >= 0; k--) {
    if (folders[k] === 'userFactors') return 'user';
    if (folders[k] === 'itemFactors') return 'item';
  }
  if (folders.length) return null;
  const name = (parts[0] ?? '').toLowerCase();
  const [user, item] = [name.includes('user'), name.includes('item')];
  return user === item ? null : user ? 'user' : 'item';
}

/** The path up to (not including) its side folder: the model folder, '' for a lone file. */
function rootOf(path: string): string {
  const parts = segmentsOf(path);
  for (let k = parts.length - 2; k >= 0; k--)
    if (parts[k] === 'userFactors' || parts[k] === 'itemFactors')
      return parts.slice(0, k).join('/');
  return '';
}

/** Which chosen files hold factors, which the metadata, and which are left out (and why). */
export interface FactorFolderPlan {
  users: FolderEntry[];
  items: FolderEntry[];
  metadata: FolderEntry[];
  /** Spark's bookkeeping files and empty files: expected, left out without a word. */
  bookkeeping: number;
  /** Other files outside `userFactors/`, `itemFactors/` and `metadata/`, left out by name. */
  outside: string[];
  /** The model folder's path (the part before `userFactors/`), '' when none. */
  root: string;
}

/** Sorts the chosen files by role; throws a DataError saying what to choose when a side is missing. */
export function planFactorFolder(entries: FolderEntry[]): FactorFolderPlan {
  const plan: FactorFolderPlan = {
    users: [],
    items: [],
    metadata: [],
    bookkeeping: 0,
    outside: [],
    root: '',
  };
  const byPath = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const e of byPath) {
    if (isBookkeeping(e.path) || e.size === 0) plan.bookkeeping++;
    else if (isMetadataPath(e.path)) plan.metadata.push(e);
    else {
      const side = sideOf(e.path);
      if (side === 'user') plan.users.push(e);
      else if (side === 'item') plan.items.push(e);
      else plan.outside.push(e.path);
    }
  }
  if (!plan.users.length || !plan.items.length) {
    const missing = [!plan.users.length && 'userFactors', !plan.items.length && 'itemFactors']
      .filter(Boolean)
      .join(' and ');
    throw new DataError(
      'Spark ALS factors',
      `no ${missing} found: choose the folder ALSModel.save wrote (with userFactors/ and ` +
        'itemFactors/ in it) or a folder holding both factor folders; files chosen on their own ' +
        'need "user" or "item" in their names',
    );
  }
  const roots = new Set([...plan.users, ...plan.items].map((e) => rootOf(e.path)));
  if (roots.size > 1)
    throw new DataError(
      'Spark ALS factors',
      `factor folders of several models (${[...roots].map((r) => r || '.').join(', ')}): choose one`,
    );
  plan.root = [...roots][0];
  return plan;
}

/**
 * The model metadata `DefaultParamsWriter` writes: one JSON object per line with `class`,
 * `sparkVersion`, `paramMap` (parameters set by the user), `defaultParamMap` (the rest, Spark
 * 2.4 on) and, for ALSModel, `rank`. Returns null for another class's metadata.
 */
export function parseAlsMetadata(name: string, text: string): AlsMetadata | null {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    throw new DataError(name, 'is not Spark model metadata (a line of JSON)');
  }
  if (typeof json !== 'object' || json === null) return null;
  const m = json as Record<string, unknown>;
  if (m.class !== ALS_MODEL_CLASS) return null;
  const params = (key: string): unknown => {
    for (const map of [m.paramMap, m.defaultParamMap])
      if (typeof map === 'object' && map !== null && key in map)
        return (map as Record<string, unknown>)[key];
    return undefined;
  };
  // ALSModel stores its rank beside the parameters; the estimator's rank is a parameter.
  const rank = Number(m.rank ?? params('rank'));
  const col = (key: string, fallback: string) => {
    const v = params(key);
    return typeof v === 'string' && v ? v : fallback;
  };
  return {
    rank: Number.isInteger(rank) && rank > 0 ? rank : null,
    userCol: col('userCol', 'user'),
    itemCol: col('itemCol', 'item'),
    sparkVersion: typeof m.sparkVersion === 'string' ? m.sparkVersion : null,
  };
}

/** One part file: Parquet when it starts with "PAR1", else Spark's JSON lines. */
async function readPart(e: FolderEntry): Promise<FactorTable> {
  const buffer = e.buffer();
  const head = new Uint8Array(await buffer.slice(0, Math.min(4, e.size)));
  return isParquet(head)
    ? readFactorParquet(e.path, buffer)
    : parseFactorJsonLines(e.path, await e.text());
}

export interface FactorFolder {
  users: FactorTable;
  items: FactorTable;
  metadata: AlsMetadata | null;
  /** What was read, for the Data panel: the model, the files per side, what was left out. */
  note: string;
  /** The model folder's name, or a generic name for files chosen without one. */
  name: string;
}

/**
 * Reads a Spark model folder, a pair of factor folders, or factor files chosen on their own:
 * each side's part files concatenated in path order (Spark's part order), checked against the
 * metadata's rank when there is one.
 */
export async function readFactorFolder(entries: FolderEntry[]): Promise<FactorFolder> {
  const plan = planFactorFolder(entries);
  let metadata: AlsMetadata | null = null;
  const otherMetadata: string[] = [];
  for (const e of plan.metadata) {
    const m = parseAlsMetadata(e.path, await e.text());
    if (m && metadata)
      throw new DataError(e.path, 'a second ALSModel metadata file: choose one model folder');
    if (m) metadata = m;
    else otherMetadata.push(e.path);
  }
  const users = concatFactors('userFactors', await Promise.all(plan.users.map(readPart)));
  const items = concatFactors('itemFactors', await Promise.all(plan.items.map(readPart)));
  if (metadata?.rank && metadata.rank !== users.dim)
    throw new DataError(
      'Spark ALS factors',
      `the metadata says rank ${metadata.rank}, the factors have ${users.dim} features`,
    );
  const rootName = segmentsOf(plan.root).pop();
  const name = metadata
    ? `${rootName ?? 'Spark'} (Spark ALSModel)`
    : rootName
      ? `${rootName} (Spark ALS factors)`
      : 'Spark ALS factors';
  return {
    users,
    items,
    metadata,
    name,
    note: describeFolder(plan, metadata, otherMetadata, users, items),
  };
}

const count = (n: number, one: string) =>
  `${n.toLocaleString('en-US')} ${one}${n === 1 ? '' : 's'}`;

function describeFolder(
  plan: FactorFolderPlan,
  m: AlsMetadata | null,
  otherMetadata: string[],
  users: FactorTable,
  items: FactorTable,
): string {
  const model = m
    ? `Spark ALSModel${m.sparkVersion ? ` (Spark ${m.sparkVersion})` : ''}, rank ${m.rank ?? users.dim}, ` +
      `users by "${m.userCol}", items by "${m.itemCol}"`
    : 'Spark ALS factors (no ALSModel metadata)';
  const left = [
    plan.bookkeeping && `${count(plan.bookkeeping, 'bookkeeping file')} (_SUCCESS, .crc, hidden)`,
    otherMetadata.length && `metadata of another class (${otherMetadata.join(', ')})`,
    plan.outside.length &&
      `${count(plan.outside.length, 'file')} outside userFactors/ and itemFactors/ (${plan.outside.slice(0, 3).join(', ')}${plan.outside.length > 3 ? ', …' : ''})`,
  ].filter(Boolean);
  return (
    `${model}: ${count(users.ids.length, 'user')} from ${count(plan.users.length, 'part file')} and ` +
    `${count(items.ids.length, 'item')} from ${count(plan.items.length, 'part file')}, dimension ` +
    `${items.dim}${left.length ? `; left out ${left.join('; ')}` : ''}. No interactions: ` +
    'recommendations are dot products; train here to add metrics.'
  );
}
