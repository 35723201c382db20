/**
 * Adam's update of one dense variable as a single kernel, for the backends whose tensors the CPU
 * reads in place (tfjs cpu; wasm: the module's heap). tf.train.adam runs about ten elementwise
 * ops per variable and step (two moments, their bias corrections, a square root, an epsilon, a
 * quotient, a scale, an add, each a full pass that allocates a tensor of the variable's size):
 * on AutoRec's two [9,724 x 256] matrices that was about a fifth of a wasm step in Node. This
 * kernel reads (param, gradient, m, v) once and writes the three new tensors.
 *
 * The arithmetic is tf.train.adam's, op for op, each result rounded to float32 as its kernels
 * round it (Math.fround after every operation; a float64 result rounded once is the correctly
 * rounded float32 result for +, -, x, / and the square root), so the two agree to the last bit
 * wherever the backend's own kernels round correctly.
 */
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { tf } from './tfjs';

/** Outputs [param', m', v'] from inputs {param, grad, m, v}; attrs: `AdamConstants`. */
export const ADAM_UPDATE = 'LatentLabAdamUpdate';

/**
 * The step's scalars as tf.train.adam holds them: every constant a float32 (its scalar tensors).
 * `oneMinusAccBeta1` = 1 - beta1^t, computed as tf.train.adam does (see `FusedAdam`).
 */
export interface AdamConstants {
  beta1: number;
  beta2: number;
  oneMinusBeta1: number;
  oneMinusBeta2: number;
  oneMinusAccBeta1: number;
  oneMinusAccBeta2: number;
  epsilon: number;
  negLearningRate: number;
}

type Arrays = Float32Array | Int32Array;

const fr = Math.fround;

/**
 * The update over every element k (tf.train.adam's expression, its order of operations):
 *   m' = m b1 + g (1 - b1);  v' = v b2 + g^2 (1 - b2)
 *   p' = (m' / (1 - b1^t)) / (sqrt(v' / (1 - b2^t)) + eps) x (-lr) + p
 */
export function adamUpdate(
  param: ArrayLike<number>,
  grad: ArrayLike<number>,
  m: ArrayLike<number>,
  v: ArrayLike<number>,
  outParam: Float32Array,
  outM: Float32Array,
  outV: Float32Array,
  c: AdamConstants,
): void {
  const { beta1: b1, beta2: b2, oneMinusBeta1: c1, oneMinusBeta2: c2, epsilon: eps } = c;
  const { oneMinusAccBeta1: a1, oneMinusAccBeta2: a2, negLearningRate: nlr } = c;
  for (let k = 0; k < outParam.length; k++) {
    const g = grad[k];
    const m1 = fr(fr(m[k] * b1) + fr(g * c1));
    const v1 = fr(fr(v[k] * b2) + fr(fr(g * g) * c2));
    const den = fr(fr(Math.sqrt(fr(v1 / a2))) + eps);
    outParam[k] = fr(fr(fr(fr(m1 / a1) / den) * nlr) + param[k]);
    outM[k] = m1;
    outV[k] = v1;
  }
}

/**
 * A backend's own faster loop over inputs (param, grad, m, v) into outputs (param', m', v'):
 * false when it cannot run there, and the JavaScript loop runs instead.
 */
export type AdamLoop = (
  backend: unknown,
  ins: tf.TensorInfo[],
  outs: tf.TensorInfo[],
  c: AdamConstants,
) => boolean;

/**
 * Registers the kernel for a backend, given how it makes an output and views a tensor's values
 * in place (no copy, no read-back), and optionally a faster loop of its own.
 */
export function registerAdamKernel(
  backendName: string,
  output: (backend: unknown, shape: number[]) => tf.TensorInfo,
  view: (backend: unknown, t: tf.TensorInfo) => Arrays,
  loop?: AdamLoop,
): void {
  if (tf.getKernel(ADAM_UPDATE, backendName)) return;
  tf.registerKernel({
    kernelName: ADAM_UPDATE,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { param, grad, m, v } = inputs as Record<string, tf.TensorInfo>;
      for (const [name, t] of Object.entries({ grad, m, v }))
        if (t.shape.join() !== param.shape.join())
          throw new Error(
            `Adam update: ${name} has shape [${t.shape}], the variable [${param.shape}]`,
          );
      // All outputs first: a heap growth would detach views taken before it.
      const outs = [
        output(backend, param.shape),
        output(backend, param.shape),
        output(backend, param.shape),
      ];
      const c = attrs as unknown as AdamConstants;
      if (loop?.(backend, [param, grad, m, v], outs, c)) return outs;
      const [p1, m1, v1] = outs.map((t) => view(backend, t) as Float32Array);
      const [p0, g, m0, v0] = [param, grad, m, v].map((t) => view(backend, t));
      adamUpdate(p0, g, m0, v0, p1, m1, v1, c);
      return outs;
    },
  });
}

/** Whether the backend in use has the kernel. */
export function hasAdamKernel(): boolean {
  return !!tf.getKernel(ADAM_UPDATE, tf.getBackend());
}

/** tfjs-cpu keeps a tensor's values as a typed array in its data map: the same loop, in place. */
export function registerAdamCpu(): void {
  registerAdamKernel(
    'cpu',
    (backend, shape) =>
      (backend as MathBackendCPU).makeTensorInfo(
        shape,
        'float32',
        new Float32Array(shape.reduce((a, b) => a * b, 1)),
      ),
    (backend, t) =>
      (backend as MathBackendCPU).data.get(t.dataId)!.values as Float32Array | Int32Array,
  );
}

registerAdamCpu();
