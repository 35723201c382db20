import { describe, expect, it } from 'vitest';
import { tf } from '../tf/tfjs';
import { ParamCheckpoint } from './checkpoint';
import { Trainer, noFeatures } from './trainer';
import { DEFAULT_CONFIG } from './config';
import { plantedLowRank } from '../data/synthetic';

describe('ParamCheckpoint', () => {
  it('puts back the saved parameters after more training, and frees its copies', async () => {
    const all = plantedLowRank({
      users: 30,
      items: 20,
      rank: 2,
      density: 0.5,
      noise: 0.1,
      seed: 1,
    });
    const data = {
      users: 30,
      items: 20,
      train: all,
      test: all,
      ratingMin: 1,
      ratingMax: 5,
      ...noFeatures(30, 20),
    };
    const trainer = new Trainer(data, { ...DEFAULT_CONFIG, dim: 4, batchSize: 32, epochs: 3 });
    const checkpoint = new ParamCheckpoint(trainer.model);
    while (trainer.epoch < 1) trainer.step();
    checkpoint.save();
    const saved = await trainer.snapshot();
    // The cpu backend writes rows in place: the copy must not follow the variables.
    while (!trainer.finished) trainer.step();
    const later = await trainer.snapshot();
    expect(later.itemFactors).not.toEqual(saved.itemFactors);
    await trainer.takeLoss();
    const held = tf.memory().numTensors;
    checkpoint.restore();
    const back = await trainer.snapshot();
    expect(back.itemFactors).toEqual(saved.itemFactors);
    expect(back.userBias).toEqual(saved.userBias);
    expect(tf.memory().numTensors).toBe(held);
    checkpoint.save();
    expect(tf.memory().numTensors).toBe(held);
    checkpoint.dispose();
    expect(tf.memory().numTensors).toBe(held - trainer.model.tables.length);
    trainer.dispose();
  });
});
