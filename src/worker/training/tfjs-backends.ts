/**
 * The extra tfjs backends the training worker offers as engines beside its default (webgl):
 * - wasm (XNNPACK) as the 'cpu' engine: its three binaries (plain, SIMD, SIMD + threads) are
 *   served from the app's own origin (Vite copies them into the build: `?url`); threads need the
 *   page to be cross-origin isolated (SharedArrayBuffer), which dev, preview and the README's
 *   static hosting headers give;
 * - webgpu, when `navigator.gpu` gives an adapter.
 * Each is started once, on the first run that asks, and proved with a tiny computation; what
 * does not start says why (the engine's `reason`). A run on one of them switches the worker's
 * backend (`useBackend`); the next run starts from the default again.
 */
import { tf } from '../../core/tf/tfjs';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { serveThreadedFactory, withThreadCap } from './wasm-threads';
import { registerWasmKernels } from '../../core/tf/wasm-kernels';
import { registerComposedBiasedDot } from '../../core/tf/composed-kernels';
import type { BackendChoice } from '../../core/training/recovery';

/** A backend the worker may switch to: started (with how it runs) or not (and why). */
export interface ExtraBackend {
  ok: boolean;
  /** How it runs ("tfjs wasm, SIMD, 2 threads") or why it does not. */
  reason: string;
  /** The adapter's name (webgpu), for `training.renderer`. */
  renderer: string | null;
}

const started = new Map<'wasm' | 'webgpu', Promise<ExtraBackend>>();
/** The threads tfjs-wasm started with (null: one), for a start again after `releaseWasm`. */
let wasmThreads: number | null = null;

