/**
 * Phases B-E of a step of the bag models (SVD++, the hybrid, FM): engines/bag-kernel.ts computes
 * the same one float at a time (its comments say why each phase is as it is); here a row's dim
 * factors go four at a time, the tail one at a time, the bias column last. Side 0 is the user
 * side (the user table and its bags), side 1 the item side.
 */
import * as S from './state';
import { at, f32At, i32At, setF32, setI32 } from './state';
import { dot3 } from './rows';

function lanes(v: v128): f32 {
  return (
    f32x4.extract_lane(v, 0) +
    f32x4.extract_lane(v, 1) +
    (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3))
  );
}

/** y[a] += g * (x[a] - z[a]) for a < n (z = 0: y += g x). */
function axpy(y: usize, x: usize, z: usize, g: f32, n: i32, diff: bool): void {
  const vg = f32x4.splat(g);
  const end = (<usize>n) << 2;
  let o: usize = 0;
  for (; o + 16 <= end; o += 16) {
    let b = v128.load(x + o);
    if (diff) b = f32x4.sub(b, v128.load(z + o));
    v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(vg, b)));
  }
  for (; o < end; o += 4) {
    let b = load<f32>(x + o);
    if (diff) b -= load<f32>(z + o);
    store<f32>(y + o, load<f32>(y + o) + g * b);
  }
}

/** Phase B for worker w (bag-kernel.ts bagEntityPhase): its distinct entities, counts, sums. */
export function bagEntities(t: i32, w: i32): void {
  see(0, S.batchUser, S.batch, t, w);
  see(1, S.batchItem, S.pairwise ? 2 * S.batch : S.batch, t, w);
}

function see(side: i32, ids: usize, n: i32, t: i32, w: i32): void {
  const p = S.workers;
  const owner = side ? S.itemOwner : S.userOwner;
  const stamp = side ? S.itemSeenStamp : S.userSeenStamp;
  const count = side ? S.itemCount : S.userCount;
  const seen = side ? S.itemSeen : S.userSeen;
  const counter = (side ? 4 : 3) * p + w;
  const from = i32At(side ? S.itemSeenRegion : S.userSeenRegion, w);
  let m = i32At(S.touchedCount, counter);
  for (let k = 0; k < n; k++) {
    const e = i32At(ids, k);
    if (i32At(owner, e) != w) continue;
    if (i32At(stamp, e) != t) {
      setI32(stamp, e, t);
      setI32(seen, from + m, e);
      m++;
    }
    setI32(count, e, i32At(count, e) + 1);
  }
  setI32(S.touchedCount, counter, m);
  for (let q = from; q < from + m; q++) sumBag(side, i32At(seen, q));
}

/** rep[e] = the weighted sum of e's bag rows (all blocks), plus the FM's self term. */
function sumBag(side: i32, e: i32): void {
  const p = S.workers;
  const dim = S.dim;
  const c = dim + 1;
  const table = side ? S.item : S.user;
  const offsets = side ? S.itemBagOffsets : S.userBagOffsets;
  const rows = side ? S.itemBagRows : S.userBagRows;
  const weights = side ? S.itemBagWeights : S.userBagWeights;
  const biasRows = side ? S.itemBiasRows : S.userBiasRows;
  const self = S.selfTerm;
  const rep = at(side ? S.itemRep : S.userRep, e * c);
  const end4 = (<usize>dim) << 2;
  const zero = f32x4.splat(0);
  let a: usize = 0;
  for (; a + 16 <= end4; a += 16) v128.store(rep + a, zero);
  for (; a <= end4; a += 4) store<f32>(rep + a, 0);
  let squares: f32 = 0;
  const last = i32At(offsets, e * p + p);
  for (let x = i32At(offsets, e * p); x < last; x++) {
    const row = i32At(rows, x);
    const r = at(table, row * c);
    const wt = f32At(weights, x);
    const vw = f32x4.splat(wt);
    let vn = zero;
    a = 0;
    for (; a + 16 <= end4; a += 16) {
      const v = v128.load(r + a);
      v128.store(rep + a, f32x4.add(v128.load(rep + a), f32x4.mul(vw, v)));
      if (self) vn = f32x4.add(vn, f32x4.mul(v, v));
    }
    let norm = lanes(vn);
    for (; a < end4; a += 4) {
      const v = load<f32>(r + a);
      store<f32>(rep + a, load<f32>(rep + a) + wt * v);
      norm += v * v;
    }
    if (self) squares += wt * wt * norm;
    if (row < biasRows) store<f32>(rep + end4, load<f32>(rep + end4) + wt * load<f32>(r + end4));
  }
  if (!self) return;
  const sum = dot3(rep, rep, 0, dim, false);
  store<f32>(rep + end4, load<f32>(rep + end4) + <f32>0.5 * (sum - squares));
}

