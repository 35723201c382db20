/**
 * The webgl kernels under the sparse embedding path. Imported only where the webgl backend is
 * (the training worker, the bench).
 *
 * - Segment sum: one GPGPU pass over the [U, d] output, each texel summing its row's run of the
 *   sorted batch (dynamic loop bounds: WebGL 2 / GLSL ES 3.0, which tfjs uses).
 * - Segment sum also adds the tables' L2 (coef x lookups x row) in the same pass.
 * - Row update: one pass per output (param, each optimizer slot) evaluating the optimizer's
 *   per-element rule on the rows the batch touched, instead of a dozen elementwise ops.
 * - Dense update: the same rule as one pass over the whole table, untouched rows passed through;
 *   chosen for tables small next to the batch (`denseUpdatePays`), where it beats drawing rows.
 * - biasedDot and its gradient: the bi-linear score with biases in one pass each.
 * - Row writer: the U x d new values are drawn straight into the variable's texture as one
 *   quad per row, so an update costs O(U x d) whatever the table's size. tfjs tensors
 *   are immutable by design, so this reaches under it: it writes only into a variable's own
 *   unpacked float texture, drops tfjs's CPU copy of that variable, and leaves the GL state as
 *   tfjs had it. Anything else (packed texture, WebGL 1) declines and the portable scatter runs.
 */
