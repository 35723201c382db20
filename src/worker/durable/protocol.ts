/**
 * Messages between the page and the durable writer worker. The page posts a session to store
 * with its large typed arrays copied and transferred (`detachedCopy`): copying is a memcpy, while
 * IndexedDB's structured clone of the same arrays on the page took about 300 ms an epoch at 1M
 * rows (issue 15).
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

/**
 * `value` with each typed array of at least 64 KiB replaced by a copy whose buffer is listed in
 * `transfer`, so posting it moves those bytes instead of cloning them. Plain objects and arrays
 * on the way are rebuilt only where something inside them was copied (arrays of strings and
 * small records come back as they are); an array met twice is copied once, so shared references
 * stay shared. Other objects (Date, Map, ...) are kept as they are for the structured clone.
 * The input is not changed.
 */
export function detachedCopy<T>(value: T): { value: T; transfer: ArrayBuffer[] } {
  const transfer: ArrayBuffer[] = [];
  const copied = mapViews(value, (v) => {
    if (v.byteLength < COPY_BYTES || isShared(v)) return v;
    const copy = (v as Typed).slice();
    transfer.push(copy.buffer as ArrayBuffer);
    return copy;
  });
  return { value: copied as T, transfer };
}

/** Whether `v` views a SharedArrayBuffer (IndexedDB refuses those: database.ts copies them). */
export function isShared(v: ArrayBufferView): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && v.buffer instanceof SharedArrayBuffer;
}
