/**
 * Bytes -> text for files read in chunks, with the encoding detected from the bytes themselves:
 * people upload UTF-8 (with or without a BOM), UTF-16 from Excel's "Unicode text", and old
 * Latin-1 / Windows-1252 exports such as MovieLens 100K's u.item.
 */

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

/** Windows-1252's characters for bytes 0x80-0x9f (the five unassigned bytes map to themselves). */
const CP1252_C1 = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152,
  0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122,
  0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
].map((c) => String.fromCharCode(c));
const C1 = /[\x80-\x9f]/;
const C1_ALL = /[\x80-\x9f]/g;

/** Whether `bytes` start a gzip stream (magic 1f 8b): then read it through `gunzipStream`. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The decompressed bytes of a gzip stream (DecompressionStream: Chromium, workers, Node 18+). */
export function gunzipStream(stream: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  // The DOM typings take only ArrayBuffer-backed views (BufferSource); any Uint8Array works.
  const gunzip = new DecompressionStream('gzip') as unknown as TransformStream<
    Uint8Array,
    Uint8Array
  >;
  return stream.pipeThrough(gunzip);
}

/**
 * Bytes in `0..n` that end with an incomplete UTF-8 sequence (0 to 3), to carry into the next
 * chunk. Anything malformed is left to the decoder to reject.
 */
function incompleteUtf8Tail(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let k = 1; k <= 3 && k <= n; k++) {
    const b = bytes[n - k];
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back for the lead
    if (b < 0xc0) return 0;
    const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
    return length > k ? k : 0;
  }
  return 0;
}

/** Node's typings declare TextDecoder as a value only. */
type Decoder = InstanceType<typeof TextDecoder>;

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * Decodes a file fed as byte chunks (`push`, then `end`), however the chunks cut characters.
 * A BOM decides UTF-8 / UTF-16 LE / UTF-16 BE and stays in the text as U+FEFF: every character
 * of the file comes out as it is, whatever the chunks, and the one reader that reads records
 * (CsvStreamParser, JSON Lines, the sniffers) ignores one leading U+FEFF. Were it dropped here
 * too, `\ufeff\ufeffx` would lose both. Without one the text is
 * read as strict UTF-8 until a chunk is not valid UTF-8: if no non-ASCII character was decoded
 * before it, the file is Windows-1252 (Latin-1 plus “smart quotes”), read as such from the start
 * (ASCII text is the same in both); if some was, the file mixes encodings, and the rest is read
 * as UTF-8 with U+FFFD for bad bytes (`lossy`). So the decision rests on the first non-ASCII bytes
 * wherever they are, not on a fixed-size sample.
 */
export class ChunkDecoder {
  private mode: 'start' | 'check' | 'stream' | 'single-byte' = 'start';
  private detected: TextEncodingName = 'utf-8';
  /** Bytes held back: the first 1-2 bytes (a BOM may be cut), or a cut UTF-8 sequence. */
  private held: Uint8Array = new Uint8Array(0);
  private sawNonAscii = false;
  private strict: Decoder | null = null;
  private stream: Decoder | null = null;
  private single: Decoder | null = null;
  private lossyFlag = false;

  /** The encoding in use (final once a BOM or a non-ASCII byte has been seen). */
  get encoding(): TextEncodingName {
    return this.detected;
  }

  /** Invalid UTF-8 came after valid non-ASCII UTF-8, so some characters became U+FFFD. */
  get lossy(): boolean {
    return this.lossyFlag;
  }

  push(bytes: Uint8Array): string {
    return this.decode(bytes, false);
  }

  /** The text still held back (a cut character decodes to U+FFFD). */
  end(): string {
    return this.decode(new Uint8Array(0), true);
  }

  private decode(bytes: Uint8Array, final: boolean): string {
    const data = concat(this.held, bytes);
    this.held = new Uint8Array(0);
    if (this.mode === 'start') {
      if (data.length < 3 && !final) {
        this.held = data;
        return '';
      }
      this.detectBom(data);
    }
    if (this.mode === 'stream') return this.stream!.decode(data, { stream: !final });
    if (this.mode === 'single-byte') return this.windows1252(data);

    const cut = final ? data.length : data.length - incompleteUtf8Tail(data);
    this.held = data.slice(cut);
    const body = data.subarray(0, cut);
    let text: string;
    try {
      text = this.strict!.decode(body);
    } catch {
      this.held = new Uint8Array(0);
      if (!this.sawNonAscii) {
        this.mode = 'single-byte';
        this.detected = 'windows-1252';
        return this.windows1252(data);
      }
      this.mode = 'stream';
      this.lossyFlag = true;
      // Mid-file: a U+FEFF at the start of this chunk is a character, not a BOM.
      this.stream = new TextDecoder('utf-8', { ignoreBOM: true });
      return this.stream.decode(data, { stream: !final });
    }
    // UTF-8 decodes to fewer UTF-16 units than bytes exactly when a byte is not ASCII.
    if (text.length !== body.length) this.sawNonAscii = true;
    return text;
  }

  /** Picks the decoder from a BOM (kept in the text: see the class comment). */
  private detectBom(data: Uint8Array): void {
    const [b0, b1, b2] = data;
    if (b0 === 0xff && b1 === 0xfe) this.useStream('utf-16le');
    else if (b0 === 0xfe && b1 === 0xff) this.useStream('utf-16be');
    else if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) this.useStream('utf-8');
    else {
      this.mode = 'check';
      // Not streaming, so without ignoreBOM every chunk starting with U+FEFF would lose it.
      this.strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    }
  }

  /** A declared encoding: a streaming decoder that keeps the BOM and replaces bad bytes. */
  private useStream(encoding: TextEncodingName): void {
    this.mode = 'stream';
    this.detected = encoding;
    this.stream = new TextDecoder(encoding, { ignoreBOM: true });
  }

  private windows1252(data: Uint8Array): string {
    this.single ??= new TextDecoder('windows-1252');
    const text = this.single.decode(data);
    // Node's decoder for this label is plain Latin-1 (0x80 -> U+0080); browsers map 0x80-0x9f.
    return C1.test(text)
      ? text.replace(C1_ALL, (c: string) => CP1252_C1[c.charCodeAt(0) - 0x80])
      : text;
  }
}
