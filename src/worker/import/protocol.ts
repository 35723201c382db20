/** Messages between the page and the import worker. The Dataset's arrays are transferred. */
import type { Dataset, InteractionKind } from '../../core/data/types';
import type { TextEncodingName } from '../../core/data/decode';
import type { Delimiter } from '../../core/data/stream-csv';
import type { ColumnMapping } from '../../core/data/columns';

export interface ImportOptions {
  delimiter: Delimiter;
  hasHeader: boolean;
  mapping: ColumnMapping;
  /** Ratings or interactions; absent: guessed from the value column. */
  kind?: InteractionKind;
  /** JSON Lines read as the columns `keys` (see StreamImportOptions), or Parquet. */
  format?: 'delimited' | 'jsonl' | 'parquet';
  keys?: string[];
}

export type ImportRequest =
  | { type: 'import'; id: number; file: Blob; name: string; options: ImportOptions }
  | { type: 'cancel'; id: number };

export type ImportEvent =
  | { type: 'progress'; id: number; bytes: number; totalBytes: number; rows: number }
  | {
      type: 'done';
      id: number;
      dataset: Dataset;
      /** The text encoding read, and whether some bytes were invalid in it. */
      encoding: TextEncodingName;
      lossy: boolean;
    }
  | { type: 'error'; id: number; message: string };

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
