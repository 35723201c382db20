/**
 * The row engine's executor in the browser: one kernel worker per thread over SharedArrayBuffer
 * tables (the FPSGD schedule keeps their writes apart), or, where the page is not cross-origin
 * isolated and SharedArrayBuffer is unavailable, the same kernel in the calling worker's thread.
 */
import { allocateRowState } from '../../core/engines/row-state';
import { serialExecutor } from '../../core/engines/serial';
import type { RowExecutor, RowExecutorFactory } from '../../core/engines/types';
import type { KernelEvent, KernelRequest } from './protocol';

/** At most this many kernel workers: the tables' rows split finer than this gain nothing here. */
const MAX_WORKERS = 8;

/** Why the engine cannot use several threads here (null: it can). */
export function parallelProblem(): string | null {
  if (typeof SharedArrayBuffer === 'undefined' || !globalThis.crossOriginIsolated)
    return (
      'the page is not cross-origin isolated (served without the COOP / COEP headers), so ' +
      'SharedArrayBuffer is unavailable: the CPU engine runs in one thread'
    );
  if (typeof Worker === 'undefined') return 'this context cannot start workers: one thread';
  return null;
}

/** Threads the engine would use: one per core, capped, and 1 without shared memory. */
export function parallelThreads(): number {
  if (parallelProblem()) return 1;
  const cores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 1 : 1;
  return Math.max(1, Math.min(MAX_WORKERS, cores));
}

/**
 * Kernel workers between executors. The calibration's trainers and the run's come one after
 * another: a worker kept warm has its module loaded, the kernel compiled and its hot code
 * optimized, where a fresh one would start, compile and tier up again during the run's first
 * epochs (on 2 cores the JIT's background work was a fifth of the CPU of a first Train).
 */
const idle: Worker[] = [];

function takeWorker(): Worker {
  return (
    idle.pop() ??
    new Worker(new URL('./kernel.worker.ts', import.meta.url), {
      type: 'module',
      name: 'row-kernel',
    })
  );
}

/** Keeps a worker for the next executor; one that may still be running a job is ended. */
function releaseWorker(w: Worker, busy: boolean): void {
  w.onmessage = null;
  w.onerror = null;
  if (busy || idle.length >= MAX_WORKERS) {
    w.terminate();
    return;
  }
  const release: KernelRequest = { type: 'release' };
  w.postMessage(release);
  idle.push(w);
}

/** Workers over shared memory when possible, else the serial kernel (one block, one thread). */
export function browserExecutor(): RowExecutorFactory {
  if (parallelProblem()) return serialExecutor();
  return async (shape, params) => {
    const state = allocateRowState(shape, true);
    const workers = Array.from({ length: shape.workers }, takeWorker);
    /** A job is running (its workers cannot be handed to another executor). */
    let busy = false;
    let failed = false;
    workers.forEach((w, worker) => {
      const init: KernelRequest = { type: 'init', shape, params, buffers: state.buffers, worker };
      w.postMessage(init);
    });
    const executor: RowExecutor = {
      state,
      threads: shape.workers,
      run: (job, narrow = false) =>
        new Promise<number>((resolve, reject) => {
          const running = narrow ? workers.slice(0, 1) : workers;
          let left = running.length;
          busy = true;
          const fail = (e: Error) => {
            failed = true;
            reject(e);
          };
          Atomics.store(state.i32.control, 2, 0);
          const onDone = (ev: MessageEvent<KernelEvent>) => {
            if (ev.data.type === 'error') {
              fail(new Error(`row kernel worker: ${ev.data.message}`));
              return;
            }
            if (--left > 0) return;
            busy = false;
            // Every worker's writes are visible once the counter they each bumped reads full.
            if (Atomics.load(state.i32.control, 2) !== running.length)
              fail(new Error('row kernel workers finished out of step'));
            else resolve(state.f64.loss.reduce((a, b) => a + b, 0));
          };
          for (const w of running) {
            w.onmessage = onDone;
            w.onerror = (e) => fail(new Error(`row kernel worker failed: ${e.message}`));
            const run: KernelRequest = { type: narrow ? 'run-all' : 'run', job };
            w.postMessage(run);
          }
        }),
      dispose: () => workers.forEach((w) => releaseWorker(w, busy || failed)),
    };
    return executor;
  };
}
