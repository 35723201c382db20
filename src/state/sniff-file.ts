/**
 * What the upload dialog guesses about an interactions file before reading it whole: its format
 * (delimited text, JSON Lines or Parquet), a known layout (MovieLens, Last.fm) and a preview with
 * the guessed column mapping. Shared by a new upload and a test file whose training file's
 * layout is not known (a restored session).
 */
import { guessMapping, type ColumnMapping } from '../core/data/columns';
import { previewCsv, type CsvPreview } from '../core/data/csv';
import { DataError } from '../core/data/errors';
import { looksLikeJsonLines, previewJsonLines } from '../core/data/json-lines';
import { recognizeLayout, type KnownLayout } from '../core/data/layouts';
import { blobBuffer, isParquet, previewParquet } from '../core/data/parquet';
import { readTextHead } from '../core/data/text-stream';
import type { InteractionKind } from '../core/data/types';

/**
 * The start of a file as text (decompressed when gzip, in its encoding), for the preview: the
 * whole file is read later, as a stream, by the import worker.
 */
export async function readFileHead(file: File): Promise<string> {
  if (file.size === 0) throw new DataError(file.name, 'the file is empty');
  return readTextHead(file.name, file.stream() as ReadableStream<Uint8Array>);
}

export interface SniffedFile {
  /** The file's first characters ('' for Parquet). */
  head: string;
  format: 'delimited' | 'jsonl' | 'parquet';
  /** A recognised layout of any role (the caller says what a non-interactions one means). */
  layout: KnownLayout | null;
  preview: CsvPreview;
  mapping: ColumnMapping;
  /** The kind a known interactions layout has, else undefined (guessed from the values). */
  kind: InteractionKind | undefined;
}

/** Sniffs a file's format, layout and columns from its start. Throws DataError naming it. */
export async function sniffFile(file: File): Promise<SniffedFile> {
  const parquet = isParquet(new Uint8Array(await file.slice(0, 4).arrayBuffer()));
  const head = parquet ? '' : await readFileHead(file);
  const format = parquet ? 'parquet' : looksLikeJsonLines(head) ? 'jsonl' : 'delimited';
  // A known layout (MovieLens, Last.fm) sets the format and mapping in one go.
  const layout = format === 'delimited' ? recognizeLayout(file.name, head) : null;
  const known = layout?.role === 'interactions' ? layout : null;
  const preview =
    format === 'parquet'
      ? await previewParquet(blobBuffer(file), 8, file.name)
      : format === 'jsonl'
        ? previewJsonLines(head, 8)
        : previewCsv(head, 8, known ?? undefined);
  if (known && !known.hasHeader) preview.header = known.columns.map((c) => c.name);
  return {
    head,
    format,
    layout,
    preview,
    mapping: known?.mapping ?? guessMapping(preview.header, preview.rows),
    kind: known?.kind ?? undefined,
  };
}
