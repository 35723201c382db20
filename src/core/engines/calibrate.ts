/**
 * Calibration without training: at start (the page measures the engines for the current model
 * and data while the person looks at the map, so Train starts on the chosen engine at once), and
 * the "Recalibrate" button, for which the hook's kept measurements of this case are forgotten
 * first, so a machine that got busier or freer since the last run is measured as it is now.
 */
import type { EngineChoice, EngineHook } from './choose';
import type { EngineMeasurement, EngineName } from './types';
import type { TrainConfig } from '../training/config';
import { validateConfig } from '../training/config';
import { PreparedExperiments } from '../training/prepared';
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
  {
    fresh = true,
    signal,
    prepared = new PreparedExperiments(),
  }: { fresh?: boolean; signal?: { cancelled: boolean }; prepared?: PreparedExperiments } = {},
): Promise<Calibration> {
  const problems = validateConfig(requested);
  if (problems.length) throw new Error(`Invalid settings: ${problems.join('; ')}`);
  // The same training part and feedback a run of these settings would train on, kept in
  // `prepared` for that run.
  const { data, feedback } = prepared.prepare(payload, requested);
  const config = { ...requested, feedback };
  if (fresh) hook.forget?.(data, config);
  let choice: Omit<EngineChoice, 'trainer'>;
  if (hook.measure) choice = await hook.measure(data, config, signal);
  else {
    const made = await hook.create(data, config, 'auto', signal);
    made.trainer.dispose();
    choice = made;
  }
  // The run's baselines too, while nobody waits (the reference lines of a model that predicts
  // ratings: every such model trains on explicit feedback).
  if (feedback === 'explicit') prepared.baselines(data, data.validation ? 'validation' : 'test');
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
    /** Where the calibrations' splits are kept for the runs that follow them. */
    private readonly prepared = new PreparedExperiments(),
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
          return calibrate(this.hook, payload, config, { fresh, signal, prepared: this.prepared });
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
