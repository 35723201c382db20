/**
 * Side files that describe items (titles, genres) or users (attributes), and joining them onto a
 * Dataset by id. Items and users share one implementation; which column means what comes from
 * metadata-columns.ts (a recognised layout's documentation, or a guess from the contents).
 */
import { sniffCsv } from './csv';
import { DataError } from './errors';
import { recognizeLayout, type LayoutRole } from './layouts';
import { MetadataBuilder } from './metadata-builder';
import type { Side } from './metadata-columns';
import { SniffedCsvReader, type SniffedFormat } from './sniffed-csv';
import { attachTagLists, readTagLists, type TagsAttached } from './tag-lists';
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

/**
 * A metadata file fed as decoded text chunks (`push`, then `finish`): its layout is recognised
 * (or its format sniffed) from the first HEAD_CHARS characters, then records stream into a
 * MetadataBuilder. `parseItemMetadata` / `parseUserMetadata` are this fed one whole text; the
 * import worker feeds it a file's chunks.
 */
export class MetadataReader {
  private readonly csv: SniffedCsvReader;
  private builder: MetadataBuilder | null = null;

  constructor(
    private readonly name: string,
    private readonly side: Side,
  ) {
    this.csv = new SniffedCsvReader(name, (head) => this.start(head));
  }

  /** Data rows read so far. */
  get rows(): number {
    return this.builder?.rows ?? 0;
  }

  /** May throw DataError: a file of another kind, or a quote never closed. */
  push(text: string): void {
    this.csv.push(text);
  }

  /** Throws DataError as parseItemMetadata does. */
  finish(): ItemMetadata {
    if (this.csv.isBlank) throw new DataError(this.name, 'the file is empty');
    this.csv.end();
    return this.builder!.finish();
  }

  private start(head: string): SniffedFormat {
    const { name, side } = this;
    const layout = recognizeLayout(name, head);
    if (layout && layout.role !== `${side}-metadata`) {
      // Read as metadata, ratings or another side's file would give nonsense features.
      throw new DataError(
        name,
        `this looks like ${layout.label}, which is ${ROLE_WORDS[layout.role]}, not ${side} metadata`,
      );
    }
    const { delimiter, hasHeader } = layout ?? sniffCsv(head);
    const builder = new MetadataBuilder({ name, side, layout, hasHeader });
    this.builder = builder;
    return { delimiter, onRecord: (r) => builder.add(r) };
  }
}

function parseMetadata(name: string, text: string, side: Side): ItemMetadata {
  const reader = new MetadataReader(name, side);
  reader.push(text);
  return reader.finish();
}

/**
 * Parses an item metadata file. Known layouts (layouts.ts) are read as documented: MovieLens
 * movies.csv / movies.dat (genres split on `|`), 100K u.item (its 19 genre flags become genre
 * features; "unknown" gives none), Last.fm artists.dat (title = name). Other files are guessed
 * (guessColumns in metadata-columns.ts): the id column is the one named like an id (movieId,
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
 * `unmatched` counts tagging rows whose item is not in `d`. The file is read by `readTagLists`
 * (tag-lists.ts; the import worker reads it as a stream) and joined by `attachTagLists`.
 */
export function attachItemTags(d: Dataset, name: string, text: string, minItems = 3): TagsAttached {
  return attachTagLists(d, readTagLists(name, text), minItems);
}
