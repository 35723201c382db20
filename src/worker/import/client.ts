/**
 * The page's side of the import worker: one request at a time (an interactions import, or a
 * metadata or tags file); a new one or `cancel()` stops the running one, whose promise rejects
 * with ImportCancelledError.
 *
 * Each request gets a fresh worker, ended when the request ends (answered or cancelled): what
 * the reading left behind (at 25M rows over a gigabyte of builder arrays, already copied into
 * the shared rows the page keeps) goes back at once, where an idle worker would hold it until a
 * garbage collection that nothing in it triggers.
 */
import type { Dataset } from '../../core/data/types';
import type { TextEncodingName } from '../../core/data/decode';
import type { ItemMetadata } from '../../core/data/metadata';
import type { ItemTagLists } from '../../core/data/tag-lists';
import type { Cleaned, ImportDone, ImportEvent, ImportOptions, ImportRequest } from './protocol';

export class ImportCancelledError extends Error {
  constructor() {
    super('Import cancelled');
  }
}

export interface ImportResult {
  dataset: Dataset;
  encoding: TextEncodingName;
  lossy: boolean;
  /** When cleaning was asked for: what it did (`dataset` is the cleaned one). */
  cleaned?: Cleaned;
}

export interface MetadataResult {
  metadata: ItemMetadata;
  encoding: TextEncodingName;
  lossy: boolean;
}

export interface TagsResult {
  tags: ItemTagLists;
  encoding: TextEncodingName;
  lossy: boolean;
}

export interface ImportProgress {
  bytes: number;
  totalBytes: number;
  rows: number;
}

type FileRequest = Exclude<ImportRequest, { type: 'cancel' }>;

export class ImportClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private current: {
    id: number;
    resolve: (e: ImportDone) => void;
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

  /** Reads an interactions file into a Dataset. */
  async import(
    file: File,
    options: ImportOptions,
    onProgress: (p: ImportProgress) => void,
  ): Promise<ImportResult> {
    const e = await this.request(
      (id) => ({ type: 'import', id, file, name: file.name, options }),
      'done',
      onProgress,
    );
    return { dataset: e.dataset, encoding: e.encoding, lossy: e.lossy, cleaned: e.cleaned };
  }

  /** Reads an item or user metadata file (errors name the file). */
  async readMetadata(
    file: File,
    of: 'item' | 'user',
    onProgress: (p: ImportProgress) => void,
  ): Promise<MetadataResult> {
    const e = await this.request(
      (id) => ({ type: 'metadata', id, file, name: file.name, of }),
      'metadata-done',
      onProgress,
    );
    return { metadata: e.metadata, encoding: e.encoding, lossy: e.lossy };
  }

  /** Reads a tags file into per-item tag lists, to join with `attachTagLists`. */
  async readTags(file: File, onProgress: (p: ImportProgress) => void): Promise<TagsResult> {
    const e = await this.request(
      (id) => ({ type: 'tags', id, file, name: file.name }),
      'tags-done',
      onProgress,
    );
    return { tags: e.tags, encoding: e.encoding, lossy: e.lossy };
  }

  cancel(): void {
    const c = this.current;
    if (!c) return;
    this.current = null;
    this.end();
    c.reject(new ImportCancelledError());
  }

  dispose(): void {
    this.cancel();
    this.end();
  }

  /** Ends the worker (a running request stops with it); the next request starts a new one. */
  private end(): void {
    this.worker?.terminate();
    this.worker = null;
  }

  private request<T extends ImportDone['type']>(
    make: (id: number) => FileRequest,
    done: T,
    onProgress: (p: ImportProgress) => void,
  ): Promise<Extract<ImportDone, { type: T }>> {
    this.cancel();
    const id = this.nextId++;
    const worker = this.start();
    return new Promise((resolve, reject) => {
      const accept = (e: ImportDone) => {
        if (e.type === done) resolve(e as Extract<ImportDone, { type: T }>);
        else reject(new Error(`The import worker answered ${e.type} where ${done} was due`));
      };
      this.current = { id, resolve: accept, reject, onProgress };
      worker.postMessage(make(id));
    });
  }

  private onEvent(e: ImportEvent): void {
    const c = this.current;
    if (!c || c.id !== e.id) return; // a cancelled request's late messages
    if (e.type === 'progress') c.onProgress(e);
    else {
      this.current = null;
      this.end();
      if (e.type === 'error') c.reject(new Error(e.message));
      else c.resolve(e);
    }
  }
}
