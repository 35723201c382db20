/**
 * The training worker's logic as a plain class (testable in Node on the cpu backend): splits the
 * data, fits the reference baselines, runs the Trainer with pause / resume / stop, and posts
 * progress about every `progressMs` (one GPU read each), plus metrics and embeddings per epoch.
 */
import type { ModelTrainer, TrainData } from '../../core/training/trainer';
import { createTrainer } from '../../core/training/create';
import { EarlyStopping, prepareExperiment } from '../../core/training/experiment';
import { validateConfig, type TrainConfig } from '../../core/training/config';
import { fitBiases, meanRating, predictBiases } from '../../core/models/baseline';
import { ratingMetrics, type RatingMetrics } from '../../core/metrics/rating';
import type { TrainingDataPayload, TrainingEvent, TrainingRequest } from './protocol';
import type { EngineHook } from '../../core/engines/choose';
import type { EnginePreference } from '../../core/engines/types';

export type Post = (e: TrainingEvent) => void;

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export class TrainingSession {
  private paused = false;
  private stopped = false;
  private resume: (() => void) | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly post: Post,
    private readonly progressMs = 250,
    /** Picks the engine per run (the worker's); without it, tfjs on the current backend. */
    private readonly engines: EngineHook | null = null,
  ) {}

  handle(msg: TrainingRequest): void {
    switch (msg.type) {
      case 'train':
        if (this.running) {
          this.post({ type: 'error', message: 'Training is already running; stop it first.' });
          return;
        }
        this.paused = false;
        this.stopped = false;
        this.running = this.run(msg.data, msg.config, msg.engine ?? 'auto')
          .catch((e: unknown) =>
            this.post({ type: 'error', message: e instanceof Error ? e.message : String(e) }),
          )
          .finally(() => (this.running = null));
        return;
      case 'pause':
        if (this.running && !this.paused) {
          this.paused = true;
          this.post({ type: 'status', status: 'paused' });
        }
        return;
      case 'resume':
        this.unpause();
        return;
      case 'stop':
        this.stopped = true;
        this.unpause();
        return;
    }
  }

  /** Resolves when the current run (if any) has finished. */
  whenIdle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  private unpause(): void {
    if (!this.paused) return;
    this.paused = false;
    this.post({ type: 'status', status: 'running' });
    this.resume?.();
    this.resume = null;
  }

  private async run(
    payload: TrainingDataPayload,
    requested: TrainConfig,
    engine: EnginePreference,
  ): Promise<void> {
    const problems = validateConfig(requested);
    if (problems.length) throw new Error(`Invalid settings: ${problems.join('; ')}`);
    const { data, feedback, droppedBelowThreshold } = prepareExperiment(payload, requested);
    const config = { ...requested, feedback };
    const chosen = this.engines && (await this.engines.create(data, config, engine));
    const trainer = chosen?.trainer ?? createTrainer(data, config);
    if (chosen) this.post({ type: 'engine', engine: chosen.engine, engines: chosen.engines });
    try {
      this.post({
        type: 'started',
        trainRows: data.train.rating.length,
        testRows: data.test.rating.length,
        stepsPerEpoch: trainer.stepsPerEpoch,
        epochs: trainer.epochs,
        feedback,
        droppedBelowThreshold,
        userDays: trainer.model.tables.some((t) => t.indexedBy === 'userDay')
          ? (data.userDay?.count ?? 0)
          : 0,
        predictsRatings: !!trainer.model.predictsRatings,
        baselines: trainer.model.predictsRatings ? ratingBaselines(data) : null,
      });
      this.post({ type: 'status', status: 'running' });
      const early = await this.loop(trainer, config);
      this.post({ type: 'status', status: this.stopped && !early ? 'stopped' : 'done' });
    } finally {
      trainer.dispose();
    }
  }

  /** Trains until done, stopped, or stopped early (returns true then). */
  private async loop(trainer: ModelTrainer, config: TrainConfig): Promise<boolean> {
    const totalSteps = trainer.stepsPerEpoch * trainer.epochs;
    const early = new EarlyStopping(config.patience);
    let windowRows = 0;
    let windowStart = performance.now();
    let epochStart = windowStart;
    let epochLoss = 0;
    let epochLossSteps = 0;
    let stepsPerRead = 1;
    let sinceRead = 0;
    while (!trainer.finished && !this.stopped) {
      if (this.paused) {
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
      windowRows += rows;
      sinceRead++;
      const endOfEpoch = trainer.stepInEpoch === 0;
      if (sinceRead < stepsPerRead && !endOfEpoch) continue;
      const taken = await trainer.takeLoss(); // the one GPU read: it also waits for the steps
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
        // Rating metrics for rating models. Ranking scores every item for every user (about
        // 0.6 s on the sample in software WebGL, as long as an epoch): every epoch for ranking
        // models, and a final report after a rating model's last epoch. AUC on the last epoch.
        const ranker = !trainer.model.predictsRatings;
        const metrics: Partial<RatingMetrics> = ranker ? {} : await trainer.evaluate();
        const ranking =
          ranker || trainer.finished ? await trainer.rankingReport(trainer.finished) : null;
        const snapshot = await trainer.snapshot();
        this.post({
          type: 'epoch',
          entry: {
            epoch: trainer.epoch,
            trainLoss: epochLoss / epochLossSteps,
            ...metrics,
            ...(ranking && {
              k: 20,
              recallAtK: ranking.at[20].recall,
              ndcgAtK: ranking.at[20].ndcg,
              ranking: {
                precision10: ranking.at[10].precision,
                recall10: ranking.at[10].recall,
                ndcg10: ranking.at[10].ndcg,
                hitRate10: ranking.at[10].hitRate,
                map10: ranking.metrics.map,
                mrr10: ranking.metrics.mrr,
                coverage10: ranking.metrics.coverage,
                auc: Number.isNaN(ranking.metrics.auc) ? null : ranking.metrics.auc,
              },
            }),
            seconds: epochSeconds,
          },
          snapshot,
        });
        epochLoss = 0;
        epochLossSteps = 0;
        windowStart = epochStart = performance.now();
        const score = ranker ? ranking?.at[20].recall : metrics.rmse && -metrics.rmse;
        if (score !== undefined && early.done(score)) {
          this.post({
            type: 'early-stop',
            epoch: trainer.epoch,
            bestEpoch: early.bestEpoch,
          });
          this.stopped = true;
          return true;
        }
      }
      await nextTask(); // let pause / stop messages in
    }
    return false;
  }
}

/** The reference lines under an explicit model's curves: the global mean and user + item biases. */
function ratingBaselines(data: TrainData) {
  const mean = meanRating(data.train.rating);
  const clip = [data.ratingMin, data.ratingMax] as const;
  const biases = fitBiases(data.train, data.users, data.items);
  return {
    globalMean: ratingMetrics(
      new Float32Array(data.test.rating.length).fill(mean),
      data.test.rating,
      ...clip,
    ),
    biases: ratingMetrics(
      predictBiases(biases, data.test.user, data.test.item),
      data.test.rating,
      ...clip,
    ),
  };
}
