/**
 * The fused bi-linear score `biasedDot` and its gradient (ops.ts) for a backend without a
 * program of its own (webgpu), composed from that backend's stock kernels, the way tfjs's own
 * kernels call each other: a few more passes than a fused program, but the same values and the
 * same gradient, so every row model trains there.
 */
import { tf } from './tfjs';
import { BIASED_DOT, BIASED_DOT_GRAD } from './ops';

type Info = tf.TensorInfo;

/** Runs backend kernels by name, freeing every intermediate it made but the result. */
class Composer {
  private readonly made: Info[] = [];

  constructor(
    private readonly backendName: string,
    private readonly backend: tf.KernelBackend,
  ) {}

  run(kernel: string, inputs: Record<string, Info> | Info[], attrs: object = {}): Info {
    const config = tf.getKernel(kernel, this.backendName);
    if (!config) throw new Error(`${this.backendName} has no ${kernel} kernel`);
    const out = config.kernelFunc({
      inputs: inputs as tf.NamedTensorInfoMap,
      backend: this.backend,
      attrs: attrs as tf.NamedAttrMap,
    }) as Info;
    this.made.push(out);
    return out;
  }

  /** Frees the intermediates (a reshape shares its input's data and holds a reference). */
  keep(result: Info): Info {
    for (const t of this.made) if (t !== result) this.backend.disposeData(t.dataId);
    return result;
  }
}

const sliceCols = (c: Composer, x: Info, from: number, count: number) =>
  c.run('Slice', { x }, { begin: [0, from], size: [x.shape[0], count] });

/** Registers biasedDot and its gradient for `backendName` (idempotent per backend). */
export function registerComposedBiasedDot(backendName: string): void {
  if (tf.getKernel(BIASED_DOT, backendName)) return;
  tf.registerKernel({
    kernelName: BIASED_DOT,
    backendName,
    kernelFunc: ({ inputs, backend }) => {
      const c = new Composer(backendName, backend as tf.KernelBackend);
      const { a, c: other } = inputs as { a: Info; c: Info };
      const [rows, width] = a.shape;
      const d = width - 1;
      const products = c.run('Multiply', {
        a: sliceCols(c, a, 0, d),
        b: sliceCols(c, other, 0, d),
      });
      const dot = c.run('Sum', { x: products }, { axis: [1], keepDims: false });
      const bias = c.run('Add', { a: sliceCols(c, a, d, 1), b: sliceCols(c, other, d, 1) });
      const flat = c.run('Reshape', { x: bias }, { shape: [rows] });
      return c.keep(c.run('Add', { a: dot, b: flat }));
    },
  });
  tf.registerKernel({
    kernelName: BIASED_DOT_GRAD,
    backendName,
    kernelFunc: ({ inputs, backend }) => {
      const c = new Composer(backendName, backend as tf.KernelBackend);
      const { dy, other } = inputs as { dy: Info; other: Info };
      const [rows, width] = other.shape;
      // [other[:, :d], 1] x dy[:, None]
      const ones = c.run('Fill', {}, { shape: [rows, 1], value: 1, dtype: 'float32' });
      const extended = c.run('Concat', [sliceCols(c, other, 0, width - 1), ones], { axis: 1 });
      const column = c.run('Reshape', { x: dy }, { shape: [rows, 1] });
      return c.keep(c.run('Multiply', { a: extended, b: column }));
    },
  });
}
