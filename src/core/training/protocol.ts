/**
 * The evaluation protocol, defined once for the session, the app, the CLI, the runs table and the
 * benchmarks: every choice (early stopping, the selected epoch, tuning) is made on the validation
 * part, and the test part is scored once, at the selected epoch, after training. With no
 * validation part nothing may be chosen: the run keeps its last epoch and early stopping is off.
 */
import type { Interactions } from '../data/types';
import type { RatingMetrics } from '../metrics/rating';
import type { RankingReport } from '../metrics/evaluate-ranking';
import type { TrainData } from './train-data';
export type { HeldOutRows } from './train-data';

/** The part of the data a metric was computed on. */
export type HeldOutPart = 'validation' | 'test';

/** Ranking metrics beyond the headline Recall@20 / NDCG@20 (at 10, and AUC). */
export interface RankingDetail {
  precision10: number;
  recall10: number;
  ndcg10: number;
  hitRate10: number;
  map10: number;
  mrr10: number;
  coverage10: number;
  auc: number | null;
  /**
   * Users ranked, of `usersWithHeldOut` (those with held-out items); fewer when a large data set's
   * users were sampled (`evaluateRanking`), then with the sample's `sampleSeed`. Absent in
   * reports stored by older versions.
   */
  users?: number;
  usersWithHeldOut?: number;
  sampleSeed?: number;
}

/** Held-out metrics of one evaluation (rating metrics, ranking metrics, or both). */
export interface HeldOutMetrics {
  rmse?: number;
  mae?: number;
  /** Ranking over the candidate items, seen items excluded (CONTRACT: at k = 20). */
  recallAtK?: number;
  ndcgAtK?: number;
  k?: number;
  ranking?: RankingDetail;
}

/** The test part scored once at the selected epoch (CONTRACT: `snapshot().training.test`). */
export interface TestReport extends HeldOutMetrics {
  /** The epoch whose model was scored: the best on validation, or the last without one. */
  epoch: number;
  auc?: number;
  /** Test rows scored. */
  rows: number;
}

/** The ranking cut-off of the headline ranking metrics. */
export const RANKING_K = 20;

/** A ranking report as the held-out metrics the history and the test report carry. */
export function rankingMetrics(r: RankingReport): HeldOutMetrics {
  return {
    k: RANKING_K,
    recallAtK: r.at[RANKING_K].recall,
    ndcgAtK: r.at[RANKING_K].ndcg,
    ranking: {
      precision10: r.at[10].precision,
      recall10: r.at[10].recall,
      ndcg10: r.at[10].ndcg,
      hitRate10: r.at[10].hitRate,
      map10: r.metrics.map,
      mrr10: r.metrics.mrr,
      coverage10: r.metrics.coverage,
      auc: Number.isNaN(r.metrics.auc) ? null : r.metrics.auc,
      users: r.usersEvaluated,
      usersWithHeldOut: r.usersWithHeldOut,
      ...(r.sampleSeed !== null && { sampleSeed: r.sampleSeed }),
    },
  };
}

/** The held-out metrics of one evaluation: rating metrics and / or a ranking report. */
export function heldOutMetrics(
  rating: Partial<RatingMetrics> | null,
  ranking: RankingReport | null,
): HeldOutMetrics {
  return {
    ...(rating?.rmse !== undefined && { rmse: rating.rmse }),
    ...(rating?.mae !== undefined && { mae: rating.mae }),
    ...(ranking && rankingMetrics(ranking)),
  };
}

/** The test report from the selected epoch's test metrics. */
export function testReport(epoch: number, rows: number, m: HeldOutMetrics): TestReport {
  const auc = m.ranking?.auc;
  return { epoch, rows, ...m, ...(auc !== null && auc !== undefined && { auc }) };
}

/**
 * The validation score (higher is better) a run is selected and stopped by: -RMSE for models
 * that predict ratings, Recall@20 for ranking models. Undefined when the entry lacks it.
 */
