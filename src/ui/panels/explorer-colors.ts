/**
 * Point colours, shapes and sizes for the explorer. Colour by kind; items by their first genre
 * (the 10 most frequent, then "other"); or every point by a number on a gradient: popularity
 * (interactions, log scale), learned bias, or embedding norm.
 */
import type { Dataset, EmbeddingSnapshot } from '../../core/data/types';
import type { ColorBy, Palette } from '../../state/lab-state';
import { pointNorms, popularity, type PointSpace } from '../../state/points';

export const ITEM_COLOR = '#7aa2f7';
export const USER_COLOR = '#ff9e64';
export const FEATURE_COLOR = '#9ece6a';
export const OTHER_COLOR = '#565f89';

interface ColorSet {
  item: string;
  user: string;
  feature: string;
  /** Categories (e.g. genres), most frequent first. */
  categories: string[];
}

const COLOR_SETS: Record<Palette, ColorSet> = {
  default: {
    item: ITEM_COLOR,
    user: USER_COLOR,
    feature: FEATURE_COLOR,
    categories: [
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
    ],
  },
  // Okabe and Ito's colours (black left out: the map's background is dark).
  colorblind: {
    item: '#56b4e9',
    user: '#e69f00',
    feature: '#009e73',
    categories: ['#e69f00', '#56b4e9', '#009e73', '#f0e442', '#0072b2', '#d55e00', '#cc79a7'],
  },
};
/** A perceptually ordered ramp (viridis' stops), low to high. */
const RAMP = ['#440154', '#3b528b', '#21918c', '#5ec962', '#fde725'];

type RGB = [number, number, number];

function rgb(hex: string): RGB {
  const v = parseInt(hex.slice(1), 16);
  return [((v >> 16) & 255) / 255, ((v >> 8) & 255) / 255, (v & 255) / 255];
}

const RAMP_RGB = RAMP.map(rgb);

