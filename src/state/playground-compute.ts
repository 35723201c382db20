/**
 * The playground's answer for a set of marks, from the app's state: which fold-in the run's model
 * takes, the new user's (or item's) vector, its top recommendations (or nearest items and
 * likeliest users) with reasons, and where its point goes in the current layout. Pure: the
 * controller (playground.ts) calls it at every change and times it.
 */
import type { Dataset, EmbeddingSnapshot } from '../core/data/types';
import {
  foldInUser,
  recommendFolded,
  type FoldedUser,
  type MarkedItem,
} from '../core/models/fold-in';
import { foldInPairwise, negativeSample } from '../core/models/fold-in-pairwise';
import { foldInForward } from '../core/models/fold-in-forward';
import { foldInItem, likeliestUsers, nearestToNewItem } from '../core/models/fold-in-item';
import { placeByNeighbours } from '../core/projection/place';
import type { LabState } from './lab-state';
import { projectionInput } from './points';
import { supportOf } from './support';

export type PlaygroundKind = 'user' | 'item';

/** How the new point was made, as the panel names it. */
export type FoldInMethod = 'least-squares' | 'bpr' | 'forward-pass' | 'feature-sum';

/** One mark: an item (New user) or an item feature (New item), with its rating when explicit. */
export interface PlaygroundMark {
  index: number;
  rating?: number;
}

export interface PlaygroundEntry {
  index: number;
  id: string;
  label: string;
  score: number;
  because: string[];
}

export interface PlaygroundResult {
  method: FoldInMethod;
  /** New user: top items; new item: its nearest items. */
  recommendations: PlaygroundEntry[];
  /** New item: its likeliest users. */
  audience: PlaygroundEntry[];
  vector: Float32Array;
  /** Where the point is drawn (length = the layout's dims), or null without a layout or marks. */
  position: Float32Array | null;
}

/** What the run's model offers the playground: null when it can, else the reason it cannot. */
export function unavailable(s: LabState, kind: PlaygroundKind): string | null {
  const e = s.embeddings;
  if (!s.dataset) return 'Load a data set first.';
  if (!e || !(e.dim > 0) || e.userFactors.length === 0)
    return 'Train a model with user and item vectors first.';
  if (kind === 'item') {
    if (!s.dataset.itemFeatures.names.length) return 'The data set has no item features.';
    if (!e.itemFeatureFactors) return 'Only hybrid and FM embed item features: train one of them.';
  }
  return null;
}

/** Whether marks carry ratings: explicit feedback on a model that predicts ratings. */
export function ratesItems(s: LabState): boolean {
  return s.training.feedback === 'explicit' && s.training.predictsRatings !== false;
}

/** The run's L2: the last run's settings when it is the model shown, else the form's. */
function l2Of(s: LabState): number {
  const run = s.runs.at(-1);
  const config = run && run.model === s.training.model ? run.config : s.training.config;
  // A model trained without decay still needs a ridge for a well-posed solve.
  return config.l2 > 0 ? config.l2 : 1e-3;
}

/** Per snapshot, the pairwise fold-in's negatives and the layout's input table. */
const negatives = new WeakMap<EmbeddingSnapshot, Int32Array>();
const layoutTables = new WeakMap<EmbeddingSnapshot, Float32Array>();

function foldUser(s: LabState, e: EmbeddingSnapshot, marks: readonly PlaygroundMark[]) {
  const marked: MarkedItem[] = marks.map((m) => ({ item: m.index, rating: m.rating }));
  if (e.userEncoder)
    return { method: 'forward-pass' as const, user: foldInForward(e, e.userEncoder, marked) };
  if (ratesItems(s))
    return {
      method: 'least-squares' as const,
      user: foldInUser(e, marked, { feedback: 'explicit', l2: l2Of(s) }),
    };
  // Implicit feedback without a user tower: BPR, hybrid and FM, all trained pairwise.
  let sample = negatives.get(e);
  if (!sample) negatives.set(e, (sample = negativeSample(e.itemBias.length)));
  return {
    method: 'bpr' as const,
    user: foldInPairwise(
      e,
      marks.map((m) => m.index),
      l2Of(s),
      sample,
    ),
  };
}

