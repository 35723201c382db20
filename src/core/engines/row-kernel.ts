/**
 * One training step of biased MF (with the user-day bias) and BPR over typed arrays, as the
 * tfjs Trainer's sparse path computes it: every gradient of the batch is taken at the same
 * parameters (a mini-batch step, not per-rating SGD), then each touched row takes one lazy
 * optimizer update. Loss, L2 per lookup and update rules are the tfjs models' (biased-mf.ts,
 * bpr.ts, trainer.ts, row-optimizers.ts).
 *
 * A step runs in phases that p workers run together (FPSGD's blocks of the users x items grid,
 * schedule.ts); worker w owns user block w:
 *   1. score: worker w gathers the batch rows of its users (reads only), scores them (BPR), and
 *      groups them by item block;
 *   2. accumulate, p rounds with a barrier after each: worker w adds the gradients of block
 *      (w, (w + r) mod p), so no two workers write the same user, item or user-day row in a round;
 *   3. update: worker w applies the optimizer to the touched rows of user block w (and their
 *      user-days) and of item block w, and clears their gradients.
 * Biased MF needs no barrier after phase 3: the next step's phase 1 reads no table, and its round
 * 0 touches only the rows worker w has just updated itself. BPR scores in phase 1, so it waits
 * for every update. The result does not depend on timing: each row's gradient is summed in
 * batch order.
 *
 * Where the state carries the SIMD kernel (`s.wasm`, assembly/row-kernel), the phases' loops run
 * there; the loops below are its reference and the path without WebAssembly SIMD.
 */
import type { RowState } from './row-state';
import { updateRow } from './row-update';

export interface RowParams {
  /** Global mean rating (biased MF's mu). */
  mean: number;
  l2: number;
  optimizer: number;
}

/** Where a job's steps read: the epoch's order from `stepInEpoch` x batch, t counted from 1. */
export interface RowJob {
  /** Global step number (1-based) of the job's first step: Adam's t and the touch stamps. */
  firstStep: number;
  steps: number;
  /** Step within the epoch of the job's first step (a job never crosses an epoch). */
  stepInEpoch: number;
  /** Optimizer scalars per step of the job, [steps * 2]. */
  uniforms: number[];
}

/**
 * Phase 1 for worker w: gathers the batch rows whose user is in its block (user block w), in
 * batch order, into its own region of the batch arrays (`ownRows`), scores them (BPR: the pair's
 * margin needs two item rows of any block, so it is scored here), and groups them by item block:
 * every entry worker w adds in phase 2 is one of its own, so phase 1 waits for no other worker,
 * and no two workers write the same cache line of the batch arrays. Returns its share of the
 * step's mean loss (BPR; biased MF's comes from accumulatePhase).
 */
export function scorePhase(s: RowState, _prm: RowParams, job: RowJob, step: number, w: number) {
  if (s.wasm) {
    const { userBlock, itemBlock } = s.i32;
    return s.wasm.rowScore(job.stepInEpoch, step, w, userBlock.byteOffset, itemBlock.byteOffset);
  }
  const { batch, workers: p, pairwise, dim, rows } = s.shape;
  const c = dim + 1;
  const { user, item, coef, batchRating } = s.f32;
  const { trainUser, trainItem, trainDay, order, negatives, batchUser, batchItem, batchDay } =
    s.i32;
  const rating = s.f32.trainRating;
  const userBlock = s.i32.userBlock;
  const hasDay = s.shape.userDays > 0;
  const itemBlock = s.i32.itemBlock;
  const start = (job.stepInEpoch + step) * batch;
  const negBase = step * batch;
  const { rows: base, items: itemBase } = ownRows(s, w);
  // Entries of each item block, at [block + 1] (groupEntries).
  const counts = new Int32Array(p + 1);
  let loss = 0;
  let n = 0;
  for (let k = 0; k < batch; k++) {
    const row = order[(start + k) % rows];
    const u = trainUser[row];
    if (p > 1 && userBlock[u] !== w) continue;
    const i = trainItem[row];
    const m = n++;
    batchUser[base + m] = u;
    batchItem[itemBase + m] = i;
    counts[itemBlock[i] + 1]++;
    if (hasDay) batchDay[base + m] = trainDay[row];
    // Biased MF is scored where its gradient is added (accumulatePhase): one read of each row.
    if (!pairwise) {
      batchRating[base + m] = rating[row];
      continue;
    }
    const pu = u * c;
    const qi = i * c;
    const j = negatives[negBase + k];
    batchItem[itemBase + batch + m] = j;
    counts[itemBlock[j] + 1]++;
    const qj = j * c;
    // x_ui - x_uj; the user bias cancels.
    let margin = item[qi + dim] - item[qj + dim];
    for (let a = 0; a < dim; a++) margin += user[pu + a] * (item[qi + a] - item[qj + a]);
    // Loss softplus(-margin), computed stably; its derivative in the margin is -sigmoid(-margin).
    const e = Math.exp(-Math.abs(margin));
    loss += Math.log1p(e) + (margin < 0 ? -margin : 0);
    coef[base + m] = -(margin > 0 ? e / (1 + e) : 1 / (1 + e)) / batch;
  }
  groupEntries(s, w, n, counts);
  return loss / batch;
}

