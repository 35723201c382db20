/**
 * Messages between the main thread and the projection worker. Typed arrays travel as transferables
 * (zero-copy): after posting, the sender's arrays are detached.
 */

export interface ProjectionParams {
  /** UMAP neighbourhood size (default 15). */
  nNeighbors?: number;
  /** UMAP minimum distance (default 0.1). */
  minDist?: number;
  /** UMAP epochs (default depends on n: 500 for small sets down to 200 above 7,500 points). */
  nEpochs?: number;
  /** Seed for UMAP's random choices (default 42). */
  seed?: number;
  /** t-SNE perplexity (default 30). */
  perplexity?: number;
  /** PCA: the first principal component shown (1-based; default 1: components 1..dims). */
  firstComponent?: number;
}

/**
 * UMAP and t-SNE (iterative, with progress), PCA (instant), and identity (the embedding itself,
 * when it has 3 or fewer dimensions).
 */
export type ProjectionMethod = 'umap' | 'tsne' | 'pca' | 'identity';

export interface ProjectRequest {
  type: 'project';
  id: number;
  method: ProjectionMethod;
  dims: 2 | 3;
  /** n x d row-major embeddings. */
  data: Float32Array;
  n: number;
  d: number;
  params: ProjectionParams;
  /** Previous layout (n x dims) to align the result to; ignored when its size does not match. */
  align?: Float32Array | null;
}

export interface CancelRequest {
  type: 'cancel';
  id: number;
}

/**
 * The share of the wall clock the worker may compute while training runs beside it (issue 15):
 * after each UMAP / t-SNE slice it rests long enough that its slices fill at most `share` of the
 * time (1: no rest). On a machine whose cores training keeps busy, the map then costs training a
 * bounded share instead of half its speed.
 */
export interface ShareRequest {
  type: 'share';
  /** In (0, 1]. */
  share: number;
}

export type ProjectionRequest = ProjectRequest | CancelRequest | ShareRequest;

export interface ProgressMessage {
  type: 'progress';
  id: number;
  /** 'neighbours' (building the graph), 'optimise' (UMAP epochs) or 'pca'. */
  phase: string;
  /** 0..1 over the whole request. */
  fraction: number;
  /**
   * Intermediate layout (n x dims, fitted to [-1, 1] or aligned): the starting layout first, then
   * about every 10% of the UMAP epochs or t-SNE iterations.
   */
  coords?: Float32Array;
}

export interface DoneMessage {
  type: 'done';
  id: number;
  /** n x dims row-major layout; fitted to [-1, 1] unless aligned to a previous layout. */
  coords: Float32Array;
  /** Variance ratio per PCA axis (PCA only). */
  explained?: number[];
  /** Wall time in the worker from receipt to result, milliseconds. */
  ms: number;
}

export interface ErrorMessage {
  type: 'error';
  id: number;
  message: string;
}

export type ProjectionResponse = ProgressMessage | DoneMessage | ErrorMessage;

/** The buffers of a message's typed arrays, for postMessage's transfer list. */
export function transferablesOf(msg: ProjectionRequest | ProjectionResponse): ArrayBuffer[] {
  const arrays: (Float32Array | null | undefined)[] =
    msg.type === 'project'
      ? [msg.data, msg.align]
      : msg.type === 'progress' || msg.type === 'done'
        ? [msg.coords]
        : [];
  const out: ArrayBuffer[] = [];
  for (const a of arrays) {
    // A SharedArrayBuffer cannot be transferred, and one buffer may not be listed twice.
    if (a && a.buffer instanceof ArrayBuffer && !out.includes(a.buffer)) out.push(a.buffer);
  }
  return out;
}
