/**
 * The worker side of the parallel row engine: the phases of row-kernel.ts run by p threads over
 * shared memory, held together by a barrier. Pure (Atomics only): a worker shell under
 * src/worker calls `runJobAsWorker` for each job it is sent.
 */
import type { RowState } from './row-state';
import {
  accumulatePhase,
  runJobSerial,
  scorePhase,
  updatePhase,
  type RowJob,
  type RowParams,
} from './row-kernel';
import { bagStepPhases, runBagJobSerial } from './bag-kernel';

/** Index of the barrier's words in `control`. */
const COUNT = 0;
const GENERATION = 1;
/** Workers that finished the current job. */
export const DONE = 2;

/**
 * A reusable barrier for `parties` threads over two Int32 words. The last to arrive opens it;
 * the others spin briefly (a phase lasts tens of microseconds, less than a futex wake-up), then
 * sleep in Atomics.wait.
 */
export function barrier(control: Int32Array, parties: number): () => void {
  return () => {
    if (parties === 1) return;
    const gen = Atomics.load(control, GENERATION);
    if (Atomics.add(control, COUNT, 1) === parties - 1) {
      Atomics.store(control, COUNT, 0);
      Atomics.add(control, GENERATION, 1);
      Atomics.notify(control, GENERATION);
      return;
    }
    for (let spin = 0; spin < 20_000; spin++) if (Atomics.load(control, GENERATION) !== gen) return;
    while (Atomics.load(control, GENERATION) === gen) Atomics.wait(control, GENERATION, gen, 50);
  };
}

/** Runs worker w's part of every step of `job`; its summed step losses go to `loss[w]`. */
export function runJobAsWorker(s: RowState, prm: RowParams, job: RowJob, w: number): void {
  const p = s.shape.workers;
  const wait = barrier(s.i32.control, p);
  let loss = 0;
  for (let step = 0; step < (s.shape.bags ? job.steps : 0); step++)
    for (const phase of bagStepPhases(s, prm, job, step)) {
      loss += phase(w);
      wait();
    }
  for (let step = 0; step < (s.shape.bags ? 0 : job.steps); step++) {
    const t = job.firstStep + step;
    loss += scorePhase(s, prm, job, step, w);
    for (let r = 0; r < p; r++) {
      loss += accumulatePhase(s, prm, t, w, r);
      wait();
    }
    updatePhase(s, prm, w, job.uniforms[2 * step], job.uniforms[2 * step + 1]);
    // BPR scores the next step's pairs from every item block (row-kernel.ts phase 1).
    if (s.shape.pairwise) wait();
  }
  s.f64.loss[w] = loss;
  Atomics.add(s.i32.control, DONE, 1);
}

/**
 * The whole job in the calling worker, every worker's part in turn (the parallel result
 * exactly): a narrow job, while the other cores are wanted elsewhere. Its losses go to `loss[0]`.
 */
export function runJobAlone(s: RowState, prm: RowParams, job: RowJob): void {
  const loss = (s.shape.bags ? runBagJobSerial : runJobSerial)(s, prm, job);
  s.f64.loss.fill(0);
  s.f64.loss[0] = loss;
  Atomics.add(s.i32.control, DONE, 1);
}
