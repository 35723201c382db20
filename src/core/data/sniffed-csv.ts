/**
 * Delimited text whose format is judged from its start, read as text chunks: the chunks are held
 * until the first HEAD_CHARS characters have arrived (or the text ends), `choose(head)` picks the
 * delimiter and who gets the records, and from then on records stream through a CsvStreamParser.
 * Side files (metadata, tags) are read this way, so one code path reads a whole string (one
 * chunk) and a file streamed in a worker.
 */
import { stripBom } from './csv';
import { DataError } from './errors';
import { CsvError, CsvStreamParser } from './stream-csv';
import type { CsvRecord, Delimiter } from './stream-csv';

/** Characters judged when sniffing the format or recognising a layout. */
export const HEAD_CHARS = 65536;

export interface SniffedFormat {
  delimiter: Delimiter;
  onRecord: (record: CsvRecord) => void;
}

export class SniffedCsvReader {
  private head = '';
  private parser: CsvStreamParser | null = null;
  private blank = true;

  /**
   * `choose` may throw (e.g. DataError for a file of the wrong kind); a quote never closed is
   * thrown as DataError naming `name` and the line.
   */
  constructor(
    private readonly name: string,
    private readonly choose: (head: string) => SniffedFormat,
  ) {}

  /** Whether every character so far is whitespace: at the end, an empty file. */
  get isBlank(): boolean {
    return this.blank;
  }

  push(text: string): void {
    if (text === '') return;
    // The BOM stays in the text: the parser ignores one leading U+FEFF, and dropping one here
    // as well would lose a second that is the first field's own.
    if (this.blank && /\S/.test(text)) this.blank = false;
    if (this.parser) return this.feed(() => this.parser!.push(text));
    this.head += text;
    if (this.head.length >= HEAD_CHARS) this.start();
  }

  end(): void {
    if (!this.parser) this.start();
    this.feed(() => this.parser!.end());
  }

  private start(): void {
    const head = this.head;
    this.head = '';
    const { delimiter, onRecord } = this.choose(stripBom(head.slice(0, HEAD_CHARS)));
    this.parser = new CsvStreamParser(delimiter, onRecord);
    this.feed(() => this.parser!.push(head));
  }

  private feed(run: () => void): void {
    try {
      run();
    } catch (e) {
      if (e instanceof CsvError) throw new DataError(this.name, e.message);
      throw e;
    }
  }
}
