/**
 * Side files that describe items (titles, genres) or users (attributes), and joining them onto a
 * Dataset by id. Items and users share one implementation; only the choice of columns differs.
 */
import { isItemColumnName, isNumeric, isUserColumnName, normalizeColumnName } from './columns';
import { CsvError, forEachCsvRecord, generatedColumnNames, sniffCsv, stripBom } from './csv';
import { DataError } from './errors';
import type { Dataset, FeatureTable } from './types';
import { GrowableArray } from '../util/growable';

export interface ItemMetadata {
  /** File name. */
  name: string;
  /** Entity ids in file order (first occurrence wins for repeated ids). */
  ids: string[];
  /** Display title per id, or null (always null for users). */
  titles: (string | null)[];
  /** Features per id, CSR over `ids` order. */
  features: FeatureTable;
  /** Header name(s) of the column(s) the features came from, comma-separated; null if none. */
  featureColumn: string | null;
}

/** User attribute files have the same shape; titles are all null. */
export type UserMetadata = ItemMetadata;

type Side = 'item' | 'user';

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
const PROFILE_ROWS = 1000;

function readRecords(name: string, text: string): { header: string[]; rows: string[][] } {
  const body = stripBom(text);
  if (body.trim() === '') throw new DataError(name, 'the file is empty');
  const { delimiter, hasHeader } = sniffCsv(body.slice(0, 65536));
  const records: string[][] = [];
  try {
    forEachCsvRecord(body, delimiter, (fields) => void records.push(fields));
  } catch (e) {
    if (e instanceof CsvError) throw new DataError(name, e.message);
    throw e;
  }
  const rows = hasHeader ? records.slice(1) : records;
  if (rows.length === 0) throw new DataError(name, 'the file has a header row but no data rows');
  const width = records.reduce((w, r) => Math.max(w, r.length), 0);
  const header = hasHeader
    ? Array.from({ length: width }, (_, j) => records[0][j]?.trim() || `column ${j + 1}`)
    : generatedColumnNames(width);
  return { header, rows };
}

function idColumn(names: string[], side: Side): number {
  const known = side === 'item' ? isItemColumnName : isUserColumnName;
  const exact = names.findIndex((n) => n === 'id' || (n.endsWith('id') && known(n)));
  if (exact >= 0) return exact;
  const loose = names.findIndex((n) => known(n));
  return loose >= 0 ? loose : 0;
}

