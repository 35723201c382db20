/**
 * Tags files (user, item, tag[, timestamp]: MovieLens tags.csv / tags.dat) in two steps: reading
 * the file into each item id's distinct tags (`TagsReader`, record at a time, so the import worker
 * streams a file of any size), and joining those lists onto a data set by id (`attachTagLists`,
 * O(items + tag entries), cheap enough for the page).
 */
import { isItemColumnName, normalizeColumnName } from './columns';
import { sniffCsv } from './csv';
import { DataError } from './errors';
import { trimEnd, trimStart } from './field-values';
import { IdTable } from './id-table';
import { SniffedCsvReader } from './sniffed-csv';
import type { CsvRecord, Delimiter } from './stream-csv';
import type { Dataset, FeatureTable } from './types';
import { GrowableArray } from '../util/growable';

/** A tags file read, not yet joined to any data set. Arrays are structured-clone friendly. */
export interface ItemTagLists {
  /** File name. */
  name: string;
  /** Item ids as written in the file (trimmed), in order of first appearance. */
  itemIds: string[];
  /** Per item id: its rows that hold a tag (rows of items not in a data set count as unmatched). */
  rows: Int32Array;
  /** Distinct tags (trimmed, lower-cased), in order of first appearance. */
  tags: string[];
  /** CSR over `itemIds`: item i's distinct tags are `values[offsets[i] .. offsets[i + 1])`. */
  offsets: Int32Array;
  values: Int32Array;
}

export interface TagsAttached {
  dataset: Dataset;
  /** Tags kept as features, and the items that got at least one. */
  tags: number;
  taggedItems: number;
  /** Tags on fewer than `minItems` items of the data set, left out. */
  rareTags: number;
  /** Tagging rows whose item is not in the data set. */
  unmatched: number;
}

/**
 * Feed it the records of a tags file (`add`), then `finish()`. Without a header the item is
 * column 2 and the tag column 3 (MovieLens); a header must name an item column and a "tag"
 * column. Rows without a tag are ignored.
 */
export class TagListBuilder {
  private itemCol = 1;
  private tagCol = 2;
  private dataRows = 0;
  private readonly items = new IdTable();
  private readonly tags = new IdTable();
  private rowCounts = new Int32Array(1024);
  /** (item, tag) per tagging row, in file order. */
  private readonly pairItem = new GrowableArray(Int32Array);
  private readonly pairTag = new GrowableArray(Int32Array);

  constructor(
    private readonly name: string,
    private readonly delimiter: Delimiter,
    private readonly hasHeader: boolean,
  ) {}

  /** Records read so far, header excluded. */
  get rows(): number {
    return this.dataRows;
  }

  /** Throws DataError for a header without an item or a tag column. */
  add(r: CsvRecord): void {
    if (r.line === 1 && this.hasHeader) return this.readHeader(r.toArray());
    this.dataRows++;
    if (this.tagCol >= r.length) return;
    const tag = r.field(this.tagCol).trim().toLowerCase();
    if (!tag) return;
    let item: number;
    if (this.itemCol < r.length) {
      const source = r.sources[this.itemCol];
      const start = trimStart(source, r.starts[this.itemCol], r.ends[this.itemCol]);
      item = this.items.intern(source, start, trimEnd(source, start, r.ends[this.itemCol]));
    } else {
      item = this.items.intern('', 0, 0);
    }
    if (item === this.rowCounts.length) {
      const grown = new Int32Array(2 * item);
      grown.set(this.rowCounts);
      this.rowCounts = grown;
    }
    this.rowCounts[item]++;
    this.pairItem.push(item);
    this.pairTag.push(this.tags.intern(tag, 0, tag.length));
  }

  finish(): ItemTagLists {
    const items = this.items.size;
    const pairItem = this.pairItem.drain();
    const pairTag = this.pairTag.drain();
    // A stable counting sort of the pairs by item, then each item's repeats dropped.
    const start = new Int32Array(items + 1);
    for (const i of pairItem) start[i + 1]++;
    for (let i = 0; i < items; i++) start[i + 1] += start[i];
    const next = start.slice(0, items);
    const sorted = new Int32Array(pairTag.length);
    pairItem.forEach((i, k) => (sorted[next[i]++] = pairTag[k]));
    const lastItem = new Int32Array(this.tags.size).fill(-1);
    const offsets = new Int32Array(items + 1);
    let w = 0;
    for (let i = 0; i < items; i++) {
      for (let k = start[i]; k < start[i + 1]; k++) {
        const t = sorted[k];
        if (lastItem[t] === i) continue;
        lastItem[t] = i;
        sorted[w++] = t;
      }
      offsets[i + 1] = w;
    }
    return {
      name: this.name,
      itemIds: this.items.ids,
      rows: this.rowCounts.slice(0, items),
      tags: this.tags.ids,
      offsets,
      values: sorted.slice(0, w),
    };
  }

