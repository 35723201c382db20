/**
 * The runs table's rows, shared by the app (src/state/training-controller.ts) and the CLI (src/cli/): this module
 * creates no worker, so Node can import it.
 */
import type { RunRecord, TrainingState } from './lab-state';
import { foldSummary, selectedEpoch } from '../core/training/protocol';
import { DEFAULT_CONFIG } from '../core/training/config';

/** What a run's row is made from: the training state, or the CLI's record of its run. */
export type RunOf = Pick<
  TrainingState,
  'model' | 'config' | 'userDays' | 'predictsRatings' | 'history' | 'test'
> &
  Partial<Pick<TrainingState, 'folds'>> & {
    feedback: 'explicit' | 'implicit';
  };

/**
 * The runs-table row of a run: every metric from the test part at the selected epoch (one
 * epoch for the whole row), and the time per epoch. A k-fold run's row holds the folds' means
 * (its curves and selected epoch are the last fold's) and each fold's report.
 */
export function summarizeRun(
  id: number,
  t: RunOf,
  dataset: string,
  status: 'done' | 'stopped',
): RunRecord {
  const h = t.history;
  const folds = t.folds?.reports.length
    ? { ...foldSummary(t.folds.k, t.folds.reports), reports: t.folds.reports }
    : undefined;
  const test = t.test;
  const m = folds?.mean;
  return {
    id,
    model: t.model,
    config: t.config,
    feedback: t.feedback,
    userDays: t.userDays,
    dataset,
    status,
    epochs: h[h.length - 1].epoch,
    rmse: m ? m.rmse : test?.rmse,
    mae: m ? m.mae : test?.mae,
    recall20: m ? m.recallAtK : test?.recallAtK,
    ndcg10: m ? mean(t.folds!.reports.map((r) => r.ranking?.ndcg10)) : test?.ranking?.ndcg10,
    auc: (m ? m.auc : test?.auc) ?? null,
    ...(folds && { folds }),
    selectedEpoch: test?.epoch ?? selectedEpoch(h, !!t.predictsRatings)?.epoch ?? 0,
    validated: h[h.length - 1].split === 'validation',
    test,
    secondsPerEpoch: h.reduce((s, e) => s + e.seconds, 0) / h.length,
    history: h,
  };
}

/** A run record as an older session or export stored it (best-of-epochs fields, no test part). */
type StoredRun = RunRecord & {
  bestRmse?: number;
  bestMae?: number;
  bestRecall20?: number;
  bestNdcg10?: number;
  bestEpoch?: number;
};

/**
 * A run read back from storage or an export, in today's shape. Records written before the
 * validation protocol carry best-of-epochs values chosen on the held-out part: they are kept as
 * they were, marked as not validated, and their settings gain today's defaults.
 */
export function normalizeRun(r: StoredRun): RunRecord {
  const { bestRmse, bestMae, bestRecall20, bestNdcg10, bestEpoch, ...rest } = r;
  return {
    ...rest,
    config: { ...DEFAULT_CONFIG, ...r.config },
    rmse: r.rmse ?? bestRmse,
    mae: r.mae ?? bestMae,
    recall20: r.recall20 ?? bestRecall20,
    ndcg10: r.ndcg10 ?? bestNdcg10,
    selectedEpoch: r.selectedEpoch ?? bestEpoch ?? r.epochs,
    validated: r.validated ?? false,
    test: r.test ?? null,
    history: r.history.map((h) => ({ ...h, split: h.split ?? 'test' })),
  };
}

function mean(xs: (number | undefined)[]): number | undefined {
  const v = xs.filter((x): x is number => x !== undefined && Number.isFinite(x));
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : undefined;
}
