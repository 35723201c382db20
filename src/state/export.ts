/**
 * The explorer's CSV export: one row per laid-out point with its kind, id, label, coordinates,
 * interactions and metadata features, so a layout can be taken to a notebook or a spreadsheet.
 * RFC 4180 quoting: a field with a comma, quote or line break is quoted, quotes doubled.
 */
import type { Dataset } from '../core/data/types';
import { entityOf, idOf, labelOf, pointCount, popularity, type PointSpace } from './points';

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
