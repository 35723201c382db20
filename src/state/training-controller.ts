/**
 * Training: runs and searches sent to the training worker, its events turned into state
 * (`training`, `engine`, `embeddings`, the runs table), and the worker's recommendation jobs.
 * It lays out and measures nothing itself: the facade injects `project`, `refreshSelection` and
 * the space measurement, so each concern keeps its own controller.
 */
import { nextTask } from '../core/util/next-task';
import type { Store } from './store';
import type { LabState, RunRecord, TrainingState } from './lab-state';
import { summarizeRun } from './runs';
import { MISSING_TEST_FILE } from '../core/training/test-file-part';
import type { EnginePreference } from '../core/engines/types';
import type { TrainConfig } from '../core/training/config';
import type { TuneBudget } from '../core/training/tuning';
import type { InterruptedRun } from './durable-state';
import { calibrated, calibrateRequest } from './recalibrate';
import { RecommendJobs } from './recommend-jobs';
export type { TopK } from './recommend-jobs';
import { TrainingClient } from '../worker/training/client';
import {
  trainingPayload,
  type RecommendRequest,
  type TrainingEvent,
  type TrainingRequest,
} from '../worker/training/protocol';

/** Loss readings kept for the chart: enough for a smooth curve, bounded for long runs. */
export const MAX_LOSS_POINTS = 2000;

/** What the controller needs of the training worker (TrainingClient; tests pass a fake). */
export interface TrainingChannel {
  send(req: TrainingRequest): void;
  dispose(): void;
}

export interface TrainingDeps {
  reportError(source: string, message: string): void;
  /** Lays out the latest embeddings (ProjectionController.project). */
  project(): void;
  /** A live layout mid-run that waits for a running one (ProjectionController.projectLive). */
  projectLive?(): void;
  /** What a layout needs before it starts (ProjectionController.prepareLayout): a task ahead. */
  prepareLayout?(): void;
  /** Recomputes the selection card from the latest embeddings. */
  refreshSelection(): void;
  /** The space-quality measurement (SpaceActions). */
  space: {
    reset(): void;
    measure(runId: number | null): Promise<void>;
    measureEpoch(epoch: number): Promise<void>;
  };
  /** Starts the worker; events come back through `onEvent`. Default: a TrainingClient. */
  connect?: (onEvent: (e: TrainingEvent) => void) => TrainingChannel;
  /** Hears every worker event first (the durable session keeps each epoch's parameters). */
  onEvent?(e: TrainingEvent): void;
}

export class TrainingController {
  /** Whether the person pressed Stop during the current run or search. */
  private stopRequested = false;
  private channel: TrainingChannel | null = null;
  private readonly recommendJobs = new RecommendJobs();
  /** Calibrations sent and not yet answered (the worker answers each, cancelled or not). */
  private calibrations = 0;

  constructor(
    private readonly store: Store<LabState>,
    private readonly deps: TrainingDeps,
  ) {}

  /** Starts the training worker early, so the backend is known before the first run. */
  start(): void {
    this.channel ??= (this.deps.connect ?? ((cb) => new TrainingClient(cb)))((e) => {
      this.deps.onEvent?.(e);
      this.onTrainingEvent(e);
    });
  }

  /** Sends a request to the worker, starting it if need be. */
  send(req: TrainingRequest): void {
    this.start();
    this.channel!.send(req);
  }

  dispose(): void {
    this.channel?.dispose();
    this.channel = null;
  }

  isTraining(): boolean {
    const st = this.store.get().training.status;
    return st === 'running' || st === 'paused';
  }

  setConfig(patch: Partial<TrainConfig>): void {
    this.setTraining({ config: { ...this.store.get().training.config, ...patch } });
  }

  train(): void {
    this.begin();
  }

  /** Starts a hyper-parameter search over the current settings (see tuning.ts). */
  tune(): void {
    this.begin(this.store.get().training.tuneBudget);
  }

  setTuneBudget(patch: Partial<TuneBudget>): void {
    const t = this.store.get().training;
    this.setTraining({ tuneBudget: { ...t.tuneBudget, ...patch } });
  }