import { tf } from './tfjs';
import { BIASED_DOT, BIASED_DOT_GRAD } from './ops';
import type { GPGPUProgram, MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import { registerRowWriter, registerSegmentSum, type SegmentSumKernel } from './embedding';
import {
  registerRowUpdate,
  type DenseUpdateKernel,
  type RowUpdateKernel,
} from '../training/row-optimizers';

class SegmentSumProgram implements GPGPUProgram {
  variableNames = ['dy', 'order', 'offsets'];
  outputShape: number[];
  userCode: string;
  customUniforms?: { name: string; type: 'float' }[];
  constructor(unique: number, dim: number, decay: boolean) {
    this.outputShape = [unique, dim];
    if (decay) {
      this.variableNames.push('rows', 'table');
      this.customUniforms = [{ name: 'coef', type: 'float' }];
    }
    this.userCode = `
      void main() {
        ivec2 c = getOutputCoords();
        int start = int(getOffsets(c.x));
        int end = int(getOffsets(c.x + 1));
        float s = 0.0;
        for (int k = start; k < end; k++) {
          s += getDy(int(getOrder(k)), c.y);
        }
        ${decay ? 's += coef * float(end - start) * getTable(int(getRows(c.x) + 0.5), c.y);' : ''}
        setOutput(s);
      }
    `;
  }
}

const segmentSumWebgl: SegmentSumKernel = (dy, plan, decay) => {
  const backend = tf.backend() as MathBackendWebGL;
  const withDecay = !!decay?.coef;
  const program = new SegmentSumProgram(plan.unique, dy.shape[1], withDecay);
  const inputs = [dy, plan.order, plan.offsets];
  const out = withDecay
    ? backend.runWebGLProgram(program, [...inputs, plan.uniqueRows, decay.table], 'float32', [
        [decay.coef],
      ])
    : backend.runWebGLProgram(program, inputs, 'float32');
  return tf.engine().makeTensorFromTensorInfo(out) as tf.Tensor2D;
};

// Each written row is one or two horizontal runs of pixels (two when it wraps onto the next
// texture row): drawn as quads, two triangles each, so the rasteriser fills U x d pixels from
// 6 or 12 x U vertices. (One point per value was 3x slower on SwiftShader than the whole dense
// step.) Only the plan's real rows are drawn, not its padding.
const VERTEX = `#version 300 es
precision highp float;
precision highp int;
precision highp sampler2D;
uniform sampler2D rows;     // U row indices, unpacked, texture width rowsW
uniform int rowsW;
uniform int dim;
uniform ivec2 target;       // destination texture width, height
uniform int parts;          // quads per row: 1 when no row can wrap (width a multiple of dim)
flat out int entry;         // which of the U rows this quad writes
flat out int rowStart;      // flat index of the row's first value in the destination
void main() {
  int v = gl_VertexID;
  int run = v / 6;
  int corner = v - run * 6;
  int k = run / parts;
  int part = run - k * parts;
  int row = int(texelFetch(rows, ivec2(k % rowsW, k / rowsW), 0).r + 0.5);
  int f0 = row * dim;
  int x0 = f0 % target.x;
  int y = f0 / target.x;
  int first = min(dim, target.x - x0);
  int xa = x0;
  int xb = x0 + first;
  if (part == 1) {
    xa = 0;
    xb = dim - first; // zero when the row does not wrap: an empty quad
    y += 1;
  }
  bool right = corner == 1 || corner == 4 || corner == 5;
  bool top = corner == 2 || corner == 3 || corner == 5;
  vec2 pixel = vec2(float(right ? xb : xa), float(top ? y + 1 : y));
  gl_Position = vec4(pixel / vec2(target) * 2.0 - 1.0, 0.0, 1.0);
  entry = k;
  rowStart = f0;
}`;

const FRAGMENT = `#version 300 es
precision highp float;
precision highp int;
precision highp sampler2D;
uniform sampler2D values;   // U x d, unpacked, texture width valuesW
uniform int valuesW;
uniform int dim;
uniform ivec2 target;
flat in int entry;
flat in int rowStart;
out vec4 color;
void main() {
  ivec2 p = ivec2(gl_FragCoord.xy);
  int j = p.y * target.x + p.x - rowStart;
  int at = entry * dim + j;
  color = vec4(texelFetch(values, ivec2(at % valuesW, at / valuesW), 0).r, 0.0, 0.0, 0.0);
}`;

interface WriterGL {
  program: WebGLProgram;
  vao: WebGLVertexArrayObject;
  fbo: WebGLFramebuffer;
  u: Record<
    'values' | 'rows' | 'valuesW' | 'rowsW' | 'dim' | 'target' | 'parts',
    WebGLUniformLocation | null
  >;
}

const writers = new WeakMap<WebGL2RenderingContext, WriterGL>();

function compile(gl: WebGL2RenderingContext): WriterGL {
  const shader = (type: number, src: string) => {
    const s = gl.createShader(type)!;
    gl.shaderSource(s, src);
    gl.compileShader(s);
    if (!gl.getShaderParameter(s, gl.COMPILE_STATUS))
      throw new Error(`row writer shader: ${gl.getShaderInfoLog(s)}`);
    return s;
  };
  const program = gl.createProgram()!;
  gl.attachShader(program, shader(gl.VERTEX_SHADER, VERTEX));
  gl.attachShader(program, shader(gl.FRAGMENT_SHADER, FRAGMENT));
  gl.linkProgram(program);
  if (!gl.getProgramParameter(program, gl.LINK_STATUS))
    throw new Error(`row writer: ${gl.getProgramInfoLog(program)}`);
  const u = (name: string) => gl.getUniformLocation(program, name);
  return {
    program,
    vao: gl.createVertexArray()!,
    fbo: gl.createFramebuffer()!,
    u: {
      values: u('values'),
      rows: u('rows'),
      valuesW: u('valuesW'),
      rowsW: u('rowsW'),
      dim: u('dim'),
      target: u('target'),
      parts: u('parts'),
    },
  };
}

type TexData = ReturnType<MathBackendWebGL['texData']['get']>;

function glTexture(t: TexData): WebGLTexture | null {
  const tex = t.texture as unknown as { texture?: WebGLTexture } | WebGLTexture | undefined;
  if (!tex) return null;
  return (tex as { texture?: WebGLTexture }).texture ?? (tex as WebGLTexture);
}

function writeRowsWebgl(
  target: tf.Variable,
  rows: tf.Tensor1D,
  values: tf.Tensor2D,
  count: number,
): boolean {
  if (tf.env().getNumber('WEBGL_VERSION') !== 2) return false;
  const backend = tf.backend() as MathBackendWebGL;
  const dst = backend.texData.get(target.dataId);
  if (dst.dtype !== 'float32' || dst.slice || dst.refCount > 1) return false;
  backend.uploadToGPU(target.dataId);
  if (dst.isPacked || !dst.texShape || !glTexture(dst) || dst.texShape[1] < values.shape[1])
    return false;
  const gl = backend.gpgpu.gl as WebGL2RenderingContext;
  const unpacked: tf.TensorInfo[] = [];
  const onGpu = (t: tf.TensorInfo): TexData => {
    let info = t;
    backend.uploadToGPU(info.dataId);
    if (backend.texData.get(info.dataId).isPacked) {
      info = backend.unpackTensor(info);
      unpacked.push(info);
    }
    return backend.texData.get(info.dataId);
  };
  const vals = onGpu(values);
  const idx = onGpu(rows);
  let w = writers.get(gl);
  if (!w) {
    w = compile(gl);
    writers.set(gl, w);
  }
  const saved = {
    program: gl.getParameter(gl.CURRENT_PROGRAM) as WebGLProgram | null,
    vao: gl.getParameter(gl.VERTEX_ARRAY_BINDING) as WebGLVertexArrayObject | null,
    fbo: gl.getParameter(gl.FRAMEBUFFER_BINDING) as WebGLFramebuffer | null,
    viewport: gl.getParameter(gl.VIEWPORT) as Int32Array,
    scissor: gl.getParameter(gl.SCISSOR_BOX) as Int32Array,
    active: gl.getParameter(gl.ACTIVE_TEXTURE) as number,
  };
  const [height, width] = dst.texShape;
  gl.bindFramebuffer(gl.FRAMEBUFFER, w.fbo);
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, glTexture(dst), 0);
  gl.viewport(0, 0, width, height);
  gl.scissor(0, 0, width, height);
  gl.useProgram(w.program);
  gl.bindVertexArray(w.vao);
  gl.activeTexture(gl.TEXTURE0);
  gl.bindTexture(gl.TEXTURE_2D, glTexture(vals));
  gl.uniform1i(w.u.values, 0);
  gl.activeTexture(gl.TEXTURE1);
  gl.bindTexture(gl.TEXTURE_2D, glTexture(idx));
  gl.uniform1i(w.u.rows, 1);
  gl.uniform1i(w.u.valuesW, vals.texShape![1]);
  gl.uniform1i(w.u.rowsW, idx.texShape![1]);
  gl.uniform1i(w.u.dim, values.shape[1]);
  gl.uniform2i(w.u.target, width, height);
  const parts = width % values.shape[1] === 0 ? 1 : 2;
  gl.uniform1i(w.u.parts, parts);
  gl.drawArrays(gl.TRIANGLES, 0, count * 6 * parts);
  // Leave GL as tfjs had it: it rebinds textures per program, the rest it assumes.
  gl.bindTexture(gl.TEXTURE_2D, null);
  gl.activeTexture(gl.TEXTURE0);
  gl.bindTexture(gl.TEXTURE_2D, null);
  gl.activeTexture(saved.active);
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, null, 0);
  gl.bindFramebuffer(gl.FRAMEBUFFER, saved.fbo);
  gl.viewport(saved.viewport[0], saved.viewport[1], saved.viewport[2], saved.viewport[3]);
  gl.scissor(saved.scissor[0], saved.scissor[1], saved.scissor[2], saved.scissor[3]);
  gl.bindVertexArray(saved.vao);
  gl.useProgram(saved.program);
  // tfjs caches downloaded values on the CPU; they are stale now.
  dst.values = undefined;
  for (const t of unpacked) backend.disposeIntermediateTensorInfo(t);
  return true;
}