/** The ramp's colour at t in [0, 1]. */
function ramp(t: number): RGB {
  const x = Math.min(1, Math.max(0, t)) * (RAMP_RGB.length - 1);
  const k = Math.min(RAMP_RGB.length - 2, Math.floor(x));
  const f = x - k;
  const [a, b] = [RAMP_RGB[k], RAMP_RGB[k + 1]];
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

export interface LegendEntry {
  label: string;
  color: string;
  shape: 'disc' | 'square' | 'triangle';
}

export interface Coloring {
  /** points x 3 in 0..1 */
  colors: Float32Array;
  legend: LegendEntry[];
  /** For gradient colourings: what the ramp shows and its ends. */
  gradient: { label: string; min: number; max: number; css: string } | null;
}

const kindLegend = (p: PointSpace, c: ColorSet): LegendEntry[] => [
  { label: 'items', color: c.item, shape: 'disc' },
  { label: 'users', color: c.user, shape: 'square' },
  ...(p.features ? [{ label: 'features', color: c.feature, shape: 'triangle' as const }] : []),
];

function numeric(
  d: Dataset,
  p: PointSpace,
  s: EmbeddingSnapshot | null,
  by: 'popularity' | 'bias' | 'norm',
): { values: Float32Array; defined: (i: number) => boolean; label: string; log: boolean } {
  const n = p.items + p.users + p.features;
  if (by === 'popularity')
    return { values: popularity(d, p), defined: () => true, label: 'interactions', log: true };
  const values = new Float32Array(n);
  if (!s) return { values, defined: () => false, label: by, log: false };
  if (by === 'bias') {
    values.set(s.itemBias.subarray(0, p.items));
    values.set(s.userBias.subarray(0, p.users), p.items);
    // Features' biases are not in the snapshot: they are drawn grey.
    return { values, defined: (i) => i < p.items + p.users, label: 'bias', log: false };
  }
  return { values: pointNorms(s, p), defined: () => true, label: 'embedding norm', log: false };
}

export function colorPoints(
  d: Dataset,
  by: ColorBy,
  p: PointSpace,
  s: EmbeddingSnapshot | null,
  palette: Palette = 'default',
): Coloring {
  const set = COLOR_SETS[palette];
  const n = p.items + p.users + p.features;
  const colors = new Float32Array(n * 3);
  // Three writes, not colors.set(c, ...): a set() per point cost about 3 us, 0.2 s at 60,000 points.
  const put = (i: number, c: RGB) => {
    colors[i * 3] = c[0];
    colors[i * 3 + 1] = c[1];
    colors[i * 3 + 2] = c[2];
  };
  if (by === 'popularity' || by === 'bias' || by === 'norm') {
    const { values, defined, label, log } = numeric(d, p, s, by);
    const f = (v: number) => (log ? Math.log1p(Math.max(0, v)) : v);
    let [lo, hi] = [Infinity, -Infinity];
    for (let i = 0; i < n; i++)
      if (defined(i)) [lo, hi] = [Math.min(lo, f(values[i])), Math.max(hi, f(values[i]))];
    const span = hi > lo ? hi - lo : 1;
    const grey = rgb(OTHER_COLOR);
    for (let i = 0; i < n; i++) put(i, defined(i) ? ramp((f(values[i]) - lo) / span) : grey);
    const back = (v: number) => (log ? Math.expm1(v) : v);
    return {
      colors,
      legend: kindLegend(p, set).map((e) => ({ ...e, color: '#a9b1d6' })),
      gradient: Number.isFinite(lo)
        ? { label, min: back(lo), max: back(hi), css: `linear-gradient(90deg, ${RAMP.join(', ')})` }
        : null,
    };
  }
  const user = rgb(set.user);
  for (let u = 0; u < p.users; u++) put(p.items + u, user);
  const feature = rgb(set.feature);
  for (let k = 0; k < p.features; k++) put(p.items + p.users + k, feature);
  const column = categoricalColumn(d, by);
  if (column) {
    // Each entity's first feature of the column; the most frequent get colours, the rest
    // share "other".
    const { side, features } = column;
    const t = side === 'item' ? d.itemFeatures : d.userFeatures;
    const [from, count] = side === 'item' ? [0, p.items] : [p.items, p.users];
    const inColumn = new Uint8Array(t.names.length);
    for (const f of features) inColumn[f] = 1;
    const firstOf = (e: number) => {
      for (let k = t.offsets[e]; k < t.offsets[e + 1]; k++)
        if (inColumn[t.values[k]]) return t.values[k];
      return -1;
    };
    const counts = new Int32Array(t.names.length);
    for (let e = 0; e < count; e++) if (firstOf(e) >= 0) counts[firstOf(e)]++;
    const top = Array.from(counts.keys())
      .filter((k) => counts[k] > 0)
      .sort((a, b) => counts[b] - counts[a])
      .slice(0, set.categories.length);
    const colorOf = new Map(top.map((k, r) => [k, set.categories[r]]));
    if (side === 'user') for (let i = 0; i < p.items; i++) put(i, rgb(set.item));
    for (let e = 0; e < count; e++) put(from + e, rgb(colorOf.get(firstOf(e)) ?? OTHER_COLOR));
    // A feature that has a colour wears it too, so a genre sits visibly among its films.
    const offset = side === 'item' ? 0 : d.itemFeatures.names.length;
    for (let f = 0; f < p.features; f++) put(p.items + p.users + f, rgb(set.feature));
    for (const [k, color] of colorOf)
      if (offset + k < p.features) put(p.items + p.users + offset + k, rgb(color));
    const shape = side === 'item' ? ('disc' as const) : ('square' as const);
    return {
      colors,
      legend: [
        ...top.map((k) => ({ label: t.names[k], color: colorOf.get(k)!, shape })),
        { label: 'other / none', color: OTHER_COLOR, shape },
        ...kindLegend(p, set).filter((e) => e.shape !== shape),
      ],
      gradient: null,
    };
  }
  const item = rgb(set.item);
  for (let i = 0; i < p.items; i++) put(i, item);
  return { colors, legend: kindLegend(p, set), gradient: null };
}

/**
 * A metadata column: features named "column=value" (several columns), "tag: ..." (a tags file),
 * or by value alone (the one multi-valued column, e.g. genres).
 */
export interface MetadataColumn {
  /** The `ColorBy` value that colours by it. */
  key: ColorBy;
  label: string;
  side: 'item' | 'user';
  features: number[];
}

function columnOf(name: string): string {
  const eq = name.indexOf('=');
  if (eq > 0) return name.slice(0, eq);
  return name.startsWith('tag: ') ? 'tags' : '';
}

/** The item and user metadata columns, in the order their features first appear. */
export function metadataColumns(d: Dataset): MetadataColumn[] {
  const out: MetadataColumn[] = [];
  for (const side of ['item', 'user'] as const) {
    const names = (side === 'item' ? d.itemFeatures : d.userFeatures).names;
    const byColumn = new Map<string, number[]>();
    names.forEach((name, f) => {
      const c = columnOf(name);
      byColumn.set(c, [...(byColumn.get(c) ?? []), f]);
    });
    for (const [c, features] of byColumn) {
      // The item side's unnamed column keeps the key 'genre' (older bookmarks use it).
      const key = (side === 'item' && c === '' ? 'genre' : `${side}:${c}`) as ColorBy;
      const label = `${side} ${c || (side === 'item' ? 'genre' : 'attribute')}`;
      out.push({ key, label, side, features });
    }
  }
  return out;
}

function categoricalColumn(d: Dataset, by: ColorBy): MetadataColumn | null {
  if (by === 'kind' || by === 'popularity' || by === 'bias' || by === 'norm') return null;
  return metadataColumns(d).find((c) => c.key === by) ?? null;
}

/** 0 disc (items), 1 square (users), 2 triangle (features). */
export function pointShapes(p: PointSpace): Uint8Array {
  const shapes = new Uint8Array(p.items + p.users + p.features);
  shapes.fill(1, p.items, p.items + p.users);
  shapes.fill(2, p.items + p.users);
  return shapes;
}

/** Diameters in CSS px: `base`, or growing with the square root of interactions (0.6x..2.6x). */
export function pointSizes(
  d: Dataset,
  p: PointSpace,
  byPopularity: boolean,
  base: number,
): Float32Array {
  const n = p.items + p.users + p.features;
  if (!byPopularity) return new Float32Array(n).fill(base);
  const counts = popularity(d, p);
  let max = 1;
  for (const c of counts) max = Math.max(max, c);
  return counts.map((c) => base * (0.6 + 2 * Math.sqrt(c / max)));
}

/** Per point, 1 when its kind is shown. */
export function visibility(
  p: PointSpace,
  show: { item: boolean; user: boolean; feature: boolean },
): Uint8Array {
  const mask = new Uint8Array(p.items + p.users + p.features);
  mask.fill(show.item ? 1 : 0, 0, p.items);
  mask.fill(show.user ? 1 : 0, p.items, p.items + p.users);
  mask.fill(show.feature ? 1 : 0, p.items + p.users);
  return mask;
}

/** The map's background (EmbeddingScene's clear colour), which faded points lean towards. */
const BACKGROUND = rgb('#0f1117');

/**
 * Points with fewer than `minSupport` interactions (`support`, in point order: popularity()) drawn
 * faded: three quarters of the way to the background. Their vectors carry little evidence, so the
 * eye should not read structure into them; the same minimum keeps them out of neighbour lists.
 * Changes `colors` (points x 3) in place and returns it.
 */
export function fadeLowSupport(
  colors: Float32Array,
  support: Float32Array,
  minSupport: number,
): Float32Array {
  if (minSupport <= 1) return colors;
  for (let i = 0; i < support.length; i++) {
    if (support[i] >= minSupport) continue;
    for (let c = 0; c < 3; c++)
      colors[i * 3 + c] = BACKGROUND[c] + (colors[i * 3 + c] - BACKGROUND[c]) * 0.25;
  }
  return colors;
}
