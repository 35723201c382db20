/**
 * Differential property tests (issue 20): generated valid RFC 4180 files read by the app's
 * reader must give exactly papaparse's records (less the blank lines the reader skips and
 * counts), however the text or bytes are cut, in every encoding the reader detects, gzip or not.
 * Fixed seeds, so CI runs the same cases; fast-check prints the seed and path of a failure.
 */
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { randomCuts, streamOf } from './byte-chunks';
import { chunkings, cut, validFile, type ValidFile } from './csv-arbitraries';
import { CsvStreamParser, type Delimiter } from './stream-csv';
import { pumpBytes, TextGate } from './text-stream';
import { mulberry32 } from '../util/random';

const SEED = 20_2020;
/** Files per property run: many small files keep fast-check's per-run cost low. */
const BATCH = 10;

interface Read {
  records: string[][];
  issues: string[];
  blankLines: number;
}

function reader(delimiter: Delimiter): { parser: CsvStreamParser; read: Read } {
  const read: Read = { records: [], issues: [], blankLines: 0 };
  const parser = new CsvStreamParser(delimiter, (r) => void read.records.push(r.toArray()), {
    onIssue: (line, message) => void read.issues.push(`${line}: ${message}`),
    onBlankLine: () => void read.blankLines++,
  });
  return { parser, read };
}

function readText(chunks: string[], delimiter: Delimiter): Read {
  const { parser, read } = reader(delimiter);
  for (const c of chunks) parser.push(c);
  parser.end();
  return read;
}

/** The app's byte path without the stream plumbing: TextGate (decode, BOM, binary check). */
function readBytes(chunks: Uint8Array[], delimiter: Delimiter): Read {
  const { parser, read } = reader(delimiter);
  const gate = new TextGate('generated.csv', (t) => parser.push(t));
  for (const c of chunks) gate.push(c);
  gate.end();
  parser.end();
  return read;
}

/** papaparse's records, with the reader's documented difference: blank lines are not records. */
function papaRecords(f: ValidFile): string[][] {
  const out = Papa.parse<string[]>(f.text, { delimiter: f.delimiter, newline: f.lineEnd });
  if (out.errors.length) throw new Error(`papaparse: ${JSON.stringify(out.errors)}`);
  return out.data.filter((r) => !(r.length === 1 && /^\s*$/.test(r[0])));
}

/** What was written, less the one leading U+FEFF that any reader takes for a BOM. */
function written(f: ValidFile): string[][] {
  const records = f.records.map((r) => r.slice());
  if (!f.bom && f.text.charCodeAt(0) === 0xfeff) records[0][0] = records[0][0].slice(1);
  return records;
}

const CP1252_HIGH = new Map<string, number>(
  [
    0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039,
    0x152, 0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc,
    0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
  ].map((c, k) => [String.fromCharCode(c), 0x80 + k]),
);

/**
 * The text as Windows-1252 bytes, or null when a character has no byte there or when the
 * bytes would pass for UTF-8 (the reader decides on the first non-ASCII bytes, as it must).
 */
function windows1252(text: string): Uint8Array | null {
  const bytes = new Uint8Array(text.length);
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    const b = c < 0x80 || (c >= 0xa0 && c <= 0xff) ? c : CP1252_HIGH.get(text[k]);
    if (b === undefined) return null;
    bytes[k] = b;
  }
  const p = bytes.findIndex((b) => b >= 0x80);
  if (p < 0) return null; // ASCII: UTF-8 as much as anything
  const lead = bytes[p];
  const length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(p, p + length));
    return null;
  } catch {
    return bytes;
  }
}

function utf16(text: string, bigEndian: boolean): Uint8Array {
  const le = Buffer.from(text, 'utf16le');
  if (bigEndian) for (let i = 0; i + 1 < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1], le[i]];
  return new Uint8Array(le);
}

/** The file's bytes in one encoding, chosen by `pick` among those that can hold it. */
function encode(f: ValidFile, pick: number): { name: string; bytes: Uint8Array } {
  // UTF-16 files need their BOM (without one they are refused as such); so does no other.
  const body = f.bom ? f.text.slice(1) : f.text;
  const options = [
    { name: 'utf-8', bytes: () => new TextEncoder().encode(f.text) },
    { name: 'utf-16le', bytes: () => utf16('\uFEFF' + body, false) },
    { name: 'utf-16be', bytes: () => utf16('\uFEFF' + body, true) },
  ];
  const cp1252 = f.bom ? null : windows1252(f.text);
  if (cp1252) options.push({ name: 'windows-1252', bytes: () => cp1252 });
  const chosen = options[pick % options.length];
  return { name: chosen.name, bytes: chosen.bytes() };
}

