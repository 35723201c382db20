/**
 * A calibration's request and its answer as state: the training worker measures the engines for
 * the current model and data (core/engines/calibrate.ts) and trains nothing. The "Recalibrate"
 * button asks for fresh measurements; the calibration at start (auto-calibrate.ts) reuses the
 * worker's.
 */
import type { Dataset } from '../core/data/types';
import type { TrainConfig } from '../core/training/config';
import type { EngineState } from './lab-state';
import {
  trainingPayload,
  type TrainingEvent,
  type TrainingRequest,
} from '../worker/training/protocol';

/** The request: the data as a run would send it (the test file only with its split). */
export function calibrateRequest(
  dataset: Dataset,
  config: TrainConfig,
  testSet: Parameters<typeof trainingPayload>[1],
  fresh = true,
): TrainingRequest {
  const test = config.split === 'test-file' ? testSet : null;
  return { type: 'calibrate', config, data: trainingPayload(dataset, test), fresh };
}

/**
 * The engine state after the answer: the measurements, or the old ones on an error or when a
 * run cancelled it (the run's own 'engine' event follows).
 */
export function calibrated(
  state: EngineState,
  e: Extract<TrainingEvent, { type: 'calibrated' }>,
  /** Another calibration is still to answer. */
  more = false,
): EngineState {
  if (e.error || e.engine === null) return { ...state, calibrating: more };
  return { ...state, engine: e.engine, engines: e.engines, calibrating: more };
}
