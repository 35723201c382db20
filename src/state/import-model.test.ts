import { describe, expect, it } from 'vitest';
import { factorDataset } from '../core/data/factors';
import { datasetInfo, modelArtifacts, readModelArtifacts } from '../core/models/artifacts';
import { DEFAULT_CONFIG } from '../core/training/config';
import { importedRun, placeModel } from './import-model';

/** A data set of 2 users and 3 items with genre names, and a model of it (dim 2) read back. */
function fixture(history?: unknown) {
  const { dataset, snapshot } = factorDataset(
    'ratings.csv',
    { ids: ['u1', 'u2'], dim: 2, vectors: Float32Array.of(1, 2, 3, 4) },
    { ids: ['a', 'b', 'c'], dim: 2, vectors: Float32Array.of(5, 6, 7, 8, 9, 10) },
  );
  const loaded = {
    ...dataset,
    user: Int32Array.of(0, 1),
    item: Int32Array.of(0, 2),
    itemFeatures: {
      names: ['Drama'],
      offsets: Int32Array.of(0, 1, 1, 1),
      values: Int32Array.of(0),
    },
  };
  const { modelJson, weights } = modelArtifacts({
    snapshot: { ...snapshot, epoch: 3, itemFeatureFactors: Float32Array.of(0.5, -0.5) },
    dataset: datasetInfo(loaded),
    model: 'hybrid',
    config: DEFAULT_CONFIG,
    history,
  });
  return { loaded, model: readModelArtifacts(modelJson, weights) };
}

describe('opening an exported model', () => {
  it('goes onto the loaded data set when it has the same users and items', () => {
    const { loaded, model } = fixture();
    const placed = placeModel(model, loaded);
    expect(placed.attached).toBe(true);
    expect(placed.dataset).toBe(loaded);
    expect([...placed.snapshot.itemFeatureFactors!]).toEqual([0.5, -0.5]);
    // Other features loaded: the model's feature vectors would be misread, so they are left out.
    const other = { ...loaded, itemFeatures: { ...loaded.itemFeatures, names: ['Comedy'] } };
    const partly = placeModel(model, other);
    expect(partly.snapshot.itemFeatureFactors).toBeUndefined();
    expect(partly.note).toMatch(/item features differ/);
  });

  it('brings its own ids, titles and feature names otherwise, without interactions', () => {
    const { loaded, model } = fixture();
    const elsewhere = { ...loaded, itemIds: ['a', 'b', 'x'] };
    for (const current of [elsewhere, null]) {
      const placed = placeModel(model, current);
      expect(placed.attached).toBe(false);
      expect(placed.dataset).toMatchObject({ userIds: ['u1', 'u2'], itemIds: ['a', 'b', 'c'] });
      expect(placed.dataset.user).toHaveLength(0);
      expect(placed.dataset.itemFeatures.names).toEqual(['Drama']);
      expect(placed.dataset.itemFeatures.offsets).toHaveLength(4);
      expect([...placed.snapshot.itemFactors]).toEqual([5, 6, 7, 8, 9, 10]);
    }
  });

  it('takes the run it carries only when it looks like one', () => {
    const run = { model: 'hybrid', history: [{ epoch: 1, rmse: 0.9 }] };
    expect(importedRun(fixture(run).model)).toMatchObject(run);
    expect(importedRun(fixture().model)).toBeNull();
    expect(importedRun(fixture({ model: 'hybrid', history: [{}] }).model)).toBeNull();
    expect(importedRun(fixture([1, 2]).model)).toBeNull();
  });
});
