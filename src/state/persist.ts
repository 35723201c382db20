/**
 * The session kept in IndexedDB as it changes: the data set, the settings, the latest finished
 * epoch's embeddings and metric history, the runs table and the layout. Reopening the page
 * restores it ("Restored ... from <date>", with "Start fresh"); closing the tab mid-training
 * keeps the last finished epoch. Typed arrays are stored as they are (structured clone). Without
 * IndexedDB (some private modes) or over the quota, the app says so once and works without it.
 */
import { summarize } from '../core/data/summary';
import type { LabState } from './lab-state';
import type { Store } from './store';
import { normalizeRun } from './runs';
import { DEFAULT_CONFIG } from '../core/training/config';
import type { Dataset } from '../core/data/types';

const DB = 'latent-lab';
const STORE = 'session';
/** The session's state, and its data set apart (written only when the data set changes). */
const KEY = 'last';
const DATASET_KEY = 'dataset';
/** Writes wait for changes to settle (training changes the state many times a second). */
const SAVE_DELAY_MS = 1000;

type Saved = Pick<LabState, 'embeddings' | 'runs'> & {
  savedAt: number;
  training: Pick<
    LabState['training'],
    | 'config'
    | 'model'
    | 'history'
    | 'test'
    | 'lossCurve'
    | 'feedback'
    | 'predictsRatings'
    | 'baselines'
  >;
  projection: Pick<
    LabState['projection'],
    'method' | 'dims' | 'params' | 'coords' | 'coordsDims' | 'space' | 'laidOut' | 'epoch'
  >;
};

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

async function open(): Promise<IDBDatabase> {
  if (typeof indexedDB === 'undefined') throw new Error('this browser has no IndexedDB');
  const r = indexedDB.open(DB, 1);
  r.onupgradeneeded = () => r.result.createObjectStore(STORE);
  return request(r);
}

async function withStore<T>(
  mode: IDBTransactionMode,
  run: (s: IDBObjectStore) => IDBRequest<T>,
): Promise<T> {
  const db = await open();
  try {
    return await request(run(db.transaction(STORE, mode).objectStore(STORE)));
  } finally {
    db.close();
  }
}

export async function clearSession(): Promise<void> {
  await withStore('readwrite', (s) => s.delete(KEY));
  await withStore('readwrite', (s) => s.delete(DATASET_KEY));
}

/** What a saved session restores (nothing while training: the last finished epoch is kept). */
function toSaved(s: LabState): Saved {
  const t = s.training;
  const p = s.projection;
  return {
    savedAt: Date.now(),
    embeddings: s.embeddings,
    runs: s.runs,
    training: {
      config: t.config,
      model: t.model,
      history: t.history,
      test: t.test,
      lossCurve: t.lossCurve,
      feedback: t.feedback,
      predictsRatings: t.predictsRatings,
      baselines: t.baselines,
    },
    projection: {
      method: p.method,
      dims: p.dims,
      params: p.params,
      coords: p.coords,
      coordsDims: p.coordsDims,
      space: p.space,
      laidOut: p.laidOut,
      epoch: p.epoch,
    },
  };
}

/**
 * Restores the saved session into the store; returns when it was saved, or null when there is
 * none. Throws when IndexedDB cannot be read.
 */
export async function restoreSession(store: Store<LabState>): Promise<Date | null> {
  const saved = await withStore<Saved | undefined>('readonly', (s) => s.get(KEY));
  const dataset = await withStore<Dataset | undefined>('readonly', (s) => s.get(DATASET_KEY));
  if (!saved || !dataset) return null;
  store.set((s) => ({
    dataset,
    summary: summarize(dataset),
    datasetStatus: 'ready',
    datasetMessage: null,
    embeddings: saved.embeddings,
    runs: saved.runs.map(normalizeRun),
    training: {
      ...s.training,
      ...saved.training,
      // Sessions saved by older versions lack newer settings and the test report.
      config: { ...DEFAULT_CONFIG, ...saved.training.config },
      test: saved.training.test ?? null,
      history: saved.training.history.map((h) => ({ ...h, split: h.split ?? 'test' })),
      status: saved.training.history.length ? 'done' : 'idle',
      epoch: saved.training.history.at(-1)?.epoch ?? 0,
      epochsTotal: saved.training.history.at(-1)?.epoch ?? saved.training.config.epochs,
    },
    projection: {
      ...s.projection,
      ...saved.projection,
      status: saved.projection.coords ? 'done' : 'idle',
    },
  }));
  return new Date(saved.savedAt);
}

/** About how many bytes a data set takes in storage: its arrays, and 2 bytes a character of ids. */
export function datasetBytes(d: Dataset): number {
  const arrays = [
    d.user,
    d.item,
    d.rating,
    d.timestamp,
    d.itemFeatures.values,
    d.userFeatures.values,
  ];
  const text = (xs: string[]) => xs.reduce((n, x) => n + 2 * x.length + 16, 0);
  return (
    arrays.reduce((n, a) => n + (a?.byteLength ?? 0), 0) +
    text(d.userIds) +
    text(d.itemIds) +
    text(d.itemLabels)
  );
}

/**
 * Why `bytes` will not fit the browser's storage (`navigator.storage.estimate()`: quota and
 * usage), or null when they fit or the browser does not say. Asked before writing, so a data
 * set larger than the quota is not half-written first.
 */
export function storageShortfall(
  bytes: number,
  estimate: { quota?: number; usage?: number } | null,
): string | null {
  if (!estimate?.quota) return null;
  const free = estimate.quota - (estimate.usage ?? 0);
  if (bytes < free) return null;
  const mb = (n: number) => `${Math.round(n / 2 ** 20).toLocaleString('en-US')} MB`;
  return `the data set needs about ${mb(bytes)} and the browser's storage has ${mb(free)} free`;
}

/**
 * Saves the session whenever what it holds changes (after changes settle). Returns a stop
 * function. `onError` hears the first failure only (e.g. the quota), once.
 */
export function keepSession(
  store: Store<LabState>,
  onError: (message: string) => void,
): () => void {
  let timer = 0;
  let failed = false;
  let last: unknown[] = [];
  const watched = (s: LabState) => [
    s.dataset,
    s.embeddings,
    s.runs,
    s.training.config,
    s.training.history,
    s.projection.coords,
    s.projection.method,
    s.projection.dims,
  ];
  let savedDataset: Dataset | null = null;
  const save = () => {
    timer = 0;
    const s = store.get();
    const dataset = s.dataset;
    if (!dataset || failed) return;
    // The data set (possibly hundreds of MB) is written when it changes, not every epoch, and
    // only when the browser says it fits.
    const writeDataset =
      dataset === savedDataset
        ? Promise.resolve()
        : (navigator.storage?.estimate?.() ?? Promise.resolve(null))
            .catch(() => null)
            .then((estimate) => {
              const shortfall = storageShortfall(datasetBytes(dataset), estimate);
              if (shortfall) throw new Error(shortfall);
              return withStore('readwrite', (os) => os.put(dataset, DATASET_KEY));
            })
            .then(() => {
              savedDataset = dataset;
            });
    writeDataset
      .then(() => withStore('readwrite', (os) => os.put(toSaved(s), KEY)))
      .catch((e: unknown) => {
        failed = true;
        const why = e instanceof Error ? e.message : String(e);
        onError(`The session cannot be kept in this browser (${why}); the app works without it.`);
      });
  };
  return store.subscribe(() => {
    const now = watched(store.get());
    if (now.every((v, k) => v === last[k])) return;
    last = now;
    if (!timer) timer = window.setTimeout(save, SAVE_DELAY_MS);
  });
}
