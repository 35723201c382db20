/**
 * Keeps the session in IndexedDB so that nothing finished is lost: each finished epoch (its
 * metrics, embeddings and parameters) and each finished run is handed to IndexedDB, in one
 * transaction, in the same tick the store shows it (a fast run's epochs at most once a second:
 * durable-state.ts, RUN_COMMIT_MS); other changes (settings, layouts) are written
 * a second after they settle, and at once when the page is hidden or closed. Only the tab that
 * holds the session's lock writes (session-lock.ts); another tab says so and may take it over.
 */
import type { Store } from './store';
import type { LabState } from './lab-state';
import type { Dataset } from '../core/data/types';
import type { TrainingEvent } from '../worker/training/protocol';
import { CommitQueue } from './commit-queue';
import { epochCommitDelay, settledWaitsForEpoch } from './durable-state';
import { SessionLock, type LockManagerLike } from './session-lock';
import { DurableWriterClient } from '../worker/durable/client';
import { putValue } from '../worker/durable/database';
import { mapViews } from '../worker/durable/map-views';
import {
  DATASET_KEY,
  SESSION_KEY,
  datasetBytes,
  openDatabase,
  restoreSession,
  storageShortfall,
  toSaved,
} from './persist';

/** Settings and layouts change many times a second while dragging: they are written once settled. */
const SETTLE_MS = 1000;
/** After a take-over the page reloads and takes the session, even if the old tab still holds it. */
const TAKE_OVER_FLAG = 'latent-lab-take-over';

/** What is written at once (a finished epoch or run), and what once settled. */
const urgent = (s: LabState) => [s.training.history, s.runs];
const settled = (s: LabState) => [
  s.dataset,
  s.embeddings,
  s.training.config,
  s.training.status,
  s.projection.coords,
  s.projection.method,
  s.projection.dims,
];

export class DurableSession {
  private readonly lock: SessionLock;
  private queue: CommitQueue<unknown> | null = null;
  private db: IDBDatabase | null = null;
  /** Serialises the sessions written while a run trains off the page (null: no Worker). */
  private writer: DurableWriterClient | null = null;
  private sequence = 0;
  private unsubscribe: (() => void) | null = null;
  private timer = 0;
  /** A fast run's epoch commit, held back (epochCommitDelay). */
  private epochTimer = 0;
  /** When an epoch's commit last started (performance.now()). */
  private lastEpochCommit = -Infinity;
  /** The typed arrays' bytes of the last session committed (its commit interval scales with it). */
  private lastCommitBytes = 0;
  /** Session writes posted to the writer worker and not yet answered. */
  private writerPending = 0;
  private savedDataset: Dataset | null = null;
  private lastUrgent: unknown[] = [];
  private lastSettled: unknown[] = [];

  constructor(
    private readonly store: Store<LabState>,
    private readonly onError: (message: string) => void,
    locks: LockManagerLike | null = typeof navigator !== 'undefined'
      ? ((navigator.locks as LockManagerLike | undefined) ?? null)
      : null,
  ) {
    this.lock = new SessionLock(locks, () => this.lost());
  }

  /** Restores the stored session (see persist.ts); null when there is none. */
  restore(): Promise<Date | null> {
    return restoreSession(this.store);
  }

  /** Takes the session (unless another tab holds it) and keeps it from now on. */
  async keep(): Promise<void> {
    const stolen = sessionStorage.getItem(TAKE_OVER_FLAG) === '1';
    sessionStorage.removeItem(TAKE_OVER_FLAG);
    const tab = await (stolen ? this.lock.takeOver() : this.lock.acquire());
    this.setDurable({ tab });
    if (tab === 'elsewhere') return;
    try {
      this.db = await openDatabase();
    } catch (e) {
      this.onError(
        `The session cannot be kept in this browser (${String(e)}); the app works without it.`,
      );
      return;
    }
    this.writer = DurableWriterClient.available() ? new DurableWriterClient() : null;
    this.queue = new CommitQueue(
      (key, value) => this.write(key, value),
      (e) =>
        this.onError(
          `The session cannot be kept in this browser (${e.message}); the app works without it.`,
        ),
    );
    this.unsubscribe = this.store.subscribe(() => this.changed());
    addEventListener('pagehide', this.hidden);
    document.addEventListener('visibilitychange', this.hidden);
    this.changed();
  }

  /** Another tab holds the session: take it (that tab stops keeping it) and reload with it. */
  takeOver(): void {
    sessionStorage.setItem(TAKE_OVER_FLAG, '1');
    location.reload();
  }

  /** The worker's events that concern storage: each epoch's parameters, and notices. */
  onTrainingEvent(e: TrainingEvent): void {
    if ((e.type === 'epoch' || e.type === 'checkpoint') && e.state)
      this.setDurable({ checkpoint: e.state });
    else if (e.type === 'notice') this.setDurable({ notice: e.message });
  }

  /** The map's WebGL context was lost (true) or restored (false): said as a status. */
  mapContext(lost: boolean): void {
    this.setDurable({
      notice: lost
        ? "The map's WebGL context was lost; the map is drawn again when the browser restores it (training and the session are not affected)."
        : "The map's WebGL context was lost and has been restored; the map is drawn again.",
    });
  }

  /** Resolves when everything asked for is stored. */
  flush(): Promise<void> {
    this.commitNow();
    return this.queue?.flush() ?? Promise.resolve();
  }

