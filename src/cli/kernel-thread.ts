// One thread of the row engine in Node (worker_threads): the shell of src/worker/engine/
// kernel.worker.ts for the command line. Built beside dist-cli/main.js by vite.cli.config.ts.
import { parentPort } from 'node:worker_threads';
import { viewRowState, type RowState } from '../core/engines/row-state';
import { runJobAsWorker } from '../core/engines/row-parallel';
import type { RowParams } from '../core/engines/row-kernel';
import type { KernelEvent, KernelRequest } from '../worker/engine/protocol';

let setup: { state: RowState; params: RowParams; worker: number } | null = null;
const port = parentPort!;
const post = (e: KernelEvent) => port.postMessage(e);

port.on('message', (msg: KernelRequest) => {
  try {
    if (msg.type === 'init') {
      setup = {
        state: viewRowState(msg.shape, msg.buffers),
        params: msg.params,
        worker: msg.worker,
      };
      return;
    }
    if (!setup) throw new Error('kernel thread: run before init');
    runJobAsWorker(setup.state, setup.params, msg.job, setup.worker);
    post({ type: 'done' });
  } catch (e) {
    post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
});
