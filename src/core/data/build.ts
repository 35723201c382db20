/**
 * Interaction file (one whole string) -> Dataset: the streaming parser fed one text, into an
 * InteractionBuilder. Streams of bytes go through `InteractionImport` (stream-import.ts) instead.
 */
import { stripBom } from './csv';
import { DataError } from './errors';
import { InteractionBuilder } from './interaction-builder';
import type { InteractionOptions } from './interaction-builder';
import { CsvStreamParser } from './stream-csv';
import type { Delimiter } from './stream-csv';
import type { Dataset } from './types';

export { DataError } from './errors';
export { InteractionBuilder, MAX_ISSUES } from './interaction-builder';
export type { InteractionOptions } from './interaction-builder';
export {
  attachItemMetadata,
  attachItemTags,
  attachUserMetadata,
  parseItemMetadata,
  parseUserMetadata,
} from './metadata';
export type { ItemMetadata, UserMetadata } from './metadata';

export interface InteractionInput extends InteractionOptions {
  text: string;
  delimiter: Delimiter;
}

/**
 * Parses an interaction file into a Dataset: see `InteractionBuilder` for the columns, which rows
 * are skipped and how the kind is guessed.
 *
 * Throws DataError for an empty file, a file without data rows, an invalid mapping, an explicit
 * kind without a rating column, or when no row at all could be read.
 */
export function buildInteractions(input: InteractionInput): Dataset {
  if (stripBom(input.text).trim() === '') throw new DataError(input.name, 'the file is empty');
  const builder = new InteractionBuilder(input);
  const parser = new CsvStreamParser(input.delimiter, (r) => builder.add(r), {
    onIssue: (line, message, dropped, lastLine) => builder.issue(line, message, dropped, lastLine),
    onBlankLine: (line) => builder.blankLine(line),
    recoverStrayQuotes: true,
  });
  parser.push(input.text);
  parser.end();
  return builder.finish();
}
