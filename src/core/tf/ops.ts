/**
 * Small differentiable building blocks the models share, each with a gradient that does no more
 * passes over [B, d] than the maths needs.
 */
import { tf } from './tfjs';

/** Kernel names of the fused bi-linear score (registered per backend: cpu here, webgl beside). */
export const BIASED_DOT = 'LatentLabBiasedDot';
export const BIASED_DOT_GRAD = 'LatentLabBiasedDotGrad';

/**
 * The bi-linear score with biases, for tables that keep each row's bias in its last column:
 * [B, d + 1] x [B, d + 1] -> [B], out[b] = a[b, :d] . c[b, :d] + a[b, d] + c[b, d].
 * One op (and one gradient op per side) instead of a dot product and two bias tables: half the
 * tables, lookups, segment sums and updates per step. Registered on cpu and webgl.
 */
export function biasedDot(a: tf.Tensor2D, c: tf.Tensor2D): tf.Tensor1D {
  if (a.shape[1] !== c.shape[1] || a.shape[0] !== c.shape[0])
    throw new Error(`biasedDot: shapes [${a.shape}] and [${c.shape}] differ`);
  return tf.engine().runKernel(BIASED_DOT, { a, c }) as tf.Tensor1D;
}

/** The gradient for one side: out[b, j] = dy[b] x (j < d ? other[b, j] : 1), [B, d + 1]. */
function biasedDotGrad(dy: tf.Tensor, other: tf.Tensor): tf.Tensor2D {
  return tf.engine().runKernel(BIASED_DOT_GRAD, { dy, other }) as tf.Tensor2D;
}

tf.registerGradient({
  kernelName: BIASED_DOT,
  inputsToSave: ['a', 'c'],
  gradFunc: (dy, saved) => {
    const [a, c] = saved;
    return {
      a: () => biasedDotGrad(dy as tf.Tensor, c),
      c: () => biasedDotGrad(dy as tf.Tensor, a),
    };
  },
});

type CpuBackend = {
  readSync(dataId: object): Float32Array;
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
};

tf.registerKernel({
  kernelName: BIASED_DOT,
  backendName: 'cpu',
  kernelFunc: ({ inputs, backend }) => {
    const cpu = backend as CpuBackend;
    const [rows, width] = inputs.a!.shape;
    const a = cpu.readSync(inputs.a!.dataId);
    const c = cpu.readSync(inputs.c!.dataId);
    const d = width - 1;
    const out = new Float32Array(rows);
    for (let b = 0; b < rows; b++) {
      const o = b * width;
      let s = a[o + d] + c[o + d];
      for (let j = 0; j < d; j++) s += a[o + j] * c[o + j];
      out[b] = s;
    }
    return cpu.makeTensorInfo([rows], 'float32', out);
  },
});

tf.registerKernel({
  kernelName: BIASED_DOT_GRAD,
  backendName: 'cpu',
  kernelFunc: ({ inputs, backend }) => {
    const cpu = backend as CpuBackend;
    const [rows, width] = inputs.other!.shape;
    const dy = cpu.readSync(inputs.dy!.dataId);
    const other = cpu.readSync(inputs.other!.dataId);
    const out = new Float32Array(rows * width);
    for (let b = 0; b < rows; b++) {
      const o = b * width;
      for (let j = 0; j < width - 1; j++) out[o + j] = dy[b] * other[o + j];
      out[o + width - 1] = dy[b];
    }
    return cpu.makeTensorInfo([rows, width], 'float32', out);
  },
});
