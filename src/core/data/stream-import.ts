/**
 * An interaction file read as a stream of bytes: decode -> parse -> build, one chunk at a time, so
 * a file of any size is never one string and the caller (a worker) can report progress between
 * chunks. Peak memory is the typed columns, the id tables and about one chunk of text.
 */
import { ChunkDecoder, gunzipStream, isGzip } from './decode';
import type { TextEncodingName } from './decode';
import { InteractionBuilder } from './interaction-builder';
import type { InteractionOptions } from './interaction-builder';
import { CsvStreamParser } from './stream-csv';
import { JsonLinesParser } from './json-lines';
import type { Delimiter } from './stream-csv';
import type { Dataset } from './types';

export interface StreamImportOptions extends InteractionOptions {
  delimiter: Delimiter;
  /** See CsvParserOptions; default MAX_RECORD_LENGTH (10 M characters). */
  maxRecordLength?: number;
  /**
   * 'jsonl': one JSON object per line, read as the columns `keys` (the mapping's indices are
   * into them; `delimiter` and `hasHeader` are not used). Default: delimited text.
   */
  format?: 'delimited' | 'jsonl';
  keys?: string[];
}

/** Push byte chunks of an (uncompressed) file in order, then `finish()`. */
export class InteractionImport {
  private readonly decoder = new ChunkDecoder();
  private readonly builder: InteractionBuilder;
  private readonly parser: { push(text: string): void; end(): void };
  private bytes = 0;

  /** Throws DataError at once for an explicit kind without a rating column. */
  constructor(options: StreamImportOptions) {
    const jsonl = options.format === 'jsonl';
    // JSON Lines give the builder a header record of their keys first.
    const builder = new InteractionBuilder(jsonl ? { ...options, hasHeader: true } : options);
    this.builder = builder;
    const onIssue = (line: number, message: string, dropped: boolean) =>
      builder.issue(line, message, dropped);
    this.parser = jsonl
      ? new JsonLinesParser(
          options.keys ?? [],
          (r) => builder.add(r),
          onIssue,
          options.maxRecordLength,
        )
      : new CsvStreamParser(options.delimiter, (r) => builder.add(r), {
          onIssue,
          maxRecordLength: options.maxRecordLength,
        });
  }

  /** Bytes pushed so far. */
  get bytesRead(): number {
    return this.bytes;
  }

  /** Data rows read so far, kept or skipped. */
  get rows(): number {
    return this.builder.rows;
  }

  get encoding(): TextEncodingName {
    return this.decoder.encoding;
  }

  /** Whether some bytes were not valid in the encoding read (replaced by U+FFFD). */
  get lossy(): boolean {
    return this.decoder.lossy;
  }

  /** May throw DataError (e.g. the mapping does not fit the first record). */
  push(bytes: Uint8Array): void {
    this.bytes += bytes.length;
    this.parser.push(this.decoder.push(bytes));
  }

  /** The Dataset; throws DataError when the file holds no usable rows. */
  finish(): Dataset {
    this.parser.push(this.decoder.end());
    this.parser.end();
    return this.builder.finish();
  }
}

export interface ReadProgress {
  /** Bytes of the source stream read (compressed bytes for a gzip file). */
  bytes: number;
  /** Data rows read, kept or skipped. */
  rows: number;
  /** The text encoding found so far, and whether any bytes were invalid in it. */
  encoding: TextEncodingName;
  lossy: boolean;
}

/**
 * Reads a whole stream of file bytes (e.g. `file.stream()` in a worker) into a Dataset,
 * decompressing it first when it is gzip. `onProgress` is called after each chunk and once at the
 * end; an aborted `signal` cancels the read and rejects with its reason.
 */
export async function readInteractions(
  source: ReadableStream<Uint8Array>,
  options: StreamImportOptions,
  onProgress?: (progress: ReadProgress) => void,
  signal?: AbortSignal,
): Promise<Dataset> {
  const target = new InteractionImport(options);
  let sourceBytes = 0;
  const counted = source.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        sourceBytes += chunk.length;
        controller.enqueue(chunk);
      },
    }),
  );
  const reader = counted.getReader();
  const first = await reader.read();
  let chunks: ReadableStreamDefaultReader<Uint8Array> = reader;
  if (!first.done && isGzip(first.value)) {
    // Put the sniffed chunk back in front of the rest, then decompress the whole.
    const whole = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(first.value);
      },
      async pull(controller) {
        const next = await reader.read();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
      cancel: (reason) => reader.cancel(reason),
    });
    chunks = gunzipStream(whole).getReader();
  } else if (!first.done) {
    target.push(first.value);
    onProgress?.(progressOf(sourceBytes, target));
  }
  try {
    for (;;) {
      signal?.throwIfAborted();
      const next = await chunks.read();
      if (next.done) break;
      target.push(next.value);
      onProgress?.(progressOf(sourceBytes, target));
    }
  } catch (e) {
    await chunks.cancel(e).catch(() => undefined);
    throw e;
  }
  const dataset = target.finish();
  onProgress?.(progressOf(sourceBytes, target)); // now with the last line
  return dataset;
}

function progressOf(bytes: number, target: InteractionImport): ReadProgress {
  return { bytes, rows: target.rows, encoding: target.encoding, lossy: target.lossy };
}
