/**
 * Parquet interaction files (what Spark, pandas and DuckDB write), read with hyparquet: the file
 * is a Blob read by byte range (the footer first, then a slice of rows at a time), never whole,
 * and its rows go through the same builder as delimited text, so ids, numbers, timestamps and
 * the problems list behave the same. A row's "line" in messages is its 1-based row number.
 */
import { parquetMetadataAsync, parquetRead, parquetSchema } from 'hyparquet';
import type { AsyncBuffer, FileMetaData } from 'hyparquet';
import { DataError } from './errors';
import { InteractionBuilder, type InteractionOptions } from './interaction-builder';
import { CsvRecord } from './stream-csv';
import type { CsvPreview } from './csv';
import type { Dataset } from './types';

/** Rows decoded at a time: bounds the memory of row objects while the columns grow. */
const SLICE_ROWS = 65_536;

/** Whether bytes start with Parquet's magic number "PAR1". */
export function isParquet(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x41 && bytes[2] === 0x52 && bytes[3] === 0x31;
}

/** A Blob (a File) as hyparquet's random-access buffer. */
export function blobBuffer(blob: Blob): AsyncBuffer {
  return { byteLength: blob.size, slice: (start, end) => blob.slice(start, end).arrayBuffer() };
}

/** A Parquet value as a field: numbers (also 64-bit), booleans, dates as ISO text, null empty. */
function fieldOf(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object')
    return JSON.stringify(v, (_, x: unknown) => (typeof x === 'bigint' ? String(x) : x));
  return String(v as string | number | bigint | boolean);
}

interface ParquetFile {
  metadata: FileMetaData;
  columns: string[];
  rows: number;
}

/** The file's footer; DataError naming `name` when it cannot be read. */
async function open(file: AsyncBuffer, name: string): Promise<ParquetFile> {
  try {
    const metadata = await parquetMetadataAsync(file);
    const columns = parquetSchema(metadata).children.map((c) => c.element.name);
    return { metadata, columns, rows: Number(metadata.num_rows) };
  } catch (e) {
    // hyparquet's "parquet file invalid (footer != PAR1)" names no file and no remedy.
    const why = e instanceof Error ? e.message : String(e);
    throw new DataError(
      name,
      `could not be read as Parquet (${why}): it may be cut short, or not Parquet at all`,
    );
  }
}

function readRows(
  file: AsyncBuffer,
  metadata: FileMetaData,
  rowStart: number,
  rowEnd: number,
): Promise<unknown[][]> {
  return new Promise((resolve, reject) => {
    parquetRead({ file, metadata, rowStart, rowEnd, onComplete: resolve }).catch(reject);
  });
}

/** The columns (top-level fields) as the header, and the first rows. */
export async function previewParquet(
  file: AsyncBuffer,
  maxRows = 20,
  name = 'the Parquet file',
): Promise<CsvPreview> {
  const { metadata, columns, rows } = await open(file, name);
  const first = await readRows(file, metadata, 0, Math.min(rows, maxRows));
  return {
    delimiter: ',',
    hasHeader: true,
    header: columns,
    rows: first.map((r) => r.map(fieldOf)),
  };
}

/**
 * Reads a Parquet file's rows into a Dataset with the mapping's columns (indices into the
 * header `previewParquet` gives), a slice of rows at a time; `onProgress` after each slice.
 */
export async function readParquetInteractions(
  file: AsyncBuffer,
  options: InteractionOptions,
  onProgress?: (progress: { bytes: number; rows: number }) => void,
  signal?: AbortSignal,
): Promise<Dataset> {
  const { metadata, columns, rows } = await open(file, options.name);
  const builder = new InteractionBuilder({ ...options, hasHeader: true });
  builder.add(CsvRecord.of(columns, 0));
  for (let start = 0; start < rows; start += SLICE_ROWS) {
    signal?.throwIfAborted();
    const end = Math.min(rows, start + SLICE_ROWS);
    const slice = await readRows(file, metadata, start, end);
    slice.forEach((row, k) => builder.add(CsvRecord.of(row.map(fieldOf), start + k + 1)));
    // Bytes: the share of the file the rows read so far stand for.
    onProgress?.({ bytes: Math.round((file.byteLength * end) / rows), rows: builder.rows });
  }
  return builder.finish();
}
