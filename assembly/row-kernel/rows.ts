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
 * Phase 1 for worker w (row-kernel.ts scorePhase): gathers the batch rows of the users in its
 * block into its own region of the batch arrays (row m of worker w at w B + m; batchItem's at
 * w B' + m, B' = 2B for BPR, its negatives at + B), BPR also scores each pair, and groups them
 * by item block into its region of `entries`.
 * `userBlock` / `itemBlock` are the addresses of each row's block. Returns its share of the
 * step's mean loss (BPR).
 */
export function rowScore(
  stepInEpoch: i32,
  step: i32,
  w: i32,
  userBlock: usize,
  itemBlock: usize,
): f64 {
  const batch = S.batch;
  const p = S.workers;
  const dim = S.dim;
  const c = dim + 1;
  const rows = S.rows;
  const hasDay = S.userDays > 0;
  const start = <i64>(stepInEpoch + step) * batch;
  const negBase = step * batch;
  // Entries of each item block, at [block + 1] of worker w's words of entryOffsets.
  const counts = at(S.entryOffsets, w * (p + 1));
  for (let b = 0; b <= p; b++) setI32(counts, b, 0);
  const base = w * batch;
  const itemBase = w * (S.pairwise ? 2 * batch : batch);
  let loss: f64 = 0;
  let n = 0;
  for (let k = 0; k < batch; k++) {
    const row = i32At(S.order, <i32>((start + k) % rows));
    const u = i32At(S.trainUser, row);
    if (p > 1 && i32At(userBlock, u) != w) continue;
    const i = i32At(S.trainItem, row);
    const m = n++;
    setI32(S.batchUser, base + m, u);
    setI32(S.batchItem, itemBase + m, i);
    count(counts, i32At(itemBlock, i));
    if (hasDay) setI32(S.batchDay, base + m, i32At(S.trainDay, row));
    if (!S.pairwise) {
      setF32(S.batchRating, base + m, f32At(S.trainRating, row));
      continue;
    }
    const j = i32At(S.negatives, negBase + k);
    setI32(S.batchItem, itemBase + batch + m, j);
    count(counts, i32At(itemBlock, j));
    const qi = at(S.item, i * c);
    const qj = at(S.item, j * c);
    // x_ui - x_uj; the user bias cancels.
    const margin: f64 =
      <f64>(f32At(qi, dim) - f32At(qj, dim)) + <f64>dot3(at(S.user, u * c), qi, qj, dim, true);
    // Loss softplus(-margin), computed stably; its derivative in the margin is -sigmoid(-margin).
    const e = Math.exp(-Math.abs(margin));
    loss += Math.log1p(e) + (margin < 0 ? -margin : 0);
    setF32(S.coef, base + m, <f32>(-(margin > 0 ? e / (1 + e) : 1 / (1 + e)) / batch));
  }
  groupEntries(w, n, itemBlock);
  return loss / batch;
}

function count(counts: usize, block: i32): void {
  setI32(counts, block + 1, i32At(counts, block + 1) + 1);
}

/**
 * Counting sort of worker w's n gathered rows by item block, in batch order (row-kernel.ts
 * groupEntries), from the counts phase 1 left in `entryOffsets`' words of worker w.
 */
function groupEntries(w: i32, n: i32, itemBlock: usize): void {
  const batch = S.batch;
  const p = S.workers;
  const pairwise = S.pairwise;
  const first = w * (pairwise ? 2 * batch : batch);
  const counts = at(S.entryOffsets, w * (p + 1));
  // counts[b + 1] becomes where block b starts; placing moves it to where block b ends.
  let sum = first;
  for (let b = 0; b <= p; b++) {
    const c = i32At(counts, b);
    setI32(counts, b, sum);
    sum += c;
  }
  for (let m = 0; m < n; m++) {
    if (p == 1) {
      // One block: every entry in batch order (BPR: each positive, then its negative).
      if (!pairwise) setI32(S.entries, first + m, m);
      else {
        setI32(S.entries, first + 2 * m, m);
        setI32(S.entries, first + 2 * m + 1, batch + m);
      }
      continue;
    }
    place(counts, i32At(itemBlock, i32At(S.batchItem, first + m)), m);
    if (pairwise) place(counts, i32At(itemBlock, i32At(S.batchItem, first + batch + m)), batch + m);
  }
  if (p == 1) setI32(counts, 1, sum);
}

function place(counts: usize, block: i32, entry: i32): void {
  const e = i32At(counts, block + 1);
  setI32(S.entries, e, entry);
  setI32(counts, block + 1, e + 1);
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
  const biasScore: f32 = pairwise ? 0 : 1;
  const vd = f32x4.splat(decay);
  const end4 = (<usize>dim) << 2;
  const base = w * batch;
  const itemBase = w * (pairwise ? 2 * batch : batch);
  // This round's touched-row counts, kept in globals of this thread's instance and written back
  // once: the counters of different blocks share a cache line.
  nUser = i32At(S.touchedCount, ub);
  nItem = i32At(S.touchedCount, p + ib);
  nDay = i32At(S.touchedCount, 2 * p + ub);
  let loss: f64 = 0;
  {
    // Worker w's own entries of item block ib (phase 1 grouped them).
    const o = w * (p + 1) + ib;
    const last = i32At(S.entryOffsets, o + 1);
    for (let e = i32At(S.entryOffsets, o); e < last; e++) {
      const entry = i32At(S.entries, e);
      const positive = entry < batch;
      const k = base + (positive ? entry : entry - batch);
      const u = i32At(S.batchUser, k);
      const i = i32At(S.batchItem, itemBase + entry);
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
      if (i32At(S.userStamp, u) != t) {
        setI32(S.userStamp, u, t);
        setI32(S.userTouched, i32At(S.userRegion, ub) + nUser++, u);
      }
      if (i32At(S.itemStamp, i) != t) {
        setI32(S.itemStamp, i, t);
        setI32(S.itemTouched, i32At(S.itemRegion, ib) + nItem++, i);
      }
      if (hasDay && positive) {
        const dd = i32At(S.batchDay, k);
        const gd = at(S.dayGrad, dd);
        store<f32>(gd, load<f32>(gd) + biasScore * g + decay * f32At(S.day, dd));
        if (i32At(S.dayStamp, dd) != t) {
          setI32(S.dayStamp, dd, t);
          setI32(S.dayTouched, i32At(S.dayRegion, ub) + nDay++, dd);
        }
      }
    }
  }
  setI32(S.touchedCount, ub, nUser);
  setI32(S.touchedCount, p + ib, nItem);
  setI32(S.touchedCount, 2 * p + ub, nDay);
  return loss / batch;
}

let nUser = 0;
let nItem = 0;
let nDay = 0;