/**
 * Where worker w's gathered rows start: in batchUser, batchDay, batchRating and coef (`rows`),
 * and in batchItem (`items`; BPR's negatives follow its positives at + B). Row m of worker w is
 * entry m of its region (B + m: its negative).
 */
function ownRows(s: RowState, w: number): { rows: number; items: number } {
  const { batch, pairwise } = s.shape;
  return { rows: w * batch, items: w * (pairwise ? 2 * batch : batch) };
}

/**
 * Counting sort of worker w's n gathered rows (BPR: each positive m, then its negative B + m) by
 * item block, in batch order, into its region of `entries`, from the per-block `counts` phase 1
 * made.
 */
function groupEntries(s: RowState, w: number, n: number, counts: Int32Array) {
  const { batch, workers: p, pairwise } = s.shape;
  const { batchItem, itemBlock, entries, entryOffsets } = s.i32;
  const { items: itemBase } = ownRows(s, w);
  const first = itemBase;
  const offsets = w * (p + 1);
  for (let b = 0; b < p; b++) counts[b + 1] += counts[b];
  for (let b = 0; b <= p; b++) entryOffsets[offsets + b] = first + counts[b];
  for (let m = 0; m < n; m++) {
    if (p === 1) {
      // One block: every entry in batch order.
      entries[first + (pairwise ? 2 * m : m)] = m;
      if (pairwise) entries[first + 2 * m + 1] = batch + m;
      continue;
    }
    entries[first + counts[itemBlock[batchItem[itemBase + m]]]++] = m;
    if (pairwise) entries[first + counts[itemBlock[batchItem[itemBase + batch + m]]]++] = batch + m;
  }
}

/**
 * Phase 2, round r, for worker w: gradients of its block of the grid (biased MF's rows are
 * scored here too). Returns its share of the step's mean loss (biased MF; 0 for BPR).
 */
