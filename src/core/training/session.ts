/**
 * The training worker's logic as a plain class (testable in Node on the cpu backend): splits the
 * data, fits the reference baselines, runs the Trainer with pause / resume / stop, and posts
 * progress about every `progressMs` (one GPU read each), plus metrics and embeddings per epoch.
 */
import type { ModelTrainer } from './trainer';
import { createTrainer } from './create';
import { PreparedExperiments } from './prepared';
import type { Experiment } from './experiment';
import type { Fold } from '../data/split';
import { Search, type TuneBudget } from './tuning';
import {
  EarlyStopping,
  heldOutMetrics,
  testReport,
  validationScore,
  type HeldOutPart,
} from './protocol';
import { validateConfig, type TrainConfig } from './config';
import { tablesOf } from '../models/types';
import type {
  RunSetup,
  TrainingDataPayload,
  TrainingEvent,
  TrainingRequest,
} from './session-messages';
import type { EngineHook } from '../engines/choose';
import { Calibrations } from '../engines/calibrate';
import type { EnginePreference } from '../engines/types';
import { shareState, stateBytes, type TrainerState } from './trainer-state';
import { GpuLostError, lossNotice, safely, type GpuGuard } from './recovery';
import { CHECKPOINT_BYTES_PER_SECOND, checkpointDue, type Checkpointed } from './checkpoint-rate';
import { nextTask } from '../util/next-task';

export type Post = (e: TrainingEvent) => void;

interface LoopOptions {
  /** Whether finished epochs' parameters are read and kept (to resume from). */
  keep: boolean;
  /** The engine the run trains on (null: tfjs on the current backend, without an engine hook). */
  engine: string | null;
}

export class TrainingSession {
  private paused = false;
  private stopped = false;
  /** The page's map is laying out: a multi-threaded engine leaves it the other cores. */
  private mapBusy = false;
  private resume: (() => void) | null = null;
  private running: Promise<void> | null = null;
  /** The plain run's last finished epoch, as typed arrays: what a lost GPU context resumes from. */
  private lastState: TrainerState | null = null;

  /** Calibrations without a run (at start, "Recalibrate"); null without engines. */
  private readonly calibrations: Calibrations | null;
  /** The last split prepared (by a calibration or a run), reused by runs of the same data. */
  private readonly prepared = new PreparedExperiments();

  constructor(
    private readonly post: Post,
    private readonly progressMs = 250,
    /** Picks the engine per run (the worker's); without it, tfjs on the current backend. */
    private readonly engines: EngineHook | null = null,
    /** Watches the GPU context (the worker's); without it, a lost context is an error. */
    private readonly gpu: GpuGuard | null = null,
    /** How many bytes of checkpoint a run posts a second at most (Infinity: every epoch). */
    private readonly checkpointRate = CHECKPOINT_BYTES_PER_SECOND,
  ) {
    this.calibrations = engines && new Calibrations(engines, post, this.prepared);
  }

  handle(msg: TrainingRequest): void {
    switch (msg.type) {
      case 'train': {
        if (this.running) {
          this.post({ type: 'error', message: 'Training is already running; stop it first.' });
          return;
        }
        this.paused = false;
        this.stopped = false;
        // A calibration at start still measuring gives way: what it measured is kept.
        this.running = (this.calibrations?.cancel() ?? Promise.resolve())
          .then(() =>
            msg.tune
              ? this.tune(msg.data, msg.config, msg.tune, msg.engine ?? 'auto')
              : this.run(msg.data, msg.config, msg.engine ?? 'auto', msg.resume),
          )
          .catch((e: unknown) =>
            this.post({ type: 'error', message: e instanceof Error ? e.message : String(e) }),
          )
          .finally(() => (this.running = null));
        return;
      }
      case 'calibrate':
        this.calibrate(msg.data, msg.config, msg.fresh ?? true);
        return;
      case 'pause':
        // Said by the loop once it has stopped stepping (loop()): a step in flight still reports
        // its progress first, so nothing moves after the page shows the run paused.
        if (this.running) this.paused = true;
        return;
      case 'resume':
        this.unpause();
        return;
      case 'map':
        this.mapBusy = msg.busy;
        return;
      case 'stop':
        this.stopped = true;
        this.unpause();
        return;
      case 'lose-context': {
        const why = this.gpu ? this.gpu.loseForTest() : 'this worker does not watch its GPU';
        if (why) this.post({ type: 'notice', message: `The GPU context was not lost: ${why}.` });
        return;
      }
    }
  }

  /** Measures the engines without training (Calibrations); refused while a run trains. */
  private calibrate(payload: TrainingDataPayload, config: TrainConfig, fresh: boolean): void {
    const fail = (error: string) =>
      this.post({ type: 'calibrated', engine: null, engines: [], error });
    if (this.running) return fail('Training is running; recalibrate when it ends.');
    if (!this.calibrations) return fail('This worker has no engines to calibrate.');
    this.calibrations.request(payload, config, fresh);
  }

