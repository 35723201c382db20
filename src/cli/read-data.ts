/**
 * Reading an interactions file from disk the way the app reads an upload: the head is sniffed
 * (format, known layout, delimiter, header, column roles), then the whole file is streamed
 * through the same importer the import worker runs, and cleaned with the app's defaults.
 */
import { createReadStream, openAsBlob } from 'node:fs';
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
import {
  blobBuffer,
  isParquet,
  previewParquet,
  readParquetInteractions,
} from '../core/data/parquet';
import { readInteractions, type ReadProgress } from '../core/data/stream-import';
import { mapTestSet, testFileLayout, type MappedTestSet } from '../core/data/test-set';
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

/** Whether the file starts with Parquet's magic number. */
async function startsAsParquet(path: string): Promise<boolean> {
  const handle = await open(path);
  const first = new Uint8Array(4);
  await handle.read(first, 0, 4, 0).finally(() => handle.close());
  return isParquet(first);
}

/**
 * A Parquet file (as Spark or pandas write one) as the app reads it: by byte range through a
 * Blob of the file, never whole, its columns mapped from their names and first rows.
 */
async function readParquetFile(
  path: string,
  onProgress?: (p: ReadProgress) => void,
): Promise<{ read: Dataset; format: FileFormat }> {
  const file = blobBuffer(await openAsBlob(path));
  const name = basename(path);
  const { header, rows } = await previewParquet(file, 8, name);
  const format: FileFormat = {
    format: 'parquet',
    delimiter: ',',
    hasHeader: true,
    mapping: guessMapping(header, rows),
    header,
    kind: undefined,
    layout: null,
  };
  const invalid = validateMapping(format.mapping, header.length);
  if (invalid) throw new DataError(path, `columns not recognised (${invalid})`);
  const read = await readParquetInteractions(
    file,
    { name, hasHeader: true, mapping: format.mapping },
    (p) => onProgress?.({ ...p, encoding: 'utf-8', lossy: false }),
  );
  return { read, format };
}

export interface FileFormat {
  format: 'delimited' | 'jsonl' | 'parquet';
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
  const { read, format } = (await startsAsParquet(path))
    ? await readParquetFile(path, onProgress)
    : await readTextInteractions(path, onProgress);
  const { dataset, report } = cleanDataset(read, DEFAULT_CLEAN);
  return { dataset, format, clean: report, rowsRead: read.user.length };
}

/** Delimited text or JSON Lines, plain or gzip: the head sniffed, then the file streamed. */
async function readTextInteractions(
  path: string,
  onProgress?: (p: ReadProgress) => void,
): Promise<{ read: Dataset; format: FileFormat }> {
  const format = sniffFormat(path, await readTextHead(path, fileStream(path)));
  const invalid = validateMapping(format.mapping, format.header.length);
  if (invalid) throw new DataError(path, `columns not recognised (${invalid})`);
  const read = await readInteractions(
    fileStream(path),
    {
      name: basename(path),
      delimiter: format.delimiter,
      hasHeader: format.hasHeader,
      mapping: format.mapping,
      format: format.format === 'jsonl' ? 'jsonl' : 'delimited',
      ...(format.format === 'jsonl' && { keys: format.header }),
      ...(format.kind && { kind: format.kind }),
    },
    onProgress,
  );
  return { read, format };
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

/**
 * A test file (u1.test beside u1.base) read by the same importer in the training file's layout
 * (`training`; the header detected in the test file itself), not cleaned (its rows are what is
 * scored), and mapped onto the data set's ids: rows with an unknown user or item are counted and
 * left out. Throws DataError naming the file when no row is left.
 */
export async function readTestFile(
  path: string,
  training: FileFormat,
  d: Dataset,
  onProgress?: (p: ReadProgress) => void,
): Promise<MappedTestSet> {
  await fileSize(path);
  const name = basename(path);
  const parquet = await startsAsParquet(path);
  if (parquet !== (training.format === 'parquet'))
    throw new DataError(
      path,
      `this is ${parquet ? 'a Parquet file' : 'text'}, but the ratings file is ${parquet ? 'text' : 'Parquet'}: give the test rows in the ratings file's layout`,
    );
  const layout = testFileLayout(
    { ...training, ...(training.format === 'jsonl' && { keys: training.header }) },
    parquet ? '' : await readTextHead(path, fileStream(path)),
    d.kind,
  );
  const options = {
    name,
    delimiter: layout.delimiter,
    hasHeader: layout.hasHeader,
    mapping: layout.mapping,
    kind: d.kind,
  };
  const read = parquet
    ? await readParquetInteractions(blobBuffer(await openAsBlob(path)), options, (p) =>
        onProgress?.({ ...p, encoding: 'utf-8', lossy: false }),
      )
    : await readInteractions(
        fileStream(path),
        {
          ...options,
          format: layout.format === 'jsonl' ? 'jsonl' : 'delimited',
          ...(layout.keys && { keys: layout.keys }),
        },
        onProgress,
      );
  return mapTestSet(d, read);
}
