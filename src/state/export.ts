/**
 * Exports of the explorer (TensorBoard's projector files are in projector-export.ts). The CSV
 * export: one row per laid-out point with its kind, id, label, coordinates, interactions and
 * metadata features, so a layout can be taken to a notebook or a spreadsheet.
 * RFC 4180 quoting: a field with a comma, quote or line break is quoted, quotes doubled.
 */
import type { Dataset, EmbeddingSnapshot } from '../core/data/types';
import type { RunRecord } from './lab-state';
import { entityOf, idOf, labelOf, pointCount, popularity, type PointSpace } from './points';

export function csvField(v: string | number): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Features of an item or user, joined by "|" (none for feature points). */
export function featuresOf(d: Dataset, kind: 'item' | 'user' | 'feature', index: number): string {
  if (kind === 'feature') return '';
  const t = kind === 'item' ? d.itemFeatures : d.userFeatures;
  const out: string[] = [];
  for (let k = t.offsets[index]; k < t.offsets[index + 1]; k++) out.push(t.names[t.values[k]]);
  return out.join('|');
}

export function projectionCsv(
  d: Dataset,
  space: PointSpace,
  coords: Float32Array,
  dims: 2 | 3,
  /** The points in the layout (null: all); only they are written. */
  laidOut: Int32Array | null = null,
): string {
  const n = pointCount(space);
  if (coords.length !== n * dims)
    throw new Error(`the layout has ${coords.length / dims} points, the data set ${n}`);
  const counts = popularity(d, space);
  const axes = dims === 3 ? ['x', 'y', 'z'] : ['x', 'y'];
  const lines = [['type', 'id', 'label', ...axes, 'interactions', 'features'].join(',')];
  const points = laidOut ?? Int32Array.from({ length: n }, (_, p) => p);
  for (const p of points) {
    const { kind, index } = entityOf(space, p);
    const xyz = Array.from(coords.subarray(p * dims, (p + 1) * dims), (v) => v.toPrecision(6));
    const row = [kind, idOf(d, kind, index), labelOf(d, kind, index), ...xyz, counts[p]];
    lines.push([...row, featuresOf(d, kind, index)].map(csvField).join(','));
  }
  return lines.join('\n') + '\n';
}

/**
 * One row per run: its model, data, settings, its test metrics at the selected epoch (chosen on
 * validation, or the last epoch when the run had none: `selected_on` says which) and time per
 * epoch.
 */
export function runsCsv(runs: RunRecord[]): string {
  const head = [
    'run',
    'model',
    'dataset',
    'feedback',
    'split',
    'status',
    'epochs',
    'dim',
    'hidden',
    'learning_rate',
    'l2',
    'optimizer',
    'batch_size',
    'user_day_bias',
    'seed',
    'validation_fraction',
    'test_rmse',
    'test_mae',
    'test_recall20',
    'test_ndcg10',
    'test_auc',
    'folds',
    'test_rmse_sd',
    'test_recall20_sd',
    'selected_epoch',
    'selected_on',
    'seconds_per_epoch',
    'genre_agreement',
    'cooccurrence_overlap',
    'low_support_share',
    'space_k',
    'space_min_support',
    'space_metric',
    'user_cooccurrence_overlap',
    'ranking_users',
    'ranking_users_with_held_out',
    'ranking_sample_seed',
  ];
  const rows = runs.map((r) => {
    const c = r.config;
    return [
      r.id,
      r.model,
      r.dataset,
      r.feedback,
      c.split,
      r.status,
      r.epochs,
      c.dim,
      c.hidden,
      c.learningRate,
      c.l2,
      c.optimizer,
      c.batchSize,
      r.userDays > 0 ? 'yes' : 'no',
      c.seed,
      c.validationFraction,
      r.rmse ?? '',
      r.mae ?? '',
      r.recall20 ?? '',
      r.ndcg10 ?? '',
      r.auc ?? '',
      r.folds?.k ?? 1,
      r.folds?.sd.rmse ?? '',
      r.folds?.sd.recallAtK ?? '',
      r.selectedEpoch,
      r.validated ? 'validation' : 'last epoch (no validation)',
      r.secondsPerEpoch,
      ...(r.space
        ? [
            // NaN (no metadata to agree on, no item with enough support) is left empty.
            ...[r.space.genreAgreement, r.space.coOccurrenceOverlap, r.space.lowSupportShare].map(
              (x) => (Number.isFinite(x) ? x : ''),
            ),
            r.space.k,
            r.space.minSupport,
            r.space.metric,
            finiteOrEmpty(r.space.users?.coOccurrenceOverlap),
          ]
        : ['', '', '', '', '', '', '']),
      // The test report's ranking users: fewer than those with held-out items when sampled.
      r.test?.ranking?.users ?? '',
      r.test?.ranking?.usersWithHeldOut ?? '',
      r.test?.ranking?.sampleSeed ?? '',
    ];
  });
  return [head, ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

/**
 * Every run's per-epoch curves: one row per (run, epoch) with loss and held-out metrics, and the
 * part they were computed on (validation, or test for a run without validation).
 */
export function curvesCsv(runs: RunRecord[]): string {
  const head = [
    'run',
    'model',
    'epoch',
    'split',
    'train_loss',
    'rmse',
    'mae',
    'recall20',
    'ndcg20',
    'seconds',
    'genre_agreement',
    'cooccurrence_overlap',
    'low_support_share',
    'user_cooccurrence_overlap',
  ];
  const rows = runs.flatMap((r) =>
    r.history.map((h) => {
      // The map's quality after this epoch, when it was measured (see SpaceActions).
      const q = r.spaceHistory?.find((p) => p.epoch === h.epoch);
      return [
        r.id,
        r.model,
        h.epoch,
        h.split,
        h.trainLoss,
        h.rmse ?? '',
        h.mae ?? '',
        h.recallAtK ?? '',
        h.ndcgAtK ?? '',
        h.seconds,
        finiteOrEmpty(q?.genreAgreement),
        finiteOrEmpty(q?.coOccurrenceOverlap),
        finiteOrEmpty(q?.lowSupportShare),
        finiteOrEmpty(q?.userCoOccurrenceOverlap),
      ];
    }),
  );
  return [head, ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

/**
 * Every user's top-k recommendations as CSV: user, rank (1 = best), item, score (the model's
 * predicted score: global mean + user bias + item bias + dot product). Users with fewer unseen
 * items than k get fewer rows.
 */
export function recommendationsCsv(
  d: Dataset,
  s: EmbeddingSnapshot,
  k: number,
  item: Int32Array,
  score: Float32Array,
): string {
  const lines = ['user,rank,item,score'];
  for (let u = 0; u < d.userIds.length; u++) {
    const base = s.globalBias + s.userBias[u];
    for (let r = 0; r < k; r++) {
      const i = item[u * k + r];
      if (i < 0) break;
      lines.push(
        [d.userIds[u], r + 1, d.itemIds[i], (base + score[u * k + r]).toPrecision(6)]
          .map(csvField)
          .join(','),
      );
    }
  }
  return lines.join('\n') + '\n';
}

/** A metric for a CSV cell: NaN, null and undefined (not measured) are left empty. */
function finiteOrEmpty(x: number | null | undefined): number | '' {
  return x != null && Number.isFinite(x) ? x : '';
}
