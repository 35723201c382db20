/**
 * One training step of the bag models (SVD++, the LightFM-style hybrid) over typed arrays, as the
 * tfjs Trainer's sparse path computes it (svdpp.ts, hybrid.ts, trainer.ts): each user and item
 * of the batch is a weighted sum of rows of its side's table (its bag), every gradient is taken
 * at the same parameters, and each touched table row then takes one lazy optimizer update.
 *   SVD++: user u = p_u + |N(u)|^-1/2 sum_{j in N(u)} y_j (the user table's rows are the p_u,
 *   then the y_j, which carry no bias), item i = q_i.
 *   Hybrid: user = its id's row (when seen in training) + the mean of its features' rows; item
 *   likewise. Ratings (squared error) or BPR pairs.
 * L2 is the tfjs path's: each bag entry is decayed once per batch row that reads its entity.
 *
 * The bag tables are shared: one y_j or genre row is read by many users of a step. So rows are
 * not partitioned by user x item block as in row-kernel.ts; instead a step runs in phases with a
 * barrier after each, and in every phase each worker writes only what its block owns:
 *   A. gather: worker w copies its slice of the batch;
 *   B. entities: w finds the step's distinct users and items it owns (`userOwner`), counts their
 *      batch rows and sums their representations (reads only the tables);
 *   C. score: w scores its slice: dLoss / dscore per row into `coef`;
 *   D. representation gradients: w adds them for the entities it owns (and their user-days);
 *   E. table gradients: for every distinct entity of the step, w adds the gradient of the bag
 *      entries whose table row is in its block (entries are grouped by row block beforehand);
 *   F. update: w applies the optimizer to the touched rows of its blocks (row-kernel.ts).
 * Each row's gradient is summed in a fixed order, so the result does not depend on timing; with
 * a different number of workers only the order of the sums (float rounding) changes.
 *
 * Where the state carries the SIMD kernel (`s.wasm`), phases B-E run in assembly/row-kernel/
 * bags.ts and F's optimizer in its update.ts; the loops below are their reference and the path
 * without WebAssembly SIMD.
 */
import type { RowState } from './row-state';
import { updatePhase, type RowJob, type RowParams } from './row-kernel';

/** Phase A for worker w: its slice of the step's rows (and their sampled negatives). */
export function bagGatherPhase(s: RowState, job: RowJob, step: number, w: number): void {
  const { batch, workers: p, rows, pairwise, userDays } = s.shape;
  const { trainUser, trainItem, trainDay, order, negatives, batchUser, batchItem, batchDay } =
    s.i32;
  const lo = Math.floor((w * batch) / p);
  const hi = Math.floor(((w + 1) * batch) / p);
  const start = (job.stepInEpoch + step) * batch;
  for (let k = lo; k < hi; k++) {
    const row = order[(start + k) % rows];
    batchUser[k] = trainUser[row];
    batchItem[k] = trainItem[row];
    if (userDays) batchDay[k] = trainDay[row];
    if (pairwise) batchItem[batch + k] = negatives[step * batch + k];
    else s.f32.batchRating[k] = s.f32.trainRating[row];
  }
}

/** Phase B for worker w: the distinct users and items it owns, their counts and sums. */
export function bagEntityPhase(s: RowState, t: number, w: number): void {
  if (s.wasm) return s.wasm.bagEntities(t, w);
  const { batch, pairwise } = s.shape;
  see(s, 'user', s.i32.batchUser, batch, t, w);
  see(s, 'item', s.i32.batchItem, pairwise ? 2 * batch : batch, t, w);
}

