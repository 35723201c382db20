/**
 * The 'test-file' split's test part: a second file's rows (already mapped onto the data set's
 * ids, see data/test-set.ts), kept for the run's feedback exactly as the training rows are, so
 * that implicit feedback scores the same kind of interaction it trained on.
 */
import { take, type Fold } from '../data/split';
import type { TestSet } from '../data/test-set';
import type { Timestamps } from '../data/types';
import type { Interactions } from '../data/types';

/**
 * Rows kept by implicit feedback (ascending): those rated `threshold` or more, every row when the
 * threshold is 0 (or the data are implicit already, whose weights are not grades).
 */
export function implicitRows(rating: Float32Array, threshold: number): Int32Array {
  const keep: number[] = [];
  for (let k = 0; k < rating.length; k++)
    if (!(threshold > 0) || rating[k] >= threshold) keep.push(k);
  return Int32Array.from(keep);
}

/** What a "Test file" run without a test file lacks. */
export const MISSING_TEST_FILE =
  'The "Test file" split needs a test interactions file: choose one under "Test interactions file" (CLI: --test <file>).';

/** The test part from a test file; throws for a run that cannot have one (no file, folds). */
export function testFilePart(
  set: TestSet | null | undefined,
  feedback: 'explicit' | 'implicit',
  threshold: number,
  fold?: Fold,
): Interactions & { timestamp: Timestamps | null } {
  if (!set) throw new Error(MISSING_TEST_FILE);
  if (fold)
    throw new Error(
      `${set.name} is the test part as given, which cannot be cut into folds: set Folds to 1, or choose a random or cold-start split for cross-validation`,
    );
  if (feedback === 'explicit') return set;
  const rows = implicitRows(set.rating, threshold);
  if (!rows.length)
    throw new Error(
      `${set.name}: no test row is rated ${threshold} or more: lower the binarisation threshold`,
    );
  return {
    user: take(set.user, rows),
    item: take(set.item, rows),
    rating: new Float32Array(rows.length).fill(1),
    timestamp: set.timestamp && take(set.timestamp, rows),
  };
}

/** Two timestamp columns end to end (Float64Array unless both are Uint32Array). */
export function concatTimestamps(a: Timestamps, b: Timestamps): Timestamps {
  const out =
    a instanceof Uint32Array && b instanceof Uint32Array
      ? new Uint32Array(a.length + b.length)
      : new Float64Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Two index columns end to end. */
export function concatIndices(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
