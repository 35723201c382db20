/**
 * The last prepared experiment (experiment.ts), kept in the training worker and reused while the
 * data set and the settings that shape the split stay the same: the calibration at start prepares
 * what Train then trains on, and a second run with another learning rate or dimension trains on
 * the same parts. At 25M rows the split, the validation part and the user-day ids took 7-10 s
 * and the bias baseline 2-3 s, before the first step of every run.
 *
 * A payload is the same data set when its `key` is (session-messages.ts: one per data set and
 * test file the page loaded); a payload without a key (the CLI, tests) is prepared each time.
 * One experiment is kept: a new one replaces it, so two never hold memory at once.
 */
import { prepareExperiment, type Experiment } from './experiment';
import type { Fold } from '../data/split';
import type { TrainConfig } from './config';
import type { TrainingDataPayload } from './session-messages';
import type { TrainData } from './train-data';
import type { HeldOutPart } from './protocol';
import type { RatingMetrics } from '../metrics/rating';
import { fitBiases, meanRating, predictBiases } from '../models/baseline';
import { heldOutView } from './protocol';
import { ratingMetrics } from '../metrics/rating';
import { effectiveFeedback, readsSetting } from './experiment';

/** The reference lines under a rating model's curves: the global mean and user + item biases. */
export interface RatingBaselines {
  globalMean: RatingMetrics;
  biases: RatingMetrics;
}

/** Every setting prepareExperiment reads, with the feedback it resolves to. */
function splitKey(payload: TrainingDataPayload, config: TrainConfig, fold?: Fold): string | null {
  if (payload.key === undefined) return null;
  const feedback = effectiveFeedback(config.model, config, payload.kind);
  return JSON.stringify([
    payload.key,
    feedback,
    config.binarizeAt,
    config.split,
    config.testFraction,
    config.validationFraction,
    config.seed,
    // Whether the run keeps a bias per user-day (experiment.ts).
    config.dayBias && readsSetting(config.model, 'dayBias'),
    fold ? [fold.index, fold.count] : null,
  ]);
}

export class PreparedExperiments {
  private last: {
    key: string;
    experiment: Experiment;
    baselines: Map<HeldOutPart, RatingBaselines>;
  } | null = null;

  /** The run's parts for these settings: the kept ones when they match, else prepared anew. */
  prepare(payload: TrainingDataPayload, config: TrainConfig, fold?: Fold): Experiment {
    const key = splitKey(payload, config, fold);
    if (key !== null && this.last?.key === key) return this.last.experiment;
    // Dropped before the new one is made, so that the two are never held at once.
    this.last = null;
    const experiment = prepareExperiment(payload, config, fold);
    if (key !== null) this.last = { key, experiment, baselines: new Map() };
    return experiment;
  }

  /** Whether `prepare` would return kept parts. */
  has(payload: TrainingDataPayload, config: TrainConfig, fold?: Fold): boolean {
    const key = splitKey(payload, config, fold);
    return key !== null && this.last?.key === key;
  }

  /** The rating baselines on `part` of `data` (kept with the experiment `data` came from). */
  baselines(data: TrainData, part: HeldOutPart): RatingBaselines {
    const kept = this.last?.experiment.data === data ? this.last.baselines : null;
    const known = kept?.get(part);
    if (known) return known;
    const computed = ratingBaselines(data, part);
    kept?.set(part, computed);
    return computed;
  }

  /** Forgets the kept experiment (its memory goes back at the next collection). */
  clear(): void {
    this.last = null;
  }
}

/** The global mean's and the user + item biases' metrics on `part`. */
export function ratingBaselines(data: TrainData, part: HeldOutPart): RatingBaselines {
  const mean = meanRating(data.train.rating);
  const clip = [data.ratingMin, data.ratingMax] as const;
  const biases = fitBiases(data.train, data.users, data.items);
  const { test: rows } = heldOutView(data, part);
  return {
    globalMean: ratingMetrics(
      new Float32Array(rows.rating.length).fill(mean),
      rows.rating,
      ...clip,
    ),
    biases: ratingMetrics(predictBiases(biases, rows.user, rows.item), rows.rating, ...clip),
  };
}
