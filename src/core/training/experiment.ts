/**
 * From a data set and settings to what a trainer needs: the feedback the model trains on, the
 * rows kept (binarised for implicit feedback), the seeded split, and the items ranked in the
 * held-out evaluation. Pure typed-array code, shared by the training worker and the benchmarks.
 */
import {
  coldStartSplit,
  randomSplit,
  take,
  temporalSplit,
  type Fold,
  type Split,
} from '../data/split';
import type { TestSet } from '../data/test-set';
import type { FeatureTable, InteractionKind, Timestamps } from '../data/types';
import type { Interactions } from '../data/types';
import { MODELS, type ModelSetting } from '../models/catalog';
import { userDayIds } from '../models/day-bias';
import type { TrainConfig } from './config';
import type { TrainData } from './trainer';
import type { HeldOutRows } from './protocol';
import { concatIndices, concatTimestamps, implicitRows, testFilePart } from './test-file-part';
export { EarlyStopping } from './protocol';

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
  /**
   * A second file's rows mapped onto these ids (see data/test-set.ts): the test part of the
   * 'test-file' split. Absent or null: the data set has none.
   */
  testSet?: TestSet | null;
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
  /**
   * Validation rows whose user or item has no training row left (the model has only its initial
   * vector for them): said on the page, as a cold-start split says its held-out entities.
   */
  validationUnseen: number;
}

/**
 * The run's data: rows kept for its feedback, then the test part (the split's, or with `fold`
 * that fold's block of a k-fold partition of the rows, items or users), then the validation part
 * carved from the rest.
 */
export function prepareExperiment(d: ExperimentData, config: TrainConfig, fold?: Fold): Experiment {
  const feedback = effectiveFeedback(config.model, config, d.kind);
  let { user, item, rating, timestamp } = d;
  let dropped = 0;
  // Implicit: every kept row is one positive interaction; explicit rows rated below the
  // threshold are not interactions the person wants recommended, so they go.
  const threshold = d.kind === 'explicit' ? config.binarizeAt : 0;
  // Checked before anything is computed: a missing test file is what the person must fix.
  const fileTest =
    config.split === 'test-file' ? testFilePart(d.testSet, feedback, threshold, fold) : null;
  if (feedback === 'implicit') {
    const rows = implicitRows(rating, threshold);
    dropped = rating.length - rows.length;
    if (!rows.length)
      throw new Error(
        `no interaction is rated ${threshold} or more: lower the binarisation threshold`,
      );
    user = take(user, rows);
    item = take(item, rows);
    rating = new Float32Array(rows.length).fill(1);
    timestamp = timestamp && take(timestamp, rows);
  }
  let split: Split;
  let candidates: Int32Array | null = null;
  switch (config.split) {
    case 'random':
      split = randomSplit(rating.length, config.testFraction, config.seed, fold);
      break;
    case 'temporal':
      if (!timestamp)
        throw new Error('the temporal split needs timestamps, and this data set has none');
      if (fold)
        throw new Error(
          'the temporal split holds out each user’s latest rows, which cannot be cut into folds: choose a random or cold-start split for cross-validation',
        );
      split = temporalSplit(user, timestamp, d.users, temporalHoldOut(config.testFraction));
      break;
    case 'cold-items': {
      const s = coldStartSplit(item, d.items, config.testFraction, config.seed, false, fold);
      split = s;
      // Held-out items are ranked against each other: they are what the model has never seen.
      candidates = s.heldOut;
      break;
    }
    case 'cold-users':
      split = coldStartSplit(user, d.users, config.testFraction, config.seed, false, fold);
      break;
    case 'test-file':
      // Every loaded row trains (less the validation part); the test part is the file's.
      split = { train: Int32Array.from(rating, (_, k) => k), test: new Int32Array(0) };
      break;
  }
  if (!split.train.length) throw new Error('the split leaves no training rows');
  // The validation part is carved from the training part the way the test part was carved from
  // the whole, so that what picks the epoch looks like what reports it.
  const carved = carveValidation(split.train, { user, item, timestamp }, d, config);
  const trainRows = carved ? carved.train : split.train;
  if (!trainRows.length) throw new Error('the validation part leaves no training rows');
  // timeSVD++'s bias per user-day: ids over all rows (a test file's too), so a held-out rating
  // on a day the user also rated in training reads that day's bias.
  const fileTime = fileTest ? fileTest.timestamp : null;
  const days =
    feedback === 'explicit' &&
    config.dayBias &&
    timestamp &&
    (!fileTest || fileTime) &&
    readsSetting(config.model, 'dayBias')
      ? fileTest && fileTime
        ? userDayIds(concatIndices(user, fileTest.user), concatTimestamps(timestamp, fileTime))
        : userDayIds(user, timestamp)
      : null;
  const testDays = days && (fileTest ? days.ids.slice(rating.length) : take(days.ids, split.test));
  const pick = (rows: Int32Array): Interactions => ({
    user: take(user, rows),
    item: take(item, rows),
    rating: take(rating, rows),
  });
  const train = pick(trainRows);
  const validation: HeldOutRows | null = carved && {
    ...pick(carved.validation),
    candidates: carved.candidates,
    userDay: days && take(days.ids, carved.validation),
  };
  return {
    feedback,
    droppedBelowThreshold: dropped,
    validationUnseen: validation ? unseenRows(train, validation, d.users, d.items) : 0,
    data: {
      users: d.users,
      items: d.items,
      train,
      test: fileTest
        ? { user: fileTest.user, item: fileTest.item, rating: fileTest.rating }
        : pick(split.test),
      validation,
      ratingMin: feedback === 'implicit' ? 1 : d.ratingMin,
      ratingMax: feedback === 'implicit' ? 1 : d.ratingMax,
      itemFeatures: d.itemFeatures,
      userFeatures: d.userFeatures,
      candidates,
      userDay: days &&
        testDays && {
          count: days.count,
          train: take(days.ids, trainRows),
          test: testDays,
        },
    },
  };
}

