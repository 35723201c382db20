/**
 * The lazy row optimizers of row-optimizers.ts as plain loops over typed arrays: the same update
 * rules, constants and epsilon placement (tf.train's), applied to one table row at a time. A row
 * absent from a step keeps its value and its slots, as in the tfjs path.
 */
import type { OptimizerName } from '../training/config';

const EPS = 1e-7;

/** Slots per parameter and their initial value (Adagrad's accumulator starts at 0.1). */
export function optimizerSlots(name: OptimizerName): { count: number; init: number } {
  switch (name) {
    case 'sgd':
      return { count: 0, init: 0 };
    case 'momentum':
    case 'rmsprop':
      return { count: 1, init: 0 };
    case 'adagrad':
      return { count: 1, init: 0.1 };
    case 'adamax':
    case 'adadelta':
    case 'adam':
      return { count: 2, init: 0 };
  }
}

/** The step's scalars (bias corrections at step t, 1-based), as RowRule.uniforms. */
export function optimizerUniforms(name: OptimizerName, lr: number, t: number): [number, number] {
  if (name === 'adam') return [lr / (1 - 0.9 ** t), 1 / (1 - 0.999 ** t)];
  if (name === 'adamax') return [lr / (1 - 0.9 ** t), 0];
  return [lr, 0];
}

export const OPTIMIZER_CODES: Record<OptimizerName, number> = {
  sgd: 0,
  momentum: 1,
  adagrad: 2,
  rmsprop: 3,
  adamax: 4,
  adadelta: 5,
  adam: 6,
};

/**
 * Updates p[o .. o + n) from the gradient g at the same offsets, with slots s0 / s1 (empty
 * arrays when the rule has fewer), and zeroes the gradient for the next step's accumulation.
 */
export function updateRow(
  code: number,
  p: Float32Array,
  g: Float32Array,
  s0: Float32Array,
  s1: Float32Array,
  o: number,
  n: number,
  u0: number,
  u1: number,
): void {
  const end = o + n;
  switch (code) {
    case 0:
      for (let k = o; k < end; k++) p[k] -= u0 * g[k];
      break;
    case 1:
      for (let k = o; k < end; k++) {
        const m = 0.9 * s0[k] + g[k];
        s0[k] = m;
        p[k] -= u0 * m;
      }
      break;
    case 2:
      for (let k = o; k < end; k++) {
        const a = s0[k] + g[k] * g[k];
        s0[k] = a;
        p[k] -= (u0 * g[k]) / Math.sqrt(a + EPS);
      }
      break;
    case 3:
      for (let k = o; k < end; k++) {
        const ms = 0.9 * s0[k] + 0.1 * g[k] * g[k];
        s0[k] = ms;
        p[k] -= (u0 * g[k]) / Math.sqrt(ms + EPS);
      }
      break;
    case 4:
      for (let k = o; k < end; k++) {
        const m = 0.9 * s0[k] + 0.1 * g[k];
        const u = Math.max(0.999 * s1[k], Math.abs(g[k]));
        s0[k] = m;
        s1[k] = u;
        p[k] -= (u0 * m) / (u + EPS);
      }
      break;
    case 5:
      for (let k = o; k < end; k++) {
        const upd = (Math.sqrt(s1[k] + EPS) / Math.sqrt(s0[k] + EPS)) * g[k];
        s0[k] = 0.95 * s0[k] + 0.05 * g[k] * g[k];
        s1[k] = 0.95 * s1[k] + 0.05 * upd * upd;
        p[k] -= u0 * upd;
      }
      break;
    default:
      // Adam, the default: the gradient is cleared in the same pass (one fewer sweep of the row).
      for (let k = o; k < end; k++) {
        const gk = g[k];
        g[k] = 0;
        const m = 0.9 * s0[k] + 0.1 * gk;
        const v = 0.999 * s1[k] + 0.001 * gk * gk;
        s0[k] = m;
        s1[k] = v;
        p[k] -= (u0 * m) / (Math.sqrt(v * u1) + EPS);
      }
      return;
  }
  g.fill(0, o, end);
}
