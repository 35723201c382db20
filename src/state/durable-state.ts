/** The durable session's slice of the app state (durable.ts writes it; the banner shows it). */
import type { TrainConfig } from '../core/training/config';
import { CHECKPOINT_BYTES_PER_SECOND } from '../core/training/checkpoint-rate';
import type { TrainerState } from '../core/training/trainer-state';
import type { TabRole } from './session-lock';

/** A run the last page left mid-training, resumable from its last stored epoch. */
export interface InterruptedRun {
  /** Epochs it finished (its history's last). */
  epoch: number;
  /**
   * The epoch whose parameters are stored, where Resume goes on from: `epoch`, or an earlier one
   * when the run stores its checkpoint less often than every epoch (CHECKPOINT_BYTES_PER_SECOND).
   */
  resumeFrom: number;
  epochs: number;
  config: TrainConfig;
  state: TrainerState;
}

export interface DurableState {
  /** Whether this tab keeps the session (session-lock.ts); 'starting' until it is known. */
  tab: TabRole | 'starting';
  interrupted: InterruptedRun | null;
  /** The current run's last finished epoch, as typed arrays (what a reload resumes from). */
  checkpoint: TrainerState | null;
  /** The last epoch of the current run committed to storage (0: none yet). */
  savedEpoch: number;
  /** What the person should know that is not an error (e.g. the GPU context was lost). */
  notice: string | null;
}

export function initialDurable(): DurableState {
  return { tab: 'starting', interrupted: null, checkpoint: null, savedEpoch: 0, notice: null };
}

/**
 * Whether a settled change (a layout's progress, a setting) waits for the next finished epoch's
 * commit instead of being written on its own: while a run trains. Each write clones the whole
 * session on the main thread, the embeddings and the checkpoint included (tens of MB at 25M
 * rows), and the map sends a layout several times a second, so these writes blocked the page
 * for hundreds of milliseconds between epochs (issue 15). The epoch's commit writes the latest
 * layout too; when the run ends, its status change is written as before.
 */
export function settledWaitsForEpoch(status: string): boolean {
  return status === 'running';
}

/**
 * While a run trains, its finished epochs are committed at most this often: a run whose epochs
 * come faster (biased MF on the parallel CPU engine: an epoch of the sample in 15 ms) had the
 * page clone and store its whole session, checkpoint included, several times a second, taking
 * the cores its training needed (issue 15). A crash then loses under a second of training; an
 * epoch that takes longer than this is still committed as it finishes, and a run's end at once.
 */
export const RUN_COMMIT_MS = 1000;

/**
 * And at most this many bytes a second on average: each commit copies the session's arrays on
 * the page, and the writer worker and the browser's storage process clone and write them. For
 * AutoRec on the sample (a 21 MB map snapshot and a 20 MB checkpoint) committing every epoch took
 * 2.2 s of the page's main thread over a 15-epoch run (a CPU profile of `node bench/run.mjs
 * --app-only --app-models=autorec`) and kept the storage process busy, beside training's two
 * threads on a 2-core machine. The checkpoint's own rate (CHECKPOINT_BYTES_PER_SECOND) is the
 * same, so a commit rarely waits for one.
 */
export const RUN_COMMIT_BYTES_PER_SECOND = CHECKPOINT_BYTES_PER_SECOND;

/**
 * How long a finished epoch's commit waits: 0 now, else the rest of the run's commit interval,
 * RUN_COMMIT_MS or the time the last commit's `lastBytes` take at RUN_COMMIT_BYTES_PER_SECOND.
 */
export function epochCommitDelay(
  status: string,
  lastCommit: number,
  now: number,
  lastBytes = 0,
): number {
  if (status !== 'running') return 0;
  const interval = Math.max(RUN_COMMIT_MS, (lastBytes / RUN_COMMIT_BYTES_PER_SECOND) * 1000);
  return Math.max(0, lastCommit + interval - now);
}
