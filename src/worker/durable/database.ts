/**
 * The session's IndexedDB database, opened the same way by the page and by the durable writer
 * worker (the worker writes the session while a run trains, so that serialising it does not
 * block the page). Two writers, one order: every session write also stores its sequence number
 * under `SEQUENCE_KEY`, in the same transaction, and a write whose number is below the stored
 * one is skipped. So a write that reaches IndexedDB late (the worker's, queued behind a slow
 * serialisation) never replaces a newer session the page wrote meanwhile.
 *
 * Chromium refuses a value whose serialised size passes about 127 MB (133,169,152 bytes: "The
 * serialized keys and/or value are too large"), and a 25M-row data set is 400 MB of typed
 * arrays: every typed array above CHUNK_BYTES is stored as parts under keys of its own
 * (`<key>#<n>`), in the same transaction, and put back together when read (`getValue`).
 */
import { isPlain, mapViews } from './map-views';
import { isShared } from './protocol';

const DB = 'latent-lab';
export const STORE = 'session';
/** The sequence number of the session stored under the session's key (not part of it). */
export const SEQUENCE_KEY = 'sequence';

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

export function openDatabase(): Promise<IDBDatabase> {
  if (typeof indexedDB === 'undefined')
    return Promise.reject(new Error('this browser has no IndexedDB'));
  const r = indexedDB.open(DB, 1);
  r.onupgradeneeded = () => r.result.createObjectStore(STORE);
  return request(r);
}

/**
 * Writes `value` under `key` in one transaction, started now; resolves when it is committed
 * (true) or skipped as older than the stored session (false). With `sequence` (session writes),
 * the stored sequence number is read first and the write happens only when `sequence` is newer.
 */
/** Typed arrays larger than this are stored in parts of at most this size. */
export const CHUNK_BYTES = 32 << 20;

/** What stands in a stored value for a typed array stored in parts. */
interface ChunkedArray {
  chunked: 'Int32Array' | 'Uint32Array' | 'Float32Array' | 'Float64Array' | 'Uint8Array';
  length: number;
  /** The parts' keys, in order. */
  keys: string[];
}

type Big = Int32Array | Uint32Array | Float32Array | Float64Array | Uint8Array;
const BIG = { Int32Array, Uint32Array, Float32Array, Float64Array, Uint8Array };

function isChunked(v: unknown): v is ChunkedArray {
  return typeof v === 'object' && v !== null && 'chunked' in v && 'keys' in v;
}

/**
 * `value` with each typed array above CHUNK_BYTES replaced by a ChunkedArray, and the parts to
 * store, each made by its function when stored (copies: a stored view would carry its whole
 * buffer), so that a data set of gigabytes never has all its copies at once; see mapViews. A
 * smaller view of a SharedArrayBuffer (a data set's rows, shared with the training worker)
 * becomes a copy, since IndexedDB cannot store shared memory.
 */
export function splitLarge(
  key: string,
  value: unknown,
): { value: unknown; parts: [string, () => Big][] } {
  const parts: [string, () => Big][] = [];
  const split = mapViews(value, (v) => {
    const name = v.constructor.name as ChunkedArray['chunked'];
    if (v.byteLength <= CHUNK_BYTES || !(name in BIG))
      return isShared(v) ? (v as unknown as { slice(): ArrayBufferView }).slice() : v;
    const a = v as Big;
    const per = Math.floor(CHUNK_BYTES / a.BYTES_PER_ELEMENT);
    const keys: string[] = [];
    for (let at = 0; at < a.length; at += per) {
      const k = `${key}#${parts.length}`;
      parts.push([k, () => a.slice(at, at + per)]);
      keys.push(k);
    }
    return { chunked: name, length: a.length, keys } satisfies ChunkedArray;
  });
  return { value: split, parts };
}

/** `value` with its ChunkedArrays put back together from `parts` (by key). */
export function joinLarge(value: unknown, parts: Map<string, Big>): unknown {
  const visit = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null || ArrayBuffer.isView(v)) return v;
    if (isChunked(v)) {
      const out = new BIG[v.chunked](v.length);
      let at = 0;
      for (const k of v.keys) {
        const part = parts.get(k);
        if (!part) throw new Error(`the stored value's part ${k} is missing`);
        out.set(part, at);
        at += part.length;
      }
      return out;
    }
    if (!Array.isArray(v) && !isPlain(v)) return v;
    for (const [k, x] of Object.entries(v)) {
      const y = visit(x);
      if (y !== x) (v as Record<string, unknown>)[k] = y;
    }
    return v;
  };
  return visit(value);
}

/** The keys a value's parts are stored under. */
function partsRange(key: string): IDBKeyRange {
  return IDBKeyRange.bound(`${key}#`, `${key}#\uffff`);
}

/** Reads the value under `key`, its large arrays put back together; undefined when none. */
export async function getValue<T>(db: IDBDatabase, key: string): Promise<T | undefined> {
  const tx = db.transaction(STORE, 'readonly');
  const store = tx.objectStore(STORE);
  const [value, keys, parts] = await Promise.all([
    request(store.get(key)),
    request(store.getAllKeys(partsRange(key))),
    request(store.getAll(partsRange(key))),
  ]);
  if (value === undefined) return undefined;
  return joinLarge(value, new Map(keys.map((k, n) => [String(k), parts[n] as Big]))) as T;
}

export function putValue(
  db: IDBDatabase,
  key: string,
  value: unknown,
  sequence?: number,
): Promise<boolean> {
  const tx = db.transaction(STORE, 'readwrite');
  const store = tx.objectStore(STORE);
  const split = splitLarge(key, value);
  const put = () => {
    store.delete(partsRange(key));
    // put() clones its value at once: each copy is garbage again before the next is made.
    for (const [k, part] of split.parts) store.put(part(), k);
    store.put(split.value, key);
  };
  let written = true;
  if (sequence === undefined) {
    put();
    // Tells IndexedDB nothing more comes, so it commits without waiting for the next task.
    tx.commit?.();
  } else {
    const stored = store.get(SEQUENCE_KEY);
    stored.onsuccess = () => {
      const last = typeof stored.result === 'number' ? stored.result : -Infinity;
      written = sequence > last;
      if (written) {
        put();
        store.put(sequence, SEQUENCE_KEY);
      }
      tx.commit?.();
    };
  }
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve(written);
    tx.onerror = tx.onabort = () => reject(tx.error ?? new Error('the write was aborted'));
  });
}