/** Whether `model` reads `setting` (the catalogue's list). */
export function readsSetting(model: string, setting: ModelSetting): boolean {
  return !!MODELS.find((m) => m.name === model)?.settings.includes(setting);
}

/**
 * The validation part of a training part (`train`: row indices, ascending), carved the way the
 * split carves the test part: random rows, each user's next-to-last interactions, or a share of
 * the training part's items or users. Null when the validation fraction is 0.
 */
function carveValidation(
  train: Int32Array,
  columns: { user: Int32Array; item: Int32Array; timestamp: Timestamps | null },
  d: Pick<ExperimentData, 'users' | 'items'>,
  config: TrainConfig,
): { train: Int32Array; validation: Int32Array; candidates: Int32Array | null } | null {
  const fraction = config.validationFraction;
  if (!(fraction > 0)) return null;
  // A seed of its own, so the validation rows do not repeat the test part's shuffle.
  const seed = (config.seed ^ 0x5bd1e995) >>> 0;
  const rows = (s: Split) => ({ train: take(train, s.train), validation: take(train, s.test) });
  switch (config.split) {
    case 'random':
    case 'test-file':
      return { ...rows(randomSplit(train.length, fraction, seed)), candidates: null };
    case 'temporal':
      return {
        ...rows(
          temporalSplit(
            take(columns.user, train),
            take(columns.timestamp!, train),
            d.users,
            temporalHoldOut(fraction),
          ),
        ),
        candidates: null,
      };
    case 'cold-items':
    case 'cold-users': {
      const items = config.split === 'cold-items';
      const entity = take(items ? columns.item : columns.user, train);
      const s = coldStartSplit(entity, items ? d.items : d.users, fraction, seed, true);
      return { ...rows(s), candidates: items ? s.heldOut : null };
    }
  }
}

/** Held-out rows whose user or item has no row in `train`. */
function unseenRows(train: Interactions, heldOut: Interactions, users: number, items: number) {
  const seenUser = new Uint8Array(users);
  const seenItem = new Uint8Array(items);
  for (let k = 0; k < train.user.length; k++) {
    seenUser[train.user[k]] = 1;
    seenItem[train.item[k]] = 1;
  }
  let n = 0;
  for (let k = 0; k < heldOut.user.length; k++)
    if (!seenUser[heldOut.user[k]] || !seenItem[heldOut.item[k]]) n++;
  return n;
}
