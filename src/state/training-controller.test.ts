import { nextTask } from '../core/util/next-task';
import { describe, expect, it, vi } from 'vitest';
import { MAX_LOSS_POINTS, TrainingController, type TrainingChannel } from './training-controller';
import { labStore, tinyDataset, tinySnapshot } from './test-fixtures';
import type { LabState } from './lab-state';
import type { HistoryEntry, TrainingEvent, TrainingRequest } from '../worker/training/protocol';
import { MISSING_TEST_FILE } from '../core/training/test-file-part';

/** A controller over a fake worker: what it sent, and a way to answer as the worker would. */
/** The tasks between an epoch and its layout: the sample's, then the layout's. */
const layoutTasks = () => nextTask().then(nextTask);

function setup(patch: Partial<LabState> = {}) {
  const store = labStore({ dataset: tinyDataset(), ...patch });
  const sent: TrainingRequest[] = [];
  let emit: (e: TrainingEvent) => void = () => undefined;
  const channel: TrainingChannel = { send: (r) => sent.push(r), dispose: vi.fn() };
  const deps = {
    reportError: vi.fn(),
    project: vi.fn(),
    projectLive: vi.fn(),
    prepareLayout: vi.fn(),
    refreshSelection: vi.fn(),
    space: {
      reset: vi.fn(),
      measure: vi.fn(() => Promise.resolve()),
      measureEpoch: vi.fn(() => Promise.resolve()),
    },
    connect: (cb: (e: TrainingEvent) => void) => {
      emit = cb;
      return channel;
    },
  };
  const c = new TrainingController(store, deps);
  return { store, sent, deps, c, channel, emit: (e: TrainingEvent) => emit(e) };
}

const entry = (epoch: number): HistoryEntry => ({
  epoch,
  trainLoss: 1 / epoch,
  rmse: 1 / epoch,
  split: 'test',
  seconds: 0.1,
});

const started: TrainingEvent = {
  type: 'started',
  trainRows: 4,
  testRows: 1,
  validationRows: 0,
  validationUnseen: 0,
  stepsPerEpoch: 1,
  epochs: 3,
  feedback: 'explicit',
  droppedBelowThreshold: 0,
  userDays: 0,
  predictsRatings: true,
  baselines: null,
  setup: { splitSeconds: 0, reused: true, engineSeconds: 0.5, baselineSeconds: 0 },
};

