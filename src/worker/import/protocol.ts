/**
 * Messages between the page and the import worker: an interactions file read into a Dataset, an
 * item / user metadata file, or a tags file (read into per-item tag lists, joined on the page).
 * Every request gets progress events, then one done event or an error; typed arrays are transferred.
 */
import type { Dataset, InteractionKind } from '../../core/data/types';
import type { ItemMetadata } from '../../core/data/metadata';
import type { ItemTagLists } from '../../core/data/tag-lists';
import type { TextEncodingName } from '../../core/data/decode';
import type { Delimiter } from '../../core/data/stream-csv';
import type { ColumnMapping } from '../../core/data/columns';
import type { CleanOptions, CleanReport } from '../../core/data/clean';
import { canShare, sharedCopy } from '../../core/util/shared';

export interface ImportOptions {
  delimiter: Delimiter;
  hasHeader: boolean;
  mapping: ColumnMapping;
  /** Ratings or interactions; absent: guessed from the value column. */
  kind?: InteractionKind;
  /** JSON Lines read as the columns `keys` (see StreamImportOptions), or Parquet. */
  format?: 'delimited' | 'jsonl' | 'parquet';
  keys?: string[];
  /**
   * Cleaned here, after reading (duplicates, rating range, k-core: clean.ts), so that the page
   * gets the data set it loads: at 25M rows cleaning took the page's main thread seconds.
   */
  clean?: CleanOptions;
}

/** What cleaning did to an import's rows. */
export interface Cleaned {
  report: CleanReport;
  /** Rows read, before cleaning. */
  readRows: number;
}

export type ImportRequest =
  | { type: 'import'; id: number; file: Blob; name: string; options: ImportOptions }
  /** Item or user metadata (movies.csv, u.item, users.dat, artists.dat, any attribute file). */
  | { type: 'metadata'; id: number; file: Blob; name: string; of: 'item' | 'user' }
  /** A tags file (user, item, tag[, timestamp]). */
  | { type: 'tags'; id: number; file: Blob; name: string }
  | { type: 'cancel'; id: number };

/** The text encoding read, and whether some bytes were invalid in it. */
interface TextRead {
  encoding: TextEncodingName;
  lossy: boolean;
}

export type ImportEvent =
  | { type: 'progress'; id: number; bytes: number; totalBytes: number; rows: number }
  | {
      type: 'done';
      id: number;
      dataset: Dataset;
      /** The text encoding read, and whether some bytes were invalid in it. */
      encoding: TextEncodingName;
      lossy: boolean;
      /** When the request asked for cleaning: `dataset` is the cleaned one. */
      cleaned?: Cleaned;
    }
  | ({ type: 'metadata-done'; id: number; metadata: ItemMetadata } & TextRead)
  | ({ type: 'tags-done'; id: number; tags: ItemTagLists } & TextRead)
  /** For metadata and tags the message starts with the file name. */
  | { type: 'error'; id: number; message: string };

/** The events that end a request successfully. */
export type ImportDone = Extract<ImportEvent, { type: 'done' | 'metadata-done' | 'tags-done' }>;

/** The buffers of a Dataset's typed arrays, for postMessage's transfer list. */
export function transferablesOfDataset(d: Dataset): ArrayBuffer[] {
  const arrays = [
    d.user,
    d.item,
    d.rating,
    d.timestamp,
    d.itemFeatures.offsets,
    d.itemFeatures.values,
    d.userFeatures.offsets,
    d.userFeatures.values,
  ];
  const out: ArrayBuffer[] = [];
  for (const a of arrays)
    if (a && a.buffer instanceof ArrayBuffer && !out.includes(a.buffer)) out.push(a.buffer);
  return out;
}

/**
 * The data set with its rows (user, item, rating, timestamp) copied into SharedArrayBuffers where
 * the page is cross-origin isolated, else as it is. The page hands the rows to the training
 * worker for each calibration and each run; shared, that costs nothing, where a copy of 25M rows
 * (400 MB) took 4.7-5.9 s of the page's main thread each time, and a second copy of the rows in
 * the tab's memory. The copy is made here, in the import worker. A data set is never written in
 * place once built; IndexedDB, which refuses shared memory, is given copies (database.ts).
 */
export function shareRows(d: Dataset): Dataset {
  if (!canShare()) return d;
  return {
    ...d,
    user: sharedCopy(d.user),
    item: sharedCopy(d.item),
    rating: sharedCopy(d.rating),
    timestamp: d.timestamp && sharedCopy(d.timestamp),
  };
}

/** The buffers of a metadata file's feature table. */
export function transferablesOfMetadata(m: ItemMetadata): ArrayBuffer[] {
  return buffersOf([m.features.offsets, m.features.values]);
}

/** The buffers of tag lists' arrays. */
export function transferablesOfTagLists(t: ItemTagLists): ArrayBuffer[] {
  return buffersOf([t.rows, t.offsets, t.values]);
}

function buffersOf(arrays: ArrayBufferView[]): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const a of arrays)
    if (a.buffer instanceof ArrayBuffer && !out.includes(a.buffer)) out.push(a.buffer);
  return out;
}
