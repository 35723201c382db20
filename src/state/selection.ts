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
import { coOccurrenceNeighbours } from '../core/metrics/item-knn';
import type { PointKind, SelectionDetail, SelectionEntry } from './lab-state';
import { factorsOf, featureName, idOf, labelOf } from './points';
import { incidenceOf, supportOf, supportOfKind } from './support';

export interface NeighbourOptions {
  metric: Metric;
  k: number;
  /**
   * Points with fewer interactions (features: fewer entities carrying them) are not listed as
   * neighbours: their vectors are mostly their random start shrunk by regularisation.
   */
  minSupport: number;
}

/**
 * Chosen by measurement on the sample (bench/space, README "Space quality and support" and "The
 * map-first default"): with cosine and no minimum, a third of biased MF's listed neighbours had
 * fewer than 5 ratings. For the page's default model, shrunk cosine (λ SHRINK_LAMBDA = 10) gives
 * genre agreement@10 0.83 and ItemKNN overlap@10 0.31 over all films with 50+ ratings, none
 * under 5; plain cosine 0.83 and 0.23. Minimum support 5 keeps points under the line out
 * of lists under any metric a person picks.
 */
export const DEFAULT_NEIGHBOURS: NeighbourOptions = {
  metric: 'shrunk-cosine',
  k: 10,
  minSupport: 5,
};

/**
 * The settings as they apply to `d`: a data set without interactions (imported vectors) says
 * nothing about support, so nothing is filtered or shrunk there.
 */
export function effectiveNeighbours(d: Dataset, opts: NeighbourOptions): NeighbourOptions {
  if (d.user.length > 0) return opts;
  return {
    ...opts,
    minSupport: 0,
    metric: opts.metric === 'shrunk-cosine' ? 'cosine' : opts.metric,
  };
}

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

function entry(d: Dataset, kind: PointKind, index: number, score: number): SelectionEntry {
  return {
    kind,
    index,
    id: idOf(d, kind, index),
    label: labelOf(d, kind, index),
    score,
    support: supportOfKind(d, kind)[index] ?? 0,
  };
}

export function describeSelection(
  d: Dataset,
  s: EmbeddingSnapshot | null,
  kind: PointKind,
  index: number,
  requested: NeighbourOptions = DEFAULT_NEIGHBOURS,
): SelectionDetail {
  const opts = effectiveNeighbours(d, requested);
  const detail: SelectionDetail = {
    kind,
    index,
    id: idOf(d, kind, index),
    label: labelOf(d, kind, index),
    interactions: kind === 'feature' ? itemsWithFeature(d, index) : supportOf(d)[kind][index],
    bias: !s || kind === 'feature' ? null : kind === 'item' ? s.itemBias[index] : s.userBias[index],
    norm: null,
    features:
      kind === 'feature' ? [] : namesOf(kind === 'item' ? d.itemFeatures : d.userFeatures, index),
    metric: opts.metric,
    minSupport: opts.minSupport,
    hiddenLowSupport: 0,
    neighbors: [],
  };
  // The item-item reference needs no model: plain co-occurrence in the data.
  if (kind === 'item') {
    const co = coOccurrenceNeighbours(incidenceOf(d), index, opts.k, opts.minSupport);
    detail.coOccurrence = Array.from(co.index, (i, r) => entry(d, 'item', i, co.score[r]));
  }
  if (kind === 'user') detail.history = historyOf(d, index);
  if (!s) return detail;
  const table = factorsOf(s, kind);
  const n = table.length / s.dim;
  if (index >= n) return detail; // the snapshot has no such row (a feature of another model)
  const query = table.slice(index * s.dim, (index + 1) * s.dim);
  detail.norm = Math.hypot(...query);
  // Neighbours among points of the same kind: users and items meet through the dot product.
  const support = supportOfKind(d, kind);
  const near = nearest(
    table,
    n,
    s.dim,
    query,
    opts.k,
    opts.metric,
    (i) => i === index || support[i] < opts.minSupport,
    support,
  );
  detail.neighbors = Array.from(near.index, (i, r) => entry(d, kind, i, near.score[r]));
  // How many of the unfiltered k nearest the minimum support hides, so the page can say so.
  if (opts.minSupport > 1) {
    const all = nearest(table, n, s.dim, query, opts.k, opts.metric, (i) => i === index, support);
    for (const i of all.index) if (support[i] < opts.minSupport) detail.hiddenLowSupport++;
  }
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
    const itemSupport = supportOf(d).item;
    const items = nearest(
      s.itemFactors,
      d.itemIds.length,
      s.dim,
      query,
      opts.k,
      opts.metric,
      (i) => itemSupport[i] < opts.minSupport,
      itemSupport,
    );
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