describe('TrainingController', () => {
  it('sends one run with the settings and the engine, and resets the last run', () => {
    const { c, sent, store, deps } = setup();
    const layout = {
      epoch: 1,
      method: 'pca' as const,
      dims: 2 as const,
      coords: new Float32Array(14),
      space: { items: 4, users: 3, features: 0 },
      laidOut: null,
    };
    store.set((s) => ({ projection: { ...s.projection, history: [layout, layout], replay: 0 } }));
    c.setConfig({ epochs: 3, dim: 4 });
    c.setEngine('cpu-parallel');
    c.train();
    c.train(); // ignored: a run is under way
    expect(sent).toHaveLength(1);
    const req = sent[0];
    expect(req.type).toBe('train');
    if (req.type !== 'train') return;
    expect(req.config.epochs).toBe(3);
    expect(req.config.dim).toBe(4);
    expect(req.engine).toBe('cpu-parallel');
    expect(req.data.user).toEqual(tinyDataset().user);
    expect(c.isTraining()).toBe(true);
    expect(store.get().training.status).toBe('running');
    expect(store.get().projection.history).toEqual([]);
    expect(store.get().projection.replay).toBeNull();
    expect(deps.space.reset).toHaveBeenCalledOnce();
  });

  it('refuses the test-file split without a test file, before sending anything', () => {
    const { c, sent, store, deps } = setup();
    c.setConfig({ split: 'test-file' });
    c.train();
    expect(sent).toEqual([]);
    expect(store.get().training.error).toBe(MISSING_TEST_FILE);
    expect(deps.reportError).toHaveBeenCalledWith('training', MISSING_TEST_FILE);
  });

  it('skips a live layout the run would outlast: the final one replaces it unseen', async () => {
    const { c, emit, store, deps } = setup();
    c.setConfig({ epochs: 4, projectEvery: 1 });
    // The last layout took 3 s.
    store.set((s) => ({
      projection: { ...s.projection, coords: new Float32Array(14), ms: 3000 },
    }));
    c.train();
    expect(store.get().training.setup).toBeNull();
    emit(started);
    expect(store.get().training.setup).toEqual({
      splitSeconds: 0,
      reused: true,
      engineSeconds: 0.5,
      baselineSeconds: 0,
    });
    // 2 s left: a layout would end after the run.
    emit({ type: 'progress', epoch: 1, step: 1, loss: 2, rowsPerSecond: 10, etaSeconds: 2 });
    emit({ type: 'epoch', entry: entry(1), snapshot: tinySnapshot(1) });
    await nextTask();
    expect(deps.projectLive).not.toHaveBeenCalled();
    // A slower machine (or a longer run): 30 s left, the layout is worth drawing.
    emit({ type: 'progress', epoch: 2, step: 2, loss: 2, rowsPerSecond: 10, etaSeconds: 30 });
    emit({ type: 'epoch', entry: entry(2), snapshot: tinySnapshot(2) });
    // In tasks of their own, after the epoch's: its sample drawn first, then the layout.
    expect(deps.prepareLayout).not.toHaveBeenCalled();
    await nextTask();
    expect(deps.prepareLayout).toHaveBeenCalledTimes(1);
    expect(deps.projectLive).not.toHaveBeenCalled();
    await nextTask();
    expect(deps.projectLive).toHaveBeenCalledTimes(1);
  });

  it('does nothing without a data set', () => {
    const { c, sent } = setup({ dataset: null });
    c.train();
    expect(sent).toEqual([]);
  });

  it('turns a run into state: curves, epochs, layouts every projectEvery epochs and the last', async () => {
    const { c, emit, store, deps } = setup();
    c.setConfig({ epochs: 3, projectEvery: 2 });
    c.train();
    emit(started);
    expect(store.get().training.epochsTotal).toBe(3);
    expect(store.get().training.feedback).toBe('explicit');
    emit({ type: 'progress', epoch: 0.5, step: 1, loss: 2, rowsPerSecond: 10, etaSeconds: 1 });
    expect(store.get().training.lossCurve).toEqual([{ epoch: 0.5, loss: 2 }]);
    expect(store.get().training.rowsPerSecond).toBe(10);
    // Epoch 1: nothing drawn yet, so it is laid out at once.
    emit({ type: 'epoch', entry: entry(1), snapshot: tinySnapshot(1) });
    expect(store.get().embeddings?.epoch).toBe(1);
    expect(deps.refreshSelection).toHaveBeenCalledTimes(1);
    // Mid-run layouts are live ones (they wait for a running layout); the last supersedes.
    await layoutTasks();
    expect(deps.projectLive).toHaveBeenCalledTimes(1);
    store.set((s) => ({ projection: { ...s.projection, coords: new Float32Array(14) } }));
    emit({ type: 'epoch', entry: entry(2), snapshot: tinySnapshot(2) });
    await layoutTasks();
    expect(deps.projectLive).toHaveBeenCalledTimes(2); // 2 % projectEvery
    expect(deps.project).not.toHaveBeenCalled();
    emit({ type: 'epoch', entry: entry(3), snapshot: tinySnapshot(3) });
    await layoutTasks();
    expect(deps.project).toHaveBeenCalledTimes(1); // the last
    expect(deps.projectLive).toHaveBeenCalledTimes(2);
    expect(store.get().training.history.map((h) => h.epoch)).toEqual([1, 2, 3]);
    // Each epoch's map is measured for the per-epoch space-quality line.
    expect(deps.space.measureEpoch.mock.calls).toEqual([[1], [2], [3]]);
    emit({ type: 'status', status: 'done' });
    const { runs, training } = store.get();
    expect(training.status).toBe('done');
    expect(runs).toHaveLength(1);
    expect(runs[0].status).toBe('done');
    expect(deps.space.measure).toHaveBeenCalledWith(runs[0].id);
    expect(c.isTraining()).toBe(false);
  });

  it('an epoch trained again (from an earlier checkpoint) replaces the one it repeats', () => {
    const { c, emit, store } = setup();
    c.setConfig({ epochs: 4, projectEvery: 0 });
    c.train();
    emit(started);
    for (const k of [1, 2, 3]) emit({ type: 'epoch', entry: entry(k), snapshot: tinySnapshot(k) });
    // Back to epoch 1's parameters: epochs 2 and 3 train again.
    emit({ type: 'epoch', entry: { ...entry(2), rmse: 0.4 }, snapshot: tinySnapshot(2) });
    const { history, epoch } = store.get().training;
    expect(history.map((h) => [h.epoch, h.rmse])).toEqual([
      [1, 1],
      [2, 0.4],
    ]);
    expect(epoch).toBe(2);
  });

  it('Resume goes on from the stored epoch, keeping the history up to it', () => {
    const { c, sent, store } = setup();
    const config = { ...store.get().training.config, epochs: 5 };
    const state = { epoch: 2, model: 'biased-mf', params: [] };
    store.set((s) => ({
      training: { ...s.training, history: [1, 2, 3].map(entry), epoch: 3 },
      durable: {
        ...s.durable,
        interrupted: { epoch: 3, resumeFrom: 2, epochs: 5, config, state },
      },
    }));
    c.resumeInterrupted();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ type: 'train', resume: state });
    const { training, durable } = store.get();
    expect(training.history.map((h) => h.epoch)).toEqual([1, 2]);
    expect(training.epoch).toBe(2);
    expect(durable.interrupted).toBeNull();
    expect(durable.checkpoint).toBe(state);
  });

  it('lays out nothing for one-value models or a search', () => {
    const { c, emit, deps } = setup();
    c.setConfig({ epochs: 1 });
    c.train();
    emit(started);
    emit({ type: 'epoch', entry: entry(1), snapshot: tinySnapshot(1, 1) });
    expect(deps.project).not.toHaveBeenCalled();
    emit({ type: 'status', status: 'done' });
    c.tune();
    const measured = deps.space.measureEpoch.mock.calls.length;
    emit({ type: 'epoch', entry: entry(1), snapshot: tinySnapshot(1) });
    expect(deps.project).not.toHaveBeenCalled();
    expect(deps.projectLive).not.toHaveBeenCalled();
    // A search's trials are not measured epoch by epoch.
    expect(deps.space.measureEpoch).toHaveBeenCalledTimes(measured);
  });

  it('keeps the loss curve bounded', () => {
    const { c, emit, store } = setup();
    c.train();
    for (let i = 0; i <= MAX_LOSS_POINTS; i++)
      emit({ type: 'progress', epoch: i / 100, step: i, loss: 1, rowsPerSecond: 1, etaSeconds: 1 });
    const curve = store.get().training.lossCurve;
    expect(curve.length).toBeLessThanOrEqual(MAX_LOSS_POINTS);
    expect(curve[0].epoch).toBe(0);
  });

  it('records a search trial as stopped after Stop, and closes the search', () => {
    const { c, emit, store, sent } = setup();
    c.tune();
    expect(sent[0].type === 'train' && sent[0].tune).toBeTruthy();
    const config = store.get().training.config;
    const trial = { id: 1, rung: 0, settings: { learningRate: 0.1 }, epochs: 1 };
    emit({ type: 'trial', trial, total: 2, config });
    emit(started);
    emit({ type: 'epoch', entry: entry(1), snapshot: tinySnapshot(1) });
    c.stop();
    expect(sent.at(-1)).toEqual({ type: 'stop' });
    emit({ type: 'trial-end', trial, score: 0.5 });
    const s = store.get();
    expect(s.runs).toHaveLength(1);
    expect(s.runs[0].status).toBe('stopped');
    expect(s.runs[0].trial).toEqual({ id: 1, rung: 0, score: 0.5 });
    expect(s.training.tuning?.done).toBe(1);
    emit({ type: 'status', status: 'stopped' });
    expect(store.get().training.tuning?.status).toBe('stopped');
    expect(store.get().runs).toHaveLength(1); // the search's end adds no row
  });

  it('applies the best trial of a search to the settings', () => {
    const { c, emit, store } = setup();
    c.setConfig({ epochs: 9 });
    c.tune();
    const trial = { id: 2, rung: 1, settings: { learningRate: 0.05 }, epochs: 4 };
    emit({ type: 'tuned', best: { trial, score: 0.9 }, trials: 3 });
    c.applyTuned();
    expect(store.get().training.config.learningRate).toBe(0.05);
    expect(store.get().training.config.epochs).toBe(4);
  });

  it('reports worker errors; one before any run leaves the status idle', () => {
    const { c, emit, store, deps } = setup();
    c.start();
    emit({ type: 'error', message: 'no backend' });
    expect(store.get().training.status).toBe('idle');
    expect(deps.reportError).toHaveBeenCalledWith('training', 'no backend');
    c.train();
    emit({ type: 'error', message: 'boom' });
    expect(store.get().training.status).toBe('error');
    expect(store.get().training.error).toBe('boom');
  });

  it('pairs recommendation jobs with their answers and progress', async () => {
    const { c, emit, sent } = setup();
    const req = {
      k: 1,
      snapshot: tinySnapshot(),
      seen: { offsets: new Int32Array(4), items: new Int32Array(0) },
    };
    const progress = vi.fn();
    const a = c.recommend(req, progress);
    const b = c.recommend(req, () => undefined);
    const [ra, rb] = sent as Extract<TrainingRequest, { type: 'recommend' }>[];
    emit({ type: 'recommend-progress', id: ra.id, done: 1, total: 4 });
    expect(progress).toHaveBeenCalledWith(0.25);
    emit({ type: 'recommend-error', id: rb.id, message: 'out of memory' });
    const item = Int32Array.from([1, 2, 3]);
    emit({ type: 'recommendations', id: ra.id, k: 1, item, score: new Float32Array(3) });
    await expect(a).resolves.toMatchObject({ item });
    await expect(b).rejects.toThrow('out of memory');
  });

  it('test report: the selected epoch is shown and laid out again', () => {
    const { c, emit, store, deps } = setup();
    c.train();
    emit({ type: 'test', report: { epoch: 1, rows: 1, rmse: 0.9 }, snapshot: tinySnapshot(1) });
    expect(store.get().training.test?.rmse).toBe(0.9);
    expect(store.get().embeddings?.epoch).toBe(1);
    expect(deps.refreshSelection).toHaveBeenCalled();
    expect(deps.project).toHaveBeenCalledOnce();
  });
  it('Recalibrate: sends the data to measure, shows the fresh rows a second, keeps them on an error', () => {
    const { c, emit, store, sent, deps } = setup();
    c.recalibrate();
    expect(sent.at(-1)).toMatchObject({ type: 'calibrate', data: { users: 3, items: 4 } });
    expect(store.get().engine.calibrating).toBe(true);
    c.recalibrate(); // one at a time
    expect(sent.filter((r) => r.type === 'calibrate')).toHaveLength(1);
    const engines = [
      { engine: 'webgl' as const, rowsPerSecond: 10, chosen: false },
      { engine: 'cpu-parallel' as const, rowsPerSecond: 20, chosen: true },
    ];
    emit({ type: 'calibrated', engine: 'cpu-parallel', engines });
    expect(store.get().engine).toMatchObject({
      engine: 'cpu-parallel',
      engines,
      calibrating: false,
    });
    c.recalibrate();
    emit({ type: 'calibrated', engine: null, engines: [], error: 'no engine' });
    expect(store.get().engine).toMatchObject({ engines, calibrating: false });
    expect(deps.reportError).toHaveBeenCalledWith('engine', 'no engine');
    // The calibration at start: a newer case's request while one measures; the first answer
    // (cancelled by the worker) leaves the page measuring until the second comes.
    c.recalibrate(false);
    c.recalibrate(false);
    expect(sent.filter((r) => r.type === 'calibrate' && r.fresh === false)).toHaveLength(2);
    emit({ type: 'calibrated', engine: null, engines: [], cancelled: true });
    expect(store.get().engine.calibrating).toBe(true);
    emit({ type: 'calibrated', engine: 'cpu-parallel', engines });
    expect(store.get().engine.calibrating).toBe(false);
    expect(deps.reportError).toHaveBeenCalledTimes(1);
    // Not while a run trains.
    c.train();
    const before = sent.length;
    c.recalibrate();
    expect(sent.length).toBe(before);
  });
});
