/** Messages of the benchmark page's worker. */
export interface BenchData {
  users: number;
  items: number;
  user: Int32Array;
  item: Int32Array;
  rating: Float32Array;
}

export interface BenchRow {
  case: string;
  model: string;
  backend: string;
  optimizer: string;
  batch: number;
  /** Embedding table rows (users + items). */
  tableRows: number;
  dim: number;
  /** The fast embedding op (this project's trainer). */
  msPerStep: number;
  rowsPerSecond: number;
  /** Same model differentiating stock tf.gather; null where it was not run (too slow to finish). */
  stockMsPerStep: number | null;
  /** Plain typed-array SGD loop of the same model, rows/s, on this thread's CPU. */
  plainRowsPerSecond: number | null;
  /** tf.memory().numTensors before and after the timed steps (must be equal). */
  tensorsBefore: number;
  tensorsAfter: number;
}

/** One engine's training speed on the sample (bench/browser/engines.ts). */
export interface EngineRow {
  model: string;
  engine: string;
  threads: number;
  rowsPerSecond: number | null;
  note: string;
}

/** One epoch of a deep model (or SVD++) on one tfjs engine (bench/browser/deep.ts). */
export interface DeepRow {
  model: string;
  data: string;
  engine: string;
  backend: string;
  /** Seconds for one epoch; null where the engine did not start (see note). */
  seconds: number | null;
  rowsPerSecond: number | null;
  note: string;
}

/** The held-out metric of one model trained on one engine (bench/browser/engines-accuracy.ts). */
export interface EngineAccuracyRow {
  model: string;
  data: string;
  /** The engine asked for (and used: a run the hook moved to another engine has value null). */
  engine: string;
  /** The tfjs backend the run reported; null when it reported none. */
  backend: string | null;
  dim: number;
  epochs: number;
  /** The epoch chosen on validation, whose parameters scored the test part. */
  selectedEpoch: number | null;
  metric: 'rmse' | 'recall20';
  /** The test part's RMSE or Recall@20; null where the run failed or the engine was not offered. */
  value: number | null;
  /** Wall seconds of the whole run (calibration of the worker count, epochs, evaluations). */
  seconds: number;
  /** Each finished epoch's mean training loss and validation metric. */
  history: { loss: number; value: number | null }[];
  note: string;
}

/** Which engine-accuracy runs to do (`?accuracy=only&accuracy-models=...`). */
export interface EngineAccuracyRequest {
  /** Absolute URL of the sample's ratings.csv (the worker fetches it). */
  sampleUrl: string;
  models: string[] | null;
  engines: string[] | null;
  /** Train on the first this many users' rows only (the smaller case for slow engines). */
  users: number | null;
}

/** One projection timing: a UMAP to 3D of planted clusters (see bench/browser/projection.ts). */
export interface ProjectionRow {
  case: string;
  /** 'app (session)': this project's UMAP through the projection session; 'umap-js alone'. */
  method: string;
  n: number;
  d: number;
  dims: number;
  epochs: number;
  /** Wall ms from the request to the first drawable layout. */
  firstLayoutMs: number;
  /** Wall ms from the request to the final layout. */
  finishedMs: number;
  /** Mean share of each point's 10 nearest layout neighbours in its own planted cluster. */
  purity: number;
  /** Mean share of each point's 14 exact cosine neighbours among its 14 nearest in the layout. */
  recall: number;
}

export interface MemoryUse {
  tensors: number;
  /** Bytes of GPU textures tfjs holds (in use and pooled); null off webgl. */
  gpuBytes: number | null;
}

export type BenchRequest = {
  type: 'run';
  quick: boolean;
  /** Also time the cpu backend (the full run does; it takes minutes). */
  cpu: boolean;
  /** Instead of the suite: time every GPU program of a sample step (`?profile=1`). */
  profile: boolean;
  /** Only the engine rows (`?engines=only`): training engines on the sample. */
  enginesOnly: boolean;
  /** Only the deep models' epochs per engine (`?deep=only`). */
  deepOnly: boolean;
  /** The deep rows' engines and data sets (`?deep-engines=webgl,cpu&deep-data=large`); null: all. */
  deepEngines: string[] | null;
  /** The deep rows' models (`?deep-models=autorec,youtube-dnn`); null: all three. */
  deepModels: string[] | null;
  deepData: 'sample' | 'large' | null;
  /** Only the held-out metric per engine (`?accuracy=only`); null: not run. */
  accuracy: EngineAccuracyRequest | null;
  /** Only the projection rows (`?projection=only`): no backend checks or training rows. */
  projectionOnly: boolean;
  /** tfjs flags to set before running, as given (e.g. WEBGL_PACK: 'false'). */
  flags: Record<string, string>;
  sample: BenchData | null;
};

export type BenchEvent =
  | { type: 'env'; backend: string; renderer: string | null; fallbackReason: string | null }
  | { type: 'progress'; message: string }
  | { type: 'row'; row: BenchRow }
  | { type: 'engine'; row: EngineRow }
  | { type: 'deep'; row: DeepRow }
  | { type: 'accuracy'; row: EngineAccuracyRow }
  | { type: 'projection'; row: ProjectionRow }
  /** The sparse path against stock autodiff on this backend: max |table difference|. */
  | { type: 'check'; name: string; maxDiff: number }
  /** Backend memory after a warm-up and after `steps` more steps (must be equal). */
  | { type: 'memory'; name: string; steps: number; before: MemoryUse; after: MemoryUse }
  | { type: 'done' }
  | { type: 'error'; message: string };
