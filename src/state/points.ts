/**
 * How the explorer's points map to entities: items first, then users, then metadata features
 * (item features, then user features) when the model learned embeddings for them (hybrid, fm).
 * One place, so the projection input, the scene, picking and the test API agree.
 */
import type { Dataset, EmbeddingSnapshot } from '../core/data/types';
import type { PointKind } from './lab-state';
import { nextTask } from '../core/util/next-task';

/** How many points of each kind a layout has, in the order they are laid out. */
export interface PointSpace {
  items: number;
  users: number;
  /** Metadata features with embeddings (item features then user features); 0 for most models. */
  features: number;
}

/** The points of a model's snapshot: its features take part when it learned embeddings for them. */
export function pointSpace(d: Dataset, s: EmbeddingSnapshot | null): PointSpace {
  return { items: d.itemIds.length, users: d.userIds.length, features: featureRows(d, s) };
}

/** Feature rows in the snapshot (0 unless it has one row per item and user feature). */
function featureRows(d: Dataset, s: EmbeddingSnapshot | null): number {
  if (!s?.itemFeatureFactors || !s.userFeatureFactors) return 0;
  const n = d.itemFeatures.names.length + d.userFeatures.names.length;
  const rows = (s.itemFeatureFactors.length + s.userFeatureFactors.length) / s.dim;
  return rows === n ? n : 0;
}

export function pointCount(p: PointSpace): number {
  return p.items + p.users + p.features;
}

export function pointOf(p: PointSpace, kind: PointKind, index: number): number {
  return kind === 'item' ? index : kind === 'user' ? p.items + index : p.items + p.users + index;
}

export function entityOf(p: PointSpace, point: number): { kind: PointKind; index: number } {
  if (point < p.items) return { kind: 'item', index: point };
  if (point < p.items + p.users) return { kind: 'user', index: point - p.items };
  return { kind: 'feature', index: point - p.items - p.users };
}

/** Feature `index` of the combined list: item features, then user features. */
export function featureName(d: Dataset, index: number): string {
  const itemNames = d.itemFeatures.names;
  return index < itemNames.length
    ? itemNames[index]
    : d.userFeatures.names[index - itemNames.length];
}

export function idOf(d: Dataset, kind: PointKind, index: number): string {
  if (kind === 'item') return d.itemIds[index];
  if (kind === 'user') return d.userIds[index];
  return featureName(d, index);
}

export function labelOf(d: Dataset, kind: PointKind, index: number): string {
  if (kind === 'item') return d.itemLabels[index];
  if (kind === 'user') return `User ${d.userIds[index]}`;
  return featureName(d, index);
}

/** The index of an entity by its id (a feature's id is its name), or -1. */
export function indexOfId(d: Dataset, kind: PointKind, id: string): number {
  if (kind === 'item') return d.itemIds.indexOf(id);
  if (kind === 'user') return d.userIds.indexOf(id);
  const k = d.itemFeatures.names.indexOf(id);
  if (k >= 0) return k;
  const u = d.userFeatures.names.indexOf(id);
  return u < 0 ? -1 : d.itemFeatures.names.length + u;
}

/** The factors of one kind's rows, (rows x dim), as the snapshot holds them. */
export function factorsOf(s: EmbeddingSnapshot, kind: PointKind): Float32Array {
  if (kind === 'item') return s.itemFactors;
  if (kind === 'user') return s.userFactors;
  return concat([
    s.itemFeatureFactors ?? new Float32Array(0),
    s.userFeatureFactors ?? new Float32Array(0),
  ]);
}

/**
 * Counts already made, per data set and point space: the map's colours, its support fading, the
 * popularity panel and the layout's sample each ask after every epoch, and at 25M rows each
 * count is a pass over every row on the main thread (issue 15). Callers only read the array.
 */
const counted = new WeakMap<Dataset, { key: string; counts: Float32Array }>();