export function accumulatePhase(
  s: RowState,
  prm: RowParams,
  t: number,
  w: number,
  r: number,
): number {
  const { batch, workers: p, dim } = s.shape;
  // The L2 of every lookup, as the sparse path folds it into the segment sum: 2 l2 / B x row.
  const decay = (2 * prm.l2) / batch;
  if (s.wasm) return s.wasm.rowAccumulate(t, w, r, prm.mean, decay);
  const c = dim + 1;
  const { user, item, day, coef, userGrad, itemGrad, dayGrad, batchRating } = s.f32;
  const { batchUser, batchItem, batchDay, entries, entryOffsets } = s.i32;
  const { userStamp, itemStamp, dayStamp, userTouched, itemTouched, dayTouched } = s.i32;
  const { userRegion, itemRegion, dayRegion, touchedCount } = s.i32;
  const hasDay = s.shape.userDays > 0;
  const ub = w;
  const ib = (w + r) % p;
  const pairwise = s.shape.pairwise;
  const dayScore = pairwise ? 0 : 1;
  const userBiasScore = dayScore;
  const mean = prm.mean;
  const { rows: base, items: itemBase } = ownRows(s, w);
  // This round's touched-row counts, kept here and written back once: the counters of different
  // blocks share a cache line.
  let nu = touchedCount[ub];
  let ni = touchedCount[p + ib];
  let nd = touchedCount[2 * p + ub];
  let loss = 0;
  {
    const o = w * (p + 1) + ib;
    const end = entryOffsets[o + 1];
    for (let e = entryOffsets[o]; e < end; e++) {
      const entry = entries[e];
      const positive = entry < batch;
      const k = base + (positive ? entry : entry - batch);
      const u = batchUser[k];
      const i = batchItem[itemBase + entry];
      const pu = u * c;
      const qi = i * c;
      let g: number;
      if (pairwise) g = positive ? coef[k] : -coef[k];
      else {
        let x = mean + item[qi + dim] + user[pu + dim] + (hasDay ? day[batchDay[k]] : 0);
        for (let a = 0; a < dim; a++) x += user[pu + a] * item[qi + a];
        const err = x - batchRating[k];
        loss += err * err;
        g = (2 * err) / batch;
      }
      // A BPR user is looked up once per batch row: its decay goes with the positive entry.
      const du = positive ? decay : 0;
      for (let a = 0; a < dim; a++) {
        const pa = user[pu + a];
        const qa = item[qi + a];
        userGrad[pu + a] += g * qa + du * pa;
        itemGrad[qi + a] += g * pa + decay * qa;
      }
      // BPR's user bias cancels in x_ui - x_uj: its gradient is exactly 0 (autodiff's is rounding
      // noise, which Adam would scale up to steps of the learning rate's size).
      userGrad[pu + dim] += userBiasScore * g + du * user[pu + dim];
      itemGrad[qi + dim] += g + decay * item[qi + dim];
      if (userStamp[u] !== t) {
        userStamp[u] = t;
        userTouched[userRegion[ub] + nu++] = u;
      }
      if (itemStamp[i] !== t) {
        itemStamp[i] = t;
        itemTouched[itemRegion[ib] + ni++] = i;
      }
      if (hasDay && positive) {
        const dd = batchDay[k];
        dayGrad[dd] += dayScore * g + decay * day[dd];
        if (dayStamp[dd] !== t) {
          dayStamp[dd] = t;
          dayTouched[dayRegion[ub] + nd++] = dd;
        }
      }
    }
  }
  touchedCount[ub] = nu;
  touchedCount[p + ib] = ni;
  touchedCount[2 * p + ub] = nd;
  return loss / batch;
}

/** Phase 3 for worker w: the optimizer on the touched rows of its user and item blocks. */
export function updatePhase(s: RowState, prm: RowParams, w: number, u0: number, u1: number) {
  const { workers: p, dim, slots } = s.shape;
  const c = dim + 1;
  const f = s.f32;
  const empty = f.coef.subarray(0, 0);
  const slot = (name: string, k: number) => (k < slots ? f[`${name}Slot${k}`] : empty);
  const sides: [string, Int32Array, Int32Array, number, number][] = [
    ['user', s.i32.userTouched, s.i32.userRegion, w, c],
    ['item', s.i32.itemTouched, s.i32.itemRegion, p + w, c],
    ['day', s.i32.dayTouched, s.i32.dayRegion, 2 * p + w, 1],
  ];
  for (const [name, touched, region, counter, width] of sides) {
    const n = s.i32.touchedCount[counter];
    if (!n) continue;
    const [param, grad, s0, s1] = [f[name], f[`${name}Grad`], slot(name, 0), slot(name, 1)];
    const from = region[w];
    if (s.wasm) {
      const [pp, gp, a, b] = [param, grad, s0, s1].map((x) => x.byteOffset);
      const list = touched.byteOffset + 4 * from;
      s.wasm.updateRows(prm.optimizer, pp, gp, a, b, list, n, width, u0, u1);
    } else
      for (let k = from; k < from + n; k++)
        updateRow(prm.optimizer, param, grad, s0, s1, touched[k] * width, width, u0, u1);
    s.i32.touchedCount[counter] = 0;
  }
}

/**
 * A whole job in one thread, the p workers' phases in turn: the parallel result exactly, for
 * tests and for pages without SharedArrayBuffer. Returns the job's summed step losses.
 */
export function runJobSerial(s: RowState, prm: RowParams, job: RowJob): number {
  const p = s.shape.workers;
  let loss = 0;
  for (let step = 0; step < job.steps; step++) {
    const t = job.firstStep + step;
    for (let w = 0; w < p; w++) loss += scorePhase(s, prm, job, step, w);
    for (let r = 0; r < p; r++)
      for (let w = 0; w < p; w++) loss += accumulatePhase(s, prm, t, w, r);
    const [u0, u1] = [job.uniforms[2 * step], job.uniforms[2 * step + 1]];
    for (let w = 0; w < p; w++) updatePhase(s, prm, w, u0, u1);
  }
  return loss;
}