function see(s: RowState, side: 'user' | 'item', ids: Int32Array, n: number, t: number, w: number) {
  const { workers: p, bags } = s.shape;
  const i32 = s.i32;
  const owner = i32[`${side}Owner`];
  const stamp = i32[`${side}SeenStamp`];
  const count = i32[`${side}Count`];
  const seen = i32[`${side}Seen`];
  const counter = (side === 'user' ? 3 : 4) * p + w;
  const from = i32[`${side}SeenRegion`][w];
  for (let k = 0; k < n; k++) {
    const e = ids[k];
    if (owner[e] !== w) continue;
    if (stamp[e] !== t) {
      stamp[e] = t;
      seen[from + i32.touchedCount[counter]++] = e;
    }
    count[e]++;
  }
  // Each entity's representation: the weighted sum of its bag's rows (all blocks).
  const rep = s.f32[`${side}Rep`];
  const biasRows = side === 'user' ? bags!.userBiasRows : bags!.itemBiasRows;
  const end = from + i32.touchedCount[counter];
  for (let q = from; q < end; q++) sumBag(s, side, seen[q], rep, biasRows);
}

/**
 * rep's row at `o` (e's own row, e * (dim + 1), unless given) = the weighted sum of e's bag rows
 * (all blocks), plus the FM's self term.
 */
function sumBag(
  s: RowState,
  side: 'user' | 'item',
  e: number,
  rep: Float32Array,
  biasRows: number,
  o = e * (s.shape.dim + 1),
) {
  const { workers: p, dim, bags } = s.shape;
  const c = dim + 1;
  const table = s.f32[side];
  const offsets = s.i32[`${side}BagOffsets`];
  const rows = s.i32[`${side}BagRows`];
  const weights = s.f32[`${side}BagWeights`];
  rep.fill(0, o, o + c);
  let squares = 0;
  for (let x = offsets[e * p]; x < offsets[e * p + p]; x++) {
    const r = rows[x] * c;
    const wt = weights[x];
    let norm = 0;
    for (let a = 0; a < dim; a++) {
      const v = table[r + a];
      rep[o + a] += wt * v;
      norm += v * v;
    }
    squares += wt * wt * norm;
    if (rows[x] < biasRows) rep[o + dim] += wt * table[r + dim];
  }
  if (!bags!.selfTerm) return;
  let sum = 0;
  for (let a = 0; a < dim; a++) sum += rep[o + a] * rep[o + a];
  rep[o + dim] += 0.5 * (sum - squares);
}

/** Phase C for worker w: scores its slice; returns its share of the step's mean loss. */
export function bagScorePhase(s: RowState, prm: RowParams, w: number): number {
  if (s.wasm) return s.wasm.bagScore(prm.mean, w);
  const { batch, workers: p, dim, pairwise, userDays } = s.shape;
  const c = dim + 1;
  const { userRep, itemRep, coef, batchRating, day } = s.f32;
  const { batchUser, batchItem, batchDay } = s.i32;
  const lo = Math.floor((w * batch) / p);
  const hi = Math.floor(((w + 1) * batch) / p);
  let loss = 0;
  for (let k = lo; k < hi; k++) {
    const pu = batchUser[k] * c;
    const qi = batchItem[k] * c;
    if (pairwise) {
      const qj = batchItem[batch + k] * c;
      // x_ui - x_uj; the user's bias cancels.
      let margin = itemRep[qi + dim] - itemRep[qj + dim];
      for (let a = 0; a < dim; a++) margin += userRep[pu + a] * (itemRep[qi + a] - itemRep[qj + a]);
      const e = Math.exp(-Math.abs(margin));
      loss += Math.log1p(e) + (margin < 0 ? -margin : 0);
      coef[k] = -(margin > 0 ? e / (1 + e) : 1 / (1 + e)) / batch;
    } else {
      let x = prm.mean + userRep[pu + dim] + itemRep[qi + dim];
      if (userDays) x += day[batchDay[k]];
      for (let a = 0; a < dim; a++) x += userRep[pu + a] * itemRep[qi + a];
      const err = x - batchRating[k];
      loss += err * err;
      coef[k] = (2 * err) / batch;
    }
  }
  return loss / batch;
}

