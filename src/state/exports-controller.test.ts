import { describe, expect, it, vi } from 'vitest';
import { ExportsController, type ExportsDeps } from './exports-controller';
import { labStore, tinyDataset, tinySnapshot } from './test-fixtures';
import type { LabState } from './lab-state';
import type { Dataset } from '../core/data/types';

function setup(patch: Partial<LabState> = {}) {
  const store = labStore({ dataset: tinyDataset(), embeddings: tinySnapshot(), ...patch });
  const training = {
    isTraining: vi.fn(() => false),
    stop: vi.fn(),
    recommend: vi.fn<ExportsDeps['training']['recommend']>(),
  };
  const deps = {
    reportError: vi.fn(),
    // As DataActions does: the imported data set replaces the loaded one.
    loadImported: vi.fn((d: Dataset) => store.set({ dataset: d, embeddings: null })),
    project: vi.fn(),
    training,
  };
  return { store, deps, training, c: new ExportsController(store, deps) };
}

const file = (name: string, text: string | ArrayBuffer) => new File([text], name);

describe('ExportsController', () => {
  it('asks for embeddings, and for training to end, before scoring', async () => {
    await expect(setup({ embeddings: null }).c.recommendationsCsv(2)).rejects.toThrow(
      'Train a model with embeddings first',
    );
    const busy = setup();
    busy.training.isTraining.mockReturnValue(true);
    await expect(busy.c.recommendationsCsv(2)).rejects.toThrow('Wait for training to finish');
    expect(busy.training.recommend).not.toHaveBeenCalled();
  });

  it("scores every user's unseen items on the worker, with progress, as CSV", async () => {
    const { c, store, training } = setup();
    training.recommend.mockImplementation((req, progress) => {
      // Each user's seen items travel with the request (user 0: items 0 and 1).
      expect(Array.from(req.seen.items.subarray(req.seen.offsets[0], req.seen.offsets[1]))).toEqual(
        [0, 1],
      );
      progress(0.5);
      expect(store.get().exportJob).toEqual({ label: 'Scoring every user', fraction: 0.5 });
      return Promise.resolve({
        item: Int32Array.of(2, 3, 0, 3, 0, -1),
        score: new Float32Array(6),
      });
    });
    const csv = await c.recommendationsCsv(2);
    expect(csv.split('\n').slice(0, 3)).toEqual([
      'user,rank,item,score',
      'u1,1,30,3.00000',
      'u1,2,40,3.00000',
    ]);
    // User 3's list ends at -1: one row.
    expect(csv.trim().split('\n')).toHaveLength(1 + 2 + 2 + 1);
    expect(store.get().exportJob).toBeNull();
  });

  it('clears the progress when scoring fails', async () => {
    const { c, store, training } = setup();
    training.recommend.mockRejectedValue(new Error('lost context'));
    await expect(c.recommendationsCsv(2)).rejects.toThrow('lost context');
    expect(store.get().exportJob).toBeNull();
  });

  it('imports projector vectors as the data set and embeddings, laid out at once', async () => {
    const { c, store, deps, training } = setup();
    training.isTraining.mockReturnValue(true);
    await c.importEmbeddings([
      { file: file('vectors.tsv', '1\t0\n0\t1\n-1\t0\n'), path: 'vectors.tsv' },
    ]);
    expect(training.stop).toHaveBeenCalledOnce();
    expect(deps.loadImported).toHaveBeenCalledOnce();
    expect(store.get().embeddings?.dim).toBe(2);
    expect(deps.project).toHaveBeenCalledOnce();
    expect(deps.reportError).not.toHaveBeenCalled();
  });

  it('reports a bad embeddings file and keeps the data', async () => {
    const { c, store, deps } = setup();
    const before = store.get().dataset;
    await c.importEmbeddings(Promise.reject(new Error('folder could not be read')));
    expect(deps.reportError).toHaveBeenCalledWith('data', 'folder could not be read');
    expect(store.get().dataset).toBe(before);
    expect(deps.project).not.toHaveBeenCalled();
  });

  it('exports the model and opens it again onto the same data set', async () => {
    const a = setup();
    a.store.set((s) => ({ training: { ...s.training, model: 'mf' } }));
    const { modelJson, weights } = a.c.modelFiles();
    const files = [file('weights.bin', weights), file('model.json', modelJson)];
    // Onto the loaded data set (same ids): the data set stays.
    const b = setup({ embeddings: null });
    const dataset = b.store.get().dataset;
    await b.c.importModel(files);
    expect(b.deps.reportError).not.toHaveBeenCalled();
    expect(b.deps.loadImported).not.toHaveBeenCalled();
    expect(b.store.get().dataset).toBe(dataset);
    expect(Array.from(b.store.get().embeddings!.itemFactors)).toEqual(
      Array.from(tinySnapshot().itemFactors),
    );
    expect(b.store.get().training.model).toBe('mf');
    expect(b.deps.project).toHaveBeenCalledOnce();
    // With no data set loaded, the model brings its own ids.
    const c = setup({ dataset: null, embeddings: null });
    await c.c.importModel(files);
    expect(c.deps.loadImported).toHaveBeenCalledOnce();
    expect(c.store.get().dataset?.itemIds).toEqual(['10', '20', '30', '40']);
  });

  it('reports an incomplete model export', async () => {
    const { c, deps } = setup();
    await c.importModel([file('model.json', '{}')]);
    expect(deps.reportError).toHaveBeenCalledWith('data', expect.stringContaining('both files'));
  });
});
