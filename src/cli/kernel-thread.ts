// One thread of the row engine in Node (worker_threads): the shell of src/worker/engine/
// kernel-host.ts for the command line. Built beside dist-cli/main.js by vite.cli.config.ts.
import { parentPort } from 'node:worker_threads';
import { kernelHost } from '../worker/engine/kernel-host';
import type { KernelEvent } from '../worker/engine/protocol';

const port = parentPort!;
port.on(
  'message',
  kernelHost((e: KernelEvent) => port.postMessage(e), 'kernel thread'),
);
