/**
 * Side files that describe items (titles, genres) or users (attributes), and joining them onto a
 * Dataset by id. Items and users share one implementation; which column means what comes from
 * metadata-columns.ts (a recognised layout's documentation, or a guess from the contents).
 */
import { isItemColumnName, normalizeColumnName } from './columns';
import { CsvError, forEachCsvRecord, generatedColumnNames, sniffCsv, stripBom } from './csv';
import type { Delimiter } from './csv';
import { DataError } from './errors';
import { recognizeLayout, type LayoutRole } from './layouts';
import { guessPlan, planFromLayout, type Side } from './metadata-columns';
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
  /** What the features came from (column names or a group such as "genres"); null if none. */
  featureColumn: string | null;
  /** The recognised layout's label ("MovieLens 100K u.item"), or null for a guessed one. */
  layout: string | null;
}

/** User attribute files have the same shape; titles are all null. */
export type UserMetadata = ItemMetadata;

const ROLE_WORDS: Record<LayoutRole, string> = {
  interactions: 'an interactions file',
  tags: 'a tags file',
  'item-metadata': 'item metadata',
  'user-metadata': 'user metadata',
};

/** The head judged when sniffing or recognising a layout. */
const HEAD_CHARS = 65536;

function readRecords(
  name: string,
  body: string,
  format: { delimiter: Delimiter; hasHeader: boolean },
  names: string[] | null,
): { header: string[]; rows: string[][] } {
  const records: string[][] = [];
  try {
    forEachCsvRecord(body, format.delimiter, (fields) => void records.push(fields));
  } catch (e) {
    if (e instanceof CsvError) throw new DataError(name, e.message);
    throw e;
  }
  const rows = format.hasHeader ? records.slice(1) : records;
  if (rows.length === 0) throw new DataError(name, 'the file has a header row but no data rows');
  const width = records.reduce((w, r) => Math.max(w, r.length), 0);
  const header = format.hasHeader
    ? Array.from({ length: width }, (_, j) => records[0][j]?.trim() || `column ${j + 1}`)
    : (names ?? generatedColumnNames(width));
  return { header, rows };
}

function parseMetadata(name: string, text: string, side: Side): ItemMetadata {
  const body = stripBom(text);
  if (body.trim() === '') throw new DataError(name, 'the file is empty');
  const head = body.slice(0, HEAD_CHARS);
  const layout = recognizeLayout(name, head);
  if (layout && layout.role !== `${side}-metadata`) {
    // Read as metadata, ratings or another side's file would give nonsense features.
    throw new DataError(
      name,
      `this looks like ${layout.label}, which is ${ROLE_WORDS[layout.role]}, not ${side} metadata`,
    );
  }
  const names = layout && !layout.hasHeader ? layout.columns.map((c) => c.name) : null;
  const { header, rows } = readRecords(name, body, layout ?? sniffCsv(head), names);
  const { id, title, features } = layout ? planFromLayout(layout) : guessPlan(header, rows, side);
  const ids: string[] = [];
  const titles: (string | null)[] = [];
  const seen = new Set<string>();
  const featureIndex = new Map<string, number>();
  const featureNames: string[] = [];
  const offsets: number[] = [0];
  const values = new GrowableArray(Int32Array);
  const entityFeatures = new Set<number>();
  const cellFeatures: string[] = [];

  for (const row of rows) {
    const entity = (row[id] ?? '').trim();
    if (entity === '' || seen.has(entity)) continue;
    seen.add(entity);
    ids.push(entity);
    titles.push(title === null ? null : (row[title] ?? '').trim() || null);
    entityFeatures.clear();
    cellFeatures.length = 0;
    for (const col of features) col.features((row[col.index] ?? '').trim(), cellFeatures);
    for (const featureName of cellFeatures) {
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
    offsets.push(values.length);
  }
  if (ids.length === 0) throw new DataError(name, `no row has an id in column "${header[id]}"`);
  const sources = [...new Set(features.map((c) => c.source))];
  return {
    name,
    ids,
    titles,
    features: { names: featureNames, offsets: Int32Array.from(offsets), values: values.toArray() },
    featureColumn: sources.length > 0 ? sources.join(', ') : null,
    layout: layout?.label ?? null,
  };
}

/**
 * Parses an item metadata file. Known layouts (layouts.ts) are read as documented: MovieLens
 * movies.csv / movies.dat (genres split on `|`), 100K u.item (its 19 genre flags become genre
 * features; "unknown" gives none), Last.fm artists.dat (title = name). Other files are guessed
 * (guessPlan in metadata-columns.ts): the id column is the one named like an id (movieId,
 * itemId, id...) or else the first; the title column is named title/name or is the first
 * mostly-text, single-valued column; multi-valued columns (cells like `Action|Comedy`, or named
 * genres/tags/category) become features named by value, 0/1 columns features named by their
 * header, numbers "column=value" or quantile buckets "column=lo-hi", repeating text
 * "column=value". "(no genres listed)" and similar placeholders give no feature.
 *
 * Throws DataError for an empty or header-only file, a file where no row has an id, a quoted
 * field that is never closed, or a file recognised as another kind (ratings, tags, users).
 */
export function parseItemMetadata(name: string, text: string): ItemMetadata {
  return parseMetadata(name, text, 'item');
}

/**
 * Parses a user attribute file. MovieLens 100K u.user and 1M users.dat give "age=18-24" (the
 * 1M age ranges; 100K's ages in years are bucketed into them), "gender=M" and "occupation=..."
 * (1M's occupation codes named as in its README); zip codes give nothing. In other files the id
 * column is named like a user id (or is the first) and every other column becomes features as
 * for items, except that lists split only on `|` and their values are named "column=value".
 * Throws DataError as parseItemMetadata does.
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
