/** Point colours for the explorer: by kind, or items by their first genre (top 10 + "other"). */
import type { Dataset } from '../../core/data/types';
import type { ColorBy } from '../../state/lab-state';

export const ITEM_COLOR = '#7aa2f7';
export const USER_COLOR = '#ff9e64';
export const OTHER_COLOR = '#565f89';
const PALETTE = [
  '#f7768e',
  '#9ece6a',
  '#e0af68',
  '#7dcfff',
  '#bb9af7',
  '#73daca',
  '#ff9e64',
  '#2ac3de',
  '#c0caf5',
  '#db4b4b',
];

function rgb(hex: string): [number, number, number] {
  const v = parseInt(hex.slice(1), 16);
  return [((v >> 16) & 255) / 255, ((v >> 8) & 255) / 255, (v & 255) / 255];
}

export interface Coloring {
  /** (items + users) x 3 in 0..1 */
  colors: Float32Array;
  legend: { label: string; color: string; shape: 'disc' | 'square' }[];
}

export function colorPoints(d: Dataset, by: ColorBy): Coloring {
  const items = d.itemIds.length;
  const n = items + d.userIds.length;
  const colors = new Float32Array(n * 3);
  const put = (i: number, c: [number, number, number]) => colors.set(c, i * 3);
  const user = rgb(USER_COLOR);
  for (let u = 0; u < d.userIds.length; u++) put(items + u, user);
  const f = d.itemFeatures;
  if (by === 'genre' && f.names.length > 0) {
    // The most frequent first-listed features get colours; the rest share "other".
    const firstOf = (i: number) => (f.offsets[i + 1] > f.offsets[i] ? f.values[f.offsets[i]] : -1);
    const counts = new Int32Array(f.names.length);
    for (let i = 0; i < items; i++) if (firstOf(i) >= 0) counts[firstOf(i)]++;
    const top = Array.from(counts.keys())
      .filter((k) => counts[k] > 0)
      .sort((a, b) => counts[b] - counts[a])
      .slice(0, PALETTE.length);
    const colorOf = new Map(top.map((k, r) => [k, PALETTE[r]]));
    for (let i = 0; i < items; i++) put(i, rgb(colorOf.get(firstOf(i)) ?? OTHER_COLOR));
    return {
      colors,
      legend: [
        ...top.map((k) => ({ label: f.names[k], color: colorOf.get(k)!, shape: 'disc' as const })),
        { label: 'other / none', color: OTHER_COLOR, shape: 'disc' },
        { label: 'users', color: USER_COLOR, shape: 'square' },
      ],
    };
  }
  const item = rgb(ITEM_COLOR);
  for (let i = 0; i < items; i++) put(i, item);
  return {
    colors,
    legend: [
      { label: 'items', color: ITEM_COLOR, shape: 'disc' },
      { label: 'users', color: USER_COLOR, shape: 'square' },
    ],
  };
}

export function pointShapes(d: Dataset): Uint8Array {
  const shapes = new Uint8Array(d.itemIds.length + d.userIds.length);
  shapes.fill(1, d.itemIds.length);
  return shapes;
}
