/**
 * A whole file was rejected. The message names the file and says what is wrong in words a user
 * can act on, e.g. `ratings.csv: the file has a header row but no data rows`.
 */
export class DataError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'DataError';
  }
}
