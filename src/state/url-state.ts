/**
 * The explorer's view in the page's URL, so a view can be bookmarked and shared: projection and
 * its parameters, colouring, kinds shown, neighbour metric, k and minimum support, the selected point and the
 * camera. Parsing is forgiving: an unknown or out-of-range value is ignored, never an error.
 * Other query parameters (e.g. `sample=none`) are kept as they are.
 */
import {
  initialState,
  type ColorBy,
  type LabState,
  type Palette,
  type PointKind,
} from './lab-state';
import type { Metric } from '../core/projection/neighbours';
import type { ProjectionMethod } from '../worker/projection/protocol';

export interface UrlView {
  method?: ProjectionMethod;
  dims?: 2 | 3;
  nNeighbors?: number;
  minDist?: number;
  perplexity?: number;
  firstComponent?: number;
  colorBy?: ColorBy;
  show?: Record<PointKind, boolean>;
  sizeByPopularity?: boolean;
  pointSize?: number;
  labelSize?: number;
  palette?: Palette;
  metric?: Metric;
  k?: number;
  /** Neighbours' minimum support (interactions). */
  minSupport?: number;
  /** The selected point, by kind and id. */
  selection?: { kind: PointKind; id: string };
  /** Camera position then orbit target, world units. */
  camera?: number[];
}

/** The query parameters this module owns. */
const KEYS = [
  'proj',
  'dims',
  'nn',
  'md',
  'perp',
  'pc',
  'color',
  'show',
  'size',
  'ps',
  'ls',
  'pal',
  'metric',
  'k',
  'msup',
  'sel',
  'cam',
];
const METHODS: ProjectionMethod[] = ['umap', 'tsne', 'pca', 'identity'];
const COLORS: ColorBy[] = ['kind', 'genre', 'popularity', 'bias', 'norm'];
const METRICS: Metric[] = ['cosine', 'euclidean', 'dot', 'shrunk-cosine'];
const KIND_LETTERS: [PointKind, string][] = [
  ['item', 'i'],
  ['user', 'u'],
  ['feature', 'f'],
];

/** The view of `s` (and the camera, when one is drawn) as query parameters over `base`'s others. */
export function encodeView(s: LabState, camera: number[] | null, base: string): string {
  const q = new URLSearchParams(base);
  KEYS.forEach((k) => q.delete(k));
  // Only what differs from a fresh page, so an untouched view keeps a clean address.
  const fresh = initialState();
  const put = (key: string, value: string, usual: string) => {
    if (value !== usual) q.set(key, value);
  };
  const letters = (show: Record<PointKind, boolean>) =>
    KIND_LETTERS.filter(([k]) => show[k])
      .map(([, l]) => l)
      .join('') || '-';
  const [p, f] = [s.projection, fresh.projection];
  put('proj', p.method, f.method);
  put('dims', String(p.dims), String(f.dims));
  put('nn', String(p.params.nNeighbors), String(f.params.nNeighbors));
  put('md', String(p.params.minDist), String(f.params.minDist));
  put('perp', String(p.params.perplexity), String(f.params.perplexity));
  put('pc', String(p.params.firstComponent), String(f.params.firstComponent));
  put('color', s.colorBy, fresh.colorBy);
  put('show', letters(s.view.show), letters(fresh.view.show));
  if (s.view.sizeByPopularity) q.set('size', 'pop');
  put('ps', String(s.view.pointSize), String(fresh.view.pointSize));
  put('ls', String(s.view.labelSize), String(fresh.view.labelSize));
  put('pal', s.view.palette, fresh.view.palette);
  put('metric', s.view.neighbours.metric, fresh.view.neighbours.metric);
  put('k', String(s.view.neighbours.k), String(fresh.view.neighbours.k));
  put('msup', String(s.view.neighbours.minSupport), String(fresh.view.neighbours.minSupport));
  if (s.selection) q.set('sel', `${s.selection.kind}:${s.selection.id}`);
  if (camera) q.set('cam', camera.map((v) => +v.toFixed(3)).join(','));
  const text = q.toString();
  return text ? `?${text}` : '';
}

function number(q: URLSearchParams, key: string, min: number, max: number, integer = false) {
  const raw = q.get(key);
  if (raw === null || raw.trim() === '') return undefined;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v)))
    return undefined;
  return v;
}

export function decodeView(search: string): UrlView {
  const q = new URLSearchParams(search);
  const out: UrlView = {};
  const proj = q.get('proj') as ProjectionMethod | null;
  if (proj && METHODS.includes(proj)) out.method = proj;
  const dims = number(q, 'dims', 2, 3, true);
  if (dims !== undefined) out.dims = dims as 2 | 3;
  out.nNeighbors = number(q, 'nn', 2, 200, true);
  out.minDist = number(q, 'md', 0, 1);
  out.perplexity = number(q, 'perp', 2, 100);
  out.firstComponent = number(q, 'pc', 1, 512, true);
  const color = q.get('color') as ColorBy | null;
  if (color && (COLORS.includes(color) || /^(item|user):/.test(color))) out.colorBy = color;
  const show = q.get('show');
  if (show !== null && /^[iuf]*-?$/.test(show))
    out.show = Object.fromEntries(KIND_LETTERS.map(([k, l]) => [k, show.includes(l)])) as Record<
      PointKind,
      boolean
    >;
  if (q.get('size') === 'pop') out.sizeByPopularity = true;
  out.pointSize = number(q, 'ps', 1, 40);
  out.labelSize = number(q, 'ls', 0, 40);
  const palette = q.get('pal');
  if (palette === 'default' || palette === 'colorblind') out.palette = palette;
  const metric = q.get('metric') as Metric | null;
  if (metric && METRICS.includes(metric)) out.metric = metric;
  out.k = number(q, 'k', 1, 100, true);
  out.minSupport = number(q, 'msup', 1, 1e9, true);
  const sel = /^(item|user|feature):(.+)$/.exec(q.get('sel') ?? '');
  if (sel) out.selection = { kind: sel[1] as PointKind, id: sel[2] };
  const cam = (q.get('cam') ?? '').split(',').map(Number);
  if (cam.length === 6 && cam.every(Number.isFinite)) out.camera = cam;
  for (const key of Object.keys(out) as (keyof UrlView)[])
    if (out[key] === undefined) delete out[key];
  return out;
}
