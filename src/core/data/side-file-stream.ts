/**
 * Side files (item / user metadata, tags) read as a stream of bytes, as interactions are
 * (stream-import.ts): gunzip when gzip -> ChunkDecoder (BOM, UTF-16, Windows-1252) -> a record
 * reader, one chunk at a time, so a file is never one string and the caller (the import worker)
 * can report progress and stop between chunks.
 */
import type { TextEncodingName } from './decode';
import { DataError } from './errors';
import { MetadataReader, type ItemMetadata } from './metadata';
import type { Side } from './metadata-columns';
import type { ReadProgress } from './stream-import';
import { TagsReader, type ItemTagLists } from './tag-lists';
import { pumpBytes, TextGate } from './text-stream';

/** Takes a file's decoded text in order, then gives what it read: MetadataReader, TagsReader. */
interface TextSink<T> {
  push(text: string): void;
  finish(): T;
  readonly rows: number;
}

export interface TextRead {
  /** The encoding read, and whether some bytes were invalid in it (replaced by U+FFFD). */
  encoding: TextEncodingName;
  lossy: boolean;
}

/**
 * Feeds the decoded text of `source` to `sink` and returns what it read. Throws DataError naming
 * `name` for an empty file or one that is not text (TextGate); `onProgress` is called after each
 * chunk; an aborted `signal` cancels the read and rejects with its reason.
 */
async function readText<T>(
  source: ReadableStream<Uint8Array>,
  name: string,
  sink: TextSink<T>,
  onProgress?: (progress: ReadProgress) => void,
  signal?: AbortSignal,
): Promise<TextRead & { result: T }> {
  const text = new TextGate(name, (t) => sink.push(t));
  const progress = (bytes: number) =>
    onProgress?.({ bytes, rows: sink.rows, encoding: text.encoding, lossy: text.lossy });
  const bytes = await pumpBytes(source, (chunk) => text.push(chunk), progress, signal);
  if (bytes === 0) throw new DataError(name, 'the file is empty');
  text.end();
  const result = sink.finish();
  progress(bytes); // now with the last line
  return { encoding: text.encoding, lossy: text.lossy, result };
}

/**
 * Reads a metadata file (`file.stream()` in a worker) as parseItemMetadata / parseUserMetadata
 * read its text, and throws the same DataErrors. `onProgress` gets bytes of `source` (compressed
 * bytes for gzip) and data rows read.
 */
export async function readMetadataStream(
  source: ReadableStream<Uint8Array>,
  name: string,
  side: Side,
  onProgress?: (progress: ReadProgress) => void,
  signal?: AbortSignal,
): Promise<TextRead & { metadata: ItemMetadata }> {
  const { result, ...read } = await readText(
    source,
    name,
    new MetadataReader(name, side),
    onProgress,
    signal,
  );
  return { ...read, metadata: result };
}

/** Reads a tags file as `readTagLists` reads its text; see readMetadataStream. */
export async function readTagsStream(
  source: ReadableStream<Uint8Array>,
  name: string,
  onProgress?: (progress: ReadProgress) => void,
  signal?: AbortSignal,
): Promise<TextRead & { tags: ItemTagLists }> {
  const { result, ...read } = await readText(
    source,
    name,
    new TagsReader(name),
    onProgress,
    signal,
  );
  return { ...read, tags: result };
}
