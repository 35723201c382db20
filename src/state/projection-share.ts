/**
 * How much of the wall clock the projection worker may compute while a run trains (issue 15).
 * The live map used to take a full core from training: on a 2-core machine where the parallel
 * CPU engine runs a kernel worker per core, or where WebGL is a software renderer, the map and
 * training then split the cores and training ran at about half speed. While training runs the
 * projection worker rests between its slices (see ShareRequest); when it ends, the map gets the
 * whole machine again to finish the last layout.
 */
import type { Store } from './store';
import type { LabState } from './lab-state';

/** The projection's share while training keeps every core busy. */
export const TRAINING_SHARE = 0.2;
/** Cores above which a GPU engine leaves the CPUs free enough for the map to run unthrottled. */
const SPARE_CORES = 4;

/**
 * The share for this state: 1 when nothing trains; TRAINING_SHARE while the parallel CPU engine
 * (a worker per core) trains or the engine is not known yet (the calibration itself measures
 * speed), or on a machine of SPARE_CORES or fewer; 1 on larger machines training on a GPU.
 */
export function projectionShare(s: LabState, cores: number): number {
  const status = s.training.status;
  if (status !== 'running') return 1;
  const engine = s.engine.engine;
  if (engine === null || engine === 'cpu-parallel' || engine === 'cpu') return TRAINING_SHARE;
  return cores > SPARE_CORES ? 1 : TRAINING_SHARE;
}

/** Keeps the projection worker's share in step with the store; returns the unsubscribe. */
export function watchProjectionShare(
  store: Store<LabState>,
  setShare: (share: number) => void,
  cores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 1 : 1,
): () => void {
  let last = 1;
  return store.subscribe(() => {
    const share = projectionShare(store.get(), cores);
    if (share === last) return;
    last = share;
    setShare(share);
  });
}

/**
 * Says when the map starts and finishes laying out (`busy`): the parallel CPU engine then trains
 * on one thread and leaves the map the other cores (ModelTrainer.narrowWhile), and on all of
 * them while the map rests. Returns the unsubscribe.
 */
export function watchMapBusy(store: Store<LabState>, say: (busy: boolean) => void): () => void {
  let last = false;
  return store.subscribe(() => {
    const busy = store.get().projection.status === 'running';
    if (busy === last) return;
    last = busy;
    say(busy);
  });
}