function sampleColumn(rows: string[][], j: number): string[] {
  const out: string[] = [];
  for (let r = 0; r < rows.length && r < PROFILE_ROWS; r++) {
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

interface FeatureColumn {
  index: number;
  /** Prefix for feature names ("gender=") or '' to name features by value alone. */
  prefix: string;
  separator: '|' | ';' | null;
}

function chooseColumns(
  header: string[],
  rows: string[][],
  side: Side,
): { id: number; title: number | null; features: FeatureColumn[] } {
  const names = header.map(normalizeColumnName);
  const id = idColumn(names, side);
  const others = header.map((_, j) => j).filter((j) => j !== id);
  if (side === 'user') {
    // Every attribute is a feature "column=value"; only `|` splits, as `;` may be inside values.
    const features = others.map((j) => ({
      index: j,
      prefix: `${header[j]}=`,
      separator: sampleColumn(rows, j).some((v) => v.includes('|')) ? ('|' as const) : null,
    }));
    return { id, title: null, features };
  }
  const samples = new Map(others.map((j) => [j, sampleColumn(rows, j)]));
  const separators = new Map(
    others.map((j) => [j, multiSeparator(samples.get(j) ?? [], MULTI_NAMES.includes(names[j]))]),
  );
  const namedTitle = others.find((j) => TITLE_NAMES.includes(names[j]));
  const title =
    namedTitle ??
    others.find((j) => {
      const values = samples.get(j) ?? [];
      const text = values.filter((v) => !isNumeric(v)).length;
      return separators.get(j) === null && values.length > 0 && text > values.length / 2;
    }) ??
    null;
  const multi = others.filter((j) => j !== title && separators.get(j) !== null);
  const features = multi.map((j) => ({
    index: j,
    // Values name the feature ("Comedy") unless two columns could both hold the same value.
    prefix: multi.length > 1 ? `${header[j]}=` : '',
    separator: separators.get(j) ?? null,
  }));
  return { id, title, features };
}

function parseMetadata(name: string, text: string, side: Side): ItemMetadata {
  const { header, rows } = readRecords(name, text);
  const { id, title, features } = chooseColumns(header, rows, side);
  const ids: string[] = [];
  const titles: (string | null)[] = [];
  const seen = new Set<string>();
  const featureIndex = new Map<string, number>();
  const featureNames: string[] = [];
  const offsets: number[] = [0];
  const values = new GrowableArray(Int32Array);
  const entityFeatures = new Set<number>();

  for (const row of rows) {
    const entity = (row[id] ?? '').trim();
    if (entity === '' || seen.has(entity)) continue;
    seen.add(entity);
    ids.push(entity);
    titles.push(title === null ? null : (row[title] ?? '').trim() || null);
    entityFeatures.clear();
    for (const col of features) {
      const cell = (row[col.index] ?? '').trim();
      const parts = col.separator ? cell.split(col.separator) : [cell];
      for (const part of parts) {
        const value = part.trim();
        if (NO_VALUE.has(value.toLowerCase())) continue;
        const featureName = col.prefix + value;
        let f = featureIndex.get(featureName);
        if (f === undefined) {
          f = featureNames.length;
          featureIndex.set(featureName, f);
          featureNames.push(featureName);
        }
        if (!entityFeatures.has(f)) {
          entityFeatures.add(f);
          values.push(f);
        }
      }
    }
    offsets.push(values.length);
  }
  if (ids.length === 0) throw new DataError(name, `no row has an id in column "${header[id]}"`);
  return {
    name,
    ids,
    titles,
    features: { names: featureNames, offsets: Int32Array.from(offsets), values: values.toArray() },
    featureColumn: features.length > 0 ? features.map((c) => header[c.index]).join(', ') : null,
  };
}

/**
 * Parses an item metadata file (e.g. MovieLens movies.csv). The id column is the one named like
 * an id (movieId, itemId, id...) or else the first; the title column is named title/name or is
 * the first mostly-text, single-valued column; multi-valued columns (cells like `Action|Comedy`,
 * or named genres/tags/category) become features named by value. "(no genres listed)" and
 * similar placeholders give no feature. Throws DataError for an empty or header-only file, a
 * file where no row has an id, or a quoted field that is never closed.
 */
export function parseItemMetadata(name: string, text: string): ItemMetadata {
  return parseMetadata(name, text, 'item');
}

/**
 * Parses a user attribute file (e.g. MovieLens users.dat): the id column is named like a user
 * id (or is the first); every other column's value becomes a feature "column=value", with
 * `|`-separated cells split into several features.
 */
export function parseUserMetadata(name: string, text: string): UserMetadata {
  return parseMetadata(name, text, 'user');
}

/**
 * Joins metadata onto the entities `ids` (dense order). Returns a label per entity (its title,
 * else its id), a FeatureTable CSR over `ids` holding only the features some entity uses (in the
 * metadata's order), and match counts.
 */
function joinMetadata(
  ids: string[],
  meta: ItemMetadata,
): { labels: string[]; features: FeatureTable; matched: number; unmatched: number } {
  const row = new Map<string, number>();
  meta.ids.forEach((id, r) => row.set(id, r));
  const rows = ids.map((id) => row.get(id) ?? -1);
  const src = meta.features;

  const used = new Uint8Array(src.names.length);
  for (const r of rows) {
    if (r < 0) continue;
    for (let k = src.offsets[r]; k < src.offsets[r + 1]; k++) used[src.values[k]] = 1;
  }
  const remap = new Int32Array(src.names.length).fill(-1);
  const names: string[] = [];
  used.forEach((u, f) => {
    if (u) remap[f] = names.push(src.names[f]) - 1;
  });

  const offsets = new Int32Array(ids.length + 1);
  const values = new GrowableArray(Int32Array);
  const labels: string[] = new Array<string>(ids.length);
  let matched = 0;
  rows.forEach((r, e) => {
    labels[e] = ids[e];
    if (r >= 0) {
      matched++;
      labels[e] = meta.titles[r] ?? ids[e];
      for (let k = src.offsets[r]; k < src.offsets[r + 1]; k++) values.push(remap[src.values[k]]);
    }
    offsets[e + 1] = values.length;
  });
  const known = new Set(ids);
  const unmatched = meta.ids.filter((id) => !known.has(id)).length;
  return { labels, features: { names, offsets, values: values.toArray() }, matched, unmatched };
}

/**
 * Returns a copy of `d` whose itemLabels are titles where the metadata has one and whose
 * itemFeatures are CSR over d's items. `matched` counts dataset items found in the metadata,
 * `unmatched` counts metadata ids with no interactions. `d` is not modified.
 */
export function attachItemMetadata(
  d: Dataset,
  meta: ItemMetadata,
): { dataset: Dataset; matched: number; unmatched: number } {
  const { labels, features, matched, unmatched } = joinMetadata(d.itemIds, meta);
  return { dataset: { ...d, itemLabels: labels, itemFeatures: features }, matched, unmatched };
}

/** The user-side counterpart of `attachItemMetadata`: sets userFeatures, CSR over d's users. */
export function attachUserMetadata(
  d: Dataset,
  meta: UserMetadata,
): { dataset: Dataset; matched: number; unmatched: number } {
  const { features, matched, unmatched } = joinMetadata(d.userIds, meta);
  return { dataset: { ...d, userFeatures: features }, matched, unmatched };
}

/**
 * A tags file (user, item, tag[, timestamp]: MovieLens `tags.csv`) turned into item features:
 * each tag (trimmed, lower-cased) applied to at least `minItems` distinct items of `d` becomes a
 * feature "tag: <tag>" of those items, after the item features `d` already has. Rarer tags
 * describe one film and say nothing about others, so they are left out (and counted).
 */
export function attachItemTags(
  d: Dataset,
  name: string,
  text: string,
  minItems = 3,
): { dataset: Dataset; tags: number; taggedItems: number; rareTags: number; unmatched: number } {
  const body = stripBom(text);
  const { delimiter, hasHeader } = sniffCsv(body.slice(0, 65536));
  let itemCol = 1;
  let tagCol = 2;
  const itemIndex = new Map(d.itemIds.map((id, k) => [id, k]));
  const itemsByTag = new Map<string, Set<number>>();
  let unmatched = 0;
  try {
    forEachCsvRecord(body, delimiter, (fields, line) => {
      if (line === 1 && hasHeader) {
        const names = fields.map(normalizeColumnName);
        const item = fields.findIndex(isItemColumnName);
        const tag = names.findIndex((n) => n === 'tag' || n === 'tags');
        if (item < 0 || tag < 0)
          throw new DataError(
            name,
            `a tags file needs an item column and a "tag" column; the header is ` +
              `"${fields.join(delimiter)}"`,
          );
        [itemCol, tagCol] = [item, tag];
        return;
      }
      const item = itemIndex.get(fields[itemCol]?.trim() ?? '');
      const tag = fields[tagCol]?.trim().toLowerCase();
      if (!tag) return;
      if (item === undefined) {
        unmatched++;
        return;
      }
      let set = itemsByTag.get(tag);
      if (!set) itemsByTag.set(tag, (set = new Set()));
      set.add(item);
    });
  } catch (e) {
    if (e instanceof CsvError) throw new DataError(name, e.message);
    throw e;
  }
  const kept = [...itemsByTag].filter(([, items]) => items.size >= minItems);
  kept.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const base = d.itemFeatures;
  const perItem: number[][] = d.itemIds.map(() => []);
  kept.forEach(([, items], k) => items.forEach((i) => perItem[i].push(base.names.length + k)));
  const offsets = new Int32Array(d.itemIds.length + 1);
  const values = new GrowableArray(Int32Array);
  let taggedItems = 0;
  perItem.forEach((tags, i) => {
    for (let j = base.offsets[i]; j < base.offsets[i + 1]; j++) values.push(base.values[j]);
    for (const t of tags) values.push(t);
    if (tags.length) taggedItems++;
    offsets[i + 1] = values.length;
  });
  const features: FeatureTable = {
    names: [...base.names, ...kept.map(([tag]) => `tag: ${tag}`)],
    offsets,
    values: values.toArray(),
  };
  return {
    dataset: { ...d, itemFeatures: features },
    tags: kept.length,
    taggedItems,
    rareTags: itemsByTag.size - kept.length,
    unmatched,
  };
}
