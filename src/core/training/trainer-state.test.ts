import { describe, expect, it } from 'vitest';
import { tf } from '../tf/tfjs';
import { Trainer, noFeatures } from './trainer';
import { DEFAULT_CONFIG, type TrainConfig } from './config';
import { plantedLowRank } from '../data/synthetic';
import { stateMismatch } from './trainer-state';

const all = plantedLowRank({ users: 30, items: 20, rank: 2, density: 0.5, noise: 0.1, seed: 1 });
const data = {
  users: 30,
  items: 20,
  train: all,
  test: all,
  ratingMin: 1,
  ratingMax: 5,
  ...noFeatures(30, 20),
};
// Plain SGD keeps no moments, so a resumed run can match an undisturbed one exactly.
const config: TrainConfig = {
  ...DEFAULT_CONFIG,
  dim: 4,
  batchSize: 32,
  epochs: 4,
  optimizer: 'sgd',
  learningRate: 0.05,
};

async function trainTo(t: Trainer, epoch: number): Promise<void> {
  while (t.epoch < epoch) t.step();
  await t.takeLoss();
}

describe('trainer state (resume)', () => {
  it('a run resumed from epoch 2 ends where an undisturbed run ends', async () => {
    const whole = new Trainer(data, config);
    await trainTo(whole, 4);
    const expected = await whole.snapshot();
    whole.dispose();

    const first = new Trainer(data, config);
    await trainTo(first, 2);
    const state = await first.exportState();
    first.dispose();
    expect(state.epoch).toBe(2);
    expect(state.params.map((p) => p.name)).toEqual(['table:users', 'table:items']);

    const resumed = new Trainer(data, config);
    const before = tf.memory().numTensors;
    await resumed.resumeAt(state);
    expect(resumed.epoch).toBe(2);
    // The values are written into the variables; nothing else stays on the backend.
    expect(tf.memory().numTensors).toBe(before);
    await trainTo(resumed, 4);
    expect(resumed.finished).toBe(true);
    const got = await resumed.snapshot();
    resumed.dispose();
    expect(got.epoch).toBe(4);
    for (let k = 0; k < expected.itemFactors.length; k++)
      expect(got.itemFactors[k]).toBeCloseTo(expected.itemFactors[k], 5);
    for (let k = 0; k < expected.userBias!.length; k++)
      expect(got.userBias![k]).toBeCloseTo(expected.userBias![k], 5);
  });

  it('refuses a state of another shape, saying which parameter', async () => {
    const t = new Trainer(data, config);
    const state = await t.exportState();
    const other = new Trainer(data, { ...config, dim: 6 });
    expect(stateMismatch(other.model, state)).toMatch(/table:users/);
    await expect(other.resumeAt(state)).rejects.toThrow(/Cannot resume: .*does not fit/);
    expect(stateMismatch(t.model, { ...state, model: 'bpr' })).toMatch(/bpr/);
    t.dispose();
    other.dispose();
  });
});
