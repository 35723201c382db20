import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watchCalibration } from './auto-calibrate';
import { labStore, tinyDataset } from './test-fixtures';
import type { LabState } from './lab-state';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

/** A store with the tiny data set loaded and the page at rest, and the watcher's calls. */
function watched() {
  const store = labStore({ dataset: tinyDataset() });
  let calls = 0;
  const stop = watchCalibration(store, () => calls++, 800);
  return { store, stop, calls: () => calls };
}

const config = (
  store: ReturnType<typeof labStore>,
  patch: Partial<LabState['training']['config']>,
) =>
  store.set((s) => ({ training: { ...s.training, config: { ...s.training.config, ...patch } } }));

describe('the calibration at start', () => {
  it('measures once the page has rested on a case, and once per case', () => {
    const { store, calls } = watched();
    vi.advanceTimersByTime(799);
    expect(calls()).toBe(0);
    vi.advanceTimersByTime(1);
    expect(calls()).toBe(1);
    // Unrelated changes do not measure again; a new model does, after its own pause.
    store.set((s) => ({ errors: [...s.errors] }));
    config(store, { epochs: 3 });
    vi.advanceTimersByTime(2000);
    expect(calls()).toBe(1);
    config(store, { model: 'bpr' });
    vi.advanceTimersByTime(800);
    expect(calls()).toBe(2);
    // A step's cost depends on the dimension too.
    config(store, { dim: 8 });
    vi.advanceTimersByTime(800);
    expect(calls()).toBe(3);
  });

  it('waits while a layout or a run is under way, and not at all for a chosen engine', () => {
    const { store, calls } = watched();
    store.set((s) => ({ projection: { ...s.projection, status: 'running' } }));
    vi.advanceTimersByTime(5000);
    expect(calls()).toBe(0);
    store.set((s) => ({ projection: { ...s.projection, status: 'done' } }));
    vi.advanceTimersByTime(800);
    expect(calls()).toBe(1);

    config(store, { model: 'bpr' });
    store.set((s) => ({ engine: { ...s.engine, preference: 'webgl' } }));
    vi.advanceTimersByTime(5000);
    expect(calls()).toBe(1);
  });

  it('a run of the case is its calibration; a new data set is a new case', () => {
    const { store, calls } = watched();
    // Train is pressed before the pause is over: the run measures and says its engine.
    store.set((s) => ({ training: { ...s.training, status: 'running' } }));
    store.set((s) => ({ engine: { ...s.engine, engine: 'cpu-parallel' } }));
    store.set((s) => ({ training: { ...s.training, status: 'done' } }));
    vi.advanceTimersByTime(5000);
    expect(calls()).toBe(0);
    store.set({ dataset: tinyDataset() });
    vi.advanceTimersByTime(800);
    expect(calls()).toBe(1);
  });

  it('stops watching when disposed', () => {
    const { stop, calls } = watched();
    stop();
    vi.advanceTimersByTime(5000);
    expect(calls()).toBe(0);
  });
});
