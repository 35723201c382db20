/**
 * Main-thread side of the projection worker: one request in flight, latest wins. A superseded or
 * cancelled request's promise rejects with ProjectionCancelledError, which callers usually ignore.
 */

import {
  transferablesOf,
  type ProjectRequest,
  type ProjectionRequest,
  type ProjectionResponse,
} from './protocol';

export type ProjectionInput = Omit<ProjectRequest, 'type' | 'id'>;

export interface ProjectionProgress {
  phase: string;
  /** 0..1 */
  fraction: number;
  /** Intermediate layout, n x dims, when the worker sent one. */
  coords?: Float32Array;
}

export interface ProjectionResult {
  /** n x dims row-major. */
  coords: Float32Array;
  explained?: number[];
  /** Worker wall time, ms. */
  ms: number;
}

export class ProjectionCancelledError extends Error {
  constructor() {
    super('Projection cancelled');
    this.name = 'ProjectionCancelledError';
  }
}

interface Pending {
  id: number;
  resolve: (r: ProjectionResult) => void;
  reject: (e: Error) => void;
  onProgress?: (p: ProjectionProgress) => void;
}

/** What the client needs of a Worker; tests can pass a fake. */
export interface WorkerLike {
  postMessage(msg: ProjectionRequest, transfer: Transferable[]): void;
  onmessage: ((ev: MessageEvent<ProjectionResponse>) => void) | null;
  onerror: ((ev: ErrorEvent) => void) | null;
  terminate(): void;
}

export class ProjectionClient {
  private readonly worker: WorkerLike;
  private nextId = 1;
  private pending: Pending | null = null;

  constructor(worker?: WorkerLike) {
    this.worker =
      worker ??
      (new Worker(new URL('./projection.worker.ts', import.meta.url), {
        type: 'module',
      }) as unknown as WorkerLike);
    this.worker.onmessage = (ev) => this.receive(ev.data);
    this.worker.onerror = (ev) => {
      this.settle()?.reject(
        new Error(`Projection worker failed: ${ev.message || 'unknown error'}`),
      );
    };
  }

  /**
   * Projects `req.data` (n x d) to n x dims. `req.data` is transferred to the worker and is detached
   * (length 0) afterwards: pass a copy if you still need it. `req.align` is copied, not transferred,
   * because it is usually the layout on screen.
   */
  project(
    req: ProjectionInput,
    onProgress?: (p: ProjectionProgress) => void,
  ): Promise<ProjectionResult> {
    this.settle()?.reject(new ProjectionCancelledError());
    const id = this.nextId++;
    const msg: ProjectRequest = {
      type: 'project',
      id,
      ...req,
      align: req.align ? req.align.slice() : null,
    };
    return new Promise<ProjectionResult>((resolve, reject) => {
      this.pending = { id, resolve, reject, onProgress };
      this.worker.postMessage(msg, transferablesOf(msg));
    });
  }

  /** Stops the running request, if any; its promise rejects with ProjectionCancelledError. */
  cancel(): void {
    const p = this.settle();
    if (!p) return;
    this.worker.postMessage({ type: 'cancel', id: p.id }, []);
    p.reject(new ProjectionCancelledError());
  }

  /** The share of the wall clock the worker may compute (see ShareRequest). */
  setShare(share: number): void {
    this.worker.postMessage({ type: 'share', share }, []);
  }

  dispose(): void {
    this.settle()?.reject(new ProjectionCancelledError());
    this.worker.onmessage = null;
    this.worker.onerror = null;
    this.worker.terminate();
  }

  /** Detaches and returns the pending request so it is settled exactly once. */
  private settle(): Pending | null {
    const p = this.pending;
    this.pending = null;
    return p;
  }

  private receive(msg: ProjectionResponse): void {
    const p = this.pending;
    if (!p || p.id !== msg.id) return; // a superseded request's late messages
    if (msg.type === 'progress') {
      p.onProgress?.({ phase: msg.phase, fraction: msg.fraction, coords: msg.coords });
    } else if (msg.type === 'done') {
      this.settle();
      p.resolve({ coords: msg.coords, explained: msg.explained, ms: msg.ms });
    } else {
      this.settle();
      p.reject(new Error(msg.message));
    }
  }
}
