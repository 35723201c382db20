/**
 * Calibration without training: at start (the page measures the engines for the current model
 * and data while the person looks at the map, so Train starts on the chosen engine at once), and
 * the "Recalibrate" button, for which the hook's kept measurements of this case are forgotten
 * first, so a machine that got busier or freer since the last run is measured as it is now.
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

/**
 * Measures every engine on the data as a run would split it; throws on bad settings, and
 * CalibrationCancelledError when `signal.cancelled` is set before it ends. `fresh`: forget the
 * case's kept measurements first.
 */
export async function calibrate(
  hook: EngineHook,
  payload: TrainingDataPayload,
  requested: TrainConfig,
  { fresh = true, signal }: { fresh?: boolean; signal?: { cancelled: boolean } } = {},
): Promise<Calibration> {
  const problems = validateConfig(requested);
  if (problems.length) throw new Error(`Invalid settings: ${problems.join('; ')}`);
  // The same training part and feedback a run of these settings would train on.
  const { data, feedback } = prepareExperiment(payload, requested);
  const config = { ...requested, feedback };
  if (fresh) hook.forget?.(data, config);
  const choice = await hook.create(data, config, 'auto', signal);
  choice.trainer.dispose();
  return { engine: choice.engine, engines: choice.engines };
}
