/**
 * Training in Node: the tfjs backend (backend.ts: tfjs-node, wasm or cpu), the run's settings as
 * the app would pick them, and the training worker's own TrainingSession driven through its
 * `post` callback, exactly as the worker shell does, so the split, metrics and early stopping
 * are the app's.
 */
import type { Dataset, EmbeddingSnapshot, InteractionKind } from '../core/data/types';
import type { TestSet } from '../core/data/test-set';
import { modelInfo } from '../core/models/catalog';
import type { TestReport } from '../core/training/protocol';
import { DEFAULT_CONFIG, validateConfig, type TrainConfig } from '../core/training/config';
import { TrainingSession } from '../core/training/session';
import type { EngineHook } from '../core/engines/choose';
import type { EnginePreference } from '../core/engines/types';
import {
  trainingPayload,
  type HistoryEntry,
  type TrainingEvent,
} from '../core/training/session-messages';

export { selectNodeBackend, type BackendInfo } from './backend';

/**
 * The run's settings as the app picks them when a model is chosen: the defaults, the model's
 * measured defaults (and its implicit-feedback ones when it will train on implicit feedback),
 * then what was given on the command line. Throws when they are invalid.
 */
export function trainConfig(overrides: Partial<TrainConfig>, kind: InteractionKind): TrainConfig {
  const model = overrides.model ?? DEFAULT_CONFIG.model;
  const info = modelInfo(model);
  const feedback = overrides.feedback ?? info.defaults.feedback ?? DEFAULT_CONFIG.feedback;
  const implicit =
    !info.kinds.includes('explicit') ||
    (info.kinds.includes('implicit') && (kind === 'implicit' || feedback === 'implicit'));
  const config: TrainConfig = {
    ...DEFAULT_CONFIG,
    ...info.defaults,
    ...(implicit ? info.implicitDefaults : {}),
    ...overrides,
    model,
  };
  const problems = validateConfig(config);
  if (problems.length) throw new Error(`invalid settings: ${problems.join('; ')}`);
  return config;
}

export type StartedEvent = Extract<TrainingEvent, { type: 'started' }>;

export interface TrainOutcome {
  status: 'done' | 'stopped';
  started: StartedEvent;
  history: HistoryEntry[];
  /** The test part scored once at the selected epoch (null when no epoch finished). */
  test: TestReport | null;
  /** k-fold runs: every fold's test report (null: one split). */
  folds: { k: number; reports: TestReport[] } | null;
  /** The selected epoch's factors (the best on validation, or the last without validation). */
  snapshot: EmbeddingSnapshot;
  earlyStop: { epoch: number; bestEpoch: number } | null;
  /** Wall time of the whole run, seconds. */
  seconds: number;
}

/**
 * Trains `config` on the data set to the end. `onEvent` sees every event the session posts
 * (progress about every `progressMs`). `testSet`: a test file's rows mapped onto the data set
 * (the 'test-file' split's test part). Rejects with the session's message when it fails.
 */
export async function trainModel(
  d: Dataset,
  config: TrainConfig,
  onEvent?: (e: TrainingEvent) => void,
  progressMs = 250,
  testSet: TestSet | null = null,
  /** The engines to choose from (engine.ts) and the one asked for; null: tfjs. */
  engine: { hook: EngineHook; preference: EnginePreference } | null = null,
): Promise<TrainOutcome> {
  // Filled in by the session's events (an object: closures' writes to locals are not narrowed).
  const run = {
    started: null as StartedEvent | null,
    error: null as string | null,
    status: 'stopped' as 'done' | 'stopped',
    earlyStop: null as TrainOutcome['earlyStop'],
    last: null as EmbeddingSnapshot | null,
    test: null as { report: TestReport; snapshot: EmbeddingSnapshot | null } | null,
    folds: null as TrainOutcome['folds'],
  };
  const history: HistoryEntry[] = [];
  const post = (e: TrainingEvent) => {
    if (e.type === 'started') run.started = e;
    else if (e.type === 'error') run.error ??= e.message;
    else if (e.type === 'early-stop') run.earlyStop = { epoch: e.epoch, bestEpoch: e.bestEpoch };
    else if (e.type === 'status' && (e.status === 'done' || e.status === 'stopped'))
      run.status = e.status;
    else if (e.type === 'epoch') {
      history.push(e.entry);
      run.last = e.snapshot;
    } else if (e.type === 'fold') {
      run.folds ??= { k: e.count, reports: [] };
      history.length = 0; // each fold trains afresh; the curves kept are the last fold's
    } else if (e.type === 'test') {
      run.test = e;
      run.folds?.reports.push(e.report);
    }
    onEvent?.(e);
  };
  const session = new TrainingSession(post, progressMs, engine?.hook ?? null);
  const startedAt = performance.now();
  session.handle({
    type: 'train',
    config,
    data: trainingPayload(d, testSet),
    ...(engine && { engine: engine.preference }),
  });
  await session.whenIdle();
  if (run.error) throw new Error(run.error);
  const snapshot = run.test?.snapshot ?? run.last;
  if (!run.started || !snapshot) throw new Error('training ended before its first epoch');
  return {
    status: run.status,
    started: run.started,
    history,
    test: run.test?.report ?? null,
    folds: run.folds,
    snapshot,
    earlyStop: run.earlyStop,
    seconds: (performance.now() - startedAt) / 1000,
  };
}
