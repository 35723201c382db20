/**
 * Recalibration (the page's "Recalibrate" button): the engines' calibration run again for the
 * current model and data, without training. The hook's kept measurements of this case are
 * forgotten first, so a machine that got busier or freer since the last run is measured as it
 * is now.
 */
import type { EngineHook } from './choose';
import type { EngineMeasurement, EngineName } from './types';
import type { TrainConfig } from '../training/config';
import { validateConfig } from '../training/config';
import { prepareExperiment } from '../training/experiment';
import type { TrainingDataPayload } from '../training/session-messages';

export interface Calibration {
  /** The engine Automatic would take now. */
  engine: EngineName;
  /** Every candidate with its fresh rows a second (null where it cannot train the model). */
  engines: EngineMeasurement[];
}

/** Measures every engine on the data as a run would split it; throws on bad settings. */
export async function calibrate(
  hook: EngineHook,
  payload: TrainingDataPayload,
  requested: TrainConfig,
): Promise<Calibration> {
  const problems = validateConfig(requested);
  if (problems.length) throw new Error(`Invalid settings: ${problems.join('; ')}`);
  // The same training part and feedback a run of these settings would train on.
  const { data, feedback } = prepareExperiment(payload, requested);
  const config = { ...requested, feedback };
  hook.forget?.(data, config);
  const choice = await hook.create(data, config, 'auto');
  choice.trainer.dispose();
  return { engine: choice.engine, engines: choice.engines };
}
