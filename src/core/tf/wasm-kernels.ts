/**
 * The kernels the models need that tfjs-backend-wasm lacks or that the models register per
 * backend, written in JavaScript over the wasm heap (a tensor's values are a typed array in the
 * module's memory, so reading and writing them is a memory access, not a device transfer):
 * - `UnsortedSegmentSum`: stock tf.gather's gradient; missing from tfjs-backend-wasm 4.22.
 * - the fused bi-linear score `biasedDot` and its gradient (ops.ts);
 * - the sparse path's segment sum (the cpu loop, embedding.ts) and the in-place row writer;
 * - matrix products with a transposed side (every matMul's gradient has one) transpose it
 *   first: tfjs-wasm 4.22 runs them about 10x slower than a plain product, measured in Node on
 *   [64, 256] x [9724, 256]^T (AutoRec's decoder on the sample): 1,200 ms against 100 ms plus a
 *   52 ms transpose (load average 16 on 2 cores); and a wide right operand goes on the left
 *   (`wasmProduct`).
 * Only type imports from the wasm package: registering a kernel does not load the backend.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { tf } from './tfjs';
import { BIASED_DOT, BIASED_DOT_GRAD } from './ops';
import { registerRowWriter, registerSegmentSum, segmentSumCpu } from './embedding';
import { registerSparseRowsKernels } from './sparse-rows-kernels';
import { registerAdamKernel } from './adam-kernel';
import { wasmAdamLoop } from './adam-simd';

type Info = tf.TensorInfo;

/** Allocates the output first: a heap growth would detach views taken before it. */
function run(
  backend: BackendWasm,
  shape: number[],
  dtype: 'float32' | 'int32',
  inputs: Info[],
  body: (out: Float32Array | Int32Array, ...ins: (Float32Array | Int32Array)[]) => void,
): Info {
  const out = backend.makeOutput(shape, dtype);
  const view = backend.typedArrayFromHeap(out) as Float32Array | Int32Array;
  view.fill(0);
  body(view, ...inputs.map((t) => backend.typedArrayFromHeap(t) as Float32Array | Int32Array));
  return out;
}

/** out[s, ...] = sum of x[i, ...] over i with segmentIds[i] = s (ids outside [0, n) dropped). */
export function unsortedSegmentSumKernel(backend: BackendWasm, x: Info, ids: Info, n: number) {
  const rows = ids.shape.reduce((a, b) => a * b, 1);
  const inner = x.shape.slice(ids.shape.length).reduce((a, b) => a * b, 1);
  const dtype = x.dtype === 'int32' ? 'int32' : 'float32';
  return run(backend, [n, ...x.shape.slice(ids.shape.length)], dtype, [x, ids], (o, v, s) => {
    for (let i = 0; i < rows; i++) {
      const seg = s[i];
      if (seg < 0 || seg >= n) continue;
      const src = i * inner;
      const dst = seg * inner;
      for (let j = 0; j < inner; j++) o[dst + j] += v[src + j];
    }
  });
}

/** Swaps the last two axes (a wasm Transpose); the caller frees the result. */
function flipped(backend: BackendWasm, x: Info): Info {
  const perm = x.shape.map((_, k) => k);
  [perm[perm.length - 2], perm[perm.length - 1]] = [perm[perm.length - 1], perm[perm.length - 2]];
  const transpose = tf.getKernel('Transpose', 'wasm')!;
  return transpose.kernelFunc({ inputs: { x }, backend, attrs: { perm } }) as Info;
}

/**
 * Re-registers a wasm matrix product so that it never runs with transposeA / transposeB, and so
 * that a right operand wider than the left goes on the left. tfjs-wasm hands the right operand
 * to XNNPACK as a fully-connected layer's weights, packed anew on each call whenever it is a new
 * tensor (in training, every step): with AutoRec's [9,724 x 256] decoder on the right of a
 * 64-user batch, packing cost as much as the product. So A B with B [K, N] wider than A [M, K]
 * (N >= 4M) runs as (B^T A^T)^T: the packed side is A^T; the transposes are copies of A, of the
 * result, and of B only where it is not stored transposed already (a matMul's transposeB, as in
 * the decoder's forward product h V^T, needs none). Measured in Node wasm (one thread) on
 * AutoRec's shapes with a new decoder each call: h V^T 18.4 ms -> 10.8 ms, dy V 16.8 -> about 12.
 * A fused product with an activation keeps the plain order; its bias is added after the
 * transpose.
 */
