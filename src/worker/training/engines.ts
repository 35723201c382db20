/**
 * The training worker's engines: tfjs on its default backend (webgl), on wasm (the 'cpu' engine)
 * and on webgpu where they start (tfjs-engines.ts), and the parallel typed-array row engine
 * (kernel workers over shared memory) for the models that have a kernel. Chosen per run by
 * src/core/engines/choose.ts.
 */
import { tf } from '../../core/tf/tfjs';
import { createModel } from '../../core/models/registry';
import { modelContext, type TrainData } from '../../core/training/trainer';
import type { TrainConfig } from '../../core/training/config';
import { RowEngineTrainer, rowKernelProblem } from '../../core/engines/row-trainer';
import {
  CalibrationCancelledError,
  chooseEngine,
  measureRowsPerSecond,
  type EngineHook,
  type Measured,
} from '../../core/engines/choose';
import type { EngineName } from '../../core/engines/types';
import { browserExecutor, parallelProblem, parallelThreads } from '../engine/parallel';
import { tfjsCandidates } from './tfjs-engines';
import { measuringData, runRows } from '../../core/engines/measure-data';

/** The engine name of the tfjs backend in use (wasm and cpu both run on the CPU). */
export function tfjsEngine(): EngineName {
  const b = tf.getBackend();
  return b === 'webgl' || b === 'webgpu' ? b : 'cpu';
}

/**
 * Calibrations already run in this worker, by what decides the speed: model, data shape and
 * the settings a step's cost depends on. A new run of the same case reuses them.
 */
const measured = new Map<string, Map<EngineName, Measured>>();
/** Kernel workers chosen per case (see `kernelThreads`). */
const threadChoice = new Map<string, { threads: number; note: string; rate?: number }>();

/**
 * Workers for the row kernel: one per core, unless one thread measures faster. A step joins
 * its workers at p + 2 barriers, so when other programs keep the cores busy a descheduled
 * worker stalls the rest (measured on the busy 2-core machine: 0.46 M rows/s on 2 workers, 1.0 M
 * on one), and the calibration takes one.
 */
async function kernelThreads(
  key: string,
  make: (threads: number) => Promise<RowEngineTrainer>,
  signal?: { cancelled: boolean },
): Promise<{ threads: number; note: string; rate?: number }> {
  const known = threadChoice.get(key);
  if (known) return known;
  const cores = parallelThreads();
  if (cores === 1) return { threads: 1, note: parallelProblem() ?? '1 worker' };
  const rate = async (threads: number) => {
    if (signal?.cancelled) throw new CalibrationCancelledError();
    const t = await make(threads);
    try {
      return await measureRowsPerSecond(t);
    } finally {
      t.dispose();
    }
  };
  const [many, one] = [await rate(cores), await rate(1)];
  const fmt = (r: number) => `${(r / 1e6).toFixed(2)} M rows/s`;
  const choice =
    many >= one
      ? { threads: cores, note: `${cores} workers (1 worker: ${fmt(one)})`, rate: many }
      : {
          threads: 1,
          note: `1 worker (${cores} workers: ${fmt(many)}; the cores are busy)`,
          rate: one,
        };
  threadChoice.set(key, choice);
  return choice;
}

/** What decides a case's speed: model, data shape and the settings a step's cost depends on. */
function caseKey(data: TrainData, config: TrainConfig): string {
  return [
    config.model,
    data.users,
    data.items,
    data.train.rating.length,
    data.userDay?.count ?? 0,
    config.dim,
    config.batchSize,
    config.optimizer,
    tf.getBackend(),
  ].join('|');
}

export const workerEngines: EngineHook = {
  forget(data, config) {
    const key = caseKey(data, config);
    measured.delete(key);
    threadChoice.delete(key);
  },
  async create(data, config, preference, signal) {
    // Every run starts on the default backend (a run before may have switched it). The engines
    // are measured on part of the rows (measure-data.ts): a few batches are all they time.
    const sample = measuringData(data);
    const tfjs = await tfjsCandidates(data, config, sample);
    const key = caseKey(data, config);
    const rates = measured.get(key) ?? new Map<EngineName, Measured>();
    measured.set(key, rates);
    // A throwaway model answers whether the kernel can train it (and frees its tables at once).
    const probe = createModel(config.model, modelContext(data, config));
    const problem = rowKernelProblem(probe);
    probe.dispose();
    const make = (threads: number, measuring = false) =>
      RowEngineTrainer.create(measuring ? sample : data, config, browserExecutor(), threads);
    // The worker count is measured only when the parallel engine may run.
    const parallel =
      !problem && (preference === 'auto' || preference === 'cpu-parallel')
        ? await kernelThreads(key, (threads) => make(threads, true), signal)
        : null;
    // The thread count's own measurement is the engine's: not measured a second time (issue 15:
    // the calibration was most of a short run's time).
    if (parallel?.rate && !rates.has('cpu-parallel'))
      rates.set('cpu-parallel', { rowsPerSecond: parallel.rate, cutShort: false });
    const choice = await chooseEngine(
      [
        ...tfjs.candidates,
        {
          engine: 'cpu-parallel',
          // The row engine's tfjs parts (evaluation, snapshots) run on the default backend, not
          // on whichever backend a calibration measured last.
          make: parallel
            ? async (measuring) => {
                await tfjs.useHome();
                return make(parallel.threads, measuring);
              }
            : null,
          reason: problem ?? parallel?.note ?? 'not measured: tfjs was chosen',
        },
      ],
      preference,
      rates,
      undefined,
      signal,
      runRows(data, config.epochs),
    );
    return { ...choice, backend: tfjs.inUse() };
  },
};