/** Sets a backend and proves it computes; the problem in words, or null. */
export async function setAndProve(name: string): Promise<string | null> {
  try {
    if (!(await tf.setBackend(name))) return `the ${name} backend failed to initialise`;
    await tf.ready();
    const probe = tf.tidy(() => tf.sum(tf.add(tf.ones([4]), 1)));
    const value = (await probe.data())[0];
    probe.dispose();
    return value === 8 ? null : `${name} computed a wrong result in a self-test`;
  } catch (e) {
    return `${name}: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/**
 * Why tfjs-wasm runs on one thread here (null: it may use threads). The threaded binary needs
 * SharedArrayBuffer (a cross-origin isolated page) and its loader served to the threads
 * (wasm-threads.ts: the bundled loader's text does not run there).
 */
async function threadsProblem(): Promise<string | null> {
  if (typeof SharedArrayBuffer === 'undefined' || !self.crossOriginIsolated)
    return 'threads off: the page is not cross-origin isolated (COOP/COEP headers)';
  if ((navigator.hardwareConcurrency ?? 1) < 2) return 'threads off: one core';
  return serveThreadedFactory(self.location.href);
}

/** Loads a backend's package on first use: one that fails to load costs only its engine. */
async function load<T>(name: string, what: () => Promise<T>): Promise<T | string> {
  try {
    return await what();
  } catch (e) {
    return `${name} failed to load (${e instanceof Error ? e.message : String(e)})`;
  }
}

async function startWasm(): Promise<ExtraBackend> {
  const wasm = await load('tfjs wasm', () => import('@tensorflow/tfjs-backend-wasm'));
  if (typeof wasm === 'string') return { ok: false, reason: wasm, renderer: null };
  const { getThreadsCount, setThreadsCount, setWasmPaths } = wasm;
  setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmPlain,
    'tfjs-backend-wasm-simd.wasm': wasmSimd,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
  });
  const noThreads = await threadsProblem();
  const wanted = navigator.hardwareConcurrency;
  if (noThreads) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  else {
    setThreadsCount(wanted);
    wasmThreads = wanted;
  }
  registerWasmKernels();
  let problem = noThreads
    ? await setAndProve('wasm')
    : await withThreadCap(wanted, () => setAndProve('wasm'));
  let fellBack: string | null = null;
  if (problem && !noThreads) {
    // The threaded build failed to start: the single-threaded SIMD binary, and why.
    fellBack = `threads off: the threaded build failed (${problem})`;
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    wasmThreads = null;
    problem = await setAndProve('wasm');
  }
  if (problem) return { ok: false, reason: `tfjs wasm did not start (${problem})`, renderer: null };
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) ? 'SIMD' : 'no SIMD';
  const threads = getThreadsCount();
  const how = [`tfjs wasm, ${simd}, ${threads} thread${threads === 1 ? '' : 's'}`];
  if (threads === 1) how.push(noThreads ?? fellBack ?? 'threads off: the browser gave one');
  return { ok: true, reason: how.join('; '), renderer: null };
}

async function startWebgpu(): Promise<ExtraBackend> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu)
    return { ok: false, reason: 'this browser has no WebGPU (navigator.gpu)', renderer: null };
  let name = 'WebGPU adapter';
  try {
    const adapter = (await gpu.requestAdapter()) as {
      info?: { vendor?: string; architecture?: string; description?: string };
    } | null;
    if (!adapter) return { ok: false, reason: 'WebGPU gave no adapter', renderer: null };
    const info = adapter.info ?? {};
    name = info.description || [info.vendor, info.architecture].filter(Boolean).join(' ') || name;
  } catch (e) {
    return { ok: false, reason: `WebGPU adapter request failed (${String(e)})`, renderer: null };
  }
  const loaded = await load('tfjs webgpu', () => import('@tensorflow/tfjs-backend-webgpu'));
  if (typeof loaded === 'string') return { ok: false, reason: loaded, renderer: name };
  registerComposedBiasedDot('webgpu');
  const problem = await setAndProve('webgpu');
  if (problem)
    return { ok: false, reason: `tfjs webgpu did not start (${problem})`, renderer: name };
  return { ok: true, reason: `tfjs webgpu on ${name}`, renderer: name };
}

/**
 * Gives back what tfjs-wasm holds when no run uses it: its heap only grows (a calibration at 25M
 * rows left it holding the tables, their Adam moments and a million sampled rows). The backend
 * is disposed and registered again unstarted, keeping what its first start found (how it runs);
 * a run or calibration that trains on it starts it afresh (`useBackend`). Nothing while it is
 * the backend in use, or before it started.
 */
export async function releaseWasm(): Promise<void> {
  const start = started.get('wasm');
  if (!start || !(await start).ok || tf.getBackend() === 'wasm') return;
  const entry = (
    tf.engine() as unknown as {
      registryFactory: Record<
        string,
        { factory: () => Promise<tf.KernelBackend>; priority: number }
      >;
    }
  ).registryFactory.wasm;
  if (!entry) return;
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', entry.factory, entry.priority);
}

/**
 * Starts a backend once (leaving the worker on the backend it was on) and says how it runs.
 * `defaultBackend`: the backend to return to.
 */
export async function extraBackend(
  name: 'wasm' | 'webgpu',
  defaultBackend: string,
): Promise<ExtraBackend> {
  let p = started.get(name);
  if (!p) {
    p = (name === 'wasm' ? startWasm() : startWebgpu()).finally(() =>
      tf.setBackend(defaultBackend),
    );
    started.set(name, p);
  }
  return p;
}

/** Switches the worker to `name` for a run; what the snapshot reports as `training.backend`. */
export async function useBackend(name: string, renderer: string | null): Promise<BackendChoice> {
  if (tf.getBackend() !== name) {
    // tfjs-wasm given back (releaseWasm) starts again here, with the threads it started with.
    const set = () => tf.setBackend(name);
    const ok = await (name === 'wasm' && wasmThreads ? withThreadCap(wasmThreads, set) : set());
    if (!ok) throw new Error(`the ${name} backend could not be set`);
  }
  return { backend: name as BackendChoice['backend'], fallbackReason: null, renderer };
}
