/**
 * The "Recalibrate" button's request and its answer as state: the training worker measures the
 * engines afresh for the current model and data (core/engines/calibrate.ts) and trains nothing.
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
): TrainingRequest {
  const test = config.split === 'test-file' ? testSet : null;
  return { type: 'calibrate', config, data: trainingPayload(dataset, test) };
}

/** The engine state after the answer: the fresh measurements, or the old ones on an error. */
export function calibrated(
  state: EngineState,
  e: Extract<TrainingEvent, { type: 'calibrated' }>,
): EngineState {
  if (e.error || e.engine === null) return { ...state, calibrating: false };
  return { ...state, engine: e.engine, engines: e.engines, calibrating: false };
}
