/**
 * The runs table's rows, shared by the app (src/state/lab.ts) and the CLI (src/cli/): this module
 * creates no worker, so Node can import it.
 */
import type { RunRecord, TrainingState } from './lab-state';
import { selectedEpoch } from '../core/training/protocol';
import { DEFAULT_CONFIG } from '../core/training/config';

/** What a run's row is made from: the training state, or the CLI's record of its run. */
export type RunOf = Pick<
  TrainingState,
  'model' | 'config' | 'userDays' | 'predictsRatings' | 'history' | 'test'
> & {
  feedback: 'explicit' | 'implicit';
};

/**
 * The runs-table row of a run: every metric from the test part at the selected epoch (one
 * epoch for the whole row), and the time per epoch.
 */
export function summarizeRun(
  id: number,
  t: RunOf,
  dataset: string,
  status: 'done' | 'stopped',
): RunRecord {
  const h = t.history;
  const test = t.test;
  return {
    id,
    model: t.model,
    config: t.config,
    feedback: t.feedback,
    userDays: t.userDays,
    dataset,
    status,
    epochs: h[h.length - 1].epoch,
    rmse: test?.rmse,
    mae: test?.mae,
    recall20: test?.recallAtK,
    ndcg10: test?.ranking?.ndcg10,
    auc: test?.auc ?? null,
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
