/**
 * An interaction file read as a stream of bytes: decode -> parse -> build, one chunk at a time, so
 * a file of any size is never one string and the caller (a worker) can report progress between
 * chunks. Peak memory is the typed columns, the id tables and about one chunk of text.
 */
import type { TextEncodingName } from './decode';
import { InteractionBuilder } from './interaction-builder';
import type { InteractionOptions } from './interaction-builder';
import { CsvStreamParser } from './stream-csv';
import { JsonLinesParser } from './json-lines';
import type { Delimiter } from './stream-csv';
import type { Dataset } from './types';
import { pumpBytes, TextGate } from './text-stream';

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
  private readonly builder: InteractionBuilder;
  private readonly parser: { push(text: string): void; end(): void };
  private readonly text: TextGate;
  private bytes = 0;

  /** Throws DataError at once for an explicit kind without a rating column. */
  constructor(options: StreamImportOptions) {
    const jsonl = options.format === 'jsonl';
    // JSON Lines give the builder a header record of their keys first.
    const builder = new InteractionBuilder(jsonl ? { ...options, hasHeader: true } : options);
    this.builder = builder;
    const onIssue = (line: number, message: string, dropped: boolean, lastLine?: number) =>
      builder.issue(line, message, dropped, lastLine);
    const onBlankLine = (line: number) => builder.blankLine(line);
    this.parser = jsonl
      ? new JsonLinesParser(
          options.keys ?? [],
          (r) => builder.add(r),
          onIssue,
          options.maxRecordLength,
          onBlankLine,
        )
      : new CsvStreamParser(options.delimiter, (r) => builder.add(r), {
          onIssue,
          onBlankLine,
          maxRecordLength: options.maxRecordLength,
          recoverStrayQuotes: true,
        });
    this.text = new TextGate(options.name, (text) => this.parser.push(text));
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
    return this.text.encoding;
  }

  /** Whether some bytes were not valid in the encoding read (replaced by U+FFFD). */
  get lossy(): boolean {
    return this.text.lossy;
  }

  /**
   * May throw DataError: the file is not text (see binary.ts), or the mapping does not fit the
   * first record.
   */
  push(bytes: Uint8Array): void {
    this.bytes += bytes.length;
    this.text.push(bytes);
  }

  /** The Dataset; throws DataError when the file holds no usable rows. */
  finish(): Dataset {
    this.text.end();
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
  const bytes = await pumpBytes(
    source,
    (chunk) => target.push(chunk),
    (read) => onProgress?.(progressOf(read, target)),
    signal,
  );
  const dataset = target.finish();
  onProgress?.(progressOf(bytes, target)); // now with the last line
  return dataset;
}

function progressOf(bytes: number, target: InteractionImport): ReadProgress {
  return { bytes, rows: target.rows, encoding: target.encoding, lossy: target.lossy };
}
