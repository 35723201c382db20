/**
 * Training engines: what runs a model's steps. 'webgl' / 'webgpu' / 'cpu' are the tfjs Trainer on
 * that tfjs backend; 'cpu-parallel' is the typed-array kernel of the row models (row-kernel.ts)
 * in one worker per core over shared tables. Every engine is driven through `ModelTrainer`, so
 * the session, evaluation, snapshots and exports do not know which one runs.
 */
import type { RowState, RowShape } from './row-state';
import type { RowJob, RowParams } from './row-kernel';

export type EngineName = 'webgl' | 'webgpu' | 'cpu-parallel' | 'cpu';
export type EnginePreference = 'auto' | EngineName;

/** One candidate of the calibration (CONTRACT section 4: `training.engines`). */
export interface EngineMeasurement {
  engine: EngineName;
  /** Training rows a second over the calibration's timed steps; null when not measured. */
  rowsPerSecond: number | null;
  chosen: boolean;
  /** Why the engine was not measured or not chosen, or how it runs (e.g. one thread). */
  reason?: string;
}

/** Runs jobs of the row kernel on some threads over one RowState. */
export interface RowExecutor {
  readonly state: RowState;
  /** Threads that run a step at once. */
  readonly threads: number;
  /**
   * Runs the job's steps; resolves to the sum of their mean losses. `narrow`: on one thread,
   * every worker's part in turn (the same result: `runJobSerial`), leaving the other cores to
   * work that needs them for a while (the live map laying out).
   */
  run(job: RowJob, narrow?: boolean): Promise<number>;
  dispose(): void;
}

/** Makes an executor (and its memory) for a shape; `params` are fixed for the run. */
export type RowExecutorFactory = (shape: RowShape, params: RowParams) => Promise<RowExecutor>;
