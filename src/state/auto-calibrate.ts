/**
 * The calibration at start (issue 15: "At start (and on a button), a short calibration runs each
 * available engine ... and picks the fastest"). Once a data set is loaded and the page is at rest
 * (nothing trains, no layout runs, so the measurement sees the machine as a run will), the
 * training worker measures the engines for the current model and settings, and Train then
 * starts on the chosen engine at once instead of measuring first. What decides a step's speed
 * changing (the data, the model, its dimension, batch, optimizer, feedback, split) measures
 * again after a short pause; the worker keeps each case's measurements, so coming back to a case
 * costs nothing. A run asked for meanwhile cancels the measuring (the worker keeps what it
 * measured and measures the rest itself).
 */
import type { Dataset } from '../core/data/types';
import type { LabState } from './lab-state';
import type { Store } from './store';

/** What decides the engines' speeds, or null when there is nothing to calibrate for. */
export function calibrationCase(s: LabState): { dataset: Dataset; key: string } | null {
  if (!s.dataset || s.engine.preference !== 'auto') return null;
  const c = s.training.config;
  const key = [c.model, c.dim, c.hidden, c.batchSize, c.optimizer, c.feedback, c.split].join('|');
  return { dataset: s.dataset, key };
}

/**
 * Whether the page is at rest: no run and no layout under way (a calibration of an older case
 * may be: the worker cancels it for the new one).
 */
export function atRest(s: LabState): boolean {
  const t = s.training.status;
  return t !== 'running' && t !== 'paused' && s.projection.status !== 'running';
}

/**
 * Calls `calibrate` once per case, `delayMs` after the page came to rest on it; returns the
 * unsubscribe. A run of the case (its own 'engine' event) counts as its calibration.
 */
export function watchCalibration(
  store: Store<LabState>,
  calibrate: () => void,
  delayMs = 800,
): () => void {
  let done: { dataset: Dataset; key: string } | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const same = (a: typeof done, b: typeof done) =>
    a !== null && b !== null && a.dataset === b.dataset && a.key === b.key;
  const check = () => {
    const s = store.get();
    const want = calibrationCase(s);
    // A run has its engine: it measured its case (or was told the engine).
    const t = s.training.status;
    if (want && s.engine.engine !== null && (t === 'running' || t === 'paused')) done = want;
    if (!want || same(done, want) || !atRest(s)) {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      return;
    }
    if (timer !== null) return;
    timer = setTimeout(() => {
      timer = null;
      const now = store.get();
      const c = calibrationCase(now);
      if (!c || same(done, c) || !atRest(now)) return;
      done = c;
      calibrate();
    }, delayMs);
  };
  const unsubscribe = store.subscribe(check);
  check();
  return () => {
    unsubscribe();
    if (timer !== null) clearTimeout(timer);
  };
}
