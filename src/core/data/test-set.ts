/**
 * A test file given beside the training file (MovieLens 100K's u1.test beside u1.base, or any
 * holdout a person already has): read by the same importer with the training file's layout, its
 * rows mapped onto the training data set's dense ids. Rows naming a user or item the training
 * data do not have are left out and counted, as Surprise and LensKit do: the model has no vector
 * for them, so they would only measure its initialisation.
 */
import type { ColumnMapping } from './columns';
import { detectHeaderIn, type Delimiter } from './csv';
import { DataError } from './errors';
import type { Dataset, InteractionKind, Timestamps } from './types';

/** Test rows with the training data set's dense indices (one entry per kept row). */
export interface TestSet {
  /** The test file's name, for messages and the runs table. */
  name: string;
  user: Int32Array;
  item: Int32Array;
  rating: Float32Array;
  /** Per-row timestamps in the training file's unit, or null when the file has none. */
  timestamp: Timestamps | null;
}

/** A test file mapped onto a training data set, with what was left out. */
export interface MappedTestSet {
  set: TestSet;
  /** Rows the importer read from the test file. */
  rowsRead: number;
  /** Rows left out because their user or item is not in the training data. */
  unknownRows: number;
  /** Distinct test-file ids the training data do not have. */
  unknownUsers: number;
  unknownItems: number;
}

/** How an interactions file was read: the options a second file of the same layout is read with. */
export interface InteractionLayout {
  format?: 'delimited' | 'jsonl' | 'parquet';
  delimiter: Delimiter;
  hasHeader: boolean;
  mapping: ColumnMapping;
  keys?: string[];
  kind?: InteractionKind;
}

/**
 * The options to read a test file with: the training file's format, delimiter, column mapping
 * and kind (so the rows mean what the training rows mean, and ratings stay ratings), with the
 * header detected in the test file's own first lines (`head`), since u1.base and a hand-made
 * holdout need not agree on having one.
 */
export function testFileLayout(
  training: InteractionLayout,
  head: string,
  kind: InteractionKind,
): InteractionLayout {
  const hasHeader =
    training.format === 'delimited' || training.format === undefined
      ? detectHeaderIn(head, training.delimiter)
      : training.hasHeader;
  return { ...training, hasHeader, kind };
}

/**
 * Maps a test file read as its own Dataset (`test`, with ids of its own) onto `train`'s dense
 * indices via the id tables. O(rows + distinct ids). Throws DataError naming the test file and
 * the counts when no row names both a known user and a known item (nothing would be scored).
 */
export function mapTestSet(
  train: Pick<Dataset, 'name' | 'userIds' | 'itemIds'>,
  test: Dataset,
): MappedTestSet {
  // Each distinct test id is looked up once; rows then translate through a typed array.
  const translate = (known: string[], ids: string[]) => {
    const index = new Map<string, number>();
    known.forEach((id, k) => index.set(id, k));
    const to = new Int32Array(ids.length);
    let unknown = 0;
    ids.forEach((id, k) => {
      const j = index.get(id);
      to[k] = j ?? -1;
      if (j === undefined) unknown++;
    });
    return { to, unknown };
  };
  const users = translate(train.userIds, test.userIds);
  const items = translate(train.itemIds, test.itemIds);
  const n = test.user.length;
  const keep = new Int32Array(n);
  let kept = 0;
  for (let r = 0; r < n; r++)
    if (users.to[test.user[r]] >= 0 && items.to[test.item[r]] >= 0) keep[kept++] = r;
  const rows = keep.subarray(0, kept);
  const unknownRows = n - kept;
  if (!kept)
    throw new DataError(
      test.name,
      `none of its ${count(n)} rows names both a user and an item of ${train.name} ` +
        `(${count(test.userIds.length)} users, ${count(users.unknown)} of them unknown; ` +
        `${count(test.itemIds.length)} items, ${count(items.unknown)} of them unknown): ` +
        'nothing was changed; is it the test file of this data set?',
    );
  const user = new Int32Array(kept);
  const item = new Int32Array(kept);
  const rating = new Float32Array(kept);
  const ts = test.timestamp;
  const timestamp = ts && new (ts.constructor as new (n: number) => Timestamps)(kept);
  for (let k = 0; k < kept; k++) {
    const r = rows[k];
    user[k] = users.to[test.user[r]];
    item[k] = items.to[test.item[r]];
    rating[k] = test.rating[r];
    if (timestamp && ts) timestamp[k] = ts[r];
  }
  return {
    set: { name: test.name, user, item, rating, timestamp },
    rowsRead: n,
    unknownRows,
    unknownUsers: users.unknown,
    unknownItems: items.unknown,
  };
}

/**
 * What a person is told about a mapped test file: how many rows it gives, and how many were left
 * out for naming a user or item the training file does not have.
 */
export function describeTestSet(m: MappedTestSet): string {
  const rows = m.set.user.length;
  const used = `${m.set.name}: ${count(rows)} test ${rows === 1 ? 'row' : 'rows'}`;
  if (!m.unknownRows) return used;
  const one = m.unknownRows === 1;
  return (
    `${used}. ${count(m.unknownRows)} test ${one ? 'row names' : 'rows name'} a user or item ` +
    `the training file does not have; ${one ? 'it is' : 'they are'} left out`
  );
}

const count = (n: number) => n.toLocaleString('en');
