/**
 * Phases 1 and 2 of a step of biased MF (with the user-day bias) and BPR: engines/row-kernel.ts
 * computes the same, one float at a time; here a row's dim factors go four at a time.
 */
import * as S from './state';
import { at, f32At, i32At, setF32, setI32 } from './state';

/** Sum over a < n of x[a] * (y[a] - z[a]) (z = 0: the dot product x . y). */
export function dot3(x: usize, y: usize, z: usize, n: i32, diff: bool): f32 {
  let acc = f32x4.splat(0);
  const end = (<usize>n) << 2;
  let o: usize = 0;
  for (; o + 16 <= end; o += 16) {
    let b = v128.load(y + o);
    if (diff) b = f32x4.sub(b, v128.load(z + o));
    acc = f32x4.add(acc, f32x4.mul(v128.load(x + o), b));
  }
  let s: f32 =
    f32x4.extract_lane(acc, 0) +
    f32x4.extract_lane(acc, 1) +
    (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
  for (; o < end; o += 4) {
    let b = load<f32>(y + o);
    if (diff) b -= load<f32>(z + o);
    s += load<f32>(x + o) * b;
  }
  return s;
}

/**
 * Phase 1 for worker w (row-kernel.ts scorePhase, before its grouping of entries): gathers its
 * slice of the batch; BPR also scores each pair. Returns its share of the step's mean loss (BPR).
 */
export function rowScore(stepInEpoch: i32, step: i32, w: i32): f64 {
  const batch = S.batch;
  const p = S.workers;
  const dim = S.dim;
  const c = dim + 1;
  const rows = S.rows;
  const hasDay = S.userDays > 0;
  const lo = <i32>((<i64>w * batch) / p);
  const hi = <i32>((<i64>(w + 1) * batch) / p);
  const start = <i64>(stepInEpoch + step) * batch;
  const negBase = step * batch;
  let loss: f64 = 0;
  for (let k = lo; k < hi; k++) {
    const row = i32At(S.order, <i32>((start + k) % rows));
    const u = i32At(S.trainUser, row);
    const i = i32At(S.trainItem, row);
    setI32(S.batchUser, k, u);
    setI32(S.batchItem, k, i);
    if (hasDay) setI32(S.batchDay, k, i32At(S.trainDay, row));
    if (!S.pairwise) {
      setF32(S.batchRating, k, f32At(S.trainRating, row));
      continue;
    }
    const j = i32At(S.negatives, negBase + k);
    setI32(S.batchItem, batch + k, j);
    const qi = at(S.item, i * c);
    const qj = at(S.item, j * c);
    // x_ui - x_uj; the user bias cancels.
    const margin: f64 =
      <f64>(f32At(qi, dim) - f32At(qj, dim)) + <f64>dot3(at(S.user, u * c), qi, qj, dim, true);
    // Loss softplus(-margin), computed stably; its derivative in the margin is -sigmoid(-margin).
    const e = Math.exp(-Math.abs(margin));
    loss += Math.log1p(e) + (margin < 0 ? -margin : 0);
    setF32(S.coef, k, <f32>(-(margin > 0 ? e / (1 + e) : 1 / (1 + e)) / batch));
  }
  return loss / batch;
}

/**
 * Phase 2, round r, for worker w (row-kernel.ts accumulatePhase): the gradients of block
 * (w, (w + r) mod p) of the grid, biased MF's rows scored on the way. `decay` is 2 l2 / B.
 * Returns its share of the step's mean loss (biased MF; 0 for BPR).
 */
export function rowAccumulate(t: i32, w: i32, r: i32, mean: f64, decay: f32): f64 {
  const batch = S.batch;
  const p = S.workers;
  const dim = S.dim;
  const c = dim + 1;
  const hasDay = S.userDays > 0;
  const pairwise = S.pairwise;
  const ub = w;
  const ib = (w + r) % p;
  const block = ub * p + ib;
  const biasScore: f32 = pairwise ? 0 : 1;
  const vd = f32x4.splat(decay);
  const end4 = (<usize>dim) << 2;
  let loss: f64 = 0;
  for (let src = 0; src < p; src++) {
    const o = src * (p * p + 1) + block;
    const last = i32At(S.entryOffsets, o + 1);
    for (let e = i32At(S.entryOffsets, o); e < last; e++) {
      const entry = i32At(S.entries, e);
      const positive = entry < batch;
      const k = positive ? entry : entry - batch;
      const u = i32At(S.batchUser, k);
      const i = i32At(S.batchItem, entry);
      const pu = at(S.user, u * c);
      const qi = at(S.item, i * c);
      const gu = at(S.userGrad, u * c);
      const gi = at(S.itemGrad, i * c);
      let g: f32;
      if (pairwise) g = positive ? f32At(S.coef, k) : -f32At(S.coef, k);
      else {
        let x: f64 = mean + <f64>f32At(qi, dim) + <f64>f32At(pu, dim);
        if (hasDay) x += <f64>f32At(S.day, i32At(S.batchDay, k));
        x += <f64>dot3(pu, qi, 0, dim, false);
        const err = x - <f64>f32At(S.batchRating, k);
        loss += err * err;
        g = <f32>((2 * err) / batch);
      }
      // A BPR user is looked up once per batch row: its decay goes with the positive entry.
      const du: f32 = positive ? decay : 0;
      const vg = f32x4.splat(g);
      const vu = f32x4.splat(du);
      let a: usize = 0;
      for (; a + 16 <= end4; a += 16) {
        const pa = v128.load(pu + a);
        const qa = v128.load(qi + a);
        const ug = f32x4.add(f32x4.mul(vg, qa), f32x4.mul(vu, pa));
        const ig = f32x4.add(f32x4.mul(vg, pa), f32x4.mul(vd, qa));
        v128.store(gu + a, f32x4.add(v128.load(gu + a), ug));
        v128.store(gi + a, f32x4.add(v128.load(gi + a), ig));
      }
      for (; a <= end4; a += 4) {
        // The factors' tail, then the bias column (a == end4).
        const pa = load<f32>(pu + a);
        const qa = load<f32>(qi + a);
        if (a == end4) {
          // BPR's user bias cancels in x_ui - x_uj: its gradient is exactly 0.
          store<f32>(gu + a, load<f32>(gu + a) + biasScore * g + du * pa);
          store<f32>(gi + a, load<f32>(gi + a) + g + decay * qa);
        } else {
          store<f32>(gu + a, load<f32>(gu + a) + g * qa + du * pa);
          store<f32>(gi + a, load<f32>(gi + a) + g * pa + decay * qa);
        }
      }
      touch(S.userStamp, S.userTouched, S.userRegion, ub, 0, u, t);
      touch(S.itemStamp, S.itemTouched, S.itemRegion, ib, p, i, t);
      if (hasDay && positive) {
        const dd = i32At(S.batchDay, k);
        const gd = at(S.dayGrad, dd);
        store<f32>(gd, load<f32>(gd) + biasScore * g + decay * f32At(S.day, dd));
        touch(S.dayStamp, S.dayTouched, S.dayRegion, ub, 2 * p, dd, t);
      }
    }
  }
  return loss / batch;
}

/** Lists row `id` among its block's touched rows the first time step t touches it. */
function touch(
  stamp: usize,
  touched: usize,
  region: usize,
  b: i32,
  counter: i32,
  id: i32,
  t: i32,
): void {
  if (i32At(stamp, id) == t) return;
  setI32(stamp, id, t);
  const n = i32At(S.touchedCount, counter + b);
  setI32(touched, i32At(region, b) + n, id);
  setI32(S.touchedCount, counter + b, n + 1);
}