  /** Applies the search's best settings to the training settings. */
  applyTuned(): void {
    const best = this.store.get().training.tuning?.best;
    if (best) this.setConfig({ ...best.trial.settings, epochs: best.config.epochs });
  }

  /** The engine the next run trains on ('auto': the fastest the calibration measures). */
  setEngine(preference: EnginePreference): void {
    this.store.set((s) => ({ engine: { ...s.engine, preference } }));
  }

  /**
   * Measures the engines for the current model and data (recalibrate.ts): afresh (the
   * "Recalibrate" button, one at a time), or with `fresh` false reusing the worker's
   * measurements of the case (the calibration at start, auto-calibrate.ts; a newer case's
   * request cancels an older one's in the worker).
   */
  recalibrate(fresh = true): void {
    const { dataset, training, testFile, engine } = this.store.get();
    if (!dataset || this.isTraining() || (fresh && engine.calibrating)) return;
    this.calibrations++;
    this.store.set((s) => ({ engine: { ...s.engine, calibrating: true } }));
    this.send(calibrateRequest(dataset, training.config, testFile?.set ?? null, fresh));
  }

  pause(): void {
    this.channel?.send({ type: 'pause' });
  }
  resume(): void {
    this.channel?.send({ type: 'resume' });
  }
  stop(): void {
    this.stopRequested = true;
    this.channel?.send({ type: 'stop' });
  }

  /**
   * Every user's top-k unseen items scored on the worker's backend; `progress` gets the fraction
   * of users scored. Rejects with the worker's message.
   */
  recommend(req: Omit<RecommendRequest, 'type' | 'id'>, progress: (f: number) => void) {
    return this.recommendJobs.start((r) => this.send(r), req, progress);
  }

  private setTraining(patch: Partial<TrainingState>): void {
    this.store.set((s) => ({ training: { ...s.training, ...patch } }));
  }

  /** Continues the run the last page left mid-training, from its last finished epoch. */
  resumeInterrupted(): void {
    const run = this.store.get().durable.interrupted;
    if (run && !this.isTraining()) this.begin(undefined, run);
  }

  /** Tells the worker the map started or finished laying out (projection-share.ts). */
  mapBusy(busy: boolean): void {
    this.channel?.send({ type: 'map', busy });
  }

  /** Test hook (window.__lab.loseGpuContext): the training worker loses its WebGL context. */
  loseGpuContext(): void {
    this.channel?.send({ type: 'lose-context' });
  }

  /** Sends a run (or with `tune` a search, or a `resume`d run) to the training worker. */
  private begin(tune?: TuneBudget, resume?: InterruptedRun): void {
    const { dataset, training, testFile } = this.store.get();
    if (!dataset || this.isTraining()) return;
    const config = resume?.config ?? training.config;
    // Said before anything starts: what the person must give.
    if (config.split === 'test-file' && !testFile) {
      this.setTraining({ error: MISSING_TEST_FILE });
      this.deps.reportError('training', MISSING_TEST_FILE);
      return;
    }
    this.start();
    this.stopRequested = false;
    this.setTraining({
      ...freshRun(config),
      status: 'running',
      folds: null,
      tuning: tune
        ? {
            status: 'running',
            trial: null,
            config: null,
            total: 0,
            done: 0,
            best: null,
            startedAt: performance.now(),
          }
        : null,
      space: null,
      error: null,
      startedAt: performance.now(),
      // A resumed run keeps its finished epochs up to the stored one (those after it train again).
      ...(resume && {
        config,
        history: training.history.filter((h) => h.epoch <= resume.resumeFrom),
        epoch: resume.resumeFrom,
      }),
    });
    // What a reload resumes from: nothing of an earlier run.
    this.store.set((s) => ({
      durable: { ...s.durable, interrupted: null, checkpoint: resume?.state ?? null, notice: null },
    }));
    this.deps.space.reset();
    // A new run's layouts replace the last run's on the epoch slider.
    this.store.set((s) => ({ projection: { ...s.projection, history: [], replay: null } }));
    this.store.set((s) => ({ engine: { ...s.engine, engine: null, engines: [] } }));
    this.send({
      type: 'train',
      config,
      // The test file travels only with the split that reads it (the payload is copied).
      data: trainingPayload(
        dataset,
        config.split === 'test-file' && testFile ? testFile.set : null,
      ),
      ...(tune && { tune }),
      ...(resume && { resume: resume.state }),
      engine: this.store.get().engine.preference,
    });
  }

