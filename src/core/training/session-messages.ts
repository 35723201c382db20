/** Requests to and events from the training session (the worker posts them as they are). Typed arrays are transferred. */
import type { Dataset, EmbeddingSnapshot } from '../data/types';
import type { TestSet } from '../data/test-set';
import type { TrainConfig } from './config';
import type { Trial, TuneBudget } from './tuning';
import type { RatingMetrics } from '../metrics/rating';
import type { ExperimentData } from './experiment';
import type { HeldOutMetrics, HeldOutPart, TestReport } from './protocol';
import type { TrainerState } from './trainer-state';
import type { EngineMeasurement, EngineName, EnginePreference } from '../engines/types';

export type BackendName = 'webgl' | 'webgpu' | 'wasm' | 'cpu';

/**
 * Interactions with dense indices, timestamps and features, as the trainer needs them. `key`
 * names the data set (and test file) within the page: the worker reuses the split it prepared
 * for the same key and settings (prepared.ts). Absent: prepared afresh each time.
 */
export type TrainingDataPayload = ExperimentData & { key?: string };

/** A number per data set and test file this page has sent (their arrays never change). */
const payloadIds = new WeakMap<object, number>();
let nextPayloadId = 1;
function payloadId(x: object): number {
  let id = payloadIds.get(x);
  if (id === undefined) payloadIds.set(x, (id = nextPayloadId++));
  return id;
}

/**
 * A data set as the trainer takes it (its arrays shared, not copied), with the test file's rows
 * (mapped onto its ids) when the person gave one: the 'test-file' split's test part.
 */
export function trainingPayload(d: Dataset, testSet: TestSet | null = null): TrainingDataPayload {
  return {
    users: d.userIds.length,
    items: d.itemIds.length,
    user: d.user,
    item: d.item,
    rating: d.rating,
    timestamp: d.timestamp,
    kind: d.kind,
    ratingMin: d.ratingMin,
    ratingMax: d.ratingMax,
    itemFeatures: d.itemFeatures,
    userFeatures: d.userFeatures,
    testSet,
    key: testSet ? `${payloadId(d)}+${payloadId(testSet)}` : String(payloadId(d)),
  };
}

export type TrainingRequest =
  | {
      type: 'train';
      data: TrainingDataPayload;
      config: TrainConfig;
      /** A hyper-parameter search over `config` (see tuning.ts) instead of one run. */
      tune?: TuneBudget;
      /** 'auto' (default) measures the engines that can train the model and takes the fastest. */
      engine?: EnginePreference;
      /** Continue a stored run from its last finished epoch (trainer-state.ts). */
      resume?: TrainerState;
    }
  /**
   * Measures every engine that can train `config`'s model on this data and answers with
   * 'calibrated'; trains nothing. `fresh` (the default; the "Recalibrate" button) forgets the
   * worker's measurements of this case first; without it (the calibration at start) a case
   * already measured is answered from them. A 'train' meanwhile cancels it.
   */
  | { type: 'calibrate'; data: TrainingDataPayload; config: TrainConfig; fresh?: boolean }
  /** Test hook (window.__lab.loseGpuContext): loses the WebGL context, as a driver reset does. */
  | { type: 'lose-context' }
  | { type: 'pause' }
  | { type: 'resume' }
  /**
   * The page's map started (busy) or finished laying out: an engine on several threads runs on
   * one meanwhile (ModelTrainer.narrowWhile), leaving the map the other cores.
   */
  | { type: 'map'; busy: boolean }
  | { type: 'stop' }
  | RecommendRequest;

/**
 * Top-k unseen items for every user from a snapshot's factors, scored on the backend in blocks
 * (the page's export; it runs between training runs, not during one).
 */
export interface RecommendRequest {
  type: 'recommend';
  id: number;
  k: number;
  snapshot: Pick<EmbeddingSnapshot, 'dim' | 'userFactors' | 'itemFactors' | 'itemBias'>;
  /** Each user's interacted items, CSR (offsets: users + 1), items ascending. */
  seen: { offsets: Int32Array; items: Int32Array };
}

/**
 * One finished epoch: its training loss and its held-out metrics (rating metrics for rating
 * models, ranking for ranking models) on the validation part, or on the test part when the run
 * has no validation part (`split` says which).
 */
export interface HistoryEntry extends HeldOutMetrics {
  epoch: number;
  trainLoss: number;
  split: HeldOutPart;
  /** Wall time of the epoch's training steps, seconds (evaluation excluded). */
  seconds: number;
}

/** A run's time before its first step (seconds): the wait between Train and training. */
export interface RunSetup {
  /** The split into training, validation and test parts (0 when `reused`). */
  splitSeconds: number;
  /** The parts came from the calibration's or an earlier run's split of the same data. */
  reused: boolean;
  /** Choosing the engine and building its trainer (its tables, its copy of the rows). */
  engineSeconds: number;
  /** The trainer was built ahead, after the calibration chose its engine (engine.ts `ready`). */
  builtAhead?: boolean;
  /** The baselines' fit (the bias model's sweeps), kept with the split. */
  baselineSeconds: number;
}

