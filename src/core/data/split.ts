/** Seeded train / held-out splits over interaction rows. */
import { mulberry32, shuffledRange } from '../util/random';
import type { Timestamps } from './types';
import { groupRows } from './csr';

/** One fold of k-fold cross-validation: the `index`-th of `count` equal blocks is held out. */
export interface Fold {
  index: number;
  count: number;
}

/** The held-out block of a seeded order of n: the first round(n x fraction), or a fold's block. */
function heldOutBlock(n: number, fraction: number, fold?: Fold): [number, number] {
  if (!fold) return [0, Math.round(n * fraction)];
  const { index, count } = fold;
  if (!(
    Number.isInteger(count) &&
    count >= 2 &&
    Number.isInteger(index) &&
    index >= 0 &&
    index < count
  ))
    throw new Error(`fold ${index} of ${count}: folds are 0..count-1, count at least 2`);
  return [Math.floor((n * index) / count), Math.floor((n * (index + 1)) / count)];
}

export interface Split {
  /** Row indices into the dataset's interaction arrays. */
  train: Int32Array;
  test: Int32Array;
}

/**
 * Random per-interaction split: a seeded shuffle of `0..rows-1`, the first
 * `round(rows * testFraction)` held out, or with `fold` the fold's block of the same shuffle
 * (the k folds partition the rows). Both halves are returned in ascending row order.
 */
export function randomSplit(rows: number, testFraction: number, seed: number, fold?: Fold): Split {
  if (!(testFraction >= 0 && testFraction < 1)) {
    throw new Error(`test fraction must be in [0, 1), got ${testFraction}`);
  }
  const order = shuffledRange(rows, mulberry32(seed));
  const [from, to] = heldOutBlock(rows, testFraction, fold);
  // Marked, then read in row order: ascending without sorting (at 5M rows two sorts took 0.5 s).
  const isTest = new Uint8Array(rows);
  for (let k = from; k < to; k++) isTest[order[k]] = 1;
  return splitByMark(isTest, to - from);
}

/** Picks `rows` entries of `column` into a new array of the same type. */
export function take<T extends Int32Array | Float32Array | Timestamps>(
  column: T,
  rows: Int32Array,
): T {
  const out = new (column.constructor as new (n: number) => T)(rows.length);
  for (let k = 0; k < rows.length; k++) out[k] = column[rows[k]];
  return out;
}

/**
 * Per-user leave-last-n-out: for each user, the `holdOut` interactions with the latest
 * timestamps go to test and the rest to train. Equal timestamps are ordered by row index (the
 * later row counts as later). Users with at most `holdOut` interactions keep all their rows in
 * train, so every test user also has training history. Both halves are in ascending row order.
 * O(n log n): a counting sort by user, then a sort of each user's rows by time.
 */
export function temporalSplit(
  user: Int32Array,
  timestamp: Timestamps,
  users: number,
  holdOut: number,
): Split {
  const rows = user.length;
  if (timestamp.length !== rows) {
    throw new Error(`temporal split: ${timestamp.length} timestamps for ${rows} rows`);
  }
  if (!(Number.isInteger(users) && users >= 0)) {
    throw new Error(`temporal split: user count must be a non-negative integer, got ${users}`);
  }
  if (!(Number.isInteger(holdOut) && holdOut >= 0)) {
    throw new Error(`temporal split: hold-out must be a non-negative integer, got ${holdOut}`);
  }
  // Rows grouped by user; within a user, ascending row order (the counting sort is stable).
  const { offsets, rows: byUser } = groupRows(user, users, 'temporal split', 'user');
  for (let r = 0; r < rows; r++) {
    if (Number.isNaN(timestamp[r])) throw new Error(`temporal split: row ${r} has no timestamp`);
  }

  const isTest = new Uint8Array(rows);
  let nTest = 0;
  const byTime = (a: number, b: number): number => timestamp[a] - timestamp[b] || a - b;
  for (let u = 0; u < users; u++) {
    const from = offsets[u];
    const to = offsets[u + 1];
    if (holdOut === 0 || to - from <= holdOut) continue;
    const own = byUser.subarray(from, to).sort(byTime);
    for (let j = own.length - holdOut; j < own.length; j++) isTest[own[j]] = 1;
    nTest += holdOut;
  }
  return splitByMark(isTest, nTest);
}

/**
 * Cold-start split: holds out `round(entities * fraction)` whole entities (users or items,
 * whichever `entity` is the per-row column of), chosen by a seeded shuffle of the entity ids.
 * With `presentOnly`, only entities that have rows count: the share is of them (a validation
 * part carved from a training part whose held-out entities have no rows). With `fold`, the
 * fold's block of the shuffled entities is held out instead (the k folds partition them).
 * Every row of a held-out entity goes to test, every other row to train, so no held-out entity
 * appears in train. Both halves are in ascending row order; `heldOut` is ascending.
 */
export function coldStartSplit(
  entity: Int32Array,
  entities: number,
  fraction: number,
  seed: number,
  presentOnly = false,
  fold?: Fold,
): Split & { heldOut: Int32Array } {
  if (!(Number.isInteger(entities) && entities >= 0)) {
    throw new Error(
      `cold-start split: entity count must be a non-negative integer, got ${entities}`,
    );
  }
  if (!(fraction >= 0 && fraction < 1)) {
    throw new Error(`cold-start split: fraction must be in [0, 1), got ${fraction}`);
  }
  const rows = entity.length;
  for (let r = 0; r < rows; r++) {
    const e = entity[r];
    if (e < 0 || e >= entities) {
      throw new Error(`cold-start split: row ${r} has entity ${e}, outside 0..${entities - 1}`);
    }
  }
  let order = shuffledRange(entities, mulberry32(seed));
  if (presentOnly) {
    const present = new Uint8Array(entities);
    for (let r = 0; r < rows; r++) present[entity[r]] = 1;
    order = order.filter((e) => present[e] === 1);
  }
  const [from, to] = heldOutBlock(order.length, fraction, fold);
  const heldOut = order.slice(from, to).sort();
  const held = new Uint8Array(entities);
  for (let j = 0; j < heldOut.length; j++) held[heldOut[j]] = 1;

  const isTest = new Uint8Array(rows);
  let nTest = 0;
  for (let r = 0; r < rows; r++) {
    if (held[entity[r]]) {
      isTest[r] = 1;
      nTest++;
    }
  }
  return { ...splitByMark(isTest, nTest), heldOut };
}

/** Rows with `isTest[r]` set (there are `nTest` of them) to test, the rest to train, ascending. */
function splitByMark(isTest: Uint8Array, nTest: number): Split {
  const test = new Int32Array(nTest);
  const train = new Int32Array(isTest.length - nTest);
  let a = 0;
  let b = 0;
  for (let r = 0; r < isTest.length; r++) {
    if (isTest[r]) test[a++] = r;
    else train[b++] = r;
  }
  return { train, test };
}
