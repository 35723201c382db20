/**
 * Page side of the durable writer worker: `write` copies the value's large typed arrays a slice
 * per task, posts them (transferred) in the order the writes were asked for, and resolves when
 * the worker has committed the write or skipped it as older. The worker starts on the first
 * write.
 */
import { nextTask } from '../../core/util/next-task';
import { detachedCopyInSlices, type DurableRequest, type DurableResponse } from './protocol';

/** What the client needs of a Worker; tests can pass a fake. */
export interface DurableWorkerLike {
  postMessage(msg: DurableRequest, transfer: Transferable[]): void;
  onmessage: ((ev: MessageEvent<DurableResponse>) => void) | null;
  onerror: ((ev: ErrorEvent) => void) | null;
  terminate(): void;
}

export class DurableWriterClient {
  private worker: DurableWorkerLike | null = null;
  private nextId = 1;
  /** The writes' copies and posts, one after another (so they are posted in order). */
  private queue: Promise<void> = Promise.resolve();
  private readonly pending = new Map<
    number,
    { resolve: (written: boolean) => void; reject: (e: Error) => void }
  >();

  constructor(
    private readonly make?: () => DurableWorkerLike,
    /** Between two slices of a copy: the next task (the page's own work goes first). */
    private readonly pause: () => Promise<void> = nextTask,
  ) {}

  /** Whether this browser can run the worker (else the page writes itself). */
  static available(): boolean {
    return typeof Worker !== 'undefined';
  }

  /** Writes `value` under `key`; with a `sequence`, only if newer than the stored session's. */
  write(key: string, value: unknown, sequence?: number): Promise<boolean> {
    const id = this.nextId++;
    const done = new Promise<boolean>((resolve, reject) =>
      this.pending.set(id, { resolve, reject }),
    );
    this.queue = this.queue.then(async () => {
      try {
        const copy = await detachedCopyInSlices(value, this.pause);
        // Stopped meanwhile: the write was rejected and is not posted.
        if (!this.pending.has(id)) return;
        const msg: DurableRequest = { type: 'put', id, key, value: copy.value, sequence };
        this.start().postMessage(msg, copy.transfer);
      } catch (e) {
        this.pending.get(id)?.reject(e instanceof Error ? e : new Error(String(e)));
        this.pending.delete(id);
      }
    });
    return done;
  }

  /** Stops the worker; writes not yet answered are rejected (IndexedDB may still commit them). */
  dispose(): void {
    this.worker?.terminate();
    this.worker = null;
    this.failAll(new Error('the session writer was stopped'));
  }

  private start(): DurableWorkerLike {
    if (this.worker) return this.worker;
    const w =
      this.make?.() ??
      (new Worker(new URL('./durable.worker.ts', import.meta.url), {
        type: 'module',
      }) as unknown as DurableWorkerLike);
    w.onmessage = (ev) => {
      const msg = ev.data;
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (msg.type === 'stored') p?.resolve(msg.written);
      else p?.reject(new Error(msg.message));
    };
    w.onerror = (ev) => this.failAll(new Error(`the session writer failed: ${ev.message}`));
    this.worker = w;
    return w;
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}