  /** Stops keeping the session (before it is cleared, or when another tab takes it). */
  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    clearTimeout(this.timer);
    this.timer = 0;
    clearTimeout(this.epochTimer);
    this.epochTimer = 0;
    removeEventListener('pagehide', this.hidden);
    document.removeEventListener('visibilitychange', this.hidden);
    this.queue = null;
    this.writer?.dispose();
    this.writer = null;
    this.db?.close();
    this.db = null;
    this.lock.dispose();
  }

  private lost(): void {
    this.stop();
    this.setDurable({ tab: 'taken-over' });
  }

  /**
   * The page is hidden or closing: what waits to settle is written now, and so is a session the
   * writer worker has not confirmed yet (a reload may stop the worker before it commits).
   */
  private readonly hidden = () => {
    if (
      (this.timer || this.epochTimer || this.writerPending > 0) &&
      (document.visibilityState === 'hidden' || !this.unsubscribe)
    )
      this.commitNow();
  };

  private changed(): void {
    const s = this.store.get();
    const now = urgent(s);
    const later = settled(s);
    const same = (a: unknown[], b: unknown[]) => a.every((v, k) => v === b[k]);
    if (!same(now, this.lastUrgent)) {
      this.lastUrgent = now;
      this.lastSettled = later;
      const wait = epochCommitDelay(
        s.training.status,
        this.lastEpochCommit,
        performance.now(),
        this.lastCommitBytes,
      );
      if (!wait) this.commitThisTick();
      else if (!this.epochTimer) this.epochTimer = window.setTimeout(() => this.commitNow(), wait);
    } else if (!same(later, this.lastSettled)) {
      this.lastSettled = later;
      if (settledWaitsForEpoch(s.training.status)) return;
      if (!this.timer) this.timer = window.setTimeout(() => this.commitNow(), SETTLE_MS);
    }
  }

  /**
   * Commits at the end of this task: the epochs handed on together (EventBatcher) change the
   * store several times in one task, and one write of the latest session covers them all.
   */
  private commitThisTick(): void {
    if (this.commitQueued) return;
    this.commitQueued = true;
    queueMicrotask(() => {
      this.commitQueued = false;
      this.commitNow();
    });
  }

  private commitQueued = false;

  /** Hands the session (and a new data set first) to IndexedDB now. */
  private commitNow(): void {
    clearTimeout(this.timer);
    this.timer = 0;
    clearTimeout(this.epochTimer);
    this.epochTimer = 0;
    this.lastEpochCommit = performance.now();
    const queue = this.queue;
    const s = this.store.get();
    const dataset = s.dataset;
    if (!queue || !dataset || queue.failed) return;
    if (dataset !== this.savedDataset) {
      this.savedDataset = dataset;
      // The data set (possibly hundreds of MB) is written when it changes, and only when the
      // browser says it fits; the session waits for it.
      const estimate = navigator.storage?.estimate?.() ?? Promise.resolve(null);
      queue.putAfter(
        DATASET_KEY,
        estimate
          .catch(() => null)
          .then((e) => {
            const shortfall = storageShortfall(datasetBytes(dataset), e);
            if (shortfall) throw new Error(shortfall);
            return dataset;
          }),
      );
    }
    const saved = toSaved(s);
    this.lastCommitBytes = viewBytes(saved);
    queue.put(SESSION_KEY, saved);
    const epoch = s.training.history.at(-1)?.epoch ?? 0;
    queue.flush().then(
      () => this.store.get().durable.savedEpoch !== epoch && this.setDurable({ savedEpoch: epoch }),
      () => undefined,
    );
  }

  /**
   * One transaction, started now (on the page, or posted now to the writer worker); resolves
   * when it is committed. While the page is shown the session (embeddings and checkpoint: tens
   * of MB at 1M rows, about 300 ms of structured clone) goes to the writer worker, a finished
   * run's too: written on the page, AutoRec's 41 MB session took 0.3-0.7 s of its main thread
   * at each change after the run (the test report, the final map, its quality). Anything
   * written while the page is hidden or closing is written here in this tick, and a session the
   * worker has not confirmed is written here again then (`hidden`), so that a reload right after
   * a run keeps it. Sequence numbers order the two writers.
   * A new data set goes to the writer worker too while the page is shown: its rows are shared
   * with the workers (shareRows) and pass without a copy, where the page itself took seconds to
   * copy 25M rows into IndexedDB's parts.
   */
  private write(key: string, value: unknown): Promise<void> {
    const db = this.db;
    if (!db) return Promise.reject(new Error('the database is closed'));
    const shown = document.visibilityState !== 'hidden';
    if (key !== SESSION_KEY) {
      const offPage = this.writer && shown && key === DATASET_KEY;
      return (offPage ? this.writer!.write(key, value) : putValue(db, key, value)).then(
        () => undefined,
      );
    }
    const sequence = this.nextSequence();
    if (!this.writer || !shown) return putValue(db, key, value, sequence).then(() => undefined);
    this.writerPending++;
    return this.writer
      .write(key, value, sequence)
      .then(() => undefined)
      .finally(() => this.writerPending--);
  }

  /** Above every earlier write's, also those of an earlier page (time since the epoch, in ms). */
  private nextSequence(): number {
    this.sequence = Math.max(this.sequence + 1e-3, performance.timeOrigin + performance.now());
    return this.sequence;
  }

  private setDurable(patch: Partial<LabState['durable']>): void {
    this.store.set((s) => ({ durable: { ...s.durable, ...patch } }));
  }
}

/** The bytes of the typed arrays in `value` (each counted once). */
function viewBytes(value: unknown): number {
  let bytes = 0;
  mapViews(value, (v) => {
    bytes += v.byteLength;
    return v;
  });
  return bytes;
}
