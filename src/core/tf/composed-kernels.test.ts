import { afterAll, beforeAll, expect, it } from 'vitest';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { tf } from './tfjs';
import { biasedDot, BIASED_DOT } from './ops';
import { registerComposedBiasedDot } from './composed-kernels';

// A backend with cpu's stock kernels but not its biasedDot: what webgpu is to the composed one.
const NAME = 'composed-test';

beforeAll(async () => {
  tf.registerBackend(NAME, () => new MathBackendCPU());
  for (const k of tf.getKernelsForBackend('cpu'))
    if (!k.kernelName.startsWith('LatentLab')) tf.registerKernel({ ...k, backendName: NAME });
  expect(tf.getKernel(BIASED_DOT, NAME)).toBeUndefined();
  registerComposedBiasedDot(NAME);
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

it('the composed biasedDot gives the fused one value and gradients, and frees its intermediates', async () => {
  const run = () =>
    tf.tidy(() => {
      const a = tf.tensor2d([1, 2, 3, 0.5, -1, 0.5, 4, 2, 0, 1, 1, 1], [3, 4]);
      const c = tf.tensor2d([2, 0, 1, -3, 3, -2, 0.25, 1.5, 1, 1, 1, -1], [3, 4]);
      const w = tf.tensor1d([1.5, -2, 0.5]);
      const [ga, gc] = tf.grads((x: tf.Tensor, y: tf.Tensor) =>
        tf.sum(tf.mul(biasedDot(x as tf.Tensor2D, y as tf.Tensor2D), w)),
      )([a, c]);
      return [biasedDot(a, c), ga, gc].map((t) => Array.from(t.dataSync()));
    });
  await tf.setBackend('cpu');
  const fused = run();
  await tf.setBackend(NAME);
  const before = (tf.backend() as MathBackendCPU).numDataIds();
  const composed = run();
  expect(composed).toEqual(fused);
  expect(composed[0]).toEqual([5 + 0.5 - 3, -3 + 2 + 1.5, 2 + 0]);
  expect((tf.backend() as MathBackendCPU).numDataIds()).toBe(before);
});
