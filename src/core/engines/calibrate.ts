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
import type { TrainingDataPayload, TrainingEvent } from '../training/session-messages';
import { CalibrationCancelledError, droppedStepsSettled } from './choose';

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
  await droppedStepsSettled(signal);
  return { engine: choice.engine, engines: choice.engines };
}

/**
 * The training worker's calibrations, one measuring at a time: a newer request cancels the one
 * measuring (its case is out of date: the settings or data changed, or fresh measurements were
 * asked for) and follows it; `cancel()` (a run asked for) stops the current one. Every request
 * is answered with one 'calibrated' event: the engines, an error, or `cancelled`.
 */
export class Calibrations {
  private current: { signal: { cancelled: boolean }; done: Promise<void> } | null = null;

  constructor(
    private readonly hook: EngineHook,
    private readonly post: (e: TrainingEvent) => void,
  ) {}

  get busy(): boolean {
    return this.current !== null;
  }

  request(payload: TrainingDataPayload, config: TrainConfig, fresh: boolean): void {
    const signal = { cancelled: false };
    const before = this.cancel();
    const entry = {
      signal,
      done: before
        .then(() => {
          if (signal.cancelled) throw new CalibrationCancelledError();
          return calibrate(this.hook, payload, config, { fresh, signal });
        })
        .then((c) => this.post({ type: 'calibrated', ...c }))
        .catch((e: unknown) =>
          this.post({
            type: 'calibrated',
            engine: null,
            engines: [],
            ...(e instanceof CalibrationCancelledError
              ? { cancelled: true }
              : { error: e instanceof Error ? e.message : String(e) }),
          }),
        )
        .finally(() => {
          if (this.current === entry) this.current = null;
        }),
    };
    this.current = entry;
  }

  /** Cancels the calibration measuring (if any); resolves when it has stopped. */
  cancel(): Promise<void> {
    if (!this.current) return Promise.resolve();
    this.current.signal.cancelled = true;
    return this.current.done;
  }

  /** Resolves when no calibration is measuring. */
  async settled(): Promise<void> {
    while (this.current) await this.current.done;
  }
}
