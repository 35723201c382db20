/** `window.__lab`: the read-only automation contract (../shared/CONTRACT.md). Changes nothing. */
import type { Lab } from './lab';
import { foldSummary } from '../core/training/protocol';
import { indexOfId, pointOf } from './points';
import { countKinds } from './subset';
import type { PointKind } from './lab-state';
import { NEW_POINT_ID, playgroundSnapshot } from './playground-api';

export function labSnapshot(lab: Lab) {
  const s = lab.store.get();
  const d = s.dataset;
  const t = s.training;
  const p = s.projection;
  // Points drawn: the layout's (a sample or an isolated selection may leave some out).
  const counts =
    p.coords && p.space ? countKinds(p.space, p.laidOut) : { user: 0, item: 0, feature: 0 };
  const n = counts.user + counts.item + counts.feature;
  return {
    dataset: d && {
      name: d.name,
      rows: d.user.length,
      skippedRows: d.skippedRows,
      users: d.userIds.length,
      items: d.itemIds.length,
      kind: d.kind,
      itemFeatures: d.itemFeatures.names.length,
      userFeatures: d.userFeatures.names.length,
      issues: d.issues.slice(0, 100).map((i) => ({ line: i.line, message: i.message })),
    },
    training: {
      status: t.status,
      backend: t.backend,
      /** The engine that trains (CONTRACT section 4), and the calibration that chose it. */
      engine: s.engine.engine,
      engines: s.engine.engines.map((e) => ({ ...e })),
      /** A recalibration is measuring the engines ("Recalibrate"). */
      calibrating: s.engine.calibrating,
      model: t.model,
      epoch: t.epoch,
      epochsTotal: t.epochsTotal,
      step: t.step,
      rowsPerSecond: t.rowsPerSecond,
      /** Training rows an epoch (the bench's app row divides by it). */
      trainRows: t.trainRows,
      history: t.history.map((h) => ({
        epoch: h.epoch,
        trainLoss: h.trainLoss,
        rmse: h.rmse,
        mae: h.mae,
        recallAtK: h.recallAtK,
        ndcgAtK: h.ndcgAtK,
        k: h.k,
        ranking: h.ranking,
        split: h.split,
        /** The epoch's training steps, in seconds (its evaluation and snapshot not counted). */
        seconds: h.seconds,
      })),
      test: t.test,
      folds: t.folds && foldSummary(t.folds.k, t.folds.reports),
      tuning: t.tuning && {
        status: t.tuning.status,
        done: t.tuning.done,
        total: t.tuning.total,
        trial: t.tuning.trial && { id: t.tuning.trial.id, rung: t.tuning.trial.rung },
        best: t.tuning.best && {
          id: t.tuning.best.trial.id,
          score: t.tuning.best.score,
          settings: t.tuning.best.trial.settings,
          epochs: t.tuning.best.trial.epochs,
        },
      },
      error: t.error,
      // Additions beyond the contract's minimum:
      fallbackReason: t.fallbackReason,
      renderer: t.renderer,
      baselines: t.baselines && {
        globalMeanRmse: t.baselines.globalMean.rmse,
        biasRmse: t.baselines.biases.rmse,
      },
      feedback: t.feedback,
      earlyStop: t.earlyStop,
      validationFraction: t.config.validationFraction,
      validationRows: t.validationRows,
      validationUnseen: t.validationUnseen,
      /**
       * Seconds before the first step: { splitSeconds, reused, engineSeconds, baselineSeconds },
       * and builtAhead: true when the engine's trainer was built after the calibration.
       */
      setup: t.setup && { ...t.setup },
      /** The "Test file" split's file: rows used, rows read, rows left out for unknown ids. */
      testFile: s.testFile && {
        name: s.testFile.set.name,
        rows: s.testFile.set.user.length,
        rowsRead: s.testFile.rowsRead,
        unknownRows: s.testFile.unknownRows,
      },
      /** The finished run's map quality (CONTRACT section 4); NaN (no metadata) reads as null. */
      space: t.space && { ...t.space },
      /** The map's quality after each epoch of the run (the training-curves line). */
      spaceHistory: t.spaceHistory.map((q) => ({ ...q })),
    },
    /** Every finished or stopped run on this data set (the runs table), oldest first. */
    runs: s.runs.map((r) => ({
      id: r.id,
      model: r.model,
      feedback: r.feedback,
      split: r.config.split,
      status: r.status,
      epochs: r.epochs,
      // The run's result: the test part at the selected epoch (the `best*` names are kept for
      // older tests; all come from the one selected epoch).
      bestRmse: r.rmse ?? null,
      bestRecall20: r.recall20 ?? null,
      bestNdcg10: r.ndcg10 ?? null,
      auc: r.auc ?? null,
      bestEpoch: r.selectedEpoch,
      selectedEpoch: r.selectedEpoch,
      selectedOn: r.validated ? ('validation' as const) : ('last' as const),
      test: r.test,
      folds: r.folds ?? null,
      trial: r.trial ?? null,
      config: {
        learningRate: r.config.learningRate,
        l2: r.config.l2,
        dim: r.config.dim,
        epochs: r.config.epochs,
      },
      secondsPerEpoch: r.secondsPerEpoch,
      space: r.space ? { ...r.space } : null,
      spaceHistory: r.spaceHistory?.map((q) => ({ ...q })) ?? [],
    })),
    projection: {
      status: p.status,
      method: p.coords ? p.method : null,
      dims: p.coords ? p.coordsDims : null,
      points: n,
      counts,
      epoch: p.epoch,
      // Additions beyond the contract's minimum:
      shown: { ...s.view.show },
      /** Whether the layout is a stratified sample, and the isolated points' number (or null). */
      sampled: p.laidOut !== null && p.isolate === null,
      isolated: p.isolate?.length ?? null,
      /** Epochs of the run's stored layouts (the epoch slider), and the one replayed, if any. */
      layouts: p.history.map((h) => h.epoch),
      replayEpoch: p.replay === null ? null : p.history[p.replay].epoch,
      marked: s.marked ? s.marked.points.length : 0,
      /** The neighbours' minimum support, below which points are drawn faded. */
      minSupport: s.view.neighbours.minSupport,
    },
    selection: s.selection && {
      kind: s.selection.kind,
      id: s.selection.id,
      label: s.selection.label,
      neighbors: s.selection.neighbors.map((x) => ({
        kind: x.kind,
        id: x.id,
        label: x.label,
        score: x.score,
        support: x.support,
      })),
      ...(s.selection.recommendations
        ? {
            recommendations: s.selection.recommendations.map((r) => ({
              id: r.id,
              label: r.label,
              score: r.score,
              because: [...r.because],
            })),
          }
        : {}),
      // Additions beyond the contract's minimum:
      metric: s.selection.metric,
      minSupport: s.selection.minSupport,
      /** Of the k nearest, how many the minimum support hid. */
      hiddenLowSupport: s.selection.hiddenLowSupport,
      ...(s.selection.coOccurrence
        ? {
            coOccurrence: s.selection.coOccurrence.map((x) => ({
              id: x.id,
              label: x.label,
              score: x.score,
              support: x.support,
            })),
          }
        : {}),
      ...(s.selection.history
        ? { history: s.selection.history.map((h) => ({ label: h.label, rating: h.rating })) }
        : {}),
      ...(s.selection.audience
        ? { audience: s.selection.audience.map((x) => ({ id: x.id, score: x.score })) }
        : {}),
      ...(s.selection.relatedItems
        ? { relatedItems: s.selection.relatedItems.map((x) => ({ id: x.id, label: x.label })) }
        : {}),
    },
    errors: s.errors.map((e) => ({ ...e })),
    /** The cold-start playground (CONTRACT section 4), or null when closed. */
    playground: playgroundSnapshot(lab),
    /** The stored session (durable.ts): this tab's hold, an interrupted run, the last epoch saved. */
    session: {
      tab: s.durable.tab,
      interrupted: s.durable.interrupted && {
        epoch: s.durable.interrupted.epoch,
        resumeFrom: s.durable.interrupted.resumeFrom,
        epochs: s.durable.interrupted.epochs,
      },
      savedEpoch: s.durable.savedEpoch,
      notice: s.durable.notice,
    },
  };
}

export function installLabApi(lab: Lab): void {
  const api = {
    snapshot: () => JSON.parse(JSON.stringify(labSnapshot(lab))) as ReturnType<typeof labSnapshot>,
    screenPosition(kind: PointKind, id: string): { x: number; y: number } | null {
      // The playground's folded-in point (CONTRACT section 4).
      if (id === NEW_POINT_ID && (kind === 'user' || kind === 'item'))
        return lab.playground.screenPosition(kind);
      const { dataset: d, projection: p } = lab.store.get();
      if (!d || !p.coords || !p.space) return null;
      const index = indexOfId(d, kind, id);
      if (index < 0 || (kind === 'feature' && index >= p.space.features)) return null;
      return lab.screenPosition(pointOf(p.space, kind, index));
    },
    /**
     * Test hook (issue 17): the training worker loses its WebGL context (WEBGL_lose_context)
     * and the browser restores it shortly after, as after a driver reset. The one method here
     * that changes something, as a browser would.
     */
    loseGpuContext: () => lab.loseGpuContext(),
  };
  Object.defineProperty(window, '__lab', { value: Object.freeze(api), configurable: true });
}
