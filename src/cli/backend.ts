/**
 * The tfjs backend for training in Node (the CLI and the benches): native TensorFlow through
 * @tensorflow/tfjs-node when it is installed, else tfjs-backend-wasm (XNNPACK, SIMD: dense
 * products 40-50x tfjs-cpu's), else tfjs-cpu. `--backend` / TFJS_BACKEND picks one; a backend
 * asked for by name that cannot start is an error, not a silent fallback.
 */
import { tf } from '../core/tf/tfjs';
import { registerWasmKernels } from '../core/tf/wasm-kernels';
import type { NodeBackend } from './args';

export interface BackendInfo {
  /** tf.getBackend() after setup: 'tensorflow' (tfjs-node), 'wasm' or 'cpu'. */
  name: string;
  /** Why it is the one in use, for people. */
  note: string;
}

/** The native package is optional: not a dependency, so its name is not a static import. */
const TFJS_NODE = '@tensorflow/tfjs-node';

/** Sets the backend and proves it computes; the problem in words, or null when it runs. */
async function setBackend(name: string): Promise<string | null> {
  try {
    if (!(await tf.setBackend(name))) return `the ${name} backend did not start`;
    await tf.ready();
    // A tiny op proves the backend computes, not merely that it was constructed.
    const probe = tf.tidy(() => tf.sum(tf.add(tf.ones([4]), 1)));
    const ok = (await probe.data())[0] === 8;
    probe.dispose();
    return ok ? null : `the ${name} backend computed a wrong result in a self-test`;
  } catch (e) {
    return `the ${name} backend failed: ${e instanceof Error ? e.message : String(e)}`;
  }
}

async function tryNative(): Promise<string | null> {
  try {
    await import(/* @vite-ignore */ TFJS_NODE);
    const problem = await setBackend('tensorflow');
    return problem && `${TFJS_NODE} is installed but ${problem}`;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (
      code !== 'ERR_MODULE_NOT_FOUND' &&
      !/Cannot find (module|package)|Failed to load url/.test(String(e))
    )
      return `${TFJS_NODE} failed to load (${e instanceof Error ? e.message : String(e)})`;
    return `${TFJS_NODE} is not installed`;
  }
}

/**
 * tfjs-backend-wasm, single-threaded in Node. Its .wasm files are read from the package's folder
 * in node_modules: the CLI bundles the backend's JavaScript (one copy of tfjs-core with it), so
 * the loader cannot find them beside itself.
 */
async function tryWasm(): Promise<string | null> {
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const { createRequire } = await import('node:module');
    const pkg = createRequire(import.meta.url).resolve(
      '@tensorflow/tfjs-backend-wasm/package.json',
    );
    wasm.setWasmPaths(`${pkg.slice(0, -'package.json'.length)}dist/`);
  } catch (e) {
    return `tfjs-backend-wasm failed to load (${e instanceof Error ? e.message : String(e)})`;
  }
  registerWasmKernels();
  return setBackend('wasm');
}

async function startCpu(): Promise<void> {
  if (!(await tf.setBackend('cpu'))) throw new Error('the tfjs cpu backend could not start');
  // tfjs-cpu greets its first use in Node with a banner about tfjs-node; the note says it once.
  const cpu = tf.backend() as unknown as { firstUse?: boolean };
  if (cpu.firstUse !== undefined) cpu.firstUse = false;
  const problem = await setBackend('cpu');
  if (problem) throw new Error(problem);
}

/** Picks the backend (see the file's comment). Throws when the one asked for cannot run. */
export async function selectNodeBackend(preferred: NodeBackend = 'auto'): Promise<BackendInfo> {
  const notes: string[] = [];
  if (preferred === 'auto' || preferred === 'tensorflow') {
    const problem = await tryNative();
    if (!problem) return { name: tf.getBackend(), note: `native TensorFlow through ${TFJS_NODE}` };
    if (preferred === 'tensorflow') throw new Error(problem);
    notes.push(problem);
  }
  if (preferred === 'auto' || preferred === 'wasm') {
    const problem = await tryWasm();
    if (!problem) {
      const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) ? 'SIMD' : 'no SIMD';
      return {
        name: 'wasm',
        note: [`tfjs wasm (${simd}, 1 thread)`, ...notes].join('; '),
      };
    }
    if (preferred === 'wasm') throw new Error(problem);
    notes.push(problem);
  }
  await startCpu();
  return {
    name: tf.getBackend(),
    note: preferred === 'cpu' ? 'asked for' : `${notes.join('; ')}; training on tfjs-cpu`,
  };
}
