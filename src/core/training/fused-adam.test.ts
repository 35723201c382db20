/**
 * The fused Adam update against tf.train.adam: the same variables, gradients and steps give the
 * same parameters (to 1e-6) on tfjs cpu and tfjs wasm, and createOptimizer chooses it there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-wasm';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { tf } from '../tf/tfjs';
import { registerWasmKernels } from '../tf/wasm-kernels';
import { ADAM_UPDATE, type AdamConstants } from '../tf/adam-kernel';
import { adamModuleBytes, wasmAdamLoop } from '../tf/adam-simd';
import { FusedAdam } from './fused-adam';
import { OPTIMIZER_EPSILON, createOptimizer } from './optimizers';
import { mulberry32 } from '../util/random';

beforeAll(() => registerWasmKernels());
afterAll(async () => {
  await tf.setBackend('cpu');
});

const SHAPES = [[37, 5], [11], [3, 4, 6]];

/**
 * Trains the same random variables `steps` times with `optimizer` on a loss whose gradients
 * change every step (a weighted sum of squares and sines of the parameters, the weights drawn
 * per step), through minimize as the trainers do. Returns the final values.
 */
function train(optimizer: tf.Optimizer, steps: number, seed: number): Float32Array[] {
  const random = mulberry32(seed);
  const draw = (n: number) => Float32Array.from({ length: n }, () => 2 * random() - 1);
  const vars = SHAPES.map((shape) =>
    tf.tidy(() => tf.variable(tf.tensor(draw(shape.reduce((a, b) => a * b, 1)), shape))),
  );
  for (let s = 0; s < steps; s++) {
    const weights = vars.map((v) => tf.tensor(draw(v.size), v.shape));
    const cost = optimizer.minimize(
      () =>
        vars
          .map((v, k) =>
            tf.sum(tf.mul(weights[k], tf.add(tf.square(v), tf.mul(tf.sin(tf.mul(v, 7)), 0.3)))),
          )
          .reduce((a, b) => tf.add(a, b)) as tf.Scalar,
      true,
      vars,
    );
    cost?.dispose();
    tf.dispose(weights);
  }
  const out = vars.map((v) => v.dataSync() as Float32Array);
  tf.dispose(vars);
  optimizer.dispose();
  return out;
}

function worst(a: Float32Array[], b: Float32Array[]): number {
  let d = 0;
  a.forEach((x, i) => x.forEach((v, k) => (d = Math.max(d, Math.abs(v - b[i][k])))));
  return d;
}

describe.each(['cpu', 'wasm'])('fused Adam on %s', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
  });

  it('is what createOptimizer gives for adam there', () => {
    const o = createOptimizer('adam', 0.01);
    expect(o).toBeInstanceOf(FusedAdam);
    o.dispose();
  });

  it.each([
    [0.01, 1e-7, 30],
    [0.3, 1e-3, 8],
  ])('matches tf.train.adam (lr %s, eps %s, %s steps)', (lr, eps, steps) => {
    const before = tf.memory().numTensors;
    const fused = train(new FusedAdam(lr, 0.9, 0.999, eps), steps, 5);
    expect(tf.memory().numTensors).toBe(before);
    const stock = train(tf.train.adam(lr, 0.9, 0.999, eps), steps, 5);
    // Training moved the parameters (so the comparison covers the update) ...
    const start = train(tf.train.adam(lr, 0.9, 0.999, eps), 0, 5);
    expect(worst(stock, start)).toBeGreaterThan(lr);
    // ... and the two optimizers moved them alike, to float32 rounding at most.
    expect(worst(fused, stock)).toBeLessThanOrEqual(1e-6);
  });

  it('keeps the optimizer default epsilon', () => {
    const o = createOptimizer('adam', 0.01) as FusedAdam;
    expect(o.getConfig().epsilon).toBe(OPTIMIZER_EPSILON);
    o.dispose();
  });

  it('says which input has the wrong shape', () => {
    const t = (shape: number[]) => tf.zeros(shape);
    const [param, m, v, grad] = [t([2, 3]), t([2, 3]), t([2, 3]), t([3, 2])];
    expect(() => tf.engine().runKernel(ADAM_UPDATE, { param, grad, m, v }, {})).toThrow(
      'Adam update: grad has shape [3,2], the variable [2,3]',
    );
    tf.dispose([param, m, v, grad]);
  });
});

describe('a backend without the kernel (as webgl and webgpu)', () => {
  it('gets tf.train.adam, and the fused optimizer says it cannot run there', async () => {
    // A backend of its own name: no kernel of this project is registered for it.
    tf.registerBackend('no-fused', () => new MathBackendCPU());
    await tf.setBackend('no-fused');
    try {
      const o = createOptimizer('adam', 0.01);
      expect(o).toBeInstanceOf(tf.AdamOptimizer);
      o.dispose();
      const fused = new FusedAdam(0.01, 0.9, 0.999, 1e-7);
      expect(() => fused.applyGradients([])).toThrow(
        'Adam: this optimizer was made for tfjs cpu or wasm, and the backend is now no-fused',
      );
    } finally {
      await tf.setBackend('cpu');
      tf.removeBackend('no-fused');
    }
  });
});

describe('the WebAssembly SIMD loop', () => {
  it('is a valid module, with a shared memory import or not', () => {
    // (The core's TypeScript library has no WebAssembly types; Node has the API.)
    const { WebAssembly } = globalThis as unknown as {
      WebAssembly: { validate(bytes: Uint8Array): boolean };
    };
    expect(WebAssembly.validate(adamModuleBytes(false))).toBe(true);
    expect(WebAssembly.validate(adamModuleBytes(true))).toBe(true);
  });

  it('runs on tfjs-wasm (the kernel does not fall back to the JavaScript loop there)', async () => {
    await tf.setBackend('wasm');
    const c: AdamConstants = {
      beta1: 0.5,
      beta2: 0.25,
      oneMinusBeta1: 0.5,
      oneMinusBeta2: 0.75,
      oneMinusAccBeta1: 0.5,
      oneMinusAccBeta2: 0.75,
      epsilon: 0,
      negLearningRate: -1,
    };
    // 7 elements: one group of 4 and a tail of 3.
    const ins = [
      [1, 2, 3, 4, 5, 6, 7],
      [2, 2, 2, 2, -2, -2, -2],
      [0, 0, 0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0, 0, 0],
    ].map((x) => tf.tensor1d(x));
    const outs = [0, 1, 2].map(() => tf.zeros([7]));
    expect(wasmAdamLoop(tf.backend(), ins, outs, c)).toBe(true);
    // m' = g / 2, v' = 3 g^2 / 4; p' = p - (m' / 0.5) / sqrt(v' / 0.75) = p - sign(g).
    expect(Array.from(outs[0].dataSync())).toEqual([0, 1, 2, 3, 6, 7, 8]);
    expect(Array.from(outs[1].dataSync())).toEqual([1, 1, 1, 1, -1, -1, -1]);
    expect(Array.from(outs[2].dataSync())).toEqual([3, 3, 3, 3, 3, 3, 3]);
    tf.dispose([...ins, ...outs]);
  });
});
