/**
 * How often a run's parameters are kept: the training worker posts a checkpoint to the page at a
 * bounded byte rate (session.ts), and the page commits its session at the same rate
 * (durable-state.ts). No imports: the page's bundle takes this without the training code.
 */

/**
 * The most bytes of checkpoint a run exports a second, on average. Each exported epoch's
 * parameters are copied, posted to the page and written to IndexedDB by the writer worker: for
 * AutoRec on the sample (20 MB, its two [items x 256] matrices) exporting every epoch, about
 * 11 MB/s, took an epoch in the app from 1.65 s to 2.06 s (`node bench/run.mjs --app-only
 * --app-models=autorec --app-project-every=0`, 2-core machine). At this rate AutoRec exports
 * every third epoch or so; small models (biased MF on the sample, 1.4 MB) still export every
 * epoch that takes a third of a second, and a reload goes back at most a few seconds of training
 * (the epochs after the checkpoint are trained again).
 */
export const CHECKPOINT_BYTES_PER_SECOND = 4 * 2 ** 20;

/** When the run last exported its parameters (performance.now()), and their size in bytes. */
export interface Checkpointed {
  at: number;
  bytes: number;
}

/**
 * Whether a finished epoch exports its parameters at `now`: the first epoch does, later ones once
 * the time since the last export would have written it at `CHECKPOINT_BYTES_PER_SECOND` (the
 * parameters' size does not change within a run).
 */
export function checkpointDue(
  last: Checkpointed | null,
  now: number,
  bytesPerSecond = CHECKPOINT_BYTES_PER_SECOND,
): boolean {
  if (last === null || bytesPerSecond === Infinity) return true;
  return ((now - last.at) / 1000) * bytesPerSecond >= last.bytes;
}
