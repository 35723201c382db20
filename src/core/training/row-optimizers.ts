/**
 * Row-sparse ("lazy") optimizers for embedding tables: a step reads and writes only the rows the
 * batch touched (and their slots), as TensorFlow's LazyAdam and sparse Adagrad do, so its cost does
 * not grow with the table. Rows absent from a batch keep their value and their slots.
 */
import { tf } from '../tf/tfjs';
import { writeRows, type EmbeddingTable } from '../tf/embedding';
import type { OptimizerName } from './config';

export interface RowOptimizer {
  /** Call once per training step, before the tables' `apply` (bias correction counts steps). */
  nextStep(): void;
  /** grad: [U, d] for the distinct rows `rows` [U] of `table`. */
  apply(table: EmbeddingTable, rows: tf.Tensor1D, grad: tf.Tensor2D): void;
  dispose(): void;
}

type Update = (
  param: tf.Tensor,
  grad: tf.Tensor,
  slots: tf.Tensor[],
  step: number,
) => { param: tf.Tensor; slots: tf.Tensor[] };

interface Rule {
  /** Initial value of each slot (e.g. Adagrad's accumulator starts at 0.1). */
  slots: number[];
  update: Update;
}

function rule(name: OptimizerName, lr: number): Rule {
  const eps = 1e-7;
  switch (name) {
    case 'sgd':
      return { slots: [], update: (p, g) => ({ param: tf.sub(p, tf.mul(g, lr)), slots: [] }) };
    case 'momentum':
      return {
        slots: [0],
        update: (p, g, [m]) => {
          const m2 = tf.add(tf.mul(m, 0.9), g);
          return { param: tf.sub(p, tf.mul(m2, lr)), slots: [m2] };
        },
      };
    case 'adagrad':
      return {
        slots: [0.1],
        update: (p, g, [acc]) => {
          const a2 = tf.add(acc, tf.square(g));
          return { param: tf.sub(p, tf.mul(tf.div(g, tf.sqrt(tf.add(a2, eps))), lr)), slots: [a2] };
        },
      };
    case 'rmsprop':
      return {
        slots: [0],
        update: (p, g, [ms]) => {
          const ms2 = tf.add(tf.mul(ms, 0.9), tf.mul(tf.square(g), 0.1));
          return {
            param: tf.sub(p, tf.mul(tf.div(g, tf.sqrt(tf.add(ms2, eps))), lr)),
            slots: [ms2],
          };
        },
      };
    case 'adam':
      return {
        slots: [0, 0],
        update: (p, g, [m, v], t) => {
          const m2 = tf.add(tf.mul(m, 0.9), tf.mul(g, 0.1));
          const v2 = tf.add(tf.mul(v, 0.999), tf.mul(tf.square(g), 0.001));
          // tf.train.adam's form, epsilon placement included.
          const mHat = tf.mul(m2, lr / (1 - 0.9 ** t));
          const delta = tf.div(mHat, tf.add(tf.sqrt(tf.mul(v2, 1 / (1 - 0.999 ** t))), eps));
          return { param: tf.sub(p, delta), slots: [m2, v2] };
        },
      };
  }
}

export function createRowOptimizer(name: OptimizerName, learningRate: number): RowOptimizer {
  const r = rule(name, learningRate);
  const slots = new Map<EmbeddingTable, tf.Variable[]>();
  let step = 0;
  return {
    nextStep() {
      step++;
    },
    apply(table, rows, grad) {
      let s = slots.get(table);
      if (!s) {
        s = r.slots.map((v) => tf.tidy(() => tf.variable(tf.fill(table.weights.shape, v), false)));
        slots.set(table, s);
      }
      const vars = s;
      tf.tidy(() => {
        const old = tf.gather(table.weights, rows) as tf.Tensor2D;
        const oldSlots = vars.map((v) => tf.gather(v, rows) as tf.Tensor2D);
        const next = r.update(old, grad, oldSlots, step);
        writeRows(table.weights, rows, next.param as tf.Tensor2D);
        next.slots.forEach((v, k) => writeRows(vars[k], rows, v as tf.Tensor2D));
      });
    },
    dispose() {
      for (const vars of slots.values()) tf.dispose(vars);
      slots.clear();
    },
  };
}
