/**
 * The first two steps of reading any file the person gives (interactions, metadata, tags, the
 * page's preview, the CLI): its bytes, gunzipped when gzip, then its text, refused when it is not
 * text. One place, so every reader accepts and refuses the same files with the same words.
 */
import { BINARY_SNIFF_CHARS, binaryProblem } from './binary';
import { ChunkDecoder, gunzipStream, isGzip, type TextEncodingName } from './decode';
import { DataError } from './errors';

/**
 * The bytes of a file's stream, decompressed when they are gzip. gzip's magic number is two
 * bytes and a stream may hand them over one at a time, so they are gathered first and put back
 * in front of the rest.
 */
export async function openBytes(
  source: ReadableStream<Uint8Array>,
): Promise<ReadableStreamDefaultReader<Uint8Array>> {
  const reader = source.getReader();
  let head = new Uint8Array(0);
  while (head.length < 2) {
    const next = await reader.read();
    if (next.done) break;
    const joined = new Uint8Array(head.length + next.value.length);
    joined.set(head);
    joined.set(next.value, head.length);
    head = joined;
  }
  const whole = new ReadableStream<Uint8Array>({
    start(controller) {
      if (head.length) controller.enqueue(head);
    },
    async pull(controller) {
      const next = await reader.read();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return (isGzip(head) ? gunzipStream(whole) : whole).getReader();
}

/**
 * Reads `source` to the end (gunzipped when gzip), handing each chunk to `push` and then calling
 * `onChunk` with the source bytes read so far (compressed bytes for gzip: the file's own size is
 * what progress is measured against). An aborted `signal`, or a throw from `push`, cancels the
 * read and rejects. Resolves to the source bytes read.
 */
export async function pumpBytes(
  source: ReadableStream<Uint8Array>,
  push: (bytes: Uint8Array) => void,
  onChunk?: (sourceBytes: number) => void,
  signal?: AbortSignal,
): Promise<number> {
  let sourceBytes = 0;
  const counted = source.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        sourceBytes += chunk.length;
        controller.enqueue(chunk);
      },
    }),
  );
  const chunks = await openBytes(counted);
  try {
    for (;;) {
      signal?.throwIfAborted();
      const next = await chunks.read();
      if (next.done) break;
      push(next.value);
      onChunk?.(sourceBytes);
    }
  } catch (e) {
    await chunks.cancel(e).catch(() => undefined);
    throw e;
  }
  return sourceBytes;
}

/**
 * Bytes to text (ChunkDecoder: BOM, UTF-16, Windows-1252 fallback), passed on to `onText` only
 * once the start is known to be text: the first BINARY_SNIFF_CHARS characters are held back and
 * checked (binary.ts), so however small the chunks, a PNG or a ZIP is refused as such, with a
 * DataError naming the file, before any of it is parsed.
 */
export class TextGate {
  private readonly decoder = new ChunkDecoder();
  private headBytes = new Uint8Array(0);
  private held: string | null = '';

  constructor(
    private readonly name: string,
    private readonly onText: (text: string) => void,
  ) {}

  get encoding(): TextEncodingName {
    return this.decoder.encoding;
  }

  /** Whether some bytes were not valid in the encoding read (replaced by U+FFFD). */
  get lossy(): boolean {
    return this.decoder.lossy;
  }

  push(bytes: Uint8Array): void {
    if (this.headBytes.length < 8) {
      const head = new Uint8Array(Math.min(8, this.headBytes.length + bytes.length));
      head.set(this.headBytes);
      head.set(bytes.subarray(0, head.length - this.headBytes.length), this.headBytes.length);
      this.headBytes = head;
    }
    this.feed(this.decoder.push(bytes), false);
  }

  /**
   * The file ended (`complete`), or the reader stops early (a preview): the text held back goes
   * out, and at the real end the decoder's last bytes too.
   */
  end(complete = true): void {
    this.feed(complete ? this.decoder.end() : '', true);
  }

  private feed(text: string, final: boolean): void {
    if (this.held !== null) {
      this.held += text;
      if (this.held.length < BINARY_SNIFF_CHARS && !final) return;
      text = this.held;
      this.held = null;
      const problem = binaryProblem(this.headBytes, text);
      if (problem) throw new DataError(this.name, problem);
    }
    if (text) this.onText(text);
  }
}

/** Characters of a file read for a preview and format guess. */
export const HEAD_CHARS = 256 * 1024;

/**
 * The start of a file as text (about `chars` characters, gunzipped, decoded), for a preview and
 * format guess: the whole file is read later, as a stream. A BOM stays its first character (the
 * sniffers and the parser ignore one). Throws DataError naming `name` when the file is empty or
 * not text.
 */
export async function readTextHead(
  name: string,
  source: ReadableStream<Uint8Array>,
  chars = HEAD_CHARS,
): Promise<string> {
  const reader = await openBytes(source);
  const parts: string[] = [];
  let length = 0;
  const gate = new TextGate(name, (t) => {
    parts.push(t);
    length += t.length;
  });
  try {
    for (;;) {
      if (length >= chars) {
        gate.end(false);
        break;
      }
      const next = await reader.read();
      if (next.done) {
        gate.end();
        break;
      }
      gate.push(next.value);
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const text = parts.join('');
  if (text.trim() === '') throw new DataError(name, 'the file is empty');
  return text;
}

/**
 * A small file's bytes as text (see TextGate), without its BOM: its readers (embedding TSVs,
 * factors) take text as characters. DataError naming `name` if empty or not text.
 */
export function decodeText(name: string, bytes: Uint8Array): string {
  if (bytes.length === 0) throw new DataError(name, 'the file is empty');
  let text = '';
  const gate = new TextGate(name, (t) => (text += t));
  gate.push(bytes);
  gate.end();
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
