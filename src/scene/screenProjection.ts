/**
 * CPU projection of points to CSS pixels, shared by picking and screenPosition so that a point an
 * automated test is told to click is exactly the point that picking finds. Pure: no DOM, no three.js.
 */

/** A projection * view matrix (16 numbers, column-major, as three.js's Matrix4.elements). */
export type ViewProjection = ArrayLike<number>;

export interface ScreenPoint {
  /** CSS px from the canvas's left edge. */
  x: number;
  /** CSS px from the canvas's top edge. */
  y: number;
  /** Clip-space w: distance along the view direction, used to prefer the nearer of two overlaps. */
  depth: number;
}

/**
 * Projects point i of `positions` (n x 3) onto a width x height CSS px viewport.
 * Null when the point is behind the camera or outside the near/far planes.
 */
export function projectPoint(
  m: ViewProjection,
  positions: Float32Array,
  i: number,
  width: number,
  height: number,
): ScreenPoint | null {
  const x = positions[i * 3];
  const y = positions[i * 3 + 1];
  const z = positions[i * 3 + 2];
  const w = m[3] * x + m[7] * y + m[11] * z + m[15];
  if (!(w > 0)) return null;
  const cz = (m[2] * x + m[6] * y + m[10] * z + m[14]) / w;
  if (cz < -1 || cz > 1) return null;
  const cx = (m[0] * x + m[4] * y + m[8] * z + m[12]) / w;
  const cy = (m[1] * x + m[5] * y + m[9] * z + m[13]) / w;
  return { x: (cx * 0.5 + 0.5) * width, y: (0.5 - cy * 0.5) * height, depth: w };
}

export interface PickInput {
  m: ViewProjection;
  /** n x 3 displayed positions. */
  positions: Float32Array;
  n: number;
  /** Viewport size, CSS px. */
  width: number;
  height: number;
  /** Per point, nonzero = visible; null = all visible. */
  visible: ArrayLike<number> | null;
  /** Per point drawn diameter, CSS px; a big sprite is pickable across its whole area. */
  sizes: ArrayLike<number> | null;
}

/**
 * The visible point whose screen position is nearest (x, y) (CSS px), within max(radiusPx, its drawn
 * radius); ties within half a pixel go to the one nearer the camera. O(n): fine to ~100k points.
 */
export function pickNearest(
  input: PickInput,
  x: number,
  y: number,
  radiusPx: number,
): number | null {
  const { m, positions, n, width, height, visible, sizes } = input;
  let best: number | null = null;
  let bestDist = Infinity;
  let bestDepth = Infinity;
  for (let i = 0; i < n; i++) {
    if (visible && !visible[i]) continue;
    const p = projectPoint(m, positions, i, width, height);
    if (!p) continue;
    const reach = Math.max(radiusPx, sizes ? sizes[i] / 2 : 0);
    const dist = Math.hypot(p.x - x, p.y - y);
    if (dist > reach) continue;
    if (dist < bestDist - 0.5 || (dist <= bestDist + 0.5 && p.depth < bestDepth)) {
      best = i;
      bestDist = dist;
      bestDepth = p.depth;
    }
  }
  return best;
}

/** Widens an n x dims layout (dims 2 or 3) to the n x 3 the scene takes, z = 0 for 2D. */
export function toXYZ(coords: Float32Array, n: number, dims: 2 | 3): Float32Array {
  if (dims === 3) return coords.slice(0, n * 3);
  const out = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    out[i * 3] = coords[i * 2];
    out[i * 3 + 1] = coords[i * 2 + 1];
  }
  return out;
}

/**
 * The k-th smallest of `v` (0-based), partially reordering `v` in place (Hoare's selection with
 * a middle pivot: linear on average).
 */
export function select(v: Float64Array, k: number): number {
  let [lo, hi] = [0, v.length - 1];
  while (lo < hi) {
    const pivot = v[(lo + hi) >> 1];
    let [i, j] = [lo, hi];
    while (i <= j) {
      while (v[i] < pivot) i++;
      while (v[j] > pivot) j--;
      if (i <= j) {
        const t = v[i];
        v[i++] = v[j];
        v[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return v[k];
  }
  return v[k];
}

/** Visible points the frame's percentiles are measured on, at most about (boundingSphere). */
const FRAME_SAMPLE = 20_000;

/**
 * Centre and radius of the sphere around the visible points' bounding box (n x 3 positions).
 * With `coverage` below 1, each axis spans only that central share of the points (e.g. 0.98:
 * from the 1st to the 99th percentile), so a few far islands, common in UMAP layouts, do not
 * shrink the main cloud to a speck; they stay a zoom away. Those percentiles are read from at
 * most about FRAME_SAMPLE of the visible points, evenly spaced (at 221,000 points all of them
 * held the page 0.2 s with training on the cores); the whole box (coverage 1) reads them all.
 */
export function boundingSphere(
  positions: Float32Array,
  n: number,
  visible: ArrayLike<number> | null,
  coverage = 1,
): { centre: [number, number, number]; radius: number } {
  let shown = n;
  if (visible) {
    shown = 0;
    for (let i = 0; i < n; i++) if (visible[i]) shown++;
  }
  const stride = coverage < 1 ? Math.max(1, Math.floor(shown / FRAME_SAMPLE)) : 1;
  const size = Math.ceil(shown / stride);
  const values = [new Float64Array(size), new Float64Array(size), new Float64Array(size)];
  const counts = [0, 0, 0];
  for (let i = 0, seen = 0; i < n; i++) {
    if (visible && !visible[i]) continue;
    if (seen++ % stride) continue;
    for (let a = 0; a < 3; a++) {
      const v = positions[i * 3 + a];
      if (Number.isFinite(v)) values[a][counts[a]++] = v;
    }
  }
  if (!counts[0]) return { centre: [0, 0, 0], radius: 1 };
  const centre: [number, number, number] = [0, 0, 0];
  let radius = 0;
  for (let a = 0; a < 3; a++) {
    // Two order statistics by selection, not a sort: linear in the points (a sort of 90,000
    // held the page 0.3 s with training on the cores).
    const m = counts[a];
    const v = values[a].subarray(0, m);
    const cut = Math.floor((m * (1 - coverage)) / 2);
    const lo = select(v, cut);
    const hi = select(v, m - 1 - cut);
    centre[a] = (lo + hi) / 2;
    radius += ((hi - lo) / 2) ** 2;
  }
  // A lone point (or a stack of them) still needs a sensible frame around it.
  return { centre, radius: Math.max(Math.sqrt(radius), 0.05) };
}