function userEntries(
  d: Dataset,
  e: EmbeddingSnapshot,
  user: FoldedUser,
  marks: readonly PlaygroundMark[],
  k: number,
  minSupport: number,
): PlaygroundEntry[] {
  const exclude = new Set(marks.map((m) => m.index));
  // As the neighbour lists do: items with fewer interactions than the page's minimum support are
  // not recommended (a film rated once at 5 has a large bias and nothing else behind it), unless
  // that would leave fewer than k to recommend.
  const support = supportOf(d).item;
  const thin: number[] = [];
  for (let i = 0; i < support.length; i++) if (support[i] < minSupport) thin.push(i);
  if (support.length - thin.length - exclude.size >= k) for (const i of thin) exclude.add(i);
  return recommendFolded(e, user, exclude, k).map((r) => ({
    index: r.index,
    id: d.itemIds[r.index],
    label: d.itemLabels[r.index],
    score: r.score,
    because: r.because.map(
      (b) => `${d.itemLabels[marks[b.marked].index]} (+${b.share.toFixed(2)})`,
    ),
  }));
}

/** The layout position of `vector` among the laid-out points, or null. */
export function place(
  s: LabState,
  e: EmbeddingSnapshot,
  vector: Float32Array,
): Float32Array | null {
  const p = s.projection;
  if (!p.coords || !p.space) return null;
  const n = p.space.items + p.space.users + p.space.features;
  if (p.coords.length < n * p.coordsDims) return null;
  let table = layoutTables.get(e);
  if (!table) layoutTables.set(e, (table = projectionInput(e, p.space)));
  if (table.length !== n * e.dim) return null; // the layout is of another model's points
  const laid = p.laidOut;
  let mask: Uint8Array | null = null;
  if (laid) {
    mask = new Uint8Array(n);
    for (const i of laid) mask[i] = 1;
  }
  return placeByNeighbours(table, p.coords, n, e.dim, p.coordsDims, vector, (i) =>
    mask ? mask[i] === 1 : true,
  );
}

/** The playground's answer for `marks` (an empty list gives no point and no lists). */
export function computePlayground(
  s: LabState,
  kind: PlaygroundKind,
  marks: readonly PlaygroundMark[],
  k = 10,
): PlaygroundResult {
  const d = s.dataset as Dataset;
  const e = s.embeddings as EmbeddingSnapshot;
  if (kind === 'user') {
    const { method, user } = foldUser(s, e, marks);
    if (!marks.length)
      return { method, recommendations: [], audience: [], vector: user.vector, position: null };
    return {
      method,
      recommendations: userEntries(d, e, user, marks, k, s.view.neighbours.minSupport),
      audience: [],
      vector: user.vector,
      position: place(s, e, user.vector),
    };
  }
  const features = marks.map((m) => m.index);
  const vector = foldInItem(e, features);
  if (!features.length)
    return { method: 'feature-sum', recommendations: [], audience: [], vector, position: null };
  const names = d.itemFeatures.names;
  return {
    method: 'feature-sum',
    recommendations: nearestToNewItem(e, vector, features, k).map((r) => ({
      index: r.index,
      id: d.itemIds[r.index],
      label: d.itemLabels[r.index],
      score: r.score,
      because: r.because.map((b) => `${names[b.feature]} (+${b.share.toFixed(2)})`),
    })),
    audience: likeliestUsers(e, vector, k).map((r) => ({
      index: r.index,
      id: d.userIds[r.index],
      label: `User ${d.userIds[r.index]}`,
      score: r.score,
      because: [],
    })),
    vector,
    position: place(s, e, vector),
  };
}
