import { tf } from '../tf/tfjs';
import { hasAdamKernel } from '../tf/adam-kernel';
import { FusedAdam } from './fused-adam';

import type { OptimizerName } from './config';

/**
 * The epsilon of the adaptive optimizers, the same on every backend. tf.train's default is the
 * backend's `epsilon()`: 1e-7 on cpu, wasm and webgpu, but 1e-4 on tfjs-webgl whenever it renders
 * to float32 textures (its `floatPrecision()` answers 16 then), which made the deep models train
 * differently on WebGL (YouTube DNN's Recall@20 0.147 there against 0.089 on wasm, same seed; the
 * bench's --engines-accuracy rows). 1e-7 is tf.train's float32 value and the row optimizers' own
 * (row-optimizers.ts, engines/row-update.ts). Adagrad adds the backend's epsilon to an
 * accumulator that starts at 0.1 and takes no argument for it: there it changes the step by
 * under 0.1%.
 */
export const OPTIMIZER_EPSILON = 1e-7;

export function createOptimizer(name: OptimizerName, learningRate: number): tf.Optimizer {
  const eps = OPTIMIZER_EPSILON;
  switch (name) {
    case 'sgd':
      return tf.train.sgd(learningRate);
    case 'momentum':
      return tf.train.momentum(learningRate, 0.9);
    case 'adagrad':
      return tf.train.adagrad(learningRate);
    case 'rmsprop':
      return tf.train.rmsprop(learningRate, 0.9, 0, eps);
    case 'adam':
      // One kernel a variable where the backend has it (cpu, wasm): the same arithmetic.
      return hasAdamKernel()
        ? new FusedAdam(learningRate, 0.9, 0.999, eps)
        : tf.train.adam(learningRate, 0.9, 0.999, eps);
    case 'adamax':
      return tf.train.adamax(learningRate, 0.9, 0.999, eps);
    case 'adadelta':
      return tf.train.adadelta(learningRate, 0.95, eps);
  }
}