/** Phase D for worker w: gradients of the representations it owns (and of their user-days). */
export function bagRepGradPhase(s: RowState, prm: RowParams, t: number, w: number): void {
  const { batch, workers: p, dim, pairwise, userDays } = s.shape;
  const c = dim + 1;
  const { userRep, itemRep, userRepGrad, itemRepGrad, coef, day, dayGrad } = s.f32;
  const { batchUser, batchItem, batchDay, userOwner, itemOwner } = s.i32;
  const { dayStamp, dayTouched, dayRegion, touchedCount } = s.i32;
  const decay = (2 * prm.l2) / batch;
  if (s.wasm) return s.wasm.bagRepGrad(t, w, decay);
  for (let k = 0; k < batch; k++) {
    const u = batchUser[k];
    const i = batchItem[k];
    const j = pairwise ? batchItem[batch + k] : -1;
    const g = coef[k];
    const pu = u * c;
    const qi = i * c;
    const qj = j * c;
    if (userOwner[u] === w) {
      if (pairwise) {
        for (let a = 0; a < dim; a++)
          userRepGrad[pu + a] += g * (itemRep[qi + a] - itemRep[qj + a]);
      } else {
        for (let a = 0; a < dim; a++) userRepGrad[pu + a] += g * itemRep[qi + a];
        userRepGrad[pu + dim] += g;
      }
      if (userDays) {
        const dd = batchDay[k];
        dayGrad[dd] += (pairwise ? 0 : g) + decay * day[dd];
        if (dayStamp[dd] !== t) {
          dayStamp[dd] = t;
          dayTouched[dayRegion[w] + touchedCount[2 * p + w]++] = dd;
        }
      }
    }
    if (itemOwner[i] === w) {
      for (let a = 0; a < dim; a++) itemRepGrad[qi + a] += g * userRep[pu + a];
      itemRepGrad[qi + dim] += g;
    }
    if (pairwise && itemOwner[j] === w) {
      for (let a = 0; a < dim; a++) itemRepGrad[qj + a] -= g * userRep[pu + a];
      itemRepGrad[qj + dim] -= g;
    }
  }
}

/** Phase E for worker w: the bag entries of every distinct entity whose row is in its block. */
export function bagTableGradPhase(s: RowState, prm: RowParams, t: number, w: number): void {
  if (s.wasm) return s.wasm.bagTableGrad(t, w, (2 * prm.l2) / s.shape.batch);
  spread(s, prm, 'user', t, w);
  spread(s, prm, 'item', t, w);
}

function spread(s: RowState, prm: RowParams, side: 'user' | 'item', t: number, w: number) {
  const { batch, workers: p, dim, bags } = s.shape;
  const c = dim + 1;
  const { i32, f32 } = s;
  const table = f32[side];
  const grad = f32[`${side}Grad`];
  const repGrad = f32[`${side}RepGrad`];
  const weights = f32[`${side}BagWeights`];
  const offsets = i32[`${side}BagOffsets`];
  const rows = i32[`${side}BagRows`];
  const count = i32[`${side}Count`];
  const seen = i32[`${side}Seen`];
  const seenRegion = i32[`${side}SeenRegion`];
  const stamp = i32[`${side}Stamp`];
  const touched = i32[`${side}Touched`];
  const touchedFrom = i32[`${side}Region`][w];
  const touchedCounter = (side === 'user' ? 0 : 1) * p + w;
  const seenCounter = (side === 'user' ? 3 : 4) * p;
  const biasRows = side === 'user' ? bags!.userBiasRows : bags!.itemBiasRows;
  const decay = (2 * prm.l2) / batch;
  const selfTerm = !!bags!.selfTerm;
  const rep = f32[`${side}Rep`];
  for (let b = 0; b < p; b++) {
    const end = seenRegion[b] + i32.touchedCount[seenCounter + b];
    for (let q = seenRegion[b]; q < end; q++) {
      const e = seen[q];
      const o = e * c;
      // L2 per reader: each entry of the bag is looked up once per batch row of its entity.
      const dec = decay * count[e];
      for (let x = offsets[e * p + w]; x < offsets[e * p + w + 1]; x++) {
        const row = rows[x];
        const r = row * c;
        const wt = weights[x];
        for (let a = 0; a < dim; a++) grad[r + a] += wt * repGrad[o + a] + dec * table[r + a];
        // The FM's self term 1/2 (|S|^2 - sum w^2 |v|^2) in the bias: d/dv = w S - w^2 v.
        if (selfTerm) {
          const gb = repGrad[o + dim];
          for (let a = 0; a < dim; a++) grad[r + a] += gb * wt * (rep[o + a] - wt * table[r + a]);
        }
        grad[r + dim] += (row < biasRows ? wt * repGrad[o + dim] : 0) + dec * table[r + dim];
        if (stamp[row] !== t) {
          stamp[row] = t;
          touched[touchedFrom + i32.touchedCount[touchedCounter]++] = row;
        }
      }
    }
  }
}

