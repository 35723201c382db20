// The body of one row-engine thread, shared by the page's kernel worker and the CLI's
// worker_threads script: builds views over the shared memory on 'init', runs its part of every
// job (row-parallel.ts) and says when it is done.
import { viewRowState, type RowState } from '../../core/engines/row-state';
import { runJobAlone, runJobAsWorker } from '../../core/engines/row-parallel';
import type { RowParams } from '../../core/engines/row-kernel';
import type { KernelEvent, KernelRequest } from './protocol';

/** A message handler for one thread; `name` prefixes its errors. */
export function kernelHost(post: (e: KernelEvent) => void, name: string) {
  let setup: { state: RowState; params: RowParams; worker: number } | null = null;
  return (msg: KernelRequest): void => {
    try {
      if (msg.type === 'init') {
        setup = {
          state: viewRowState(msg.shape, msg.buffers),
          params: msg.params,
          worker: msg.worker,
        };
        return;
      }
      if (msg.type === 'release') {
        setup = null;
        return;
      }
      if (!setup) throw new Error(`${name}: run before init`);
      if (msg.type === 'run-all') runJobAlone(setup.state, setup.params, msg.job);
      else runJobAsWorker(setup.state, setup.params, msg.job, setup.worker);
      post({ type: 'done' });
    } catch (e) {
      post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    }
  };
}
