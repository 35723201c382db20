import { describe, expect, it } from 'vitest';
import { TrainingSession } from './session';
import type { TrainingDataPayload, TrainingEvent } from './session-messages';
import { DEFAULT_CONFIG, type TrainConfig } from './config';
import { plantedLowRank } from '../data/synthetic';
import { emptyFeatureTable } from '../data/types';
import { selectedEpoch } from './protocol';
import type { TuneBudget } from './tuning';
import { createTrainer } from './create';

const USERS = 40;
const ITEMS = 30;

/** Noisy ratings of a planted model: an unregularised model overfits them within a few epochs. */
function noisy(): TrainingDataPayload {
  const d = plantedLowRank({
    users: USERS,
    items: ITEMS,
    rank: 2,
    density: 0.5,
    noise: 1,
    seed: 3,
  });
  return {
    users: USERS,
    items: ITEMS,
    ...d,
    timestamp: null,
    kind: 'explicit',
    ratingMin: -Infinity,
    ratingMax: Infinity,
    itemFeatures: emptyFeatureTable(ITEMS),
    userFeatures: emptyFeatureTable(USERS),
  };
}

const overfitting: TrainConfig = {
  ...DEFAULT_CONFIG,
  dim: 16,
  l2: 0,
  learningRate: 0.05,
  batchSize: 64,
  epochs: 12,
  projectEvery: 0,
};

async function run(
  data: TrainingDataPayload,
  config: TrainConfig,
  tune?: TuneBudget,
): Promise<TrainingEvent[]> {
  const events: TrainingEvent[] = [];
  const session = new TrainingSession((e) => events.push(e), 1e9);
  session.handle({ type: 'train', data, config, tune });
  await session.whenIdle();
  const error = events.find((e) => e.type === 'error');
  if (error) throw new Error(error.message);
  return events;
}

const of = <T extends TrainingEvent['type']>(events: TrainingEvent[], type: T) =>
  events.filter((e): e is Extract<TrainingEvent, { type: T }> => e.type === type);

describe('TrainingSession: validation selects, the test part is scored once', () => {
  it('scores every epoch on validation and the test part once, at the best epoch', async () => {
    const events = await run(noisy(), overfitting);
    const started = of(events, 'started')[0];
    expect(started.validationRows).toBeGreaterThan(0);
    const history = of(events, 'epoch').map((e) => e.entry);
    expect(history).toHaveLength(12);
    expect(history.every((h) => h.split === 'validation' && h.rmse !== undefined)).toBe(true);
    const tests = of(events, 'test');
    expect(tests).toHaveLength(1);
    const { report, snapshot } = tests[0];
    const best = selectedEpoch(history, true)!;
    expect(report.epoch).toBe(best.epoch);
    // The run overfits: the best epoch is not the last, so the map gets that epoch's factors.
    expect(report.epoch).toBeLessThan(12);
    expect(snapshot?.epoch).toBe(report.epoch);
    expect(report.rows).toBe(started.testRows);
    expect(report.rmse).toBeGreaterThan(0);
    // The test report comes after the last epoch and before the run says it is done.
    const order = events.map((e) => e.type).filter((t) => t === 'test' || t === 'status');
    expect(order.slice(-2)).toEqual(['test', 'status']);

    // Put back, not retrained: the same as a run that ends at that epoch.
    const short = await run(noisy(), { ...overfitting, epochs: report.epoch });
    const direct = of(short, 'test')[0];
    expect(direct.report.epoch).toBe(report.epoch);
    expect(direct.snapshot).toBeNull(); // nothing to put back: its last epoch is the best
    const atBest = of(events, 'epoch')[report.epoch - 1].snapshot;
    expect(Array.from(atBest.itemFactors.slice(0, 16))).toEqual(
      Array.from(of(short, 'epoch').at(-1)!.snapshot.itemFactors.slice(0, 16)),
    );
    expect(Array.from(snapshot!.itemFactors.slice(0, 16))).toEqual(
      Array.from(of(short, 'epoch').at(-1)!.snapshot.itemFactors.slice(0, 16)),
    );
    expect(report.rmse).toBeCloseTo(direct.report.rmse!, 5);
  });

  it('stops early on validation, never on test', async () => {
    const events = await run(noisy(), { ...overfitting, patience: 2 });
    const stop = of(events, 'early-stop')[0];
    expect(stop).toBeDefined();
    expect(stop.epoch - stop.bestEpoch).toBe(2);
    expect(of(events, 'test')[0].report.epoch).toBe(stop.bestEpoch);
  });

  it('without a validation part: curves on test, no early stopping, the last epoch reported', async () => {
    const events = await run(noisy(), { ...overfitting, patience: 1, validationFraction: 0 });
    const history = of(events, 'epoch').map((e) => e.entry);
    expect(history).toHaveLength(12);
    expect(history.every((h) => h.split === 'test')).toBe(true);
    expect(of(events, 'early-stop')).toHaveLength(0);
    const { report, snapshot } = of(events, 'test')[0];
    expect(report.epoch).toBe(12);
    expect(snapshot).toBeNull();
    expect(report.rmse).toBeCloseTo(history[11].rmse!, 5);
  });

  it('ranking models: Recall@20 on validation each epoch, AUC with the test report', async () => {
    const data = noisy();
    const events = await run(data, { ...DEFAULT_CONFIG, model: 'bpr', epochs: 3, dim: 8 });
    const history = of(events, 'epoch').map((e) => e.entry);
    expect(history.every((h) => h.split === 'validation' && h.recallAtK !== undefined)).toBe(true);
    const { report } = of(events, 'test')[0];
    expect(report.k).toBe(20);
    expect(report.recallAtK).toBeGreaterThanOrEqual(0);
    expect(report.auc).toBeGreaterThan(0);
    expect(report.rmse).toBeUndefined();
  });
});

