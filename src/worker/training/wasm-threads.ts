/**
 * Makes tfjs-backend-wasm's threaded build start from the bundled app.
 *
 * Why it does not by itself (tfjs-backend-wasm 4.22, its `init` in dist/backend_wasm.js): the
 * Emscripten pthread workers are started from a Blob holding
 * `"var WasmBackendModuleThreadedSimd = " + wasmFactoryThreadedSimd.toString()`, the text of
 * the factory function as the bundle holds it. Once bundled and minified, that function names
 * variables of the bundle's scope (Emscripten's `_scriptDir`, renamed and its `typeof` guard
 * rewritten), which do not exist in a thread's worker: each thread dies with "ReferenceError:
 * e is not defined" and the backend never starts. tfjs's README asks bundlers not to rewrite
 * `typeof` checks; Vite's minifier gives no such switch per module.
 *
 * The fix: the threads load the factory's own, untouched file instead. Vite copies
 * `wasm-out/tfjs-backend-wasm-threaded-simd.js` into the build as an asset (`?url`, served from
 * the app's origin like the .wasm binaries), and the factory's `toString` is replaced by an
 * expression that loads that file in the thread (`importScripts`) and yields its factory. The
 * bundled factory object is the one tfjs calls (the same module), so only the threads' copy of
 * the loader changes; its code is the same Emscripten glue, unminified.
 */
import factoryUrl from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js?url';

type Factory = { toString(): string };

/**
 * Points the threads at the served factory; returns the problem in words, or null. `base`: the
 * URL relative asset paths resolve against (the training worker's own location).
 */
export async function serveThreadedFactory(base: string): Promise<string | null> {
  let ns: { default?: Factory } & Factory;
  try {
    // Loaded with the backend's own chunk (the same module instance tfjs calls), not up front.
    ns =
      (await import('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js')) as unknown as {
        default?: Factory;
      } & Factory;
  } catch (e) {
    return `threads off: tfjs wasm's threaded loader did not load (${String(e)})`;
  }
  const factory = (ns.default ?? ns) as Factory;
  if (typeof factory !== 'function')
    return "threads off: tfjs wasm's threaded loader was not found in the bundle";
  const url = new URL(factoryUrl, base).href;
  // Evaluated in each thread as `var WasmBackendModuleThreadedSimd = <this>`: the served file
  // declares that same global, so the assignment keeps it.
  const text = `(importScripts(${JSON.stringify(url)}), self.WasmBackendModuleThreadedSimd)`;
  Object.defineProperty(factory, 'toString', { value: () => text, configurable: true });
  return null;
}

/**
 * Runs `start` (the backend's initialisation) while the worker reports `2 x threads` logical
 * cores, then restores the browser's figure. Why: tfjs-backend-wasm 4.22 sizes its XNNPACK
 * pool at min(setThreadsCount's count, navigator.hardwareConcurrency / 2) (its backend.cc
 * assumes two hardware threads a core), read once when the module starts. On a 2-core machine
 * that is one thread whatever setThreadsCount asked; reporting twice the wanted count while
 * the module starts makes the cap the count asked for. Only the wasm module's start-up reads
 * it (the page's own pools read `navigator.hardwareConcurrency` in their own workers).
 */
export async function withThreadCap<T>(threads: number, start: () => Promise<T>): Promise<T> {
  const nav = self.navigator;
  const own = Object.getOwnPropertyDescriptor(nav, 'hardwareConcurrency');
  try {
    Object.defineProperty(nav, 'hardwareConcurrency', { value: 2 * threads, configurable: true });
  } catch {
    return start(); // a browser that refuses: the backend starts capped, the reason says so
  }
  try {
    return await start();
  } finally {
    if (own) Object.defineProperty(nav, 'hardwareConcurrency', own);
    else delete (nav as { hardwareConcurrency?: number }).hardwareConcurrency;
  }
}
