/**
 * From a data set and settings to what a trainer needs: the feedback the model trains on, the
 * rows kept (binarised for implicit feedback), the seeded split, and the items ranked in the
 * held-out evaluation. Pure typed-array code, shared by the training worker and the benchmarks.
 */
import { coldStartSplit, randomSplit, take, temporalSplit, type Split } from '../data/split';
import type { FeatureTable, InteractionKind, Timestamps } from '../data/types';
import type { Interactions } from '../models/baseline';
import { MODELS, type ModelSetting } from '../models/catalog';
import { userDayIds } from '../models/day-bias';
import type { TrainConfig } from './config';
import type { TrainData } from './trainer';

/** A data set's interactions with dense indices, and its metadata features. */
export interface ExperimentData {
  users: number;
  items: number;
  user: Int32Array;
  item: Int32Array;
  rating: Float32Array;
  /** Per-row timestamps, or null when the file has none (the temporal split needs them). */
  timestamp: Timestamps | null;
  kind: InteractionKind;
  ratingMin: number;
  ratingMax: number;
  itemFeatures: FeatureTable;
  userFeatures: FeatureTable;
}

/**
 * The feedback a model trains on: implicit for implicit-only models and implicit data, explicit
 * for explicit-only models, else the person's choice.
 */
export function effectiveFeedback(
  model: string,
  config: Pick<TrainConfig, 'feedback'>,
  kind: InteractionKind,
): 'explicit' | 'implicit' {
  const info = MODELS.find((m) => m.name === model);
  if (!info) throw new Error(`unknown model "${model}"`);
  if (!info.kinds.includes('explicit')) return 'implicit';
  if (kind === 'implicit') {
    if (!info.kinds.includes('implicit'))
      throw new Error(`${info.label} needs ratings; this data set has none (implicit data)`);
    return 'implicit';
  }
  if (!info.kinds.includes('implicit')) return 'explicit';
  return config.feedback;
}

/** The temporal split's leave-last-n-out: n = round(10 x test fraction), 2 at the default 0.2. */
export const temporalHoldOut = (testFraction: number) => Math.max(1, Math.round(testFraction * 10));

export interface Experiment {
  data: TrainData;
  feedback: 'explicit' | 'implicit';
  /** Rows dropped by binarisation (rated below `binarizeAt`). */
  droppedBelowThreshold: number;
}

export function prepareExperiment(d: ExperimentData, config: TrainConfig): Experiment {
  const feedback = effectiveFeedback(config.model, config, d.kind);
  let { user, item, rating, timestamp } = d;
  let dropped = 0;
  if (feedback === 'implicit') {
    // Implicit: every kept row is one positive interaction; explicit rows rated below the
    // threshold are not interactions the person wants recommended, so they go.
    const t = d.kind === 'explicit' ? config.binarizeAt : 0;
    const keep: number[] = [];
    for (let k = 0; k < rating.length; k++) if (!(t > 0) || rating[k] >= t) keep.push(k);
    dropped = rating.length - keep.length;
    if (!keep.length)
      throw new Error(`no interaction is rated ${t} or more: lower the binarisation threshold`);
    const rows = Int32Array.from(keep);
    user = take(user, rows);
    item = take(item, rows);
    rating = new Float32Array(rows.length).fill(1);
    timestamp = timestamp && take(timestamp, rows);
  }
  let split: Split;
  let candidates: Int32Array | null = null;
  switch (config.split) {
    case 'random':
      split = randomSplit(rating.length, config.testFraction, config.seed);
      break;
    case 'temporal':
      if (!timestamp)
        throw new Error('the temporal split needs timestamps, and this data set has none');
      split = temporalSplit(user, timestamp, d.users, temporalHoldOut(config.testFraction));
      break;
    case 'cold-items': {
      const s = coldStartSplit(item, d.items, config.testFraction, config.seed);
      split = s;
      // Held-out items are ranked against each other: they are what the model has never seen.
      candidates = s.heldOut;
      break;
    }
    case 'cold-users':
      split = coldStartSplit(user, d.users, config.testFraction, config.seed);
      break;
  }
  if (!split.train.length) throw new Error('the split leaves no training rows');
  // timeSVD++'s bias per user-day: ids over all rows, so a held-out rating on a day the user
  // also rated in training reads that day's bias.
  const days =
    feedback === 'explicit' && config.dayBias && timestamp && readsSetting(config.model, 'dayBias')
      ? userDayIds(user, timestamp)
      : null;
  const pick = (rows: Int32Array): Interactions => ({
    user: take(user, rows),
    item: take(item, rows),
    rating: take(rating, rows),
  });
  return {
    feedback,
    droppedBelowThreshold: dropped,
    data: {
      users: d.users,
      items: d.items,
      train: pick(split.train),
      test: pick(split.test),
      ratingMin: feedback === 'implicit' ? 1 : d.ratingMin,
      ratingMax: feedback === 'implicit' ? 1 : d.ratingMax,
      itemFeatures: d.itemFeatures,
      userFeatures: d.userFeatures,
      candidates,
      userDay: days && {
        count: days.count,
        train: take(days.ids, split.train),
        test: take(days.ids, split.test),
      },
    },
  };
}

function readsSetting(model: string, setting: ModelSetting): boolean {
  return !!MODELS.find((m) => m.name === model)?.settings.includes(setting);
}

/**
 * Early stopping on the validation metric (higher is better): done once `patience` epochs in a
 * row have not beaten the best. Off when patience is 0.
 */
export class EarlyStopping {
  best = -Infinity;
  bestEpoch = 0;
  private epochs = 0;

  constructor(private readonly patience: number) {}

  done(score: number): boolean {
    this.epochs++;
    if (score > this.best) {
      this.best = score;
      this.bestEpoch = this.epochs;
    }
    return this.patience > 0 && this.epochs - this.bestEpoch >= this.patience;
  }
}