/** One output of a fused row update: reads the tables at `rows`, the gradient, two uniforms. */
class RowUpdateProgram implements GPGPUProgram {
  variableNames: string[];
  outputShape: number[];
  userCode: string;
  customUniforms = [
    { name: 'u0', type: 'float' as const },
    { name: 'u1', type: 'float' as const },
  ];
  constructor(unique: number, dim: number, slots: number, expression: string) {
    this.outputShape = [unique, dim];
    this.variableNames = [
      'table',
      'rows',
      'grad',
      ...Array.from({ length: slots }, (_, k) => `s${k}`),
    ];
    const reads = Array.from({ length: slots }, (_, k) => `float s${k} = getS${k}(r, c.y);`).join(
      '\n',
    );
    this.userCode = `
      void main() {
        ivec2 c = getOutputCoords();
        int r = int(getRows(c.x) + 0.5);
        float p = getTable(r, c.y);
        float g = getGrad(c.x, c.y);
        ${reads}
        setOutput(${expression});
      }
    `;
  }
}

/** One output of a fused row update over the whole table: untouched rows pass through. */
class DenseUpdateProgram implements GPGPUProgram {
  variableNames: string[];
  outputShape: number[];
  userCode: string;
  customUniforms = [
    { name: 'u0', type: 'float' as const },
    { name: 'u1', type: 'float' as const },
  ];
  constructor(rows: number, dim: number, slots: number, expression: string, keep: string) {
    this.outputShape = [rows, dim];
    this.variableNames = [
      'table',
      'positions',
      'grad',
      ...Array.from({ length: slots }, (_, k) => `s${k}`),
    ];
    const reads = Array.from({ length: slots }, (_, k) => `float s${k} = getS${k}(c.x, c.y);`).join(
      '\n',
    );
    this.userCode = `
      void main() {
        ivec2 c = getOutputCoords();
        float p = getTable(c.x, c.y);
        ${reads}
        float k = getPositions(c.x);
        if (k < 0.0) {
          setOutput(${keep});
        } else {
          float g = getGrad(int(k + 0.5), c.y);
          setOutput(${expression});
        }
      }
    `;
  }
}