  /** Adds the run that just ended to the runs table (a search's trial with its settings). */
  private recordRun(status: 'done' | 'stopped', trial?: RunRecord['trial']): void {
    const { training: t, runs, dataset } = this.store.get();
    if (!t.history.length || !t.feedback) return;
    const config = trial && t.tuning?.config ? t.tuning.config : t.config;
    const run = summarizeRun(
      runs.length + 1,
      { ...t, config, feedback: t.feedback },
      dataset?.name ?? '',
      status,
    );
    this.store.set({ runs: [...runs, trial ? { ...run, trial } : run] });
  }

  /** Turns one worker event into state (public so tests and other channels can feed events). */
  onTrainingEvent(e: TrainingEvent): void {
    if (this.recommendJobs.onEvent(e)) return;
    const t = this.store.get().training;
    switch (e.type) {
      case 'backend':
        this.setTraining({
          backend: e.backend,
          fallbackReason: e.fallbackReason,
          renderer: e.renderer,
        });
        return;
      case 'engine':
        this.store.set((s) => ({
          engine: { ...s.engine, engine: e.engine, engines: e.engines },
        }));
        return;
      case 'calibrated':
        this.calibrations = Math.max(0, this.calibrations - 1);
        this.store.set((s) => ({ engine: calibrated(s.engine, e, this.calibrations > 0) }));
        if (e.error && !e.cancelled) this.deps.reportError('engine', e.error);
        return;
      case 'started':
        this.setTraining({
          baselines: e.baselines,
          epochsTotal: e.epochs,
          feedback: e.feedback,
          predictsRatings: e.predictsRatings,
          droppedBelowThreshold: e.droppedBelowThreshold,
          userDays: e.userDays,
          stepsPerEpoch: e.stepsPerEpoch,
          trainRows: e.trainRows,
          testRows: e.testRows,
          validationRows: e.validationRows,
          validationUnseen: e.validationUnseen,
          setup: e.setup,
        });
        return;
      case 'progress': {
        const curve = [...t.lossCurve, { epoch: e.epoch, loss: e.loss }];
        this.setTraining({
          epoch: e.epoch,
          step: e.step,
          rowsPerSecond: e.rowsPerSecond,
          etaSeconds: e.etaSeconds,
          lossCurve: curve.length > MAX_LOSS_POINTS ? curve.filter((_, i) => i % 2 === 0) : curve,
        });
        return;
      }
      case 'epoch': {
        // An epoch trained again (after a lost GPU context, from an earlier checkpoint) replaces
        // the one it repeats.
        const before = t.history.filter((h) => h.epoch < e.entry.epoch);
        this.setTraining({ history: [...before, e.entry], epoch: e.entry.epoch });
        this.store.set({ embeddings: e.snapshot });
        this.deps.refreshSelection();
        // The map's quality after this epoch (not for a search's many short trials).
        if (!t.tuning) void this.deps.space.measureEpoch(e.entry.epoch);
        const every = t.config.projectEvery;
        // The last epoch is laid out; when the test report puts back an earlier epoch, that
        // epoch's factors are laid out again.
        const last = e.entry.epoch >= t.epochsTotal;
        // Fitted reference models have one value per point, and a search's trials are many
        // short runs: nothing to lay out.
        if (e.snapshot.dim < 2 || t.tuning) return;
        // Live re-projection every `every` epochs (0: only when training ends), unless the run
        // ends before a layout would (the last layout took longer than the time left): the final
        // layout would replace it unseen, and meanwhile it would take cores from training.
        const { coords, ms } = this.store.get().projection;
        const eta = this.store.get().training.etaSeconds;
        const outlasts = ms === null || eta === null || eta * 1000 > ms;
        const live = every > 0 && (e.entry.epoch % every === 0 || coords === null) && outlasts;
        // In tasks of their own: at 221,000 points drawing the sample (the first time) and
        // gathering the layout's input are each a task's worth.
        const project = last
          ? this.deps.project
          : live
            ? (this.deps.projectLive ?? this.deps.project)
            : null;
        if (project)
          void nextTask()
            .then(() => this.deps.prepareLayout?.())
            .then(nextTask)
            .then(project);
        return;
      }
      case 'early-stop':
        this.setTraining({ earlyStop: { epoch: e.epoch, bestEpoch: e.bestEpoch } });
        return;
      case 'trial':
        // Each trial is a run of its own: the live curves start over.
        this.setTraining({
          ...freshRun(e.config),
          tuning: t.tuning && { ...t.tuning, trial: e.trial, config: e.config, total: e.total },
        });
        return;
      case 'trial-end': {
        this.recordRun(this.stopRequested ? 'stopped' : 'done', {
          id: e.trial.id,
          rung: e.trial.rung,
          score: e.score,
        });
        const tuning = this.store.get().training.tuning;
        if (tuning) this.setTraining({ tuning: { ...tuning, done: tuning.done + 1 } });
        return;
      }
      case 'tuned': {
        const tuning = this.store.get().training.tuning;
        if (!tuning) return;
        const base = t.config;
        this.setTraining({
          tuning: {
            ...tuning,
            trial: null,
            best: e.best && {
              ...e.best,
              config: { ...base, ...e.best.trial.settings, epochs: e.best.trial.epochs },
            },
          },
        });
        return;
      }
      case 'fold':
        // Each fold trains afresh: the live curves start over; the folds' results are kept.
        this.setTraining({
          folds: { k: e.count, reports: t.folds?.reports ?? [] },
          history: [],
          spaceHistory: [],
          lossCurve: [],
          test: null,
          earlyStop: null,
          epoch: 0,
          step: 0,
        });
        return;
      case 'test':
        this.setTraining({
          test: e.report,
          ...(t.folds && { folds: { ...t.folds, reports: [...t.folds.reports, e.report] } }),
        });
        // The selected epoch's embeddings (when it is not the last) are what the map,
        // neighbours and exports show.
        if (e.snapshot) {
          this.store.set({ embeddings: e.snapshot });
          this.deps.refreshSelection();
        }
        if (e.snapshot && e.snapshot.dim >= 2 && !t.tuning) this.deps.project();
        return;
      case 'status': {
        this.setTraining({ status: e.status, ...(e.status === 'done' ? { etaSeconds: 0 } : {}) });
        if (e.status !== 'done' && e.status !== 'stopped') return;
        const tuning = this.store.get().training.tuning;
        // A search's trials are recorded as each ends; its end only closes the search.
        if (tuning) {
          this.setTraining({ tuning: { ...tuning, status: e.status } });
          return;
        }
        const before = this.store.get().runs.length;
        this.recordRun(e.status);
        const runs = this.store.get().runs;
        // The map the run ends with (the selected epoch's), measured.
        if (runs.length > before) void this.deps.space.measure(runs[runs.length - 1].id);
        return;
      }
      case 'error':
        this.setTraining({
          status: t.status === 'idle' && !t.startedAt ? 'idle' : 'error',
          error: e.message,
        });
        this.deps.reportError('training', e.message);
        return;
    }
  }
}

/** The live state of a run that is starting (its curves, results and counts cleared). */
function freshRun(config: TrainConfig): Partial<TrainingState> {
  return {
    model: config.model,
    epoch: 0,
    epochsTotal: config.epochs,
    step: 0,
    history: [],
    test: null,
    validationRows: 0,
    validationUnseen: 0,
    setup: null,
    lossCurve: [],
    rowsPerSecond: null,
    etaSeconds: null,
    baselines: null,
    feedback: null,
    predictsRatings: null,
    droppedBelowThreshold: 0,
    userDays: 0,
    earlyStop: null,
    spaceHistory: [],
  };
}
