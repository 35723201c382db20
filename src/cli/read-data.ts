/**
 * Reading an interactions file from disk the way the app reads an upload: the head is sniffed
 * (format, known layout, delimiter, header, column roles), then the whole file is streamed
 * through the same importer the import worker runs, and cleaned with the app's defaults.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { cleanDataset, DEFAULT_CLEAN, type CleanReport } from '../core/data/clean';
import { guessMapping, validateMapping, type ColumnMapping } from '../core/data/columns';
import { previewCsv, type Delimiter } from '../core/data/csv';
import { DataError } from '../core/data/errors';
import { looksLikeJsonLines, previewJsonLines } from '../core/data/json-lines';
import { recognizeLayout } from '../core/data/layouts';
import { attachItemMetadata } from '../core/data/metadata';
import { readMetadataStream } from '../core/data/side-file-stream';
import { readTextHead } from '../core/data/text-stream';
import { isParquet } from '../core/data/parquet';
import { readInteractions, type ReadProgress } from '../core/data/stream-import';
import type { Dataset, InteractionKind } from '../core/data/types';

/** The web stream of a file's bytes (Node's fs stream, adapted). */
function fileStream(path: string): ReadableStream<Uint8Array> {
  return Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>;
}

/** Size in bytes; a missing or unreadable path is a DataError naming it. */
export async function fileSize(path: string): Promise<number> {
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new DataError(path, 'this is not a file');
    return s.size;
  } catch (e) {
    if (e instanceof DataError) throw e;
    const code = (e as { code?: string }).code;
    throw new DataError(path, code === 'ENOENT' ? 'no such file' : `cannot be read (${code})`);
  }
}

/** The start of the file as text, decompressed when gzip (the whole file is read later). */
async function readHead(path: string): Promise<string> {
  const handle = await open(path);
  const first = new Uint8Array(4);
  await handle.read(first, 0, 4, 0).finally(() => handle.close());
  if (isParquet(first))
    throw new DataError(path, 'Parquet files are read by the app, not by the command line yet');
  return readTextHead(path, fileStream(path));
}

export interface FileFormat {
  format: 'delimited' | 'jsonl';
  delimiter: Delimiter;
  hasHeader: boolean;
  mapping: ColumnMapping;
  /** Column names (generated for a file without a header). */
  header: string[];
  kind: InteractionKind | undefined;
  /** The recognised layout ("MovieLens ratings.csv"), or null when guessed. */
  layout: string | null;
}

/** What the app's upload dialog would pick for this file, without asking. */
export function sniffFormat(path: string, head: string): FileFormat {
  const name = basename(path);
  if (looksLikeJsonLines(head)) {
    const preview = previewJsonLines(head, 8);
    const mapping = guessMapping(preview.header, preview.rows);
    return { ...preview, format: 'jsonl', mapping, kind: undefined, layout: null };
  }
  const layout = recognizeLayout(name, head);
  if (layout && layout.role !== 'interactions')
    throw new DataError(
      path,
      `this looks like ${layout.label} (${layout.role.replace('-', ' ')}), not interactions` +
        (layout.role === 'item-metadata' ? '; pass it with --items' : ''),
    );
  const preview = previewCsv(head, 8, layout ?? undefined);
  const header = layout && !layout.hasHeader ? layout.columns.map((c) => c.name) : preview.header;
  return {
    format: 'delimited',
    delimiter: preview.delimiter,
    hasHeader: preview.hasHeader,
    mapping: layout?.mapping ?? guessMapping(header, preview.rows),
    header,
    kind: layout?.kind ?? undefined,
    layout: layout?.label ?? null,
  };
}

export interface ReadResult {
  dataset: Dataset;
  format: FileFormat;
  clean: CleanReport;
  /** Rows read before cleaning (kept by the parser). */
  rowsRead: number;
}

/**
 * Reads and cleans (repeated user-item pairs merged, as the app does by default) an interactions
 * file. `onProgress` gets source bytes (compressed for gzip) and rows after each chunk.
 */
export async function readInteractionFile(
  path: string,
  onProgress?: (p: ReadProgress) => void,
): Promise<ReadResult> {
  const format = sniffFormat(path, await readHead(path));
  const invalid = validateMapping(format.mapping, format.header.length);
  if (invalid) throw new DataError(path, `columns not recognised (${invalid})`);
  const read = await readInteractions(
    fileStream(path),
    {
      name: basename(path),
      delimiter: format.delimiter,
      hasHeader: format.hasHeader,
      mapping: format.mapping,
      format: format.format,
      ...(format.format === 'jsonl' && { keys: format.header }),
      ...(format.kind && { kind: format.kind }),
    },
    onProgress,
  );
  const { dataset, report } = cleanDataset(read, DEFAULT_CLEAN);
  return { dataset, format, clean: report, rowsRead: read.user.length };
}

/** Item metadata (titles become labels, genres features), joined onto the data set by id. */
export async function attachItemFile(
  d: Dataset,
  path: string,
): Promise<{ dataset: Dataset; matched: number }> {
  await fileSize(path);
  const { metadata: meta } = await readMetadataStream(fileStream(path), basename(path), 'item');
  const { dataset, matched } = attachItemMetadata(d, meta);
  if (matched === 0)
    throw new DataError(path, `none of its ${meta.ids.length} ids is an item of the ratings file`);
  return { dataset, matched };
}
