/**
 * What a calibration measures the engines on: a few batches of the run's data, so at most
 * MEASURE_ROWS training rows of it (spread over the whole part), with every user and item kept,
 * so a step touches tables of the run's size (at scale their cache misses are most of a row
 * engine's step). Building each candidate's trainer on all 18M training rows of a 25M-row file
 * (the tfjs trainers copy them to their backend, the row engine into its workers' memory) took
 * most of the 86 s the calibration took there, and memory the tab never gave back.
 */
import type { TrainData } from '../training/train-data';

export const MEASURE_ROWS = 1 << 20;

/** `data` with at most `rows` of its training rows, evenly spaced; `data` itself when smaller. */
export function measuringData(data: TrainData, rows = MEASURE_ROWS): TrainData {
  const n = data.train.rating.length;
  if (n <= rows) return data;
  const pick = (k: number) => Math.floor((k * n) / rows);
  const take = <A extends Int32Array | Float32Array>(a: A): A => {
    const out = new (a.constructor as new (n: number) => A)(rows);
    for (let k = 0; k < rows; k++) out[k] = a[pick(k)];
    return out;
  };
  const { train, userDay } = data;
  return {
    ...data,
    train: { ...train, user: take(train.user), item: take(train.item), rating: take(train.rating) },
    userDay: userDay && { ...userDay, train: take(userDay.train) },
  };
}

/** Training rows a whole run of `epochs` reads (the deadline of a measurement is a share of it). */
export function runRows(data: TrainData, epochs: number): number {
  return data.train.rating.length * epochs;
}
