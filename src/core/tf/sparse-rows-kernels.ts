/**
 * `sparseMatMul`'s forward product and its weights' gradient as single kernels, for the backends
 * whose tensors the CPU reads in place (wasm: the module's heap). There the stock path (gather
 * the entries' weight rows [C, d], scale, segment-sum; gather the rows' gradients [C, d], scale,
 * segment-sum, scatter into [items, d]) costs seven kernels and two [C, d] copies a step, and
 * tfjs-wasm's GatherV2 walks element by element: profiled in Node on AutoRec's sample batch
 * (64 users, 8,192 entries, d 256), the gathers alone took about a third of a step. These loops
 * read each entry once and add its scaled row straight into the output.
 */
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { tf } from './tfjs';

/** [rows, d] = sum over entries k of values[k] x weights[index[k]] into row rowOf[k]. */
export const SPARSE_ROWS_MATMUL = 'LatentLabSparseRowsMatMul';
/** [columns, d] = sum over entries k of values[k] x dy[rowOf[k]] into row index[k]. */
export const SPARSE_ROWS_MATMUL_GRAD = 'LatentLabSparseRowsMatMulGrad';

type Arrays = Float32Array | Int32Array;

/**
 * The entry-wise multiply-add both kernels are: out[to[k]] += values[k] x src[from[k]], rows of
 * width d. Entries with value 0 (padding, dropped inputs) are skipped.
 */
export function scatterScaledRows(
  out: Float32Array,
  src: ArrayLike<number>,
  from: Arrays,
  to: Arrays,
  values: Arrays,
  d: number,
): void {
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (v === 0) continue;
    const s = from[k] * d;
    const o = to[k] * d;
    for (let j = 0; j < d; j++) out[o + j] += v * src[s + j];
  }
}

/**
 * Registers both kernels for a backend, given how it makes an output and views a tensor's
 * values in place (no copy, no read-back).
 */
export function registerSparseRowsKernels(
  backendName: string,
  output: (backend: unknown, shape: number[]) => tf.TensorInfo,
  view: (backend: unknown, t: tf.TensorInfo) => Arrays,
): void {
  if (tf.getKernel(SPARSE_ROWS_MATMUL, backendName)) return;
  const kernel = (grad: boolean): tf.KernelConfig => ({
    kernelName: grad ? SPARSE_ROWS_MATMUL_GRAD : SPARSE_ROWS_MATMUL,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const src = inputs.src!; // weights [columns, d] forward, dy [rows, d] backward
      const d = src.shape[1];
      const out = output(backend, [Number(attrs!.outRows), d]);
      // The output is allocated first: a heap growth would detach views taken before it.
      const o = view(backend, out) as Float32Array;
      o.fill(0);
      const index = view(backend, inputs.index!);
      const rowOf = view(backend, inputs.rowOf!);
      const values = view(backend, inputs.values!);
      const s = view(backend, src);
      if (grad) scatterScaledRows(o, s, rowOf, index, values, d);
      else scatterScaledRows(o, s, index, rowOf, values, d);
      return out;
    },
  });
  tf.registerKernel(kernel(false));
  tf.registerKernel(kernel(true));
}

/** Whether the backend in use has the fused kernels. */
export function hasSparseRowsKernels(): boolean {
  return !!tf.getKernel(SPARSE_ROWS_MATMUL, tf.getBackend());
}

/** tfjs-cpu keeps a tensor's values as a typed array in its data map: the same loops, in place. */
export function registerSparseRowsCpu(): void {
  registerSparseRowsKernels(
    'cpu',
    (backend, shape) =>
      (backend as MathBackendCPU).makeTensorInfo(
        shape,
        'float32',
        new Float32Array(shape[0] * shape[1]),
      ),
    (backend, t) =>
      (backend as MathBackendCPU).data.get(t.dataId)!.values as Float32Array | Int32Array,
  );
}

registerSparseRowsCpu();
