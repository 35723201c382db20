/** The durable session's slice of the app state (durable.ts writes it; the banner shows it). */
import type { TrainConfig } from '../core/training/config';
import type { TrainerState } from '../core/training/trainer-state';
import type { TabRole } from './session-lock';

/** A run the last page left mid-training, resumable from its last finished epoch. */
export interface InterruptedRun {
  /** Epochs it finished (the stored parameters are this epoch's). */
  epoch: number;
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