describe('TrainingSession: tuning', () => {
  it('trains the search’s trials, each a run with its test report, and names the best on validation', async () => {
    const events = await run(
      noisy(),
      { ...overfitting, epochs: 3 },
      {
        method: 'halving',
        trials: 3,
        minutes: 0,
      },
    );
    const trials = of(events, 'trial');
    expect(trials.map((t) => [t.trial.rung, t.config.epochs])).toEqual([
      [0, 1],
      [0, 1],
      [0, 1],
      [1, 3],
    ]);
    expect(trials[0].config.learningRate).toBe(overfitting.learningRate); // the settings first
    const ends = of(events, 'trial-end');
    expect(ends).toHaveLength(4);
    expect(of(events, 'test')).toHaveLength(4);
    // The trial promoted is the best of the first rung by validation score.
    const firstRung = ends.slice(0, 3);
    const top = firstRung.reduce((a, b) => (b.score! > a.score! ? b : a));
    expect(trials[3].trial.settings).toEqual(top.trial.settings);
    const tuned = of(events, 'tuned')[0];
    expect(tuned.trials).toBe(4);
    expect(tuned.best!.trial.id).toBe(trials[3].trial.id);
    expect(tuned.best!.score).toBe(ends[3].score);
    expect(of(events, 'status').at(-1)!.status).toBe('done');
  });

  it('refuses to tune without a validation part', async () => {
    await expect(
      run(noisy(), { ...overfitting, validationFraction: 0 }, DEFAULT_TUNE_SMALL),
    ).rejects.toThrow(/validation part/);
  });
});

const DEFAULT_TUNE_SMALL: TuneBudget = { method: 'random', trials: 2, minutes: 0 };

describe('an engine hook that switches the tfjs backend', () => {
  it('reports the backend the run trains on, after the engine', async () => {
    const events: TrainingEvent[] = [];
    const session = new TrainingSession((e) => events.push(e), 1e9, {
      async create(data, config) {
        const trainer = createTrainer(data, config);
        return {
          trainer,
          engine: 'cpu',
          engines: [{ engine: 'cpu', rowsPerSecond: null, chosen: true, reason: 'tfjs wasm' }],
          backend: { backend: 'wasm', fallbackReason: null, renderer: null },
        };
      },
    });
    session.handle({ type: 'train', data: noisy(), config: { ...overfitting, epochs: 1 } });
    await session.whenIdle();
    const kinds = events.map((e) => e.type).filter((t) => t === 'engine' || t === 'backend');
    expect(kinds).toEqual(['engine', 'backend']);
    expect(events.find((e) => e.type === 'backend')).toMatchObject({ backend: 'wasm' });
    expect(events.some((e) => e.type === 'error')).toBe(false);
  });
});

describe('pause', () => {
  it('says paused once the steps stop: no progress after it until resumed', async () => {
    const events: TrainingEvent[] = [];
    const session = new TrainingSession((e) => events.push(e), 1e9);
    session.handle({ type: 'train', data: noisy(), config: { ...overfitting, epochs: 400 } });
    while (!events.some((e) => e.type === 'progress')) await new Promise((r) => setTimeout(r, 5));
    session.handle({ type: 'pause' });
    while (!events.some((e) => e.type === 'status' && e.status === 'paused'))
      await new Promise((r) => setTimeout(r, 5));
    const at = events.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(events.slice(at).filter((e) => e.type === 'progress' || e.type === 'epoch')).toEqual([]);
    session.handle({ type: 'stop' });
    await session.whenIdle();
    expect(events.at(-1)).toEqual({ type: 'status', status: 'stopped' });
  });
});
