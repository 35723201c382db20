/** Seeded train / held-out splits over interaction rows. */
import { mulberry32, shuffledRange } from '../util/random';

export interface Split {
  /** Row indices into the dataset's interaction arrays. */
  train: Int32Array;
  test: Int32Array;
}

/**
 * Random per-interaction split: a seeded shuffle of `0..rows-1`, the first
 * `round(rows * testFraction)` held out. Both halves are returned in ascending row order.
 */
export function randomSplit(rows: number, testFraction: number, seed: number): Split {
  if (!(testFraction >= 0 && testFraction < 1)) {
    throw new Error(`test fraction must be in [0, 1), got ${testFraction}`);
  }
  const order = shuffledRange(rows, mulberry32(seed));
  const nTest = Math.round(rows * testFraction);
  return { test: order.slice(0, nTest).sort(), train: order.slice(nTest).sort() };
}

/** Picks `rows` entries of `column` into a new array of the same type. */
export function take<T extends Int32Array | Float32Array>(column: T, rows: Int32Array): T {
  const out = new (column.constructor as new (n: number) => T)(rows.length);
  for (let k = 0; k < rows.length; k++) out[k] = column[rows[k]];
  return out;
}
