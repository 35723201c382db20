/**
 * Property tests of the interactions import on damaged files (issue 20): whatever the input, the
 * import never throws anything but a DataError, gives the same result however the text is cut,
 * accounts for every line (kept + skipped + lines continuing a row + blank lines = the lines
 * written), and its typed columns hold exactly the values of the rows it kept. Fixed seed;
 * fast-check prints the seed and path of a failure.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkings, cut, malformedFile, type MalformedFile } from './csv-arbitraries';
import { DataError } from './errors';
import { InteractionBuilder, type InteractionOptions } from './interaction-builder';
import { CsvStreamParser } from './stream-csv';
import { InteractionImport } from './stream-import';
import type { Dataset } from './types';
import { mulberry32 } from '../util/random';

const SEED = 20_2021;
const BATCH = 10;
/** A case taking longer than this is a hang (the slowest take a few ms). */
const MAX_MS_PER_FILE = 2_000;

function options(f: MalformedFile): InteractionOptions {
  // Explicit, so that no row goes for a negative count: the columns are then the rows' values.
  return {
    name: 'damaged.csv',
    delimiter: f.delimiter,
    hasHeader: true,
    mapping: { user: 0, item: 1, rating: 2, timestamp: null },
    kind: 'explicit',
  };
}

type Outcome = { dataset: Dataset } | { error: string };

/** What the import makes of the text cut into `chunks` (the worker's parser and builder). */
function importText(f: MalformedFile, chunks: string[]): Outcome {
  try {
    const builder = new InteractionBuilder(options(f));
    const parser = new CsvStreamParser(f.delimiter, (r) => builder.add(r), {
      onIssue: (line, message, dropped, lastLine) =>
        builder.issue(line, message, dropped, lastLine),
      onBlankLine: (line) => builder.blankLine(line),
      recoverStrayQuotes: true,
    });
    for (const c of chunks) parser.push(c);
    parser.end();
    return { dataset: builder.finish() };
  } catch (e) {
    if (e instanceof DataError) return { error: e.message };
    throw e;
  }
}

/** The same through InteractionImport, from UTF-8 bytes. */
function importBytes(f: MalformedFile): Outcome {
  try {
    const target = new InteractionImport({ ...options(f), delimiter: f.delimiter });
    target.push(new TextEncoder().encode(f.text));
    return { dataset: target.finish() };
  } catch (e) {
    if (e instanceof DataError) return { error: e.message };
    throw e;
  }
}

function key(o: Outcome): string {
  if ('error' in o) return o.error;
  const d = o.dataset;
  return JSON.stringify([
    d.userIds,
    d.itemIds,
    Array.from(d.user),
    Array.from(d.item),
    Array.from(d.rating),
    d.skippedRows,
    d.blankLines,
    d.continuationLines,
    d.issues,
  ]);
}

/** The (user, item, rating) of every row the builder's rules keep, from the parsed records. */
function keptRows(f: MalformedFile): string[] {
  const out: string[] = [];
  let header = true;
  const parser = new CsvStreamParser(
    f.delimiter,
    (r) => {
      if (header) return void (header = false);
      if (r.length < 3) return;
      const [user, item, rating] = [r.field(0).trim(), r.field(1).trim(), r.field(2).trim()];
      const value = rating === '' ? NaN : Math.fround(Number(rating));
      if (user && item && Number.isFinite(value)) out.push(`${user}\u0000${item}\u0000${value}`);
    },
    { onIssue: () => undefined, recoverStrayQuotes: true },
  );
  parser.push(f.text);
  parser.end();
  return out;
}

describe('damaged interaction files: every line accounted for (issue 20)', () => {
  it('no throw, no hang, the same for every cut, kept + skipped + noted = lines written', () => {
    const started = performance.now();
    let files = 0;
    let losses = 0;
    let refused = 0;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(malformedFile, fc.nat()), { minLength: BATCH, maxLength: BATCH }),
        (batch) => {
          for (const [f, salt] of batch) {
            const t0 = performance.now();
            const random = mulberry32(salt);
            const [whole, ...cuts] = chunkings(f.text.length, random);
            const outcome = importText(f, cut(f.text, whole));
            const expected = key(outcome);
            for (const other of [importText(f, cut(f.text, cuts[files % 3])), importBytes(f)]) {
              const got = key(other);
              if (got !== expected) expect(got).toBe(expected);
            }
            // Without recovery (previews, side files) the parser must not throw either, and
            // reads the same however cut.
            const plain = (chunks: string[]) => {
              const events: unknown[] = [];
              const parser = new CsvStreamParser(
                f.delimiter,
                (r) => void events.push(r.toArray()),
                {
                  onIssue: (line, message, dropped) => void events.push([line, message, dropped]),
                },
              );
              for (const c of chunks) parser.push(c);
              parser.end();
              return JSON.stringify(events);
            };
            expect(plain(cut(f.text, cuts[(files + 1) % 3]))).toBe(plain([f.text]));
            files++;
            if ('error' in outcome) {
              // Refused as a whole, with a reason: only when no row at all could be read.
              expect(outcome.error).toMatch(/none of the \d+ rows could be read/);
              refused++;
              continue;
            }
            const d = outcome.dataset;
            const lines = d.user.length + d.skippedRows + d.continuationLines! + d.blankLines!;
            if (lines !== f.rows + f.blankLines) losses++;
            expect(lines).toBe(f.rows + f.blankLines);
            // Every skipped row is listed (files here stay under MAX_ISSUES).
            expect(d.issues.length).toBeGreaterThanOrEqual(d.skippedRows);
            const kept = Array.from(
              d.user,
              (u, k) => `${d.userIds[u]}\u0000${d.itemIds[d.item[k]]}\u0000${d.rating[k]}`,
            );
            expect(kept).toEqual(keptRows(f));
            expect(performance.now() - t0).toBeLessThan(MAX_MS_PER_FILE);
          }
        },
      ),
      { seed: SEED, numRuns: 1_000 },
    );
    console.log(
      `damaged files: ${files} files (${refused} refused with a reason), ${losses} silent ` +
        `losses, in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    expect(files).toBeGreaterThanOrEqual(10_000);
    expect(losses).toBe(0);
  }, 120_000);
});
