import { describe, expect, it, vi } from 'vitest';
import { ProjectionController, type Projector } from './projection-controller';
import { labStore, tinyDataset, tinySnapshot } from './test-fixtures';
import {
  ProjectionCancelledError,
  type ProjectionInput,
  type ProjectionProgress,
  type ProjectionResult,
} from '../worker/projection/client';

/** A projector answering on demand: each request's input, progress callback and settle. */
function fakeProjector() {
  const calls: {
    req: ProjectionInput;
    progress?: (p: ProjectionProgress) => void;
    resolve: (r: ProjectionResult) => void;
    reject: (e: Error) => void;
  }[] = [];
  const projector: Projector = {
    project: (req, progress) =>
      new Promise((resolve, reject) => calls.push({ req, progress, resolve, reject })),
    cancel: vi.fn(),
    dispose: vi.fn(),
  };
  /** Answers the latest request with a layout of `n x dims` values `base + i`. */
  const answer = async (base = 0) => {
    const c = calls.at(-1)!;
    const coords = Float32Array.from({ length: c.req.n * c.req.dims }, (_, i) => base + i);
    c.resolve({ coords, ms: 5 });
    await Promise.resolve();
    await Promise.resolve();
    return coords;
  };
  return { projector, calls, answer };
}

function setup() {
  const store = labStore({ dataset: tinyDataset(), embeddings: tinySnapshot(3) });
  store.set((s) => ({ projection: { ...s.projection, method: 'pca', dims: 2 } }));
  const fake = fakeProjector();
  const reportError = vi.fn();
  const c = new ProjectionController(store, reportError, fake.projector);
  return { store, c, reportError, ...fake };
}

describe('ProjectionController', () => {
  it('lays out nothing without embeddings', async () => {
    const { c, calls, store } = setup();
    store.set({ embeddings: null });
    await c.project();
    expect(calls).toEqual([]);
  });

  it('lays out every point, shows progress, and keeps the layout for the epoch slider', async () => {
    const { c, calls, store, answer } = setup();
    const done = c.project();
    expect(store.get().projection.status).toBe('running');
    const { req } = calls[0];
    // 4 items then 3 users, 2 dims each, seeded.
    expect(req).toMatchObject({ method: 'pca', dims: 2, n: 7, d: 2, align: null });
    expect(req.params.seed).toBe(42);
    calls[0].progress!({ phase: 'optimizing', fraction: 0.5, coords: new Float32Array(14) });
    expect(store.get().projection).toMatchObject({ fraction: 0.5, phase: 'optimizing', epoch: 3 });
    const coords = await answer();
    await done;
    const p = store.get().projection;
    expect(p.status).toBe('done');
    expect(p.coords).toEqual(coords);
    expect(p.space).toEqual({ items: 4, users: 3, features: 0 });
    expect(p.history.map((h) => h.epoch)).toEqual([3]);
    expect(p.ms).toBe(5);
  });

  it('aligns the next layout to the last finished one of the same method and points', async () => {
    const { c, calls, store, answer } = setup();
    void c.project();
    const first = await answer();
    void c.project();
    expect(calls[1].req.align).toEqual(first);
    await answer();
    c.setProjection('umap', 2);
    void c.project();
    expect(calls[2].req.align).toBeNull();
    await answer();
    // Same epoch laid out again replaces its slider entry.
    expect(store.get().projection.history).toHaveLength(1);
    c.reset();
    void c.project();
    expect(calls[3].req.align).toBeNull();
  });

  it('samples above the point budget and spreads the layout back over every point', async () => {
    const { c, calls, store, answer } = setup();
    c.setMaxPoints(4);
    void c.project();
    expect(calls[0].req.n).toBe(4);
    expect(calls[0].req.data.length).toBe(4 * 2);
    await answer();
    const p = store.get().projection;
    expect(p.laidOut).toHaveLength(4);
    expect(p.coords).toHaveLength(7 * 2);
  });

  it('isolates two or more points, and lays out all again with null', async () => {
    const { c, calls, store } = setup();
    c.isolate([5, 1]);
    expect(Array.from(store.get().projection.isolate!)).toEqual([1, 5]);
    expect(calls[0].req.n).toBe(2);
    c.isolate([1]);
    expect(store.get().projection.isolate).toBeNull();
    expect(calls[1].req.n).toBe(7);
  });

  it('reports a failed layout; a cancelled one is not an error', async () => {
    const { c, calls, store, reportError } = setup();
    const a = c.project();
    calls[0].reject(new ProjectionCancelledError());
    await a;
    expect(reportError).not.toHaveBeenCalled();
    const b = c.project();
    calls[1].reject(new Error('UMAP needs more points'));
    await b;
    expect(store.get().projection).toMatchObject({
      status: 'error',
      error: 'UMAP needs more points',
    });
    expect(reportError).toHaveBeenCalledWith('projection', 'UMAP needs more points');
  });

  it('cancels only a running layout', () => {
    const { c, store, projector } = setup();
    c.cancelProjection();
    expect(projector.cancel).not.toHaveBeenCalled();
    void c.project();
    c.cancelProjection();
    expect(projector.cancel).toHaveBeenCalledOnce();
    expect(store.get().projection.status).toBe('idle');
  });

  it('replays a stored layout; the latest or an index out of range shows the latest', async () => {
    const { c, store, answer } = setup();
    for (const epoch of [1, 2, 3]) {
      store.set({ embeddings: tinySnapshot(epoch) });
      void c.project();
      await answer(epoch * 100);
    }
    c.replayLayout(0);
    expect(store.get().projection.replay).toBe(0);
    c.replayLayout(2);
    expect(store.get().projection.replay).toBeNull();
    c.replayLayout(-1);
    expect(store.get().projection.replay).toBeNull();
  });

  it('holds the settings', () => {
    const { c, store } = setup();
    c.setProjectionParams({ minDist: 0.3 });
    c.setColorBy('popularity');
    const s = store.get();
    expect(s.projection.params.minDist).toBe(0.3);
    expect(s.projection.params.nNeighbors).toBe(labStore().get().projection.params.nNeighbors);
    expect(s.colorBy).toBe('popularity');
  });
  it('a live layout waits for the running one, then lays out only the latest embeddings', async () => {
    const { c, calls, store, answer } = setup();
    const first = c.project();
    // Two epochs end while the first layout runs: neither supersedes it.
    store.set({ embeddings: tinySnapshot(4) });
    c.projectLive();
    store.set({ embeddings: tinySnapshot(5) });
    c.projectLive();
    expect(calls.length).toBe(1);
    await answer();
    await first;
    // One more layout, of the newest embeddings.
    expect(calls.length).toBe(2);
    await answer(100);
    await vi.waitFor(() => expect(store.get().projection.status).toBe('done'));
    expect(store.get().projection.epoch).toBe(5);
    expect(calls.length).toBe(2);
    // With nothing running a live layout starts at once.
    c.projectLive();
    expect(calls.length).toBe(3);
  });
});