function wasmProduct(kernelName: string, plain: tf.KernelConfig): void {
  const original = tf.getKernel(kernelName, 'wasm');
  if (!original) return;
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({
    ...original,
    kernelFunc: (args) => {
      const attrs = args.attrs as {
        transposeA?: boolean;
        transposeB?: boolean;
        activation?: string;
      };
      const { transposeA = false, transposeB = false } = attrs;
      const { a, b, bias, preluActivationWeights } = args.inputs;
      const backend = args.backend as BackendWasm;
      const made: Info[] = [];
      const flip = (x: Info) => {
        const t = flipped(backend, x);
        made.push(t);
        return t;
      };
      const rows = a!.shape.at(transposeA ? -1 : -2)!;
      const cols = b!.shape.at(transposeB ? -2 : -1)!;
      const activated =
        (attrs.activation !== undefined && attrs.activation !== 'linear') ||
        !!preluActivationWeights;
      try {
        if (cols >= 4 * rows && !activated) {
          const product = plain.kernelFunc({
            backend,
            inputs: { a: transposeB ? b! : flip(b!), b: transposeA ? a! : flip(a!) },
            attrs: { transposeA: false, transposeB: false },
          }) as Info;
          made.push(product);
          const out = flipped(backend, product);
          if (!bias) return out;
          made.push(out);
          const add = tf.getKernel('Add', 'wasm')!;
          return add.kernelFunc({ backend, inputs: { a: out, b: bias }, attrs: {} }) as Info;
        }
        if (!transposeA && !transposeB) return original.kernelFunc(args);
        const inputs = {
          ...args.inputs,
          a: transposeA ? flip(a!) : a!,
          b: transposeB ? flip(b!) : b!,
        };
        return original.kernelFunc({
          ...args,
          inputs,
          attrs: { ...args.attrs, transposeA: false, transposeB: false },
        });
      } finally {
        for (const t of made) backend.disposeData(t.dataId);
      }
    },
  });
}

/**
 * Identity that shares the input's buffer (a reference count more) instead of copying it, as
 * tfjs-cpu's does. The engine clones every tensor a gradient saves, through this kernel: on an
 * AutoRec step that copied the [9,724 x 256] matrices five times (12-24 ms of a step in Node).
 * Sharing is safe because no kernel writes its input: the in-place writers here (the row
 * writer) write only a buffer with one reference.
 */
function sharedIdentity(): void {
  const original = tf.getKernel('Identity', 'wasm');
  if (!original) return;
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({
    ...original,
    kernelFunc: (args) => {
      const x = args.inputs.x!;
      if (x.dtype === 'string') return original.kernelFunc(args);
      (args.backend as BackendWasm).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  });
}

let registered = false;

export function registerWasmKernels(): void {
  if (registered) return;
  registered = true;
  const plain = tf.getKernel('BatchMatMul', 'wasm');
  if (plain) {
    wasmProduct('BatchMatMul', plain);
    wasmProduct('_FusedMatMul', plain);
  }
  sharedIdentity();
  tf.registerKernel({
    kernelName: 'UnsortedSegmentSum',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) =>
      unsortedSegmentSumKernel(
        backend as BackendWasm,
        inputs.x!,
        inputs.segmentIds!,
        Number(attrs!.numSegments),
      ),
  });
  tf.registerKernel({
    kernelName: BIASED_DOT,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const [rows, width] = inputs.a!.shape;
      const d = width - 1;
      return run(backend as BackendWasm, [rows], 'float32', [inputs.a!, inputs.c!], (o, a, c) => {
        for (let b = 0; b < rows; b++) {
          const at = b * width;
          let s = a[at + d] + c[at + d];
          for (let j = 0; j < d; j++) s += a[at + j] * c[at + j];
          o[b] = s;
        }
      });
    },
  });
  tf.registerKernel({
    kernelName: BIASED_DOT_GRAD,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const [rows, width] = inputs.other!.shape;
      const shape = [rows, width];
      return run(
        backend as BackendWasm,
        shape,
        'float32',
        [inputs.dy!, inputs.other!],
        (o, dy, c) => {
          for (let b = 0; b < rows; b++) {
            const at = b * width;
            for (let j = 0; j < width - 1; j++) o[at + j] = dy[b] * c[at + j];
            o[at + width - 1] = dy[b];
          }
        },
      );
    },
  });
  registerSegmentSum('wasm', segmentSumCpu);
  registerSparseRowsKernels(
    'wasm',
    (backend, shape) => (backend as BackendWasm).makeOutput(shape, 'float32'),
    (backend, t) => (backend as BackendWasm).typedArrayFromHeap(t) as Float32Array | Int32Array,
  );
  registerAdamKernel(
    'wasm',
    (backend, shape) => (backend as BackendWasm).makeOutput(shape, 'float32'),
    (backend, t) => (backend as BackendWasm).typedArrayFromHeap(t) as Float32Array | Int32Array,
    wasmAdamLoop,
  );
  registerRowWriter('wasm', (target, rows, values, count) => {
    const backend = tf.backend() as BackendWasm;
    const data = backend.dataIdMap.get(target.dataId);
    if (!data || data.refCount > 1 || target.dtype !== 'float32') return false;
    const dst = backend.typedArrayFromHeap(target) as Float32Array;
    const r = backend.typedArrayFromHeap(rows) as Int32Array;
    const v = backend.typedArrayFromHeap(values) as Float32Array;
    const d = values.shape[1];
    for (let k = 0; k < count; k++) dst.set(v.subarray(k * d, (k + 1) * d), r[k] * d);
    return true;
  });
}
