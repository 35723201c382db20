import { describe, expect, it, vi } from 'vitest';
import { SessionController, type SceneHandle, type SessionStorage } from './session-controller';
import { labStore, tinyDataset } from './test-fixtures';
import type { LabState } from './lab-state';
import type { Store } from './store';

function fakeStorage(store: Store<LabState>, saved: Date | null | Error): SessionStorage {
  return {
    stop: vi.fn(),
    restore: vi.fn(() => {
      if (saved instanceof Error) return Promise.reject(saved);
      if (saved) store.set({ dataset: tinyDataset() });
      return Promise.resolve(saved);
    }),
    keep: vi.fn(() => Promise.resolve()),
    clear: vi.fn(() => Promise.resolve()),
  };
}

function setup(saved: Date | null | Error = null) {
  const store = labStore();
  const storage = fakeStorage(store, saved);
  const deps = {
    reportError: vi.fn(),
    loadSample: vi.fn(() => Promise.resolve()),
    selectById: vi.fn(),
    restoreSelection: vi.fn(),
    storage,
    reload: vi.fn(),
  };
  return { store, storage, deps, c: new SessionController(store, deps) };
}

/** A scene whose camera the test moves. */
function fakeScene() {
  const listeners = new Set<() => void>();
  let camera = [0, 0, 5, 0, 0, 0];
  const scene: SceneHandle = {
    screenPosition: (p) => ({ x: p * 10, y: 1 }),
    cameraState: () => camera,
    setCameraState: (v) => {
      camera = v;
    },
    onCameraChange: (cb) => {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
  };
  return { scene, move: () => listeners.forEach((l) => l()), listeners };
}

describe('SessionController', () => {
  it('restores a saved session, then keeps it', async () => {
    const when = new Date('2026-01-02T03:04:05Z');
    const { c, store, deps, storage } = setup(when);
    await c.openSession(true, '/');
    expect(store.get().restoredAt).toBe(when.toISOString());
    expect(deps.restoreSelection).toHaveBeenCalledOnce();
    expect(deps.loadSample).not.toHaveBeenCalled();
    expect(storage.keep).toHaveBeenCalledOnce();
  });

  it('loads the sample when nothing is saved, or the store cannot be read', async () => {
    const a = setup(null);
    await a.c.openSession(true, '/base/');
    expect(a.deps.loadSample).toHaveBeenCalledWith('/base/');
    const b = setup(new Error('blocked'));
    await b.c.openSession(true, '/');
    expect(b.deps.loadSample).toHaveBeenCalledOnce();
    expect(b.deps.reportError).toHaveBeenCalledWith(
      'storage',
      expect.stringContaining('could not be read'),
    );
    expect(b.store.get().restoredAt).toBeNull();
  });

  it('with ?sample=none neither restores nor loads, but keeps what comes', async () => {
    const { c, deps, storage } = setup(new Date());
    await c.openSession(false, '/');
    expect(storage.restore).not.toHaveBeenCalled();
    expect(deps.loadSample).not.toHaveBeenCalled();
    expect(storage.keep).toHaveBeenCalledOnce();
  });

  it('starts fresh: stops keeping, clears, reloads', async () => {
    const { c, storage, deps } = setup();
    await c.openSession(false, '/');
    await c.startFresh();
    expect(storage.stop).toHaveBeenCalledOnce();
    expect(storage.clear).toHaveBeenCalledOnce();
    expect(deps.reload).toHaveBeenCalledOnce();
  });

  it('passes camera moves on, from the attached scene only', () => {
    const { c, store } = setup();
    const first = fakeScene();
    const second = fakeScene();
    const heard = vi.fn();
    const off = c.onCameraChange(heard);
    c.attachScene(first.scene);
    first.move();
    expect(heard).toHaveBeenCalledTimes(1);
    c.attachScene(second.scene);
    first.move();
    second.move();
    expect(heard).toHaveBeenCalledTimes(2);
    expect(first.listeners.size).toBe(0);
    off();
    second.move();
    expect(heard).toHaveBeenCalledTimes(2);
    // The camera counts only once a layout is drawn.
    expect(c.cameraState()).toBeNull();
    store.set((s) => ({ projection: { ...s.projection, coords: new Float32Array(6) } }));
    expect(c.cameraState()).toEqual([0, 0, 5, 0, 0, 0]);
    expect(c.screenPosition(3)).toEqual({ x: 30, y: 1 });
    c.attachScene(null);
    expect(c.screenPosition(3)).toBeNull();
  });

  it('applies a bookmarked view: settings now, selection handed on, camera on the first layout', () => {
    const { c, store, deps } = setup();
    const { scene } = fakeScene();
    c.attachScene(scene);
    c.applyView({
      method: 'tsne',
      dims: 2,
      perplexity: 12,
      colorBy: 'popularity',
      k: 3,
      pointSize: 9,
      selection: { kind: 'item', id: '20' },
      camera: [1, 2, 3, 0, 0, 0],
    });
    const s = store.get();
    expect(s.projection).toMatchObject({ method: 'tsne', dims: 2 });
    expect(s.projection.params.perplexity).toBe(12);
    expect(s.projection.params.nNeighbors).toBe(labStore().get().projection.params.nNeighbors);
    expect(s.colorBy).toBe('popularity');
    expect(s.view.neighbours.k).toBe(3);
    expect(s.view.pointSize).toBe(9);
    expect(deps.selectById).toHaveBeenCalledWith({ kind: 'item', id: '20' });
    c.layoutDrawn();
    expect(scene.cameraState()).toEqual([1, 2, 3, 0, 0, 0]);
    scene.setCameraState([9, 9, 9, 0, 0, 0]);
    c.layoutDrawn(); // the bookmark applied once
    expect(scene.cameraState()).toEqual([9, 9, 9, 0, 0, 0]);
    c.applyView({});
    expect(deps.selectById).toHaveBeenLastCalledWith(null);
  });
});
