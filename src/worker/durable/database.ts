/**
 * The session's IndexedDB database, opened the same way by the page and by the durable writer
 * worker (the worker writes the session while a run trains, so that serialising it does not
 * block the page). Two writers, one order: every session write also stores its sequence number
 * under `SEQUENCE_KEY`, in the same transaction, and a write whose number is below the stored
 * one is skipped. So a write that reaches IndexedDB late (the worker's, queued behind a slow
 * serialisation) never replaces a newer session the page wrote meanwhile.
 */
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
export function putValue(
  db: IDBDatabase,
  key: string,
  value: unknown,
  sequence?: number,
): Promise<boolean> {
  const tx = db.transaction(STORE, 'readwrite');
  const store = tx.objectStore(STORE);
  let written = true;
  if (sequence === undefined) {
    store.put(value, key);
    // Tells IndexedDB nothing more comes, so it commits without waiting for the next task.
    tx.commit?.();
  } else {
    const stored = store.get(SEQUENCE_KEY);
    stored.onsuccess = () => {
      const last = typeof stored.result === 'number' ? stored.result : -Infinity;
      written = sequence > last;
      if (written) {
        store.put(value, key);
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
