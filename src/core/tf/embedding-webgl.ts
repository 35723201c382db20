/**
 * The webgl segment-sum: one GPGPU pass over the [R, d] output, each texel summing its row's
 * contiguous run of the sorted batch (dynamic loop bounds need WebGL 2 / GLSL ES 3.0, which tfjs
 * uses). Work: R x d texels plus B x d reads in total, instead of stock UnsortedSegmentSum's
 * R x B x d. Imported only where the webgl backend is (the training worker, the bench).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GPGPUProgram, MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import { registerSegmentSum, type LookupTensors } from './embedding';

class SegmentSumProgram implements GPGPUProgram {
  variableNames = ['dy', 'order', 'offsets'];
  outputShape: number[];
  userCode = `
    void main() {
      ivec2 c = getOutputCoords();
      int start = int(getOffsets(c.x));
      int end = int(getOffsets(c.x + 1));
      float s = 0.0;
      for (int k = start; k < end; k++) {
        s += getDy(int(getOrder(k)), c.y);
      }
      setOutput(s);
    }
  `;
  constructor(rows: number, dim: number) {
    this.outputShape = [rows, dim];
  }
}

export function segmentSumWebgl(dy: tf.Tensor2D, plan: LookupTensors): tf.Tensor2D {
  const backend = tf.backend() as MathBackendWebGL;
  const program = new SegmentSumProgram(plan.rows, dy.shape[1]);
  const out = backend.runWebGLProgram(program, [dy, plan.order, plan.offsets], 'float32');
  return tf.engine().makeTensorFromTensorInfo(out) as tf.Tensor2D;
}

export function registerWebglEmbeddingKernels(): void {
  registerSegmentSum('webgl', segmentSumWebgl);
}
