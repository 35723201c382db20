/**
 * Messages between the page and the durable writer worker. The page posts a session to store
 * with its large typed arrays copied and transferred (`detachedCopy`): copying is a memcpy, while
 * IndexedDB's structured clone of the same arrays on the page took about 300 ms an epoch at 1M
 * rows (issue 15).
 */
export type DurableRequest = {
  type: 'put';
  id: number;
  key: string;
  value: unknown;
  /** The write's sequence number (database.ts): older than the stored session, it is skipped. */
  sequence: number;
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
  const copies = new Map<object, unknown>();
  const transfer: ArrayBuffer[] = [];
  const visit = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null) return v;
    if (copies.has(v)) return copies.get(v);
    let out: unknown = v;
    if (ArrayBuffer.isView(v)) {
      if (!(v instanceof DataView) && v.byteLength >= COPY_BYTES && !isShared(v)) {
        const copy = (v as Typed).slice();
        transfer.push(copy.buffer as ArrayBuffer);
        out = copy;
      }
    } else if (Array.isArray(v)) {
      // Rebuilt only from the first element that changed: a long array of strings or small
      // records (the loss curve, the history) is walked without allocating.
      let items: unknown[] | null = null;
      for (let k = 0; k < v.length; k++) {
        const x: unknown = v[k];
        const y = typeof x === 'object' && x !== null ? visit(x) : x;
        if (y !== x && !items) items = v.slice();
        if (items) items[k] = y;
      }
      if (items) out = items;
    } else if (isPlain(v)) {
      const record = v as Record<string, unknown>;
      let rebuilt: Record<string, unknown> | null = null;
      for (const k of Object.keys(record)) {
        const x = record[k];
        const y = typeof x === 'object' && x !== null ? visit(x) : x;
        if (y !== x && !rebuilt) rebuilt = { ...record };
        if (rebuilt) rebuilt[k] = y;
      }
      if (rebuilt) out = rebuilt;
    }
    copies.set(v, out);
    return out;
  };
  return { value: visit(value) as T, transfer };
}

function isPlain(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function isShared(v: ArrayBufferView): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && v.buffer instanceof SharedArrayBuffer;
}
