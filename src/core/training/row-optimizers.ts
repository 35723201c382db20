/**
 * Row-sparse ("lazy") optimizers for embedding tables: a step reads and writes only the rows the
 * batch touched (and their slots), as TensorFlow's LazyAdam and sparse Adagrad do, so its cost does
 * not grow with the table. Rows absent from a batch keep their value and their slots. The update
 * rules follow tf.train's (epsilon placement included), so one step equals tf.train's step.
 *
 * Each rule is written once per backend style: with tf ops (any backend), and as per-element
 * expressions that a backend may fuse into one pass per output (see registerRowUpdate).
 */
import { tf } from '../tf/tfjs';
import { writeRows, type EmbeddingTable, type RowPlanTensors } from '../tf/embedding';
import type { OptimizerName } from './config';

export interface RowOptimizer {
  /** Call once per training step, before the tables' `apply` (bias correction counts steps). */
  nextStep(): void;
  /** grad: [U, d] for the distinct rows `plan.uniqueRows` [U] of `table`. */
  apply(table: EmbeddingTable, plan: RowPlanTensors, grad: tf.Tensor2D): void;
  dispose(): void;
}

const EPS = 1e-7;

/**
 * One optimizer's update. `ops` computes new (param, slots) from gathered rows with tf ops.
 * `expressions` gives the same as GLSL-style float expressions of p (param), g (gradient),
 * s0, s1 (slots) and u0, u1 (the step's `uniforms`), for fused kernels.
 */
export interface RowRule {
  /** Initial value of each slot (e.g. Adagrad's accumulator starts at 0.1). */
  slots: number[];
  uniforms(step: number): [number, number];
  ops(
    p: tf.Tensor,
    g: tf.Tensor,
    s: tf.Tensor[],
    u: [number, number],
  ): { param: tf.Tensor; slots: tf.Tensor[] };
  expressions: { param: string; slots: string[] };
}

function rule(name: OptimizerName, lr: number): RowRule {
  const eps = EPS.toExponential();
  switch (name) {
    case 'sgd':
      return {
        slots: [],
        uniforms: () => [lr, 0],
        ops: (p, g, _s, [u0]) => ({ param: tf.sub(p, tf.mul(g, u0)), slots: [] }),
        expressions: { param: 'p - u0 * g', slots: [] },
      };
    case 'momentum':
      return {
        slots: [0],
        uniforms: () => [lr, 0],
        ops: (p, g, [m], [u0]) => {
          const m2 = tf.add(tf.mul(m, 0.9), g);
          return { param: tf.sub(p, tf.mul(m2, u0)), slots: [m2] };
        },
        expressions: { param: 'p - u0 * (0.9 * s0 + g)', slots: ['0.9 * s0 + g'] },
      };
    case 'adagrad':
      return {
        slots: [0.1],
        uniforms: () => [lr, 0],
        ops: (p, g, [acc], [u0]) => {
          const a2 = tf.add(acc, tf.square(g));
          return { param: tf.sub(p, tf.mul(tf.div(g, tf.sqrt(tf.add(a2, EPS))), u0)), slots: [a2] };
        },
        expressions: { param: `p - u0 * g / sqrt(s0 + g * g + ${eps})`, slots: ['s0 + g * g'] },
      };
    case 'rmsprop':
      return {
        slots: [0],
        uniforms: () => [lr, 0],
        ops: (p, g, [ms], [u0]) => {
          const ms2 = tf.add(tf.mul(ms, 0.9), tf.mul(tf.square(g), 0.1));
          return {
            param: tf.sub(p, tf.mul(tf.div(g, tf.sqrt(tf.add(ms2, EPS))), u0)),
            slots: [ms2],
          };
        },
        expressions: {
          param: `p - u0 * g / sqrt(0.9 * s0 + 0.1 * g * g + ${eps})`,
          slots: ['0.9 * s0 + 0.1 * g * g'],
        },
      };
    case 'adamax':
      return {
        slots: [0, 0],
        // u0 = lr / (1 - beta1^t), as tf.train.adamax; s1 is the weighted infinity norm.
        uniforms: (t) => [lr / (1 - 0.9 ** t), 0],
        ops: (p, g, [m, u], [u0]) => {
          const m2 = tf.add(tf.mul(m, 0.9), tf.mul(g, 0.1));
          const u2 = tf.maximum(tf.mul(u, 0.999), tf.abs(g));
          return { param: tf.sub(p, tf.mul(tf.div(m2, tf.add(u2, EPS)), u0)), slots: [m2, u2] };
        },
        expressions: {
          param: `p - u0 * (0.9 * s0 + 0.1 * g) / (max(0.999 * s1, abs(g)) + ${eps})`,
          slots: ['0.9 * s0 + 0.1 * g', 'max(0.999 * s1, abs(g))'],
        },
      };
    case 'adadelta': {
      // As tf.train.adadelta (rho 0.95), whose step scales g by the accumulators before this
      // step's update: sqrt(updates + eps) / sqrt(grads + eps).
      const step = `(sqrt(s1 + ${eps}) / sqrt(s0 + ${eps}) * g)`;
      return {
        slots: [0, 0],
        uniforms: () => [lr, 0],
        ops: (p, g, [acc, accUpd], [u0]) => {
          const upd = tf.mul(tf.div(tf.sqrt(tf.add(accUpd, EPS)), tf.sqrt(tf.add(acc, EPS))), g);
          return {
            param: tf.sub(p, tf.mul(upd, u0)),
            slots: [
              tf.add(tf.mul(acc, 0.95), tf.mul(tf.square(g), 0.05)),
              tf.add(tf.mul(accUpd, 0.95), tf.mul(tf.square(upd), 0.05)),
            ],
          };
        },
        expressions: {
          param: `p - u0 * ${step}`,
          slots: ['0.95 * s0 + 0.05 * g * g', `0.95 * s1 + 0.05 * ${step} * ${step}`],
        },
      };
    }
    case 'adam':
      return {
        slots: [0, 0],
        // u0 = lr / (1 - beta1^t), u1 = 1 / (1 - beta2^t): tf.train.adam's bias corrections.
        uniforms: (t) => [lr / (1 - 0.9 ** t), 1 / (1 - 0.999 ** t)],
        ops: (p, g, [m, v], [u0, u1]) => {
          const m2 = tf.add(tf.mul(m, 0.9), tf.mul(g, 0.1));
          const v2 = tf.add(tf.mul(v, 0.999), tf.mul(tf.square(g), 0.001));
          const delta = tf.div(tf.mul(m2, u0), tf.add(tf.sqrt(tf.mul(v2, u1)), EPS));
          return { param: tf.sub(p, delta), slots: [m2, v2] };
        },
        expressions: {
          param: `p - u0 * (0.9 * s0 + 0.1 * g) / (sqrt((0.999 * s1 + 0.001 * g * g) * u1) + ${eps})`,
          slots: ['0.9 * s0 + 0.1 * g', '0.999 * s1 + 0.001 * g * g'],
        },
      };
  }
}

