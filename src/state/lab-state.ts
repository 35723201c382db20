/** The app's state: what the UI renders and `window.__lab` reports. Replaced, never mutated. */
import type { Dataset, EmbeddingSnapshot } from '../core/data/types';
import type { DatasetSummary } from '../core/data/summary';
import type { CsvPreview, Delimiter } from '../core/data/csv';
import type { ColumnMapping } from '../core/data/columns';
import type { ItemMetadata, UserMetadata } from '../core/data/metadata';
import { DEFAULT_CONFIG, type TrainConfig } from '../core/training/config';
import type { RatingMetrics } from '../core/metrics/rating';
import type { BackendName, HistoryEntry } from '../worker/training/protocol';
import type { ProjectionMethod } from '../worker/projection/protocol';

export type TrainingStatus = 'idle' | 'running' | 'paused' | 'done' | 'stopped' | 'error';
export type PointKind = 'user' | 'item' | 'feature';

export interface UploadState {
  fileName: string;
  text: string;
  preview: CsvPreview;
  delimiter: Delimiter;
  hasHeader: boolean;
  mapping: ColumnMapping;
  error: string | null;
}

export interface TrainingState {
  status: TrainingStatus;
  backend: BackendName | null;
  fallbackReason: string | null;
  renderer: string | null;
  config: TrainConfig;
  /** The model of the current / last run. */
  model: string;
  /** Fractional epochs done. */
  epoch: number;
  epochsTotal: number;
  step: number;
  stepsPerEpoch: number;
  rowsPerSecond: number | null;
  etaSeconds: number | null;
  trainRows: number;
  testRows: number;
  history: HistoryEntry[];
  /** Loss readings during training: x = fractional epoch. */
  lossCurve: { epoch: number; loss: number }[];
  baselines: { globalMean: RatingMetrics; biases: RatingMetrics } | null;
  /** What the run trains on, and whether it predicts ratings (known once it has started). */
  feedback: 'explicit' | 'implicit' | null;
  predictsRatings: boolean | null;
  /** Rows left out by binarisation. */
  droppedBelowThreshold: number;
  /** User-days the run learns a bias for (0: none). */
  userDays: number;
  /** Set when early stopping ended the run. */
  earlyStop: { epoch: number; bestEpoch: number } | null;
  startedAt: number | null;
  error: string | null;
}

/** One finished (or stopped) run, for the runs table: same data set and split compare fairly. */
export interface RunRecord {
  id: number;
  model: string;
  config: TrainConfig;
  feedback: 'explicit' | 'implicit';
  /** User-days with a bias of their own (0: none). */
  userDays: number;
  /** The data set's name, so runs on other data can be told apart. */
  dataset: string;
  status: 'done' | 'stopped' | 'error';
  epochs: number;
  /** Best held-out values over the run's epochs (undefined where the model has none). */
  bestRmse?: number;
  bestMae?: number;
  bestRecall20?: number;
  bestNdcg10?: number;
  auc?: number | null;
  bestEpoch: number;
  secondsPerEpoch: number;
  history: HistoryEntry[];
}

export interface ProjectionState {
  status: 'idle' | 'running' | 'done' | 'error';
  method: ProjectionMethod;
  dims: 2 | 3;
  phase: string;
  fraction: number;
  /** Layout of the points (n x dims), items first then users; null before the first run. */
  coords: Float32Array | null;
  /** The layout's dimensionality (may differ from `dims` while a new run is pending). */
  coordsDims: 2 | 3;
  /** Training epoch of the embeddings laid out. */
  epoch: number | null;
  ms: number | null;
  explained: number[] | null;
  error: string | null;
}

export interface SelectionDetail {
  kind: PointKind;
  index: number;
  id: string;
  label: string;
  interactions: number;
  bias: number;
  neighbors: { kind: PointKind; index: number; id: string; label: string; score: number }[];
  recommendations?: { index: number; id: string; label: string; score: number }[];
}

export type ColorBy = 'kind' | 'genre';

export interface LabState {
  dataset: Dataset | null;
  summary: DatasetSummary | null;
  datasetStatus: 'empty' | 'loading' | 'ready';
  datasetMessage: string | null;
  upload: UploadState | null;
  /** Metadata loaded and waiting for (or attached to) the dataset. */
  itemMeta: ItemMetadata | null;
  userMeta: UserMetadata | null;
  training: TrainingState;
  /** Every run since the data set was loaded, oldest first. */
  runs: RunRecord[];
  embeddings: EmbeddingSnapshot | null;
  projection: ProjectionState;
  selection: SelectionDetail | null;
  colorBy: ColorBy;
  errors: { source: string; message: string }[];
}

export function initialState(): LabState {
  return {
    dataset: null,
    summary: null,
    datasetStatus: 'empty',
    datasetMessage: null,
    upload: null,
    itemMeta: null,
    userMeta: null,
    training: {
      status: 'idle',
      backend: null,
      fallbackReason: null,
      renderer: null,
      config: DEFAULT_CONFIG,
      model: DEFAULT_CONFIG.model,
      epoch: 0,
      epochsTotal: DEFAULT_CONFIG.epochs,
      step: 0,
      stepsPerEpoch: 0,
      rowsPerSecond: null,
      etaSeconds: null,
      trainRows: 0,
      testRows: 0,
      history: [],
      lossCurve: [],
      baselines: null,
      feedback: null,
      predictsRatings: null,
      droppedBelowThreshold: 0,
      userDays: 0,
      earlyStop: null,
      startedAt: null,
      error: null,
    },
    runs: [],
    embeddings: null,
    projection: {
      status: 'idle',
      method: 'umap',
      dims: 3,
      phase: '',
      fraction: 0,
      coords: null,
      coordsDims: 3,
      epoch: null,
      ms: null,
      explained: null,
      error: null,
    },
    selection: null,
    colorBy: 'kind',
    errors: [],
  };
}
