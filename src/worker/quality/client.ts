/**
 * Main-thread side of the space-quality worker: sends a data set's interactions once, then item
 * vectors to measure. Requests are answered in order; the worker starts on the first request.
 */
import type { Dataset } from '../../core/data/types';
import { nextTask } from '../../core/util/next-task';
import { detachedCopyInSlices, isShared } from '../durable/protocol';
import { agreementCategories } from '../../core/metrics/space-quality';
import type { Metric } from '../../core/projection/neighbours';
import {
  transferablesOf,
  type MeasuredSpace,
  type QualityRequest,
  type QualityResponse,
} from './protocol';

/** What the client needs of a Worker; tests can pass a fake. */
export interface QualityWorkerLike {
  postMessage(msg: QualityRequest, transfer: Transferable[]): void;
  onmessage: ((ev: MessageEvent<QualityResponse>) => void) | null;
  terminate(): void;
}

/** A copy of `a` for the worker (shared memory goes as it is), made a slice a task. */
async function copyInSlices(a: Float32Array): Promise<Float32Array> {
  const { value } = await detachedCopyInSlices(a, nextTask);
  return value === a && !isShared(a) ? a.slice() : value;
}

export class QualityClient {
  private worker: QualityWorkerLike | null = null;
  private sent: { dataset: Dataset; key: number } | null = null;
  private nextId = 1;
  /** The last measurement's copy and send (the next waits for it). */
  private sending: Promise<void> = Promise.resolve();
  private readonly pending = new Map<
    number,
    { resolve: (q: MeasuredSpace) => void; reject: (e: Error) => void }
  >();

  constructor(private readonly make?: () => QualityWorkerLike) {}

  private start(): QualityWorkerLike {
    if (this.worker) return this.worker;
    const w =
      this.make?.() ??
      (new Worker(new URL('./quality.worker.ts', import.meta.url), {
        type: 'module',
      }) as unknown as QualityWorkerLike);
    w.onmessage = (ev) => {
      const p = this.pending.get(ev.data.id);
      this.pending.delete(ev.data.id);
      if (ev.data.type === 'result') p?.resolve(ev.data.quality);
      else p?.reject(new Error(ev.data.message));
    };
    this.worker = w;
    return w;
  }

  private send(msg: QualityRequest): void {
    this.start().postMessage(msg, transferablesOf(msg));
  }

  /**
   * Measures `vectors` (the data set's items x dim; copied, the caller keeps its array) under the
   * page's neighbour settings; with `users` (nUsers x dim, copied too), the user neighbourhoods
   * as well. The data set's interactions are sent once (shared, or copied).
   */
  measure(
    d: Dataset,
    vectors: Float32Array,
    dim: number,
    opts: { metric: Metric; k: number; minSupport: number },
    users?: { vectors: Float32Array; dim: number },
  ): Promise<MeasuredSpace> {
    if (this.sent?.dataset !== d) {
      const key = (this.sent?.key ?? 0) + 1;
      const c = agreementCategories(d.itemFeatures);
      // Rows in shared memory (the import worker's, where the page is cross-origin isolated) go
      // as they are: the worker only reads them. Copying 5M rows here held the page 0.25 s.
      const rows = (a: Int32Array) => (a.buffer instanceof SharedArrayBuffer ? a : a.slice());
      this.send({
        type: 'data',
        key,
        user: rows(d.user),
        item: rows(d.item),
        nUsers: d.userIds.length,
        nItems: d.itemIds.length,
        categories: c && { offsets: c.offsets, values: c.values },
      });
      this.sent = { dataset: d, key };
    }
    const id = this.nextId++;
    const key = this.sent.key;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Copied a slice a task (221,000 vectors of 32 took the page half a second in one), and
      // sent in the order asked for: the worker answers in that order.
      this.sending = this.sending
        .then(async () => {
          const userVectors = users && (await copyInSlices(users.vectors));
          this.send({
            type: 'measure',
            id,
            key,
            vectors: await copyInSlices(vectors),
            dim,
            ...opts,
            ...(userVectors && { userVectors, userDim: users.dim }),
          });
        })
        .catch((e: unknown) => {
          this.pending.delete(id);
          reject(e instanceof Error ? e : new Error(String(e)));
        });
    });
  }

  dispose(): void {
    this.worker?.terminate();
    this.worker = null;
    for (const p of this.pending.values()) p.reject(new Error('Space quality stopped'));
    this.pending.clear();
  }
}
