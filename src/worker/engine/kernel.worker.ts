/// <reference lib="webworker" />
// One thread of the parallel row engine: builds views over the shared memory, runs its part of
// every job (row-parallel.ts) and says when it is done.
import { viewRowState, type RowState } from '../../core/engines/row-state';
import { runJobAsWorker } from '../../core/engines/row-parallel';
import type { RowParams } from '../../core/engines/row-kernel';
import type { KernelEvent, KernelRequest } from './protocol';

let setup: { state: RowState; params: RowParams; worker: number } | null = null;
const post = (e: KernelEvent) => self.postMessage(e);

self.onmessage = (ev: MessageEvent<KernelRequest>) => {
  const msg = ev.data;
  try {
    if (msg.type === 'init') {
      setup = {
        state: viewRowState(msg.shape, msg.buffers),
        params: msg.params,
        worker: msg.worker,
      };
      return;
    }
    if (!setup) throw new Error('kernel worker: run before init');
    runJobAsWorker(setup.state, setup.params, msg.job, setup.worker);
    post({ type: 'done' });
  } catch (e) {
    post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
};