export type TrainingEvent =
  | {
      type: 'backend';
      backend: BackendName;
      fallbackReason: string | null;
      renderer: string | null;
    }
  | {
      type: 'started';
      trainRows: number;
      testRows: number;
      /** Validation rows (0: the run has no validation part). */
      validationRows: number;
      /** Validation rows whose user or item has no training row. */
      validationUnseen: number;
      stepsPerEpoch: number;
      /** Epochs the run trains (1 for a model fitted in closed form). */
      epochs: number;
      /** What the model trains on (see `effectiveFeedback`). */
      feedback: 'explicit' | 'implicit';
      /** Rows left out by binarisation (implicit feedback on ratings below the threshold). */
      droppedBelowThreshold: number;
      /** User-days with a bias of their own (timeSVD++'s b_{u,t}); 0 when the run has none. */
      userDays: number;
      /** Whether the model predicts ratings (RMSE / MAE per epoch) or only ranks. */
      predictsRatings: boolean;
      /** Null for models that only rank. */
      baselines: { globalMean: RatingMetrics; biases: RatingMetrics } | null;
      /** What the run did before its first step, and how long each part took. */
      setup: RunSetup;
    }
  /** The engine this run trains on, and the calibration that chose it. */
  | { type: 'engine'; engine: EngineName; engines: EngineMeasurement[] }
  /** A 'calibrate' request's answer: the engine Automatic would take now, or why none was. */
  | {
      type: 'calibrated';
      engine: EngineName | null;
      engines: EngineMeasurement[];
      error?: string;
      /** A run was asked for before it ended: nothing to show (the run measures what is left). */
      cancelled?: boolean;
    }
  | {
      /** The validation metric stopped improving (`patience` epochs): training ended early. */
      type: 'early-stop';
      epoch: number;
      bestEpoch: number;
    }
  | {
      type: 'progress';
      /** Fractional epochs done, e.g. 1.25. */
      epoch: number;
      step: number;
      /** Mean training loss over the steps since the previous progress event. */
      loss: number;
      rowsPerSecond: number;
      etaSeconds: number;
    }
  | {
      type: 'epoch';
      entry: HistoryEntry;
      snapshot: EmbeddingSnapshot;
      /**
       * The epoch's parameters, kept by the page (IndexedDB) to resume from; only for a plain
       * run (not a search or folds), and copied, not transferred (the worker keeps them too).
       */
      state?: TrainerState;
    }
  /**
   * An epoch's parameters, as the epoch's `state`, posted after the epoch itself by an engine
   * whose export the page need not wait for (ModelTrainer.exportsApart).
   */
  | { type: 'checkpoint'; epoch: number; state: TrainerState }
  /** Something the person should know that is not an error (e.g. the GPU context was lost). */
  | { type: 'notice'; message: string }
  /** A search's trial starts (a run of its own follows: started, epochs, test). */
  | { type: 'trial'; trial: Trial; total: number; config: TrainConfig }
  /** The trial's validation score at its selected epoch (higher is better; null: none). */
  | { type: 'trial-end'; trial: Trial; score: number | null }
  /** The search ended: its best trial by validation score (null when none finished). */
  | { type: 'tuned'; best: { trial: Trial; score: number } | null; trials: number }
  /** k-fold cross-validation: fold `index` (0-based) of `count` starts training afresh. */
  | { type: 'fold'; index: number; count: number }
  | {
      /**
       * The test part scored once, at the selected epoch, after training; with that epoch's
       * factors when it is not the last one (the map, neighbours and exports show them).
       */
      type: 'test';
      report: TestReport;
      snapshot: EmbeddingSnapshot | null;
    }
  | { type: 'status'; status: 'running' | 'paused' | 'done' | 'stopped' }
  | { type: 'error'; message: string }
  | { type: 'recommend-progress'; id: number; done: number; total: number }
  | { type: 'recommendations'; id: number; k: number; item: Int32Array; score: Float32Array }
  | { type: 'recommend-error'; id: number; message: string };

export function transferablesOfEvent(e: TrainingEvent): ArrayBuffer[] {
  if (e.type === 'recommendations')
    return [e.item.buffer as ArrayBuffer, e.score.buffer as ArrayBuffer];
  if (e.type !== 'epoch' && e.type !== 'test') return [];
  const s = e.snapshot;
  if (!s) return [];
  return [
    s.userFactors,
    s.itemFactors,
    s.userBias,
    s.itemBias,
    s.itemFeatureFactors,
    s.userFeatureFactors,
    ...encoderArrays(s),
  ].flatMap((a) => (a ? [a.buffer as ArrayBuffer] : []));
}

/** The forward-pass weights a snapshot carries (AutoRec, YouTube DNN), to transfer with it. */
function encoderArrays(s: EmbeddingSnapshot): Float32Array[] {
  const e = s.userEncoder;
  if (!e) return [];
  return e.kind === 'autorec'
    ? [e.weights, e.bias]
    : [e.inputs, e.layer1, e.bias1, e.layer2, e.bias2];
}