/** Phase F for worker w: the optimizer on its touched rows; clears what its entities used. */
export function bagUpdatePhase(s: RowState, prm: RowParams, w: number, u0: number, u1: number) {
  updatePhase(s, prm, w, u0, u1);
  const { workers: p, dim } = s.shape;
  const c = dim + 1;
  for (const [side, counter] of [
    ['user', 3 * p + w],
    ['item', 4 * p + w],
  ] as const) {
    const seen = s.i32[`${side}Seen`];
    const count = s.i32[`${side}Count`];
    const repGrad = s.f32[`${side}RepGrad`];
    const from = s.i32[`${side}SeenRegion`][w];
    const end = from + s.i32.touchedCount[counter];
    for (let q = from; q < end; q++) {
      const e = seen[q];
      count[e] = 0;
      repGrad.fill(0, e * c, e * c + c);
    }
    s.i32.touchedCount[counter] = 0;
  }
}

/** The step's phases in order, each run by every worker before the next starts. */
export function bagStepPhases(
  s: RowState,
  prm: RowParams,
  job: RowJob,
  step: number,
): ((w: number) => number)[] {
  const t = job.firstStep + step;
  const [u0, u1] = [job.uniforms[2 * step], job.uniforms[2 * step + 1]];
  const none = (f: (w: number) => void) => (w: number) => (f(w), 0);
  return [
    none((w) => bagGatherPhase(s, job, step, w)),
    none((w) => bagEntityPhase(s, t, w)),
    (w) => bagScorePhase(s, prm, w),
    none((w) => bagRepGradPhase(s, prm, t, w)),
    none((w) => bagTableGradPhase(s, prm, t, w)),
    none((w) => bagUpdatePhase(s, prm, w, u0, u1)),
  ];
}

/** A job in one thread, the p workers' phases in turn: the parallel result exactly. */
export function runBagJobSerial(s: RowState, prm: RowParams, job: RowJob): number {
  let loss = 0;
  for (let step = 0; step < job.steps; step++)
    for (const phase of bagStepPhases(s, prm, job, step))
      for (let w = 0; w < s.shape.workers; w++) loss += phase(w);
  return loss;
}

/**
 * Every user's and item's representation from the tables (forward only), [entities * (dim + 1)]:
 * what evaluation scores with. With `only`, just those entities' rows, in its order.
 */
export function bagRepresentations(
  s: RowState,
  side: 'user' | 'item',
  only?: Int32Array,
): Float32Array {
  const { dim, bags } = s.shape;
  const c = dim + 1;
  const biasRows = side === 'user' ? bags!.userBiasRows : bags!.itemBiasRows;
  if (only) {
    const out = new Float32Array(only.length * c);
    only.forEach((e, k) => sumBag(s, side, e, out, biasRows, k * c));
    return out;
  }
  const entities = side === 'user' ? s.shape.users : s.shape.items;
  const out = new Float32Array(entities * c);
  for (let e = 0; e < entities; e++) sumBag(s, side, e, out, biasRows);
  return out;
}
