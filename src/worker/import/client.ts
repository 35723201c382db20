/**
 * The page's side of the import worker: one import at a time; a new one or `cancel()` stops the
 * running one, whose promise rejects with ImportCancelledError.
 */
import type { Dataset } from '../../core/data/types';
import type { TextEncodingName } from '../../core/data/decode';
import type { ImportEvent, ImportOptions, ImportRequest } from './protocol';

export class ImportCancelledError extends Error {
  constructor() {
    super('Import cancelled');
  }
}

export interface ImportResult {
  dataset: Dataset;
  encoding: TextEncodingName;
  lossy: boolean;
}

export interface ImportProgress {
  bytes: number;
  totalBytes: number;
  rows: number;
}

export class ImportClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private current: {
    id: number;
    resolve: (r: ImportResult) => void;
    reject: (e: Error) => void;
    onProgress: (p: ImportProgress) => void;
  } | null = null;

  private start(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(new URL('./import.worker.ts', import.meta.url), { type: 'module' });
    w.onmessage = (ev: MessageEvent<ImportEvent>) => this.onEvent(ev.data);
    w.onerror = (ev: ErrorEvent) => {
      ev.preventDefault();
      this.current?.reject(
        new Error(`The import worker failed: ${ev.message || 'could not start'}`),
      );
      this.current = null;
    };
    this.worker = w;
    return w;
  }

  import(
    file: File,
    options: ImportOptions,
    onProgress: (p: ImportProgress) => void,
  ): Promise<ImportResult> {
    this.cancel();
    const id = this.nextId++;
    const worker = this.start();
    return new Promise<ImportResult>((resolve, reject) => {
      this.current = { id, resolve, reject, onProgress };
      const req: ImportRequest = { type: 'import', id, file, name: file.name, options };
      worker.postMessage(req);
    });
  }

  cancel(): void {
    const c = this.current;
    if (!c) return;
    this.current = null;
    this.worker?.postMessage({ type: 'cancel', id: c.id } satisfies ImportRequest);
    c.reject(new ImportCancelledError());
  }

  dispose(): void {
    this.cancel();
    this.worker?.terminate();
    this.worker = null;
  }

  private onEvent(e: ImportEvent): void {
    const c = this.current;
    if (!c || c.id !== e.id) return; // a cancelled import's late messages
    if (e.type === 'progress') c.onProgress(e);
    else {
      this.current = null;
      if (e.type === 'done')
        c.resolve({ dataset: e.dataset, encoding: e.encoding, lossy: e.lossy });
      else c.reject(new Error(e.message));
    }
  }
}
