/** The app's state: what the UI renders and `window.__lab` reports. Replaced, never mutated. */
import type { Dataset, EmbeddingSnapshot, InteractionKind } from '../core/data/types';
import type { DatasetSummary } from '../core/data/summary';
import type { CsvPreview, Delimiter } from '../core/data/csv';
import type { ColumnMapping } from '../core/data/columns';
import type { CleanOptions } from '../core/data/clean';
import type { ItemMetadata, UserMetadata } from '../core/data/metadata';
import type { InteractionLayout, MappedTestSet } from '../core/data/test-set';
import type { TrainConfig } from '../core/training/config';
import { MAP_FIRST_CONFIG } from '../core/training/map-default';
import type { RatingMetrics } from '../core/metrics/rating';
import type { BackendName, HistoryEntry, RunSetup } from '../worker/training/protocol';
import type { FoldSummary, TestReport } from '../core/training/protocol';
import { DEFAULT_TUNE, type Trial, type TuneBudget } from '../core/training/tuning';
import type { ProjectionMethod } from '../worker/projection/protocol';
import type { Metric } from '../core/projection/neighbours';
import type { SpaceEpoch, SpaceQuality } from '../core/metrics/space-quality';
import type { PointSpace } from './points';
import { DEFAULT_NEIGHBOURS, type NeighbourOptions } from './selection';
import type { EngineMeasurement, EngineName, EnginePreference } from '../core/engines/types';
import { initialDurable, type DurableState } from './durable-state';

export type TrainingStatus = 'idle' | 'running' | 'paused' | 'done' | 'stopped' | 'error';
export type PointKind = 'user' | 'item' | 'feature';

export interface UploadState {
  fileName: string;
  /** The file itself: the import worker reads it as a stream. */
  file: File;
  /** Its first characters, for the preview and the format guess. */
  head: string;
  /** A layout recognised by name and content (MovieLens, Last.fm), if any. */
  layout: {
    label: string;
    role: 'interactions' | 'tags' | 'item-metadata' | 'user-metadata';
    byName: boolean;
  } | null;
  /** Delimited text, JSON Lines (one object per line; its keys are the columns), or Parquet. */
  format: 'delimited' | 'jsonl' | 'parquet';
  preview: CsvPreview;
  delimiter: Delimiter;
  hasHeader: boolean;
  mapping: ColumnMapping;
  /** Ratings (explicit) or interactions (implicit); 'auto': guessed from the value column. */
  kind: 'auto' | InteractionKind;
  /** Repeated pairs, rating range and k-core applied after reading (clean.ts). */
  clean: CleanOptions;
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
  /** Validation rows (0: the run has none), and those whose user or item has no training row. */
  validationRows: number;
  validationUnseen: number;
  /** What the run did before its first step, and how long it took (null until it started). */
  setup: RunSetup | null;
  /** Per-epoch metrics, on the validation part (or the test part for a run without one). */
  history: HistoryEntry[];
  /** The test part scored once at the selected epoch, when the run has ended. */
  test: TestReport | null;
  /** A hyper-parameter search in progress or finished (null: none since the last run). */
  tuning: TuningState | null;
  /** The search's budget, as the Tune controls set it. */
  tuneBudget: TuneBudget;
  /** k-fold cross-validation: the folds' test reports so far (null: a single split). */
  folds: { k: number; reports: TestReport[] } | null;
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
  /** The finished run's map quality under the page's neighbour settings (null until measured). */
  space: SpaceQuality | null;
  /** The map's quality after each epoch of the run (epochs that ended mid-measurement skipped). */
  spaceHistory: SpaceEpoch[];
  startedAt: number | null;
  error: string | null;
}

/** A hyper-parameter search: its trials so far and the best by validation score. */
export interface TuningState {
  status: 'running' | 'done' | 'stopped';
  /** The trial training now (its config is the run's), and the trials planned. */
  trial: Trial | null;
  config: TrainConfig | null;
  total: number;
  done: number;
  /** The best trial by validation score, with its settings over the base config. */
  best: { trial: Trial; score: number; config: TrainConfig } | null;
  startedAt: number;
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
  /**
   * The run's result: the test part at the selected epoch (the best on validation, or the last
   * without validation); undefined where the model has none, or when no epoch finished.
   */
  rmse?: number;
  mae?: number;
  recall20?: number;
  ndcg10?: number;
  auc?: number | null;
  /** The epoch the result is from. */
  selectedEpoch: number;
  /** Whether the epoch was selected on a validation part (false: the run had none). */
  validated: boolean;
  test: TestReport | null;
  /** A trial of a hyper-parameter search: its id, rung and validation score. */
  trial?: { id: number; rung: number; score: number | null };
  /** k-fold runs: each fold's test report, and their mean and standard deviation. */
  folds?: FoldSummary & { reports: TestReport[] };
  secondsPerEpoch: number;
  history: HistoryEntry[];
  /** The map's quality when the run ended, with the similarity it was measured under. */
  space?: SpaceQuality & { metric: Metric };
  /** The map's quality after each epoch (the training-curves line), when it was measured. */
  spaceHistory?: SpaceEpoch[];
}