const denseUpdateWebgl: DenseUpdateKernel = (rule, table, slots, positions, grad, uniforms) => {
  const backend = tf.backend() as MathBackendWebGL;
  const [rows, dim] = table.shape;
  const outputs = [rule.expressions.param, ...rule.expressions.slots];
  return outputs.map((expression, k) => {
    const keep = k === 0 ? 'p' : `s${k - 1}`;
    const program = new DenseUpdateProgram(rows, dim, slots.length, expression, keep);
    const out = backend.runWebGLProgram(program, [table, positions, grad, ...slots], 'float32', [
      [uniforms[0]],
      [uniforms[1]],
    ]);
    return tf.engine().makeTensorFromTensorInfo(out) as tf.Tensor2D;
  });
};

const rowUpdateWebgl: RowUpdateKernel = (rule, table, slots, rows, grad, uniforms) => {
  const backend = tf.backend() as MathBackendWebGL;
  const [unique, dim] = grad.shape;
  return [rule.expressions.param, ...rule.expressions.slots].map((expression) => {
    const program = new RowUpdateProgram(unique, dim, slots.length, expression);
    const out = backend.runWebGLProgram(program, [table, rows, grad, ...slots], 'float32', [
      [uniforms[0]],
      [uniforms[1]],
    ]);
    return tf.engine().makeTensorFromTensorInfo(out) as tf.Tensor2D;
  });
};

/** The fused bi-linear score: out[b] = a[b, :d] . c[b, :d] + a[b, d] + c[b, d]. */
class BiasedDotProgram implements GPGPUProgram {
  variableNames = ['A', 'C'];
  outputShape: number[];
  userCode: string;
  constructor(rows: number, width: number) {
    this.outputShape = [rows];
    const d = width - 1;
    this.userCode = `
      void main() {
        int b = getOutputCoords();
        float s = getA(b, ${d}) + getC(b, ${d});
        for (int j = 0; j < ${d}; j++) {
          s += getA(b, j) * getC(b, j);
        }
        setOutput(s);
      }
    `;
  }
}

/** Its gradient for one side: out[b, j] = dy[b] x (j < d ? other[b, j] : 1). */
class BiasedDotGradProgram implements GPGPUProgram {
  variableNames = ['dy', 'other'];
  outputShape: number[];
  userCode: string;
  constructor(rows: number, width: number) {
    this.outputShape = [rows, width];
    this.userCode = `
      void main() {
        ivec2 c = getOutputCoords();
        float o = c.y < ${width - 1} ? getOther(c.x, c.y) : 1.0;
        setOutput(getDy(c.x) * o);
      }
    `;
  }
}

/** A webgl kernel that runs one program over the named inputs (given their shapes). */
function registerProgramKernel(
  kernelName: string,
  inputNames: string[],
  program: (shapes: number[][]) => GPGPUProgram,
): void {
  tf.registerKernel({
    kernelName,
    backendName: 'webgl',
    kernelFunc: ({ inputs, backend }) => {
      const infos = inputNames.map((name) => inputs[name]!);
      const shapes = infos.map((t) => t.shape);
      return (backend as MathBackendWebGL).runWebGLProgram(program(shapes), infos, 'float32');
    },
  });
}

let registered = false;

export function registerWebglEmbeddingKernels(): void {
  if (registered) return;
  registered = true;
  registerProgramKernel(BIASED_DOT, ['a', 'c'], ([a]) => new BiasedDotProgram(a[0], a[1]));
  registerProgramKernel(
    BIASED_DOT_GRAD,
    ['dy', 'other'],
    ([, other]) => new BiasedDotGradProgram(other[0], other[1]),
  );
  registerSegmentSum('webgl', segmentSumWebgl);
  registerRowWriter('webgl', writeRowsWebgl);
  registerRowUpdate('webgl', rowUpdateWebgl, denseUpdateWebgl);
}
