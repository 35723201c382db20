/**
 * The session kept in IndexedDB: the data set, the settings, the latest finished epoch's
 * embeddings and metric history, the runs table and the layout, and while a run trains its last
 * finished epoch's parameters (to resume it). Reopening the page restores it ("Restored ... from
 * <date>", with "Start fresh"); a run interrupted mid-training comes back resumable. Typed arrays
 * are stored as they are (structured clone). When it is written is durable.ts's business.
 */
import { summarize } from '../core/data/summary';
import type { LabState } from './lab-state';
import type { Store } from './store';
import { normalizeRun } from './runs';
import { DEFAULT_CONFIG } from '../core/training/config';
import type { Dataset } from '../core/data/types';
import type { TrainerState } from '../core/training/trainer-state';
import type { InterruptedRun } from './durable-state';

import { SEQUENCE_KEY, STORE, getValue, openDatabase } from '../worker/durable/database';
export { STORE, openDatabase };
/** The session's state, and its data set apart (written only when the data set changes). */
export const SESSION_KEY = 'last';
export const DATASET_KEY = 'dataset';

export type Saved = Pick<LabState, 'embeddings' | 'runs'> & {
  savedAt: number;
  /** Whether a run was training when this was written (then `checkpoint` resumes it). */
  running?: boolean;
  checkpoint?: TrainerState | null;
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

async function withStore<T>(
  mode: IDBTransactionMode,
  run: (s: IDBObjectStore) => IDBRequest<T>,
): Promise<T> {
  const db = await openDatabase();
  try {
    return await request(run(db.transaction(STORE, mode).objectStore(STORE)));
  } finally {
    db.close();
  }
}

export async function clearSession(): Promise<void> {
  // A session write still on its way (the writer worker's) is older than now: it is skipped.
  const now = performance.timeOrigin + performance.now();
  await withStore('readwrite', (s) => s.put(now, SEQUENCE_KEY));
  await withStore('readwrite', (s) => s.delete(SESSION_KEY));
  await withStore('readwrite', (s) => s.delete(DATASET_KEY));
  // The large arrays' parts (database.ts).
  await withStore('readwrite', (s) =>
    s.delete(IDBKeyRange.bound(`${DATASET_KEY}#`, `${DATASET_KEY}#\uffff`)),
  );
  await withStore('readwrite', (s) =>
    s.delete(IDBKeyRange.bound(`${SESSION_KEY}#`, `${SESSION_KEY}#\uffff`)),
  );
}

/** What a saved session restores (while training: the last finished epoch, resumable). */
export function toSaved(s: LabState): Saved {
  const t = s.training;
  const p = s.projection;
  const running = t.status === 'running' || t.status === 'paused';
  return {
    savedAt: Date.now(),
    running,
    checkpoint: running && !t.tuning && !t.folds ? s.durable.checkpoint : null,
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

/** The run a session saved mid-training left, resumable when its last epoch's parameters are kept. */
export function interruptedRun(saved: Saved): InterruptedRun | null {
  const state = saved.checkpoint;
  if (!saved.running || !state) return null;
  const config = { ...DEFAULT_CONFIG, ...saved.training.config };
  const last = saved.training.history.at(-1)?.epoch ?? 0;
  return {
    epoch: Math.max(last, state.epoch),
    resumeFrom: state.epoch,
    epochs: config.epochs,
    config,
    state,
  };
}

/**
 * Restores the saved session into the store; returns when it was saved, or null when there is
 * none. Throws when IndexedDB cannot be read.
 */
export async function restoreSession(store: Store<LabState>): Promise<Date | null> {
  const db = await openDatabase();
  let saved: Saved | undefined;
  let dataset: Dataset | undefined;
  try {
    saved = await getValue<Saved>(db, SESSION_KEY);
    dataset = await getValue<Dataset>(db, DATASET_KEY);
  } finally {
    db.close();
  }
  if (!saved || !dataset) return null;
  const interrupted = interruptedRun(saved);
  const last = saved.training.history.at(-1)?.epoch ?? 0;
  store.set((s) => ({
    durable: { ...s.durable, interrupted },
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
      // An interrupted run is stopped, with Resume on the page; a finished one is done.
      status: interrupted ? 'stopped' : saved.training.history.length ? 'done' : 'idle',
      epoch: last,
      epochsTotal: interrupted ? interrupted.epochs : last || saved.training.config.epochs,
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