  /** Resolves when the current run and calibration (if any) have finished. */
  async whenIdle(): Promise<void> {
    while (this.running || this.calibrations?.busy) {
      await this.running;
      await this.calibrations?.settled();
    }
  }

  private unpause(): void {
    if (!this.paused) return;
    this.paused = false;
    this.post({ type: 'status', status: 'running' });
    this.resume?.();
    this.resume = null;
  }

  /**
   * A hyper-parameter search: trials of the search (tuning.ts) trained one after another, each a
   * full run with its test report, compared by their validation score only. Ends with the best
   * settings, which the page offers to apply.
   */
  private async tune(
    payload: TrainingDataPayload,
    base: TrainConfig,
    budget: TuneBudget,
    engine: EnginePreference,
  ): Promise<void> {
    const problems = validateConfig(base);
    if (problems.length) throw new Error(`Invalid settings: ${problems.join('; ')}`);
    if (!(base.validationFraction > 0))
      throw new Error('Tuning compares settings on the validation part: set a validation fraction');
    const search = new Search({ ...base, folds: 1 }, budget);
    const deadline = budget.minutes > 0 ? performance.now() + budget.minutes * 60_000 : Infinity;
    for (let trial = search.next(); trial && !this.stopped; trial = search.next()) {
      if (performance.now() > deadline) break;
      const config = { ...base, ...trial.settings, epochs: trial.epochs, folds: 1 };
      this.post({ type: 'trial', trial, total: search.total, config });
      const score = await this.train(payload, config, engine);
      search.report(trial, score ?? -Infinity);
      this.post({ type: 'trial-end', trial, score: score ?? null });
    }
    const best = search.best();
    this.post({
      type: 'tuned',
      best: best && { trial: best.trial, score: best.score },
      trials: search.results.length,
    });
    this.post({ type: 'status', status: this.stopped ? 'stopped' : 'done' });
  }

  /** A run: one training, or with `folds` >= 2 one per fold, each trained afresh. */
  private async run(
    payload: TrainingDataPayload,
    requested: TrainConfig,
    engine: EnginePreference,
    resume?: TrainerState,
  ): Promise<void> {
    const problems = validateConfig(requested);
    if (problems.length) throw new Error(`Invalid settings: ${problems.join('; ')}`);
    const count = requested.folds;
    if (count < 2) {
      await this.train(payload, requested, engine, undefined, resume ?? null);
    } else {
      for (let index = 0; index < count && !this.stopped; index++) {
        this.post({ type: 'fold', index, count });
        await this.train(payload, requested, engine, { index, count });
      }
    }
    this.post({ type: 'status', status: this.stopped ? 'stopped' : 'done' });
  }

  /**
   * Trains once (on one fold's parts, with `fold`) and scores its test part. Returns the
   * selected epoch's validation score (undefined without a validation part or a finished epoch).
   */
  private async train(
    payload: TrainingDataPayload,
    requested: TrainConfig,
    engine: EnginePreference,
    fold?: Fold,
    /** A plain run (kept per epoch, resumable): where it starts, null for the beginning. */
    resume?: TrainerState | null,
  ): Promise<number | undefined> {
    const setupStart = performance.now();
    const reused = this.prepared.has(payload, requested, fold);
    const prepared = this.prepared.prepare(payload, requested, fold);
    const { data, feedback } = prepared;
    const splitSeconds = (performance.now() - setupStart) / 1000;
    const config = { ...requested, feedback };
    const keep = resume !== undefined;
    this.lastState = resume ?? null;
    for (;;) {
      const engineStart = performance.now();
      const chosen = this.engines && (await this.engines.create(data, config, engine));
      const trainer = chosen?.trainer ?? createTrainer(data, config);
      trainer.narrowWhile?.(() => this.mapBusy);
      const engineSeconds = (performance.now() - engineStart) / 1000;
      if (chosen) this.post({ type: 'engine', engine: chosen.engine, engines: chosen.engines });
      if (chosen?.backend) this.post({ type: 'backend', ...chosen.backend });
      let score: number | undefined;
      try {
        if (this.lastState) {
          if (!trainer.resumeAt)
            throw new Error(`The ${chosen?.engine} engine cannot resume a run`);
          await trainer.resumeAt(this.lastState);
        }
        const part: HeldOutPart = data.validation ? 'validation' : 'test';
        this.started(trainer, prepared, part, {
          splitSeconds,
          reused,
          engineSeconds,
          ...(chosen?.builtAhead && { builtAhead: true }),
        });
        const run = { keep, engine: chosen?.engine ?? null };
        score = await this.trainOnce(trainer, config, part, data.test.rating.length, run);
      } catch (e) {
        safely(() => trainer.dispose());
        if (!this.gpu || !(e instanceof GpuLostError || this.gpu.isLost())) throw e;
        // A lost context: the backend is built anew and the run goes on from its last finished
        // epoch, kept on the CPU (a search's or folds' runs are not kept: they stop).
        const backend = await this.gpu.rebuild();
        this.post({ type: 'backend', ...backend });
        const epoch = this.lastState?.epoch ?? 0;
        if (!keep)
          throw new Error(lossNotice(epoch, config.epochs, backend.backend, false), { cause: e });
        this.post({ type: 'notice', message: lossNotice(epoch, config.epochs, backend.backend) });
        continue;
      }
      trainer.dispose();
      return score;
    }
  }