export interface ProjectionState {
  status: 'idle' | 'running' | 'done' | 'error';
  method: ProjectionMethod;
  dims: 2 | 3;
  /**
   * Chosen before a run: UMAP's neighbourhood size and minimum distance, t-SNE's perplexity,
   * PCA's first component shown.
   */
  params: { nNeighbors: number; minDist: number; perplexity: number; firstComponent: number };
  phase: string;
  fraction: number;
  /** Layout of the points (n x dims), in `space`'s order; null before the first run. */
  coords: Float32Array | null;
  /** The points `coords` lays out (items, users, features). */
  space: PointSpace | null;
  /**
   * The points of `space` in the layout (ascending), or null for all. The rest are hidden; their
   * rows of `coords` are placeholders.
   */
  laidOut: Int32Array | null;
  /** Points the person isolated: the next layouts include only them (null: all). */
  isolate: Int32Array | null;
  /** Above this many points, layouts use a sample stratified by kind and popularity. */
  maxPoints: number;
  /** The layout's dimensionality (may differ from `dims` while a new run is pending). */
  coordsDims: 2 | 3;
  /** Training epoch of the embeddings laid out. */
  epoch: number | null;
  ms: number | null;
  explained: number[] | null;
  error: string | null;
  /** The run's finished layouts, one per epoch laid out (oldest first), for the epoch slider. */
  history: LayoutRecord[];
  /** The layout replayed from `history` (index), or null to show the latest. */
  replay: number | null;
}

export interface LayoutRecord {
  epoch: number;
  method: ProjectionMethod;
  dims: 2 | 3;
  coords: Float32Array;
  space: PointSpace;
  laidOut: Int32Array | null;
}

/** A point listed in the selection card; clicking it selects it. */
export interface SelectionEntry {
  kind: PointKind;
  index: number;
  id: string;
  label: string;
  /** Similarity or distance (neighbours, by the metric), or predicted score. */
  score: number;
  /** Interactions behind the point (a feature: entities carrying it). */
  support: number;
}

export interface SelectionDetail {
  kind: PointKind;
  index: number;
  id: string;
  label: string;
  /** Interactions of a user or item; items carrying a feature. */
  interactions: number;
  /** Learned bias (null for features, or before training). */
  bias: number | null;
  /** Length of the point's embedding (null before training). */
  norm: number | null;
  /** An item's or user's metadata features (genres, tags, attributes); none for features. */
  features: string[];
  /** The metric `neighbors` were found by. */
  metric: Metric;
  /** Points with fewer interactions were not listed as neighbours... */
  minSupport: number;
  /** ...and this many of the k nearest were hidden for it. */
  hiddenLowSupport: number;
  neighbors: SelectionEntry[];
  /** An item's ItemKNN neighbours (co-occurrence cosine), under the same minimum support. */
  coOccurrence?: SelectionEntry[];
  /** A user's interactions, highest rated first (at most 10). */
  history?: { index: number; label: string; rating: number }[];
  /** A user's top items among those they have not seen, each with the reasons behind it. */
  recommendations?: (SelectionEntry & { because: string[] })[];
  /** An item's likeliest new users (highest predicted score among users who have not seen it). */
  audience?: SelectionEntry[];
  /** A feature's nearest items (by the metric). */
  relatedItems?: SelectionEntry[];
}

/** Colour by kind, a number (gradient), or a metadata column ('genre', `item:...`, `user:...`). */
export type ColorBy =
  'kind' | 'genre' | 'popularity' | 'bias' | 'norm' | `item:${string}` | `user:${string}`;

