/**
 * The runs table's rows, shared by the app (src/state/lab.ts) and the CLI (src/cli/): this module
 * creates no worker, so Node can import it.
 */
import type { RunRecord, TrainingState } from './lab-state';

/** What a run's row is made from: the training state, or the CLI's record of its run. */
export type RunOf = Pick<
  TrainingState,
  'model' | 'config' | 'userDays' | 'predictsRatings' | 'history'
> & {
  feedback: 'explicit' | 'implicit';
};

/** The runs-table row of a run: its best held-out values and time per epoch. */
export function summarizeRun(
  id: number,
  t: RunOf,
  dataset: string,
  status: 'done' | 'stopped',
): RunRecord {
  const h = t.history;
  const min = (xs: (number | undefined)[]) => {
    const v = xs.filter((x): x is number => x !== undefined && Number.isFinite(x));
    return v.length ? Math.min(...v) : undefined;
  };
  const max = (xs: (number | undefined)[]) => {
    const v = xs.filter((x): x is number => x !== undefined && Number.isFinite(x));
    return v.length ? Math.max(...v) : undefined;
  };
  const bestRmse = min(h.map((e) => e.rmse));
  const bestRecall20 = max(h.map((e) => e.recallAtK));
  const best = t.predictsRatings
    ? h.find((e) => e.rmse === bestRmse)
    : h.find((e) => e.recallAtK === bestRecall20);
  return {
    id,
    model: t.model,
    config: t.config,
    feedback: t.feedback,
    userDays: t.userDays,
    dataset,
    status,
    epochs: h[h.length - 1].epoch,
    bestRmse,
    bestMae: min(h.map((e) => e.mae)),
    bestRecall20,
    bestNdcg10: max(h.map((e) => e.ranking?.ndcg10)),
    auc: [...h].reverse().find((e) => e.ranking)?.ranking?.auc ?? null,
    bestEpoch: best?.epoch ?? h[h.length - 1].epoch,
    secondsPerEpoch: h.reduce((s, e) => s + e.seconds, 0) / h.length,
    history: h,
  };
}