  /** Says what the run trains on (before its first step, and again after a rebuild). */
  private started(
    trainer: ModelTrainer,
    prepared: Experiment,
    part: HeldOutPart,
    setup: Omit<RunSetup, 'baselineSeconds'>,
  ): void {
    const { data, feedback, droppedBelowThreshold, validationUnseen } = prepared;
    const t0 = performance.now();
    const baselines = trainer.model.predictsRatings ? this.prepared.baselines(data, part) : null;
    const baselineSeconds = (performance.now() - t0) / 1000;
    this.post({
      type: 'started',
      trainRows: data.train.rating.length,
      testRows: data.test.rating.length,
      validationRows: data.validation?.rating.length ?? 0,
      validationUnseen,
      stepsPerEpoch: trainer.stepsPerEpoch,
      epochs: trainer.epochs,
      feedback,
      droppedBelowThreshold,
      userDays: tablesOf(trainer.model).some((t) => t.indexedBy === 'userDay')
        ? (data.userDay?.count ?? 0)
        : 0,
      predictsRatings: !!trainer.model.predictsRatings,
      baselines,
      setup: { ...setup, baselineSeconds },
    });
    this.post({ type: 'status', status: 'running' });
  }

  /** Trains to the end of the run and scores the test part; returns the validation score. */
  private async trainOnce(
    trainer: ModelTrainer,
    config: TrainConfig,
    part: HeldOutPart,
    testRows: number,
    run: LoopOptions,
  ): Promise<number | undefined> {
    const { selected, score } = await this.loop(trainer, config, part, run);
    if (selected > 0) await this.guard(this.reportTest(trainer, selected, testRows));
    return part === 'validation' && selected > 0 ? score : undefined;
  }

  /** Waits for `work`, or throws GpuLostError as soon as the GPU context is lost. */
  private guard<T>(work: Promise<T>): Promise<T> {
    if (!this.gpu) return work;
    if (this.gpu.isLost()) return Promise.reject(new GpuLostError());
    const lost = this.gpu.lost().then((): T => {
      throw new GpuLostError();
    });
    return Promise.race([work, lost]);
  }

  /**
   * Scores the test part once, with the selected epoch's parameters (put back from the trainer's
   * checkpoint when a later epoch ran), and posts it with that epoch's factors.
   */
  private async reportTest(trainer: ModelTrainer, selected: number, rows: number): Promise<void> {
    // Parameters moved on after the selected epoch: a later epoch, or steps of a stopped one.
    if (selected !== trainer.epoch || trainer.stepInEpoch !== 0) await trainer.restoreCheckpoint();
    const rewound = selected !== trainer.epoch;
    const rating = trainer.model.predictsRatings ? await trainer.evaluate('test') : null;
    const ranking = await trainer.rankingReport(true, 'test');
    this.post({
      type: 'test',
      report: testReport(selected, rows, heldOutMetrics(rating, ranking)),
      snapshot: rewound ? await trainer.snapshot(selected) : null,
    });
  }

