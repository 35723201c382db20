/**
 * Exports of the explorer. The CSV export: one row per laid-out point with its kind, id, label, coordinates,
 * interactions and metadata features, so a layout can be taken to a notebook or a spreadsheet.
 * RFC 4180 quoting: a field with a comma, quote or line break is quoted, quotes doubled.
 */
import type { Dataset, EmbeddingSnapshot } from '../core/data/types';
import type { RunRecord } from './lab-state';
import {
  entityOf,
  idOf,
  labelOf,
  pointCount,
  popularity,
  projectionInput,
  type PointSpace,
} from './points';

export function csvField(v: string | number): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Features of an item or user, joined by "|" (none for feature points). */
function featuresOf(d: Dataset, kind: 'item' | 'user' | 'feature', index: number): string {
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

/** A TSV cell: tabs and line breaks would split rows and columns, so they become spaces. */
function tsvField(v: string | number): string {
  return String(v).replace(/[\t\r\n]+/g, ' ');
}

/**
 * The embeddings in TensorBoard Embedding Projector's format: `vectors.tsv` (one row of
 * tab-separated values per point, no header), `metadata.tsv` (a header, then one row per point:
 * type user / item / feature, id, label, interactions, features) and `projector_config.json`
 * naming both, so the files load in the standalone projector (projector.tensorflow.org: Load)
 * or a TensorBoard log directory unchanged.
 */
export function projectorFiles(
  d: Dataset,
  s: EmbeddingSnapshot,
  space: PointSpace,
  name: string,
): { vectors: string; metadata: string; config: string } {
  const rows = projectionInput(s, space);
  const n = pointCount(space);
  const counts = popularity(d, space);
  const vectors: string[] = [];
  const metadata = ['type\tid\tlabel\tinteractions\tfeatures'];
  for (let p = 0; p < n; p++) {
    vectors.push(
      Array.from(rows.subarray(p * s.dim, (p + 1) * s.dim), (v) => v.toPrecision(7)).join('\t'),
    );
    const { kind, index } = entityOf(space, p);
    metadata.push(
      [kind, idOf(d, kind, index), labelOf(d, kind, index), counts[p], featuresOf(d, kind, index)]
        .map(tsvField)
        .join('\t'),
    );
  }
  const config = {
    embeddings: [
      {
        tensorName: name,
        tensorShape: [n, s.dim],
        tensorPath: 'vectors.tsv',
        metadataPath: 'metadata.tsv',
      },
    ],
  };
  return {
    vectors: vectors.join('\n') + '\n',
    metadata: metadata.join('\n') + '\n',
    config: JSON.stringify(config, null, 2) + '\n',
  };
}

/** One row per run: its model, data, settings, best held-out metrics and time per epoch. */
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
    'best_rmse',
    'best_mae',
    'best_recall20',
    'best_ndcg10',
    'auc',
    'best_epoch',
    'seconds_per_epoch',
    'genre_agreement',
    'cooccurrence_overlap',
    'low_support_share',
    'space_k',
    'space_min_support',
    'space_metric',
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
      r.bestRmse ?? '',
      r.bestMae ?? '',
      r.bestRecall20 ?? '',
      r.bestNdcg10 ?? '',
      r.auc ?? '',
      r.bestEpoch,
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
          ]
        : ['', '', '', '', '', '']),
    ];
  });
  return [head, ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

/** Every run's per-epoch curves: one row per (run, epoch) with loss and held-out metrics. */
export function curvesCsv(runs: RunRecord[]): string {
  const head = [
    'run',
    'model',
    'epoch',
    'train_loss',
    'rmse',
    'mae',
    'recall20',
    'ndcg20',
    'seconds',
  ];
  const rows = runs.flatMap((r) =>
    r.history.map((h) => [
      r.id,
      r.model,
      h.epoch,
      h.trainLoss,
      h.rmse ?? '',
      h.mae ?? '',
      h.recallAtK ?? '',
      h.ndcgAtK ?? '',
      h.seconds,
    ]),
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
