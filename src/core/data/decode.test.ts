import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ChunkDecoder, gunzipStream, isGzip } from './decode';
import { mulberry32 } from '../util/random';
import { chunkedStream } from './byte-chunks';

function decode(chunks: Uint8Array[]): { text: string; decoder: ChunkDecoder } {
  const decoder = new ChunkDecoder();
  let text = '';
  for (const c of chunks) text += decoder.push(c);
  text += decoder.end();
  return { text, decoder };
}

/** The bytes cut at every position, one byte at a time, and in random pieces (some empty). */
function cuts(bytes: Uint8Array, seed = 1): Uint8Array[][] {
  const out: Uint8Array[][] = [[bytes], Array.from(bytes, (b) => Uint8Array.of(b))];
  for (let k = 0; k <= bytes.length; k++) out.push([bytes.subarray(0, k), bytes.subarray(k)]);
  const random = mulberry32(seed);
  for (let t = 0; t < 10; t++) {
    const pieces: Uint8Array[] = [];
    for (let i = 0; i < bytes.length;) {
      const k = Math.floor(random() * 6);
      pieces.push(bytes.subarray(i, i + k));
      i += k;
    }
    out.push(pieces);
  }
  return out;
}

function expectDecodes(bytes: Uint8Array, text: string, encoding: string): void {
  for (const chunks of cuts(bytes)) {
    const got = decode(chunks);
    expect(got.text).toBe(text);
    expect(got.decoder.encoding).toBe(encoding);
  }
}

const SAMPLE = 'movieId,title\n1,Amélie (2001)\n2,Straße “quoted” — 日本 😀\n';

function utf16be(text: string): Uint8Array {
  const le = Buffer.from(text, 'utf16le');
  for (let i = 0; i + 1 < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1], le[i]];
  return le;
}

describe('ChunkDecoder', () => {
  it('reads UTF-8 without a BOM, whatever a chunk cuts', () => {
    expectDecodes(Buffer.from(SAMPLE), SAMPLE, 'utf-8');
  });

  // The BOM is the parser's to ignore (once): the decoder hands on every character.
  it('keeps a UTF-8 BOM as U+FEFF', () => {
    expectDecodes(Buffer.from('\uFEFF' + SAMPLE), '\uFEFF' + SAMPLE, 'utf-8');
  });

  it('reads UTF-16 LE and BE with a BOM', () => {
    expectDecodes(Buffer.from('\uFEFF' + SAMPLE, 'utf16le'), '\uFEFF' + SAMPLE, 'utf-16le');
    expectDecodes(utf16be('\uFEFF' + SAMPLE), '\uFEFF' + SAMPLE, 'utf-16be');
  });

  // Issue 20: a fresh non-streaming decoder per chunk took every chunk's leading U+FEFF for a BOM.
  it('keeps U+FEFF inside the text, however the chunks cut it', () => {
    expectDecodes(Buffer.from('a,\uFEFFb'), 'a,\uFEFFb', 'utf-8');
    expectDecodes(Buffer.from('\uFEFF\uFEFFx,y'), '\uFEFF\uFEFFx,y', 'utf-8');
    expectDecodes(Buffer.from('\uFEFFé,\uFEFF\xff'), '\uFEFFé,\uFEFF\xff', 'utf-8');
  });

  it('reads bytes that are not UTF-8 as Windows-1252', () => {
    // "café" in Latin-1, then Windows-1252's euro sign and curly quotes.
    const bytes = Uint8Array.of(0x63, 0x61, 0x66, 0xe9, 0x2c, 0x80, 0x2c, 0x93, 0x61, 0x94, 0x0a);
    expectDecodes(bytes, 'café,€,“a”\n', 'windows-1252');
  });

  it('decides on the first non-ASCII bytes, however far into the file', () => {
    const ascii = '1,2,3.5,964982703\n'.repeat(10000); // 180 KB
    const bytes = Buffer.concat([Buffer.from(ascii), Uint8Array.of(0x4a, 0xe9, 0x0a)]);
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i += 65536) chunks.push(bytes.subarray(i, i + 65536));
    const { text, decoder } = decode(chunks);
    expect(text).toBe(ascii + 'Jé\n');
    expect(decoder.encoding).toBe('windows-1252');
    expect(decoder.lossy).toBe(false);
  });

  it('keeps UTF-8 once non-ASCII UTF-8 was read, and flags later bad bytes', () => {
    const bytes = Buffer.concat([Buffer.from('é\n'), Uint8Array.of(0x41, 0xe9, 0x0a)]);
    const { text, decoder } = decode([bytes.subarray(0, 3), bytes.subarray(3)]);
    expect(text).toBe('é\nA\uFFFD\n');
    expect([decoder.encoding, decoder.lossy]).toEqual(['utf-8', true]);
  });

  it('handles empty input, tiny files and a character cut at the very end', () => {
    expect(decode([]).text).toBe('');
    expect(decode([Uint8Array.of(0x61)]).text).toBe('a');
    expect(decode([Uint8Array.of(0xff, 0xfe)]).text).toBe('\uFEFF'); // a BOM and nothing else
    // A lone UTF-8 lead byte at the end of ASCII text is not UTF-8: Latin-1 "Ã".
    expect(decode([Buffer.from('ab'), Uint8Array.of(0xc3)]).text).toBe('abÃ');
  });
});

describe('gzip', () => {
  it('recognises the magic bytes and decompresses a stream', async () => {
    const text = SAMPLE.repeat(500);
    const gz = gzipSync(Buffer.from(text));
    expect(isGzip(gz)).toBe(true);
    expect(isGzip(Buffer.from(text))).toBe(false);
    expect(isGzip(Uint8Array.of(0x1f))).toBe(false);

    const decoder = new ChunkDecoder();
    let out = '';
    for await (const chunk of gunzipStream(chunkedStream(gz, 1000))) out += decoder.push(chunk);
    out += decoder.end();
    expect(out).toBe(text);
  });
});
