/**
 * The engine hook for runs outside a page (the Node benches, the CLI): the typed-array row kernel
 * in the calling thread (serial.ts) for every model it trains, tfjs on the current backend for
 * the rest. No calibration: the kernel is the same model, loss and optimizer as the tfjs path
 * (row-trainer.test.ts checks its steps against autodiff), and in one thread it is far faster
 * than tfjs-cpu, so measuring both would only add time.
 */
import { createModel } from '../models/registry';
import { createTrainer } from '../training/create';
import { modelContext } from '../training/trainer';
import type { EngineHook } from './choose';
import { RowEngineTrainer, rowKernelProblem } from './row-trainer';
import { serialExecutor } from './serial';

/** The serial row engine where it can train the model; `preference` 'cpu' forces tfjs. */
export const serialEngines: EngineHook = {
  async create(data, config, preference) {
    const probe = createModel(config.model, modelContext(data, config));
    const problem = rowKernelProblem(probe);
    probe.dispose();
    const kernel = !problem && preference !== 'cpu';
    const trainer = kernel
      ? await RowEngineTrainer.create(data, config, serialExecutor(), 1)
      : createTrainer(data, config);
    const engine = kernel ? 'cpu-parallel' : 'cpu';
    return {
      trainer,
      engine,
      engines: [
        {
          engine: 'cpu-parallel',
          rowsPerSecond: null,
          chosen: kernel,
          reason: problem ?? 'row kernel in one thread (serial.ts)',
        },
        { engine: 'cpu', rowsPerSecond: null, chosen: !kernel },
      ],
    };
  },
};
