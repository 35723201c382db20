/**
 * `--engine auto|cpu-parallel|cpu` for the command line (issue 15): tfjs on the Node backend
 * ('cpu'), or the typed-array row engine ('cpu-parallel') for the models that have a kernel, one
 * worker thread per core over shared memory (the FPSGD schedule keeps their writes apart), or
 * in the calling thread where the thread script is not built beside this file (running from
 * source, e.g. in tests). 'auto' times both on the loaded data and takes the faster.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { chooseEngine, type EngineHook } from '../core/engines/choose';
import { RowEngineTrainer, rowKernelProblem } from '../core/engines/row-trainer';
import { allocateRowState } from '../core/engines/row-state';
import { serialExecutor } from '../core/engines/serial';
import type { EngineMeasurement, RowExecutor, RowExecutorFactory } from '../core/engines/types';
import { createModel } from '../core/models/registry';
import { createTrainer } from '../core/training/create';
import { modelContext } from '../core/training/trainer';
import type { KernelEvent, KernelRequest } from '../worker/engine/protocol';

/** At most this many kernel threads (as in the page). */
const MAX_THREADS = 8;

/** The kernel thread's script: built beside the CLI's main.js; absent when run from source. */
function threadScript(): URL | null {
  const url = new URL('./kernel-thread.js', import.meta.url);
  return url.protocol === 'file:' && existsSync(fileURLToPath(url)) ? url : null;
}

/** Threads the row engine runs on here, and why when it is one. */
export function nodeThreads(): { threads: number; note: string } {
  const cores = Math.min(MAX_THREADS, availableParallelism());
  if (!threadScript())
    return {
      threads: 1,
      note: 'one thread (the kernel thread script is not built: run from source)',
    };
  return cores > 1
    ? { threads: cores, note: `${cores} worker threads` }
    : { threads: 1, note: 'one thread (one core)' };
}

/** worker_threads over SharedArrayBuffer tables where the script is built, else the serial kernel. */
export function nodeExecutor(script: URL | null = threadScript()): RowExecutorFactory {
  if (!script) return serialExecutor();
  return async (shape, params) => {
    const state = allocateRowState(shape, true);
    const workers = Array.from({ length: shape.workers }, () => new Worker(script));
    workers.forEach((w, worker) => {
      const init: KernelRequest = { type: 'init', shape, params, buffers: state.buffers, worker };
      w.postMessage(init);
    });
    const executor: RowExecutor = {
      state,
      threads: shape.workers,
      run: (job) =>
        new Promise<number>((resolve, reject) => {
          let left = workers.length;
          Atomics.store(state.i32.control, 2, 0);
          const onDone = (e: KernelEvent) => {
            if (e.type === 'error') return reject(new Error(`row kernel thread: ${e.message}`));
            if (--left > 0) return;
            for (const w of workers) w.removeAllListeners('message');
            if (Atomics.load(state.i32.control, 2) !== workers.length)
              reject(new Error('row kernel threads finished out of step'));
            else resolve(state.f64.loss.reduce((a, b) => a + b, 0));
          };
          for (const w of workers) {
            w.on('message', onDone);
            const run: KernelRequest = { type: 'run', job };
            w.postMessage(run);
          }
        }),
      dispose: () => workers.forEach((w) => void w.terminate()),
    };
    return executor;
  };
}

/** The engines the CLI offers: tfjs on the Node backend, and the row engine where it applies. */
export function nodeEngines(): EngineHook {
  return {
    async create(data, config, preference) {
      const probe = createModel(config.model, modelContext(data, config));
      const problem = rowKernelProblem(probe);
      probe.dispose();
      const { threads, note } = nodeThreads();
      return chooseEngine(
        [
          { engine: 'cpu', make: async () => createTrainer(data, config) },
          {
            engine: 'cpu-parallel',
            make: problem
              ? null
              : () => RowEngineTrainer.create(data, config, nodeExecutor(), threads),
            reason: problem ?? note,
          },
        ],
        preference,
      );
    },
  };
}

/** "engine: cpu-parallel (2 worker threads); measured: cpu-parallel 1.2M rows/s (chosen), ..." */
export function describeEngines(engine: string, engines: EngineMeasurement[]): string {
  const rate = (r: number | null) =>
    r === null ? 'not measured' : `${Math.round(r).toLocaleString('en-US')} rows/s`;
  const parts = engines.map(
    (e) =>
      `${e.engine} ${rate(e.rowsPerSecond)}${e.chosen ? ' (chosen)' : ''}${e.reason ? ` [${e.reason}]` : ''}`,
  );
  return `engine: ${engine}; ${parts.join(', ')}`;
}