/** For UTF-16 the reader gets a BOM the file did not have: the expectation follows. */
function expectedFor(f: ValidFile, encoding: string): string[][] {
  if (encoding.startsWith('utf-16') && !f.bom) return written({ ...f, bom: true });
  return written(f);
}

/** A cheap comparison first: vitest's deep equality costs more than the reading it checks. */
function expectRead(got: Read, records: string[][], blankLines: number): void {
  const want = { records, issues: [], blankLines };
  if (JSON.stringify(got) !== JSON.stringify(want)) expect(got).toEqual(want);
}

const counts = { files: 0, textReads: 0, byteReads: 0, gzipReads: 0, encodings: new Set<string>() };

describe('the reader agrees with papaparse on valid files (issue 20)', () => {
  it("records equal papaparse's for every chunking, as text and as bytes in every encoding", () => {
    const started = performance.now();
    fc.assert(
      fc.property(
        fc.array(fc.tuple(validFile, fc.nat()), { minLength: BATCH, maxLength: BATCH }),
        (files) => {
          for (const [f, salt] of files) {
            const expected = written(f);
            const papa = papaRecords(f);
            if (JSON.stringify(papa) !== JSON.stringify(expected)) expect(papa).toEqual(expected);
            const random = mulberry32(salt);
            // Whole, and one of 1 character, 7 and random cuts in turn: with the bytes below, each
            // chunking meets thousands of files within the suite's time.
            const [whole, ...textCuts] = chunkings(f.text.length, random);
            for (const ends of [whole, textCuts[counts.files % 3]]) {
              const got = readText(cut(f.text, ends), f.delimiter);
              expectRead(got, expected, f.blankLines);
              counts.textReads++;
            }
            const { name, bytes } = encode(f, salt);
            counts.encodings.add(name);
            const want = expectedFor(f, name);
            // Bytes are cut one way per file (1 byte, 7, random, in turn, not as the text was):
            // small files reach the parser as one text (TextGate holds the start back), so these
            // cuts test the decoder.
            const byteCuts = chunkings(bytes.length, random).slice(1);
            for (const ends of [byteCuts[(counts.files + 1) % 3]]) {
              const got = readBytes(cut(bytes, ends), f.delimiter);
              expectRead(got, want, f.blankLines);
              counts.byteReads++;
            }
            counts.files++;
          }
        },
      ),
      { seed: SEED, numRuns: 2_000 },
    );
    console.log(
      `valid files vs papaparse: ${counts.files} files, ${counts.textReads} text reads and ` +
        `${counts.byteReads} byte reads (${[...counts.encodings].join(', ')}) in ` +
        `${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    expect(counts.files).toBeGreaterThanOrEqual(20_000);
    expect(counts.encodings.size).toBe(4);
  }, 120_000);

  it("gzip files read through the worker's byte pump give the same records", async () => {
    const started = performance.now();
    let files = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(validFile, fc.nat()), { minLength: BATCH, maxLength: BATCH }),
        async (batch) => {
          for (const [f, salt] of batch) {
            const { name, bytes } = encode(f, salt);
            const gz = gzipSync(bytes);
            const random = mulberry32(salt);
            for (const chunks of [[gz], randomCuts(gz, random, 7)]) {
              const { parser, read } = reader(f.delimiter);
              const gate = new TextGate('generated.csv.gz', (t) => parser.push(t));
              await pumpBytes(streamOf(chunks), (c) => gate.push(c));
              gate.end();
              parser.end();
              expect(read.records).toEqual(expectedFor(f, name));
              expect(read.issues).toEqual([]);
              counts.gzipReads++;
            }
            files++;
          }
        },
      ),
      { seed: SEED + 1, numRuns: 50 },
    );
    console.log(
      `gzip: ${files} files, ${counts.gzipReads} reads in ` +
        `${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    expect(files).toBe(500);
  }, 120_000);
});
