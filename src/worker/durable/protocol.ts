/**
 * Messages between the page and the durable writer worker. The page posts a session to store
 * with its large typed arrays copied and transferred (`detachedCopyInSlices`): copying is a memcpy, while
 * IndexedDB's structured clone of the same arrays on the page took about 300 ms an epoch at 1M
 * rows (issue 15). The copy is spread over tasks: at 5M rows one copy of the session in one task
 * held the page 0.12-0.2 s while training had the cores.
 */
import { mapViews } from './map-views';

export type DurableRequest = {
  type: 'put';
  id: number;
  key: string;
  value: unknown;
  /**
   * The write's sequence number (database.ts): older than the stored session, it is skipped.
   * Absent (a data set): written as it comes.
   */
  sequence?: number;
};

export type DurableResponse =
  | { type: 'stored'; id: number; written: boolean }
  | { type: 'failed'; id: number; message: string };

type Typed =
  | Float32Array
  | Float64Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray;

/** Typed arrays smaller than this are left to the structured clone (copying them gains nothing). */
const COPY_BYTES = 1 << 16;

/** Bytes `detachedCopyInSlices` copies in one task at most. */
export const SLICE_BYTES = 4 << 20;

/**
 * `value` with each typed array of at least 64 KiB replaced by a copy whose buffer is listed in
 * `transfer`, so posting it moves those bytes instead of cloning them. Plain objects and arrays
 * on the way are rebuilt only where something inside them was copied (arrays of strings and
 * small records come back as they are); an array met twice is copied once, so shared references
 * stay shared. Other objects (Date, Map, ...) and arrays in shared memory are kept as they are.
 * The copies are made at most `sliceBytes` at a time with `pause()` awaited between slices, so
 * no single task copies a whole session. The input is not changed, and must not change until
 * the promise settles (the store's snapshots are replaced, never written in place).
 */
export async function detachedCopyInSlices<T>(
  value: T,
  pause: () => Promise<void>,
  sliceBytes = SLICE_BYTES,
): Promise<{ value: T; transfer: ArrayBuffer[] }> {
  const transfer: ArrayBuffer[] = [];
  const jobs: [Typed, Typed][] = [];
  const copied = mapViews(value, (v) => {
    if (v.byteLength < COPY_BYTES || isShared(v)) return v;
    const from = v as Typed;
    const to = new (from.constructor as new (n: number) => Typed)(from.length);
    jobs.push([from, to]);
    transfer.push(to.buffer as ArrayBuffer);
    return to;
  });
  let budget = sliceBytes;
  for (const [from, to] of jobs) {
    for (let a = 0; a < from.length;) {
      if (budget <= 0) {
        await pause();
        budget = sliceBytes;
      }
      const b = Math.min(from.length, a + Math.max(1, Math.floor(budget / from.BYTES_PER_ELEMENT)));
      to.set(from.subarray(a, b), a);
      budget -= (b - a) * from.BYTES_PER_ELEMENT;
      a = b;
    }
  }
  return { value: copied as T, transfer };
}

/** Whether `v` views a SharedArrayBuffer (IndexedDB refuses those: database.ts copies them). */
export function isShared(v: ArrayBufferView): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && v.buffer instanceof SharedArrayBuffer;
}
