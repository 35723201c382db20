/// <reference lib="webworker" />
// One thread of the parallel row engine (kernel-host.ts).
import { kernelHost } from './kernel-host';
import type { KernelEvent, KernelRequest } from './protocol';

const handle = kernelHost((e: KernelEvent) => self.postMessage(e), 'kernel worker');
self.onmessage = (ev: MessageEvent<KernelRequest>) => handle(ev.data);
