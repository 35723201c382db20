/**
 * Which points a frame draws under a draw limit: every k-th visible point (in index order, so
 * each kind and region keeps its share) and every emphasised one, or all of them when the
 * visible points fit the limit. Used while a software renderer shares the cores with training,
 * where a frame's cost grows with the points it draws (bench/scale-app.mjs, SCALE_TRACE).
 */

/**
 * The indices of the points to draw, written into `out` (capacity n); returns how many, or
 * null when every visible point fits (`limit` null or at least their number).
 */
export function drawSample(
  visible: ArrayLike<number>,
  emphasis: ArrayLike<number>,
  limit: number | null,
  out: Uint32Array,
): number | null {
  if (limit === null) return null;
  let count = 0;
  for (let i = 0; i < visible.length; i++) if (visible[i]) count++;
  if (count <= limit) return null;
  const stride = Math.ceil(count / Math.max(1, limit));
  let k = 0;
  let drawn = 0;
  for (let i = 0; i < visible.length; i++) {
    if (!visible[i]) continue;
    if (k++ % stride === 0 || emphasis[i] > 0) out[drawn++] = i;
  }
  return drawn;
}

/** Copies `source` into `target` when they differ; says whether they did. */
export function setIfChanged(target: Float32Array, source: ArrayLike<number>): boolean {
  let same = target.length === source.length;
  for (let i = 0; same && i < source.length; i++) same = target[i] === source[i];
  if (!same) target.set(source);
  return !same;
}
