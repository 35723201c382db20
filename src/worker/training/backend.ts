/**
 * Picks the tfjs backend the trainer runs on: webgl (OffscreenCanvas in a worker) when it starts,
 * else cpu, and says why. The backend in use is always reported, never assumed.
 */
import { tf } from '../../core/tf/tfjs';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgl';
import { registerWebglEmbeddingKernels } from '../../core/tf/embedding-webgl';
import type { BackendName } from './protocol';
import type { BackendChoice } from '../../core/training/recovery';

export type { BackendChoice } from '../../core/training/recovery';

async function tryBackend(name: string): Promise<string | null> {
  try {
    if (await tf.setBackend(name)) {
      await tf.ready();
      // A tiny op proves the backend computes, not merely that it constructed.
      const probe = tf.tidy(() => tf.sum(tf.add(tf.ones([4]), 1)));
      const value = (await probe.data())[0];
      probe.dispose();
      return value === 8 ? null : `${name} computed a wrong result in a self-test`;
    }
    return `${name} backend failed to initialise`;
  } catch (e) {
    return `${name}: ${e instanceof Error ? e.message : String(e)}`;
  }
}

function webglRenderer(): string | null {
  try {
    const gl = (tf.backend() as MathBackendWebGL).gpgpu.gl;
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    return String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  } catch {
    return null;
  }
}

let home: BackendChoice | null = null;

/**
 * The backend `selectBackend` chose last (at start, or after a lost context's rebuild): where
 * each run starts from, whatever engine the run before it used.
 */
export function homeBackend(): BackendChoice | null {
  return home;
}

export async function selectBackend(preferred: BackendName = 'webgl'): Promise<BackendChoice> {
  home = await pickBackend(preferred);
  return home;
}

async function pickBackend(preferred: BackendName): Promise<BackendChoice> {
  registerWebglEmbeddingKernels();
  if (preferred === 'webgl') {
    // Software WebGL (SwiftShader) is slow but works; tfjs refuses it unless told otherwise.
    tf.env().set('SOFTWARE_WEBGL_ENABLED', true);
    // Unpacked (one value per texel) throughout: the embedding kernels are unpacked, and mixing
    // layouts costs a conversion pass per tensor that crosses. Measured with
    // `node bench/run.mjs --profile [--WEBGL_PACK=false]` on SwiftShader: a biased-MF step at
    // batch 16,384 went from 73 GPU programs and 89 ms to 52 programs and 71 ms. (Matrix
    // products still use tfjs's packed program, which needs no flag.)
    tf.env().set('WEBGL_PACK', false);
    const problem = await tryBackend('webgl');
    if (!problem) return { backend: 'webgl', fallbackReason: null, renderer: webglRenderer() };
    const cpuProblem = await tryBackend('cpu');
    if (cpuProblem) throw new Error(`no tfjs backend could start: ${problem}; ${cpuProblem}`);
    return {
      backend: 'cpu',
      fallbackReason: `WebGL could not start (${problem}); training on the CPU`,
      renderer: null,
    };
  }
  const problem = await tryBackend(preferred);
  if (problem) throw new Error(problem);
  return { backend: preferred, fallbackReason: null, renderer: null };
}