  private readHeader(fields: string[]): void {
    const names = fields.map(normalizeColumnName);
    const item = fields.findIndex(isItemColumnName);
    const tag = names.findIndex((n) => n === 'tag' || n === 'tags');
    if (item < 0 || tag < 0)
      throw new DataError(
        this.name,
        `a tags file needs an item column and a "tag" column; the header is ` +
          `"${fields.join(this.delimiter)}"`,
      );
    [this.itemCol, this.tagCol] = [item, tag];
  }
}

/** A tags file fed as decoded text chunks (`push`, then `finish`); the format is sniffed. */
export class TagsReader {
  private readonly csv: SniffedCsvReader;
  private builder: TagListBuilder | null = null;

  constructor(name: string) {
    this.csv = new SniffedCsvReader(name, (head) => {
      const { delimiter, hasHeader } = sniffCsv(head);
      const builder = new TagListBuilder(name, delimiter, hasHeader);
      this.builder = builder;
      return { delimiter, onRecord: (r) => builder.add(r) };
    });
  }

  /** Records read so far. */
  get rows(): number {
    return this.builder?.rows ?? 0;
  }

  /** May throw DataError: a header without the columns needed, or a quote never closed. */
  push(text: string): void {
    this.csv.push(text);
  }

  finish(): ItemTagLists {
    this.csv.end();
    return this.builder!.finish();
  }
}

/** The tag lists of a whole tags file's text. Throws DataError as TagsReader does. */
export function readTagLists(name: string, text: string): ItemTagLists {
  const reader = new TagsReader(name);
  reader.push(text);
  return reader.finish();
}

/**
 * Joins tag lists onto `d` by item id: each tag on at least `minItems` of d's items becomes a
 * feature "tag: <tag>" of those items (tags in alphabetical order, after the item features `d`
 * already has); rarer ones are counted in `rareTags`. `d` is not modified.
 */
export function attachTagLists(d: Dataset, lists: ItemTagLists, minItems = 3): TagsAttached {
  const itemIndex = new Map(d.itemIds.map((id, k) => [id, k]));
  const fileItems = lists.itemIds.length;
  const dense = new Int32Array(fileItems);
  const itemsPerTag = new Int32Array(lists.tags.length);
  let unmatched = 0;
  for (let f = 0; f < fileItems; f++) {
    const k = itemIndex.get(lists.itemIds[f]);
    dense[f] = k ?? -1;
    if (k === undefined) unmatched += lists.rows[f];
    else
      for (let j = lists.offsets[f]; j < lists.offsets[f + 1]; j++) itemsPerTag[lists.values[j]]++;
  }
  const used = lists.tags.map((_, t) => t).filter((t) => itemsPerTag[t] > 0);
  const kept = used.filter((t) => itemsPerTag[t] >= minItems);
  kept.sort((a, b) => (lists.tags[a] < lists.tags[b] ? -1 : 1));
  const base = d.itemFeatures;
  const feature = new Int32Array(lists.tags.length).fill(-1);
  kept.forEach((t, k) => (feature[t] = base.names.length + k));

  // Each data-set item's kept tags, as features in alphabetical order.
  const extra = new Int32Array(d.itemIds.length + 1);
  for (let f = 0; f < fileItems; f++) {
    if (dense[f] < 0) continue;
    for (let j = lists.offsets[f]; j < lists.offsets[f + 1]; j++)
      if (feature[lists.values[j]] >= 0) extra[dense[f] + 1]++;
  }
  const offsets = new Int32Array(d.itemIds.length + 1);
  for (let i = 0; i < d.itemIds.length; i++)
    offsets[i + 1] = offsets[i] + base.offsets[i + 1] - base.offsets[i] + extra[i + 1];
  const values = new Int32Array(offsets[d.itemIds.length]);
  let taggedItems = 0;
  for (let i = 0; i < d.itemIds.length; i++) {
    values.set(base.values.subarray(base.offsets[i], base.offsets[i + 1]), offsets[i]);
    if (extra[i + 1] > 0) taggedItems++;
  }
  for (let f = 0; f < fileItems; f++) {
    const i = dense[f];
    if (i < 0 || extra[i + 1] === 0) continue;
    let w = offsets[i + 1] - extra[i + 1];
    const from = w;
    for (let j = lists.offsets[f]; j < lists.offsets[f + 1]; j++) {
      const v = feature[lists.values[j]];
      if (v >= 0) values[w++] = v;
    }
    values.subarray(from, w).sort();
  }
  const features: FeatureTable = {
    names: [...base.names, ...kept.map((t) => `tag: ${lists.tags[t]}`)],
    offsets,
    values,
  };
  return {
    dataset: { ...d, itemFeatures: features },
    tags: kept.length,
    taggedItems,
    rareTags: used.length - kept.length,
    unmatched,
  };
}
