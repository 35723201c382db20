import { describe, expect, it } from 'vitest';
import {
  projectionShare,
  TRAINING_SHARE,
  watchMapBusy,
  watchProjectionShare,
} from './projection-share';
import { labStore } from './test-fixtures';
import type { LabState } from './lab-state';

function at(status: LabState['training']['status'], engine: LabState['engine']['engine']) {
  const store = labStore({});
  store.set((s) => ({
    training: { ...s.training, status },
    engine: { ...s.engine, engine },
  }));
  return store;
}

describe('projectionShare', () => {
  it('throttles the map while training keeps the cores busy, and frees it otherwise', () => {
    expect(projectionShare(at('idle', null).get(), 2)).toBe(1);
    expect(projectionShare(at('done', 'cpu-parallel').get(), 2)).toBe(1);
    expect(projectionShare(at('paused', 'cpu-parallel').get(), 2)).toBe(1);
    // The calibration runs before the engine is known: it measures speed, so the map rests.
    expect(projectionShare(at('running', null).get(), 16)).toBe(TRAINING_SHARE);
    expect(projectionShare(at('running', 'cpu-parallel').get(), 16)).toBe(TRAINING_SHARE);
    expect(projectionShare(at('running', 'webgl').get(), 2)).toBe(TRAINING_SHARE);
    // A GPU engine on a machine with cores to spare leaves the map alone.
    expect(projectionShare(at('running', 'webgl').get(), 8)).toBe(1);
  });

  it('tells the projection worker only when the share changes', () => {
    const store = at('idle', null);
    const sent: number[] = [];
    const stop = watchProjectionShare(store, (s) => sent.push(s), 2);
    store.set((s) => ({ training: { ...s.training, status: 'running' } }));
    store.set((s) => ({ training: { ...s.training, epoch: 1 } }));
    store.set((s) => ({ engine: { ...s.engine, engine: 'cpu-parallel' } }));
    store.set((s) => ({ training: { ...s.training, status: 'done' } }));
    expect(sent).toEqual([TRAINING_SHARE, 1]);
    stop();
    store.set((s) => ({ training: { ...s.training, status: 'running' } }));
    expect(sent).toEqual([TRAINING_SHARE, 1]);
  });
});

describe('watchMapBusy', () => {
  it('says when a layout starts and ends, once each, until unsubscribed', () => {
    const store = labStore({});
    const said: boolean[] = [];
    const stop = watchMapBusy(store, (busy) => said.push(busy));
    const status = (st: LabState['projection']['status']) =>
      store.set((s) => ({ projection: { ...s.projection, status: st } }));
    status('running');
    status('running');
    status('done');
    status('idle');
    status('running');
    status('error');
    expect(said).toEqual([true, false, true, false]);
    stop();
    status('running');
    expect(said).toEqual([true, false, true, false]);
  });
});
