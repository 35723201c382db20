/**
 * The import's benchmark, in the browser: a generated MovieLens-style ratings file
 * (user,item,rating,timestamp; 100k users x 20k items, random) read as a stream of 1 MB byte
 * chunks through the app's own pipeline (decode -> parse -> typed columns, `readInteractions`),
 * plain and gzip-compressed.
 */
// papaparse is a dev dependency: only the bench page imports it, never the app's bundle.
import Papa from 'papaparse';
import { CsvStreamParser } from '../../src/core/data/stream-csv';
import { readInteractions, type StreamImportOptions } from '../../src/core/data/stream-import';
import { mulberry32 } from '../../src/core/util/random';
import { chunkedStream } from '../../src/core/data/byte-chunks';

export interface ImportBenchRow {
  case: string;
  rows: number;
  megabytes: number;
  ms: number;
  rowsPerSecond: number;
  /** Bytes per row of the finished columns (user, item, rating, timestamp); null: no columns. */
  bytesPerRow: number | null;
}

const OPTIONS: StreamImportOptions = {
  name: 'ratings.csv',
  delimiter: ',',
  hasHeader: true,
  mapping: { user: 0, item: 1, rating: 2, timestamp: 3 },
};

function ratingsFile(rows: number): Uint8Array {
  const random = mulberry32(1);
  const parts = ['userId,movieId,rating,timestamp\n'];
  for (let r = 0; r < rows; r++) {
    const user = 1 + Math.floor(random() * 100_000);
    const item = 1 + Math.floor(random() * 20_000);
    const rating = (1 + Math.floor(random() * 10)) / 2;
    parts.push(`${user},${item},${rating},${946684800 + Math.floor(random() * 6e8)}\n`);
  }
  return new TextEncoder().encode(parts.join(''));
}

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const out = chunkedStream(bytes, 1 << 20).pipeThrough(
    new CompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>,
  );
  return new Uint8Array(await new Response(out).arrayBuffer());
}

async function time(name: string, bytes: Uint8Array, rows: number, repeats: number) {
  let ms = Infinity;
  let bytesPerRow = 0;
  for (let k = 0; k < repeats; k++) {
    const started = performance.now();
    const d = await readInteractions(chunkedStream(bytes, 1 << 20), OPTIONS);
    ms = Math.min(ms, performance.now() - started);
    if (d.user.length !== rows) throw new Error(`import read ${d.user.length} of ${rows} rows`);
    const columns = [d.user, d.item, d.rating, d.timestamp].reduce(
      (s, a) => s + (a?.byteLength ?? 0),
      0,
    );
    bytesPerRow = columns / rows;
  }
  return {
    case: name,
    rows,
    megabytes: bytes.length / 1e6,
    ms,
    rowsPerSecond: (rows / ms) * 1000,
    bytesPerRow,
  };
}

/**
 * A ratings file of `rows` rows generated piece by piece as a stream (MovieLens 25M's size fits
 * no string): what the import holds is its columns and id tables, never the file.
 */
function generatedStream(rows: number): {
  stream: ReadableStream<Uint8Array>;
  bytes: () => number;
} {
  const random = mulberry32(2);
  const encoder = new TextEncoder();
  let made = -1; // the header first
  let bytes = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (made >= rows) return controller.close();
      const parts: string[] = made < 0 ? ['userId,movieId,rating,timestamp\n'] : [];
      const end = Math.min(rows, Math.max(0, made) + 32_768);
      for (let r = Math.max(0, made); r < end; r++) {
        const user = 1 + Math.floor(random() * 162_000);
        const item = 1 + Math.floor(random() * 59_000);
        const rating = (1 + Math.floor(random() * 10)) / 2;
        parts.push(`${user},${item},${rating},${789652009 + Math.floor(random() * 8e8)}\n`);
      }
      made = end;
      const chunk = encoder.encode(parts.join(''));
      bytes += chunk.length;
      controller.enqueue(chunk);
    },
  });
  return { stream, bytes: () => bytes };
}

/**
 * Text to records of strings, the same work for both parsers (decode the whole file, then every
 * field as a string of its own): papaparse 5.7.1, the field's standard JS parser, beside the
 * app's, so that keeping our own parser stays justified by a number.
 */
function stringRecords(bytes: Uint8Array, rows: number, repeats: number): ImportBenchRow[] {
  const parsers: [string, (text: string) => number][] = [
    [
      'papaparse 5.7.1: text to string arrays',
      (text) =>
        Papa.parse<string[]>(text, { delimiter: ',', newline: '\n', skipEmptyLines: true }).data
          .length,
    ],
    [
      "the app's parser: text to string arrays",
      (text) => {
        const records: string[][] = [];
        const parser = new CsvStreamParser(',', (r) => void records.push(r.toArray()));
        parser.push(text);
        parser.end();
        return records.length;
      },
    ],
  ];
  return parsers.map(([name, parse]) => {
    let ms = Infinity;
    for (let k = 0; k < repeats; k++) {
      const started = performance.now();
      const records = parse(new TextDecoder().decode(bytes));
      ms = Math.min(ms, performance.now() - started);
      if (records !== rows + 1) throw new Error(`${name} read ${records - 1} of ${rows} rows`);
    }
    const rowsPerSecond = (rows / ms) * 1000;
    return {
      case: name,
      rows,
      megabytes: bytes.length / 1e6,
      ms,
      rowsPerSecond,
      bytesPerRow: null,
    };
  });
}

export async function importBench(
  rows: number,
  repeats = 3,
  largeRows = 0,
  onLarge?: (running: boolean) => void,
): Promise<ImportBenchRow[]> {
  const bytes = ratingsFile(rows);
  const out = [
    await time('ratings CSV, 1 MB chunks', bytes, rows, repeats),
    await time('same, gzip', await gzip(bytes), rows, repeats),
    ...stringRecords(bytes, rows, repeats),
  ];
  if (largeRows) {
    // MovieLens 25M's shape (162k users, 59k items): generating the text is part of the time.
    const source = generatedStream(largeRows);
    onLarge?.(true);
    // Let the runner see the phase (it polls every second) and take its baseline first.
    await new Promise((r) => setTimeout(r, 2500));
    const started = performance.now();
    const d = await readInteractions(source.stream, OPTIONS);
    const ms = performance.now() - started;
    onLarge?.(false);
    if (d.user.length !== largeRows) throw new Error(`read ${d.user.length} of ${largeRows} rows`);
    const columns = [d.user, d.item, d.rating, d.timestamp].reduce(
      (s, a) => s + (a?.byteLength ?? 0),
      0,
    );
    out.push({
      case: 'generated as a stream (text made on the fly)',
      rows: largeRows,
      megabytes: source.bytes() / 1e6,
      ms,
      rowsPerSecond: (largeRows / ms) * 1000,
      bytesPerRow: columns / largeRows,
    });
  }
  return out;
}