/** What the map shows and how neighbours are found (the explorer's controls). */
export interface ViewState {
  /** Kinds of point drawn (hidden ones are not picked either). */
  show: Record<PointKind, boolean>;
  neighbours: NeighbourOptions;
  /** Points scale with the square root of their interactions. */
  sizeByPopularity: boolean;
  /** Point diameter in CSS px (the base size when sized by popularity). */
  pointSize: number;
  /** Label text size in CSS px for the selection and the points it links to (0: no labels). */
  labelSize: number;
  /** Colour set: the default, or Okabe and Ito's set that colour-blind eyes tell apart. */
  palette: Palette;
}

export type Palette = 'default' | 'colorblind';

export interface LabState {
  dataset: Dataset | null;
  summary: DatasetSummary | null;
  datasetStatus: 'empty' | 'loading' | 'ready';
  datasetMessage: string | null;
  /**
   * How the loaded data set's file was read (format, delimiter, mapping): a test file is read the
   * same way. Null when not known (a restored session, imported embeddings).
   */
  datasetLayout: InteractionLayout | null;
  /** The test file of the "Test file" split, mapped onto the data set (cleared by a new one). */
  testFile: (MappedTestSet & { note: string }) | null;
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
  view: ViewState;
  /** An import being read by the worker: bytes and rows so far. */
  importProgress: { bytes: number; totalBytes: number; rows: number; rowsPerSecond: number } | null;
  /** When the session shown was restored from the browser's storage (ISO time), else null. */
  restoredAt: string | null;
  /** A long export running (e.g. recommendations for every user), for its progress bar. */
  exportJob: { label: string; fraction: number } | null;
  /** The training engine: the person's choice, and the engine of the current run and why. */
  engine: EngineState;
  /** Points highlighted together (e.g. every match of a search), with what marked them. */
  marked: { query: string; points: number[] } | null;
  errors: { source: string; message: string }[];
  /** Storage of the session: this tab's hold on it, an interrupted run, notices (durable.ts). */
  durable: DurableState;
}

export interface EngineState {
  preference: EnginePreference;
  /** The engine of the current (or last) run; null before its calibration ends. */
  engine: EngineName | null;
  engines: EngineMeasurement[];
  /** A recalibration (the "Recalibrate" button) is measuring the engines. */
  calibrating: boolean;
}

export function initialState(): LabState {
  return {
    dataset: null,
    summary: null,
    datasetStatus: 'empty',
    datasetMessage: null,
    datasetLayout: null,
    testFile: null,
    upload: null,
    itemMeta: null,
    userMeta: null,
    training: {
      status: 'idle',
      backend: null,
      fallbackReason: null,
      renderer: null,
      config: MAP_FIRST_CONFIG,
      model: MAP_FIRST_CONFIG.model,
      epoch: 0,
      epochsTotal: MAP_FIRST_CONFIG.epochs,
      step: 0,
      stepsPerEpoch: 0,
      rowsPerSecond: null,
      etaSeconds: null,
      trainRows: 0,
      testRows: 0,
      validationRows: 0,
      validationUnseen: 0,
      setup: null,
      test: null,
      folds: null,
      tuning: null,
      tuneBudget: DEFAULT_TUNE,
      history: [],
      lossCurve: [],
      baselines: null,
      feedback: null,
      predictsRatings: null,
      droppedBelowThreshold: 0,
      userDays: 0,
      earlyStop: null,
      space: null,
      spaceHistory: [],
      startedAt: null,
      error: null,
    },
    runs: [],
    embeddings: null,
    projection: {
      status: 'idle',
      method: 'umap',
      dims: 3,
      params: { nNeighbors: 15, minDist: 0.1, perplexity: 30, firstComponent: 1 },
      phase: '',
      fraction: 0,
      coords: null,
      space: null,
      history: [],
      replay: null,
      laidOut: null,
      isolate: null,
      maxPoints: 100_000,
      coordsDims: 3,
      epoch: null,
      ms: null,
      explained: null,
      error: null,
    },
    selection: null,
    colorBy: 'kind',
    view: {
      show: { item: true, user: true, feature: true },
      neighbours: DEFAULT_NEIGHBOURS,
      sizeByPopularity: false,
      pointSize: 6,
      labelSize: 12,
      palette: 'default',
    },
    marked: null,
    exportJob: null,
    engine: { preference: 'auto', engine: null, engines: [], calibrating: false },
    restoredAt: null,
    importProgress: null,
    errors: [],
    durable: initialDurable(),
  };
}