/** Interactions per point: a user's or item's rows; items carrying a feature. Read-only. */
export function popularity(d: Dataset, p: PointSpace): Float32Array {
  const key = `${p.items}|${p.users}|${p.features}`;
  const known = counted.get(d);
  if (known?.key === key) return known.counts;
  const counts = countInteractions(d, p);
  counted.set(d, { key, counts });
  return counts;
}

function countInteractions(d: Dataset, p: PointSpace): Float32Array {
  const out = new Float32Array(p.items + p.users + p.features);
  const rows = rowCountsOf(d);
  const items = d.itemIds.length;
  out.set(rows.subarray(0, Math.min(items, p.items)));
  out.set(rows.subarray(items, items + Math.min(d.userIds.length, p.users)), p.items);
  if (p.features) {
    const base = p.items + p.users;
    for (const f of d.itemFeatures.values) out[base + f]++;
    const first = base + d.itemFeatures.names.length;
    for (const f of d.userFeatures.values) out[first + f]++;
  }
  return out;
}

/** Each data set's rows per item, then per user (read-only): one pass over the rows, once. */
const rowCounts = new WeakMap<Dataset, Float32Array>();

function countRows(d: Dataset, from: number, to: number, out: Float32Array): void {
  const items = d.itemIds.length;
  for (let k = from; k < to; k++) {
    out[d.item[k]]++;
    out[items + d.user[k]]++;
  }
}

function rowCountsOf(d: Dataset): Float32Array {
  let counts = rowCounts.get(d);
  if (!counts) {
    counts = new Float32Array(d.itemIds.length + d.userIds.length);
    countRows(d, 0, d.user.length, counts);
    rowCounts.set(d, counts);
  }
  return counts;
}

/**
 * Counts the data set's rows per item and user `slice` rows at a time with `pause()` awaited
 * between slices, for `popularity` to read later. Started when a data set loads: at 25M rows the
 * count in one go held the page about half a second when the first epoch's map and panels asked
 * for it, with training on the cores.
 */
export async function countRowsInSlices(
  d: Dataset,
  pause: () => Promise<void> = nextTask,
  slice = 1 << 20,
): Promise<void> {
  const out = new Float32Array(d.itemIds.length + d.userIds.length);
  for (let a = 0; a < d.user.length; a += slice) {
    if (rowCounts.has(d)) return; // asked for meanwhile, and counted in one go
    countRows(d, a, Math.min(d.user.length, a + slice), out);
    await pause();
  }
  if (!rowCounts.has(d)) rowCounts.set(d, out);
}

/** Length of every point's embedding, in point order. */
export function pointNorms(s: EmbeddingSnapshot, p: PointSpace): Float32Array {
  const out = new Float32Array(pointCount(p));
  const kinds: [PointKind, number, number][] = [
    ['item', 0, p.items],
    ['user', p.items, p.users],
    ['feature', p.items + p.users, p.features],
  ];
  for (const [kind, from, rows] of kinds) {
    if (!rows) continue;
    const table = factorsOf(s, kind);
    const dim = s.dim;
    for (let r = 0; r < rows; r++) {
      let sum = 0;
      for (let a = r * dim; a < (r + 1) * dim; a++) sum += table[a] * table[a];
      out[from + r] = Math.sqrt(sum);
    }
  }
  return out;
}

/**
 * The projection input: the space's rows in point order, (points x dim), row-major; with
 * `points`, only theirs, in their order (a sample of 100,000 of 221,000 points is gathered
 * straight from the tables, not cut from a copy of them all).
 */
export function projectionInput(
  s: EmbeddingSnapshot,
  p: PointSpace,
  points: Int32Array | null = null,
): Float32Array {
  const parts = [s.itemFactors, s.userFactors];
  if (p.features) parts.push(factorsOf(s, 'feature'));
  if (!points) return concat(parts);
  const d = s.dim;
  const starts = [0, p.items, p.items + p.users];
  const out = new Float32Array(points.length * d);
  points.forEach((point, k) => {
    const kind = point < starts[1] ? 0 : point < starts[2] ? 1 : 2;
    const row = point - starts[kind];
    out.set(parts[kind].subarray(row * d, (row + 1) * d), k * d);
  });
  return out;
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of parts) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}