export function validationScore(m: HeldOutMetrics, predictsRatings: boolean): number | undefined {
  const v = predictsRatings ? m.rmse : m.recallAtK;
  if (v === undefined || !Number.isFinite(v)) return undefined;
  return predictsRatings ? -v : v;
}

/**
 * The selected epoch of a run's history: the earliest epoch with the best validation score, or
 * the last epoch when the history was not computed on a validation part (nothing may be chosen on
 * test). Null for an empty history.
 */
export function selectedEpoch<E extends HeldOutMetrics & { epoch: number; split?: HeldOutPart }>(
  history: readonly E[],
  predictsRatings: boolean,
): E | null {
  if (!history.length) return null;
  const last = history[history.length - 1];
  if (last.split !== 'validation') return last;
  let best: E | null = null;
  let bestScore = -Infinity;
  for (const e of history) {
    const s = validationScore(e, predictsRatings);
    if (s !== undefined && s > bestScore) {
      best = e;
      bestScore = s;
    }
  }
  return best ?? last;
}

/**
 * Early stopping on the validation score (higher is better): `done` once `patience` epochs in a
 * row have not beaten the best. Off when patience is 0; `improved` says whether the last score
 * was a new best (the session keeps that epoch's model for the test report).
 */
export class EarlyStopping {
  best = -Infinity;
  bestEpoch = 0;
  improved = false;
  private epochs = 0;

  constructor(private readonly patience: number) {}

  done(score: number): boolean {
    this.epochs++;
    this.improved = score > this.best;
    if (this.improved) {
      this.best = score;
      this.bestEpoch = this.epochs;
    }
    return this.patience > 0 && this.epochs - this.bestEpoch >= this.patience;
  }
}

/** The data as the trainers' evaluation reads it for one part (`heldOutView`). */
export interface HeldOutView extends TrainData {
  /**
   * The interactions the part's ranking excludes, as they are (not concatenated: at 25M rows a
   * copy costs seconds): the training rows, and for the test part the validation rows too.
   */
  known: Interactions[];
}

/**
 * The data as the trainers' evaluation reads it for one part: `test` holds the part's rows,
 * `candidates` and `userDay.test` the part's, and `known` the interactions excluded from its
 * ranking (the training rows; for the test part also the validation rows, which are known
 * interactions, not recommendations). Throws for a validation part the run does not have.
 */
export function heldOutView(data: TrainData, part: HeldOutPart): HeldOutView {
  const v = data.validation;
  if (part === 'test') return { ...data, known: v ? [data.train, v] : [data.train] };
  if (!v) throw new Error('this run has no validation part');
  return {
    ...data,
    test: v,
    candidates: v.candidates,
    userDay: data.userDay && { ...data.userDay, test: v.userDay ?? new Int32Array(0) },
    known: [data.train],
  };
}

/** The metrics a k-fold summary averages. */
const FOLD_METRICS = ['rmse', 'mae', 'recallAtK', 'ndcgAtK', 'auc'] as const;
export type FoldMetric = (typeof FOLD_METRICS)[number];

/** k-fold cross-validation's result (CONTRACT: `snapshot().training.folds`). */
export interface FoldSummary {
  k: number;
  /** Folds finished. */
  done: number;
  /** Per metric the folds have: the mean and the sample standard deviation (0 for one fold). */
  mean: Partial<Record<FoldMetric, number>>;
  sd: Partial<Record<FoldMetric, number>>;
}

/** Mean and sample standard deviation of each metric over the folds' test reports. */
export function foldSummary(k: number, reports: readonly TestReport[]): FoldSummary {
  const mean: FoldSummary['mean'] = {};
  const sd: FoldSummary['sd'] = {};
  for (const m of FOLD_METRICS) {
    const xs = reports.map((r) => r[m]).filter((x): x is number => Number.isFinite(x));
    if (!xs.length) continue;
    const mu = xs.reduce((a, b) => a + b, 0) / xs.length;
    mean[m] = mu;
    sd[m] =
      xs.length > 1 ? Math.sqrt(xs.reduce((a, x) => a + (x - mu) ** 2, 0) / (xs.length - 1)) : 0;
  }
  return { k, done: reports.length, mean, sd };
}