/** Phase C for worker w (bagScorePhase): scores its slice; its share of the mean loss. */
export function bagScore(mean: f64, w: i32): f64 {
  const batch = S.batch;
  const p = S.workers;
  const dim = S.dim;
  const c = dim + 1;
  const hasDay = S.userDays > 0;
  const lo = <i32>((<i64>w * batch) / p);
  const hi = <i32>((<i64>(w + 1) * batch) / p);
  let loss: f64 = 0;
  for (let k = lo; k < hi; k++) {
    const pu = at(S.userRep, i32At(S.batchUser, k) * c);
    const qi = at(S.itemRep, i32At(S.batchItem, k) * c);
    if (S.pairwise) {
      const qj = at(S.itemRep, i32At(S.batchItem, batch + k) * c);
      // x_ui - x_uj; the user's bias cancels.
      const margin: f64 = <f64>(f32At(qi, dim) - f32At(qj, dim)) + <f64>dot3(pu, qi, qj, dim, true);
      const e = Math.exp(-Math.abs(margin));
      loss += Math.log1p(e) + (margin < 0 ? -margin : 0);
      setF32(S.coef, k, <f32>(-(margin > 0 ? e / (1 + e) : 1 / (1 + e)) / batch));
    } else {
      let x: f64 = mean + <f64>f32At(pu, dim) + <f64>f32At(qi, dim);
      if (hasDay) x += <f64>f32At(S.day, i32At(S.batchDay, k));
      x += <f64>dot3(pu, qi, 0, dim, false);
      const err = x - <f64>f32At(S.batchRating, k);
      loss += err * err;
      setF32(S.coef, k, <f32>((2 * err) / batch));
    }
  }
  return loss / batch;
}

/** Phase D for worker w (bagRepGradPhase): gradients of the representations it owns. */
export function bagRepGrad(t: i32, w: i32, decay: f32): void {
  const batch = S.batch;
  const p = S.workers;
  const dim = S.dim;
  const c = dim + 1;
  const pairwise = S.pairwise;
  const hasDay = S.userDays > 0;
  for (let k = 0; k < batch; k++) {
    const u = i32At(S.batchUser, k);
    const i = i32At(S.batchItem, k);
    const j = pairwise ? i32At(S.batchItem, batch + k) : 0;
    const g = f32At(S.coef, k);
    const pu = at(S.userRep, u * c);
    const qi = at(S.itemRep, i * c);
    const qj = at(S.itemRep, j * c);
    if (i32At(S.userOwner, u) == w) {
      const gu = at(S.userRepGrad, u * c);
      axpy(gu, qi, qj, g, dim, pairwise);
      if (!pairwise) setF32(gu, dim, f32At(gu, dim) + g);
      if (hasDay) {
        const dd = i32At(S.batchDay, k);
        setF32(S.dayGrad, dd, f32At(S.dayGrad, dd) + (pairwise ? 0 : g) + decay * f32At(S.day, dd));
        if (i32At(S.dayStamp, dd) != t) {
          setI32(S.dayStamp, dd, t);
          const n = i32At(S.touchedCount, 2 * p + w);
          setI32(S.dayTouched, i32At(S.dayRegion, w) + n, dd);
          setI32(S.touchedCount, 2 * p + w, n + 1);
        }
      }
    }
    if (i32At(S.itemOwner, i) == w) {
      const gi = at(S.itemRepGrad, i * c);
      axpy(gi, pu, 0, g, dim, false);
      setF32(gi, dim, f32At(gi, dim) + g);
    }
    if (pairwise && i32At(S.itemOwner, j) == w) {
      const gj = at(S.itemRepGrad, j * c);
      axpy(gj, pu, 0, -g, dim, false);
      setF32(gj, dim, f32At(gj, dim) - g);
    }
  }
}

/** Phase E for worker w (bagTableGradPhase): the bag entries whose rows are in its block. */
export function bagTableGrad(t: i32, w: i32, decay: f32): void {
  spread(0, t, w, decay);
  spread(1, t, w, decay);
}

/**
 * The L2 of a bag entry, dec x its row, summed over the step's readers of the row is (the sum of
 * their dec) x the row: spread adds each reader's dec to the row's `decay` word and `applyDecay`
 * adds it to the gradient once, so a row is read once a step rather than once per reader (SVD++:
 * each y_j is in the bags of many users). Only the float rounding differs from the JS loops.
 */
