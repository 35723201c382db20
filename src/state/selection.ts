/**
 * What the explorer shows for a selected point: its neighbours of the same kind (by the chosen
 * metric, k of them), and by kind: a user's history and top recommendations with the reasons
 * behind each; an item's likeliest new audience; a feature's nearest items.
 */
import type { Dataset, EmbeddingSnapshot, FeatureTable } from '../core/data/types';
import { nearest, type Metric } from '../core/projection/neighbours';
import {
  explainRecommendation,
  recommendForUser,
  seenItems,
  usersForItem,
  usersOfItem,
} from '../core/models/recommend';
import type { PointKind, SelectionDetail, SelectionEntry } from './lab-state';
import { factorsOf, featureName, idOf, labelOf } from './points';

export interface NeighbourOptions {
  metric: Metric;
  k: number;
}

export const DEFAULT_NEIGHBOURS: NeighbourOptions = { metric: 'cosine', k: 10 };

/** Items carrying feature `f` of the combined list (0 for user features). */
function itemsWithFeature(d: Dataset, f: number): number {
  const t = d.itemFeatures;
  let c = 0;
  for (let k = 0; k < t.values.length; k++) if (t.values[k] === f) c++;
  if (f >= t.names.length) {
    const u = d.userFeatures;
    for (let k = 0; k < u.values.length; k++) if (u.values[k] === f - t.names.length) c++;
  }
  return c;
}

function namesOf(t: FeatureTable, e: number): string[] {
  const out: string[] = [];
  for (let k = t.offsets[e]; k < t.offsets[e + 1]; k++) out.push(t.names[t.values[k]]);
  return out;
}

function countOf(column: Int32Array, index: number): number {
  let c = 0;
  for (let k = 0; k < column.length; k++) if (column[k] === index) c++;
  return c;
}

function entry(d: Dataset, kind: PointKind, index: number, score: number): SelectionEntry {
  return { kind, index, id: idOf(d, kind, index), label: labelOf(d, kind, index), score };
}

export function describeSelection(
  d: Dataset,
  s: EmbeddingSnapshot | null,
  kind: PointKind,
  index: number,
  opts: NeighbourOptions = DEFAULT_NEIGHBOURS,
): SelectionDetail {
  const detail: SelectionDetail = {
    kind,
    index,
    id: idOf(d, kind, index),
    label: labelOf(d, kind, index),
    interactions:
      kind === 'feature'
        ? itemsWithFeature(d, index)
        : countOf(kind === 'item' ? d.item : d.user, index),
    bias: !s || kind === 'feature' ? null : kind === 'item' ? s.itemBias[index] : s.userBias[index],
    norm: null,
    features:
      kind === 'feature' ? [] : namesOf(kind === 'item' ? d.itemFeatures : d.userFeatures, index),
    metric: opts.metric,
    neighbors: [],
  };
  if (kind === 'user') detail.history = historyOf(d, index);
  if (!s) return detail;
  const table = factorsOf(s, kind);
  const n = table.length / s.dim;
  if (index >= n) return detail; // the snapshot has no such row (a feature of another model)
  const query = table.slice(index * s.dim, (index + 1) * s.dim);
  detail.norm = Math.hypot(...query);
  // Neighbours among points of the same kind: users and items meet through the dot product.
  const near = nearest(table, n, s.dim, query, opts.k, opts.metric, (i) => i === index);
  detail.neighbors = Array.from(near.index, (i, r) => entry(d, kind, i, near.score[r]));
  if (kind === 'user') {
    const seen = seenItems(d.user, d.item, index, d.itemIds.length);
    const rated = allRated(d, index);
    detail.recommendations = recommendForUser(s, index, seen, opts.k).map((r) => ({
      ...entry(d, 'item', r.index, r.score),
      because: explainRecommendation(s, index, r.index, rated, d.itemFeatures).map((reason) =>
        reason.kind === 'item'
          ? `you rated ${d.itemLabels[reason.index]} (similarity ${reason.weight.toFixed(2)})`
          : `${featureName(d, reason.index)} (+${reason.weight.toFixed(2)})`,
      ),
    }));
  } else if (kind === 'item') {
    const seen = usersOfItem(d.user, d.item, index, d.userIds.length);
    detail.audience = usersForItem(s, index, seen, opts.k).map((r) =>
      entry(d, 'user', r.index, r.score),
    );
  } else {
    const items = nearest(s.itemFactors, d.itemIds.length, s.dim, query, opts.k, opts.metric);
    detail.relatedItems = Array.from(items.index, (i, r) => entry(d, 'item', i, items.score[r]));
  }
  return detail;
}

/** Every item the user interacted with (their history), as indices. */
function allRated(d: Dataset, u: number): Int32Array {
  const out: number[] = [];
  for (let k = 0; k < d.user.length; k++) if (d.user[k] === u) out.push(d.item[k]);
  return Int32Array.from(out);
}

const HISTORY_SHOWN = 10;

/** The user's interactions, highest rated (then latest) first; at most HISTORY_SHOWN. */
function historyOf(d: Dataset, u: number): { index: number; label: string; rating: number }[] {
  const rows: number[] = [];
  for (let k = 0; k < d.user.length; k++) if (d.user[k] === u) rows.push(k);
  const t = d.timestamp;
  rows.sort((a, b) => d.rating[b] - d.rating[a] || (t ? t[b] - t[a] : b - a));
  return rows.slice(0, HISTORY_SHOWN).map((k) => ({
    index: d.item[k],
    label: d.itemLabels[d.item[k]],
    rating: d.rating[k],
  }));
}