/**
 * A fused update for one backend: new values [U, d] of the param (first) and each slot, computed
 * from the full tables at `rows` and the gradient [U, d]. Must not write anything itself.
 */
export type RowUpdateKernel = (
  r: RowRule,
  table: tf.Tensor,
  slots: tf.Tensor[],
  rows: tf.Tensor1D,
  grad: tf.Tensor2D,
  uniforms: [number, number],
) => tf.Tensor2D[];

/**
 * The same update as one pass over the whole table: new values [R + 1, d] of the param and each
 * slot, where rows absent from the batch (positions[r] < 0) keep their values. For tables small
 * next to the batch, where one dense pass costs less than writing rows one by one.
 */
export type DenseUpdateKernel = (
  r: RowRule,
  table: tf.Tensor,
  slots: tf.Tensor[],
  positions: tf.Tensor1D,
  grad: tf.Tensor2D,
  uniforms: [number, number],
) => tf.Tensor2D[];

const kernels = new Map<string, RowUpdateKernel>();
const denseKernels = new Map<string, DenseUpdateKernel>();

export function registerRowUpdate(
  backendName: string,
  kernel: RowUpdateKernel,
  dense?: DenseUpdateKernel,
): void {
  kernels.set(backendName, kernel);
  if (dense) denseKernels.set(backendName, dense);
}

const byOps: RowUpdateKernel = (r, table, slots, rows, grad, u) => {
  const next = r.ops(
    tf.gather(table, rows),
    grad,
    slots.map((s) => tf.gather(s, rows)),
    u,
  );
  return [next.param, ...next.slots] as tf.Tensor2D[];
};

export function createRowOptimizer(name: OptimizerName, learningRate: number): RowOptimizer {
  const r = rule(name, learningRate);
  const slots = new Map<EmbeddingTable, tf.Variable[]>();
  let step = 0;
  return {
    nextStep() {
      step++;
    },
    apply(table, plan, grad) {
      let s = slots.get(table);
      if (!s) {
        s = r.slots.map((v) => tf.tidy(() => tf.variable(tf.fill(table.weights.shape, v), false)));
        slots.set(table, s);
      }
      const vars = [table.weights, ...s];
      const dense = plan.positions && denseKernels.get(tf.getBackend());
      tf.tidy(() => {
        // Every new value is computed before any is written: each reads the old slots.
        const [param, ...rest] = vars;
        if (dense) {
          const next = dense(r, param, rest, plan.positions!, grad, r.uniforms(step));
          next.forEach((v, k) => vars[k].assign(v));
        } else {
          const kernel = kernels.get(tf.getBackend()) ?? byOps;
          const next = kernel(r, param, rest, plan.uniqueRows, grad, r.uniforms(step));
          next.forEach((v, k) => writeRows(vars[k], plan.uniqueRows, v, plan.count));
        }
      });
    },
    dispose() {
      for (const vars of slots.values()) tf.dispose(vars);
      slots.clear();
    },
  };
}
