import { describe, expect, it } from 'vitest';
import { datasetBytes, interruptedRun, storageShortfall, type Saved } from './persist';
import { factorDataset } from '../core/data/factors';

describe('keeping the session within the browser quota', () => {
  it('says how much is needed and free when the data set would not fit', () => {
    expect(storageShortfall(300 * 2 ** 20, { quota: 200 * 2 ** 20, usage: 50 * 2 ** 20 })).toBe(
      "the data set needs about 300 MB and the browser's storage has 150 MB free",
    );
    expect(storageShortfall(100 * 2 ** 20, { quota: 200 * 2 ** 20, usage: 50 * 2 ** 20 })).toBe(
      null,
    );
    // A browser that does not say is tried (and its error, if any, reported).
    expect(storageShortfall(1e12, null)).toBe(null);
    expect(storageShortfall(1e12, {})).toBe(null);
  });

  it('counts the arrays and the ids', () => {
    const { dataset } = factorDataset(
      'f',
      { ids: ['u1', 'u2'], dim: 1, vectors: new Float32Array(2) },
      { ids: ['i1'], dim: 1, vectors: new Float32Array(1) },
    );
    const d = { ...dataset, user: new Int32Array(10), item: new Int32Array(10) };
    // 80 bytes of arrays; ids u1, u2, i1 and the label i1: 4 x (2 x 2 + 16).
    expect(datasetBytes(d)).toBe(80 + 4 * 20);
  });
});

describe('a run left mid-training', () => {
  const saved = (epochs: number[], stored: number | null, running = true) =>
    ({
      running,
      checkpoint: stored === null ? null : { epoch: stored, model: 'autorec', params: [] },
      training: { config: { epochs: 10 }, history: epochs.map((epoch) => ({ epoch })) },
    }) as unknown as Saved;

  it('is resumable from the stored epoch, which may be before the last finished one', () => {
    expect(interruptedRun(saved([1, 2, 3], 3))).toMatchObject({ epoch: 3, resumeFrom: 3 });
    // Checkpoints kept at a bounded rate: epoch 2's tables, three epochs finished.
    expect(interruptedRun(saved([1, 2, 3], 2))).toMatchObject({
      epoch: 3,
      resumeFrom: 2,
      epochs: 10,
    });
  });

  it('is not one without a checkpoint, or when the run had ended', () => {
    expect(interruptedRun(saved([1, 2], null))).toBeNull();
    expect(interruptedRun(saved([1, 2], 2, false))).toBeNull();
  });
});
