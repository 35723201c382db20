import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../training/config';
import { noFeatures, type TrainData } from '../training/trainer';
import { plantedLowRank } from '../data/synthetic';
import { serialEngines } from './node-engines';
import { RowEngineTrainer } from './row-trainer';

function data(): TrainData {
  const all = plantedLowRank({ users: 20, items: 15, rank: 2, density: 0.5, noise: 0.1, seed: 2 });
  return {
    users: 20,
    items: 15,
    train: all,
    test: all,
    ratingMin: 0,
    ratingMax: 6,
    ...noFeatures(20, 15),
    userDay: null,
  };
}

describe('serialEngines (the Node benches’ engine hook)', () => {
  it('trains a model with a kernel on the serial row engine, and says so', async () => {
    const c = await serialEngines.create(data(), { ...DEFAULT_CONFIG, dim: 4 }, 'auto');
    expect(c.engine).toBe('cpu-parallel');
    expect(c.trainer).toBeInstanceOf(RowEngineTrainer);
    expect((c.trainer as RowEngineTrainer).threads).toBe(1);
    expect(c.engines.find((e) => e.chosen)?.engine).toBe('cpu-parallel');
    c.trainer.dispose();
  });

  it('falls back to tfjs for a model without a kernel, and when tfjs cpu is asked for', async () => {
    const d = data();
    const deep = await serialEngines.create(d, { ...DEFAULT_CONFIG, model: 'autorec' }, 'auto');
    expect(deep.engine).toBe('cpu');
    expect(deep.trainer).not.toBeInstanceOf(RowEngineTrainer);
    expect(deep.engines[0].reason).toMatch(/no typed-array kernel for autorec/);
    deep.trainer.dispose();
    const forced = await serialEngines.create(d, { ...DEFAULT_CONFIG, dim: 4 }, 'cpu');
    expect(forced.engine).toBe('cpu');
    expect(forced.trainer).not.toBeInstanceOf(RowEngineTrainer);
    forced.trainer.dispose();
  });
});
