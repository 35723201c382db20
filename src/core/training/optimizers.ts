import { tf } from '../tf/tfjs';

import type { OptimizerName } from './config';

export function createOptimizer(name: OptimizerName, learningRate: number): tf.Optimizer {
  switch (name) {
    case 'sgd':
      return tf.train.sgd(learningRate);
    case 'momentum':
      return tf.train.momentum(learningRate, 0.9);
    case 'adagrad':
      return tf.train.adagrad(learningRate);
    case 'rmsprop':
      return tf.train.rmsprop(learningRate);
    case 'adam':
      return tf.train.adam(learningRate);
    case 'adamax':
      return tf.train.adamax(learningRate);
    case 'adadelta':
      return tf.train.adadelta(learningRate);
  }
}