function spread(side: i32, t: i32, w: i32, decay: f32): void {
  const p = S.workers;
  const dim = S.dim;
  const c = dim + 1;
  const table = side ? S.item : S.user;
  const grad = side ? S.itemGrad : S.userGrad;
  const rowDecay = side ? S.itemDecay : S.userDecay;
  const repBase = side ? S.itemRep : S.userRep;
  const repGradBase = side ? S.itemRepGrad : S.userRepGrad;
  const weights = side ? S.itemBagWeights : S.userBagWeights;
  const offsets = side ? S.itemBagOffsets : S.userBagOffsets;
  const rows = side ? S.itemBagRows : S.userBagRows;
  const count = side ? S.itemCount : S.userCount;
  const seen = side ? S.itemSeen : S.userSeen;
  const seenRegion = side ? S.itemSeenRegion : S.userSeenRegion;
  const stamp = side ? S.itemStamp : S.userStamp;
  const touched = side ? S.itemTouched : S.userTouched;
  const touchedFrom = i32At(side ? S.itemRegion : S.userRegion, w);
  const touchedCounter = (side ? 1 : 0) * p + w;
  const seenCounter = (side ? 4 : 3) * p;
  const biasRows = side ? S.itemBiasRows : S.userBiasRows;
  const self = S.selfTerm;
  const end4 = (<usize>dim) << 2;
  const first = i32At(S.touchedCount, touchedCounter);
  let n = first;
  for (let b = 0; b < p; b++) {
    const from = i32At(seenRegion, b);
    const end = from + i32At(S.touchedCount, seenCounter + b);
    for (let q = from; q < end; q++) {
      const e = i32At(seen, q);
      const rg = at(repGradBase, e * c);
      const rep = at(repBase, e * c);
      // L2 per reader: each entry of the bag is looked up once per batch row of its entity.
      const dec = decay * <f32>i32At(count, e);
      const gb = f32At(rg, dim);
      const last = i32At(offsets, e * p + w + 1);
      for (let x = i32At(offsets, e * p + w); x < last; x++) {
        const row = i32At(rows, x);
        const r = at(table, row * c);
        const gr = at(grad, row * c);
        const wt = f32At(weights, x);
        const vw = f32x4.splat(wt);
        let a: usize = 0;
        if (self) {
          // The FM's self term: d/dv = gb (w S - w^2 v).
          const vs = f32x4.splat(gb * wt);
          for (; a + 16 <= end4; a += 16) {
            const d = f32x4.sub(v128.load(rep + a), f32x4.mul(vw, v128.load(r + a)));
            const s = f32x4.add(v128.load(gr + a), f32x4.mul(vw, v128.load(rg + a)));
            v128.store(gr + a, f32x4.add(s, f32x4.mul(vs, d)));
          }
          for (; a < end4; a += 4) {
            const s = load<f32>(gr + a) + wt * load<f32>(rg + a);
            store<f32>(gr + a, s + gb * wt * (load<f32>(rep + a) - wt * load<f32>(r + a)));
          }
        } else {
          for (; a + 16 <= end4; a += 16)
            v128.store(gr + a, f32x4.add(v128.load(gr + a), f32x4.mul(vw, v128.load(rg + a))));
          for (; a < end4; a += 4) store<f32>(gr + a, load<f32>(gr + a) + wt * load<f32>(rg + a));
        }
        if (row < biasRows) store<f32>(gr + end4, load<f32>(gr + end4) + wt * gb);
        setF32(rowDecay, row, f32At(rowDecay, row) + dec);
        if (i32At(stamp, row) != t) {
          setI32(stamp, row, t);
          setI32(touched, touchedFrom + n, row);
          n++;
        }
      }
    }
  }
  setI32(S.touchedCount, touchedCounter, n);
  applyDecay(table, grad, rowDecay, touched, touchedFrom + first, touchedFrom + n, c);
}

/** grad[row] += decay[row] x table[row] (bias column too) for the listed rows; clears decay. */
function applyDecay(
  table: usize,
  grad: usize,
  rowDecay: usize,
  touched: usize,
  from: i32,
  to: i32,
  c: i32,
): void {
  const end = (<usize>c) << 2;
  for (let q = from; q < to; q++) {
    const row = i32At(touched, q);
    const r = at(table, row * c);
    const gr = at(grad, row * c);
    const dec = f32At(rowDecay, row);
    setF32(rowDecay, row, 0);
    const vd = f32x4.splat(dec);
    let a: usize = 0;
    for (; a + 16 <= end; a += 16)
      v128.store(gr + a, f32x4.add(v128.load(gr + a), f32x4.mul(vd, v128.load(r + a))));
    for (; a < end; a += 4) store<f32>(gr + a, load<f32>(gr + a) + dec * load<f32>(r + a));
  }
}
