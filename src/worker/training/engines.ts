/**
 * The training worker's engines: tfjs on the backend in use, and the parallel typed-array row
 * engine (kernel workers over shared memory) for the models that have a kernel. Chosen per run
 * by src/core/engines/choose.ts.
 */
import { tf } from '../../core/tf/tfjs';
import { createTrainer } from '../../core/training/create';
import { createModel } from '../../core/models/registry';
import { modelContext } from '../../core/training/trainer';
import { RowEngineTrainer, rowKernelProblem } from '../../core/engines/row-trainer';
import { chooseEngine, type EngineHook } from '../../core/engines/choose';
import type { EngineName } from '../../core/engines/types';
import { browserExecutor, parallelProblem, parallelThreads } from '../engine/parallel';

/** The engine name of the tfjs backend in use (wasm and cpu both run on the CPU). */
export function tfjsEngine(): EngineName {
  const b = tf.getBackend();
  return b === 'webgl' || b === 'webgpu' ? b : 'cpu';
}

/**
 * Calibrations already run in this worker, by what decides the speed: model, data shape and
 * the settings a step's cost depends on. A new run of the same case reuses them.
 */
const measured = new Map<string, Map<EngineName, number>>();

export const workerEngines: EngineHook = {
  async create(data, config, preference) {
    const key = [
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
    const rates = measured.get(key) ?? new Map<EngineName, number>();
    measured.set(key, rates);
    // A throwaway model answers whether the kernel can train it (and frees its tables at once).
    const probe = createModel(config.model, modelContext(data, config));
    const problem = rowKernelProblem(probe);
    probe.dispose();
    const threads = parallelThreads();
    const single = parallelProblem();
    return chooseEngine(
      [
        { engine: tfjsEngine(), make: async () => createTrainer(data, config) },
        {
          engine: 'cpu-parallel',
          make: problem
            ? null
            : () => RowEngineTrainer.create(data, config, browserExecutor(), threads),
          reason: problem ?? single ?? `${threads} worker${threads === 1 ? '' : 's'}`,
        },
      ],
      preference,
      rates,
    );
  },
};