  /**
   * Trains until done, stopped, or stopped early. Returns the selected epoch (0 when no epoch
   * finished): the best on validation, whose parameters the trainer's checkpoint holds, or the last one when the
   * run has no validation part; and the best validation score.
   */
  private async loop(
    trainer: ModelTrainer,
    config: TrainConfig,
    part: HeldOutPart,
    { keep, engine }: LoopOptions,
  ): Promise<{ selected: number; score: number }> {
    const totalSteps = trainer.stepsPerEpoch * trainer.epochs;
    // Nothing may be chosen on the test part: without validation, no early stopping.
    const early = new EarlyStopping(part === 'validation' ? config.patience : 0);
    const selected = () => ({
      selected: part === 'validation' ? early.bestEpoch : trainer.epoch,
      score: early.best,
    });
    let windowRows = 0;
    let windowStart = performance.now();
    let epochStart = windowStart;
    let epochLoss = 0;
    let epochLossSteps = 0;
    let stepsPerRead = 1;
    let sinceRead = 0;
    let lastCheckpoint: Checkpointed | null = null;
    // Whether the run's backend has a context to lose: WebGL (the engine hook's, or without one
    // the current tfjs backend when a guard watches it).
    const losable = !!this.gpu && (engine ?? 'webgl') === 'webgl';
    while (!trainer.finished && !this.stopped) {
      if (this.paused) {
        this.post({ type: 'status', status: 'paused' });
        const pausedAt = performance.now();
        await new Promise<void>((resolve) => (this.resume = resolve));
        // Time spent paused is neither throughput nor epoch time.
        const away = performance.now() - pausedAt;
        windowStart += away;
        epochStart += away;
        continue;
      }
      const rows = trainer.batchRows;
      trainer.step();
      if (this.gpu?.isLost()) throw new GpuLostError();
      windowRows += rows;
      sinceRead++;
      const endOfEpoch = trainer.stepInEpoch === 0;
      if (sinceRead < stepsPerRead && !endOfEpoch) continue;
      // The one GPU read: it also waits for the steps.
      const taken = await this.guard(trainer.takeLoss());
      const now = performance.now();
      const elapsed = (now - windowStart) / 1000;
      const rowsPerSecond = windowRows / Math.max(elapsed, 1e-6);
      if (taken) {
        epochLoss += taken.loss * taken.steps;
        epochLossSteps += taken.steps;
        this.post({
          type: 'progress',
          epoch: trainer.epoch + trainer.stepInEpoch / trainer.stepsPerEpoch,
          step: trainer.totalSteps,
          loss: taken.loss,
          rowsPerSecond,
          etaSeconds: ((totalSteps - trainer.totalSteps) * trainer.batchRows) / rowsPerSecond,
        });
      }
      // Aim for a read every progressMs: fewer reads keep the GPU pipeline full.
      const msPerStep = (now - windowStart) / sinceRead;
      stepsPerRead = Math.max(
        1,
        Math.min(256, Math.round(this.progressMs / Math.max(msPerStep, 0.01))),
      );
      sinceRead = 0;
      windowRows = 0;
      windowStart = now;
      if (endOfEpoch) {
        const epochSeconds = (now - epochStart) / 1000;
        // Each epoch is scored on the validation part by the metric that selects: rating
        // metrics for rating models, ranking (every item for every user: about 0.6 s on the
        // sample in software WebGL) for ranking models. AUC and the rest come with the test.
        const predictsRatings = !!trainer.model.predictsRatings;
        const metrics = heldOutMetrics(
          predictsRatings ? await this.guard(trainer.evaluate(part)) : null,
          predictsRatings ? null : await this.guard(trainer.rankingReport(false, part)),
        );
        const snapshot = await this.guard(trainer.snapshot());
        // The page stores a checkpoint at a bounded rate; a run on WebGL keeps every epoch's
        // here too, so that a lost context goes back one epoch at most. An engine whose export
        // is apart from its snapshot reads it after the epoch is said (at 25M rows the row
        // engine's took 0.3-0.6 s, which the page need not wait for).
        const due = checkpointDue(lastCheckpoint, now, this.checkpointRate);
        const apart = !losable && trainer.exportsApart === true;
        const exportState = async () => {
          const exported =
            keep && trainer.exportState && (due || losable)
              ? shareState(await this.guard(trainer.exportState()))
              : null;
          if (exported) this.lastState = exported;
          const state = due ? exported : null;
          if (state) lastCheckpoint = { at: now, bytes: stateBytes(state) };
          return state;
        };
        const state = apart ? null : await exportState();
        // Values read from a context lost meanwhile may be zeros: the epoch is trained again.
        if (this.gpu?.isLost()) throw new GpuLostError();
        this.post({
          type: 'epoch',
          entry: {
            epoch: trainer.epoch,
            trainLoss: epochLoss / epochLossSteps,
            split: part,
            ...metrics,
            seconds: epochSeconds,
          },
          snapshot,
          ...(state && { state }),
        });
        if (apart) {
          const later = await exportState();
          if (later) this.post({ type: 'checkpoint', epoch: trainer.epoch, state: later });
        }
        epochLoss = 0;
        epochLossSteps = 0;
        windowStart = epochStart = performance.now();
        const score = validationScore(metrics, predictsRatings) ?? -Infinity;
        const stop = early.done(score);
        // The selected epoch's parameters are kept for the test report: the best on validation,
        // or without validation the latest (a stopped run's partial epoch is not a result).
        if (part === 'test' || early.improved) await this.guard(trainer.saveCheckpoint());
        if (stop) {
          this.post({
            type: 'early-stop',
            epoch: trainer.epoch,
            bestEpoch: early.bestEpoch,
          });
          return selected();
        }
      }
      await nextTask(); // let pause / stop messages in
    }
    return selected();
  }
}
