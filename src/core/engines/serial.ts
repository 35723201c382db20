/**
 * The row kernel in the calling thread: `blocks` virtual workers whose phases run in turn, so the
 * result equals a parallel run with that many workers. Used in Node tests and where the page is
 * not cross-origin isolated (no SharedArrayBuffer): then one block, one thread.
 */
import { allocateRowState } from './row-state';
import { runJobSerial } from './row-kernel';
import { runBagJobSerial } from './bag-kernel';
import type { RowExecutorFactory } from './types';

/** `simd` false: the JS kernel even where the WebAssembly SIMD one would run (its tests). */
export function serialExecutor(simd = true): RowExecutorFactory {
  return async (shape, params) => {
    const state = allocateRowState(shape, false, simd);
    return {
      state,
      threads: 1,
      run: async (job) => (shape.bags ? runBagJobSerial : runJobSerial)(state, params, job),
      dispose: () => {},
    };
  };
}
