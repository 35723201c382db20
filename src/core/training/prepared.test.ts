import { describe, expect, it } from 'vitest';
import { PreparedExperiments, ratingBaselines } from './prepared';
import { prepareExperiment } from './experiment';
import { TrainingSession } from './session';
import type { TrainingDataPayload, TrainingEvent } from './session-messages';
import { DEFAULT_CONFIG, type TrainConfig } from './config';
import { plantedLowRank } from '../data/synthetic';
import { createTrainer } from './create';
import type { TrainData } from './train-data';
import type { EngineHook } from '../engines/choose';
import { emptyFeatureTable } from '../data/types';

const USERS = 30;
const ITEMS = 20;

function payload(key?: string): TrainingDataPayload {
  const d = plantedLowRank({
    users: USERS,
    items: ITEMS,
    rank: 2,
    density: 0.5,
    noise: 0.3,
    seed: 5,
  });
  const timestamp = Float64Array.from(d.rating, (_, k) => 1.6e9 + (k % 7) * 86_400);
  return {
    users: USERS,
    items: ITEMS,
    ...d,
    timestamp,
    kind: 'explicit',
    ratingMin: Math.min(...d.rating),
    ratingMax: Math.max(...d.rating),
    itemFeatures: emptyFeatureTable(ITEMS),
    userFeatures: emptyFeatureTable(USERS),
    ...(key !== undefined && { key }),
  };
}

const config: TrainConfig = { ...DEFAULT_CONFIG, epochs: 1, projectEvery: 0, batchSize: 32 };

describe('PreparedExperiments', () => {
  it('reuses the split for the same data set and split settings, and only then', () => {
    const kept = new PreparedExperiments();
    const data = payload('1');
    const first = kept.prepare(data, config);
    // Settings that do not shape the split: the same parts.
    expect(kept.has(data, { ...config, learningRate: 0.1, dim: 8 })).toBe(true);
    expect(kept.prepare(data, { ...config, learningRate: 0.1, dim: 8 })).toBe(first);
    // What does: prepared anew, equal to a fresh preparation.
    for (const change of [
      { seed: 7 },
      { testFraction: 0.3 },
      { validationFraction: 0.2 },
      { split: 'temporal' as const },
      { dayBias: false },
      { model: 'bpr' },
    ]) {
      const again = kept.prepare(data, { ...config, ...change });
      expect(again).not.toBe(first);
      expect(again.data.train.user).toEqual(
        prepareExperiment(data, { ...config, ...change }).data.train.user,
      );
      kept.prepare(data, config);
    }
    // Another data set (another key), or a payload without a key: never the kept parts.
    expect(kept.prepare(payload('2'), config)).not.toBe(kept.prepare(payload('1'), config));
    const unkeyed = payload();
    expect(kept.has(unkeyed, config)).toBe(false);
    expect(kept.prepare(unkeyed, config)).not.toBe(kept.prepare(unkeyed, config));
  });

  it('keeps the baselines with the split they were fitted on', () => {
    const kept = new PreparedExperiments();
    const { data } = kept.prepare(payload('1'), config);
    const b = kept.baselines(data, 'validation');
    expect(kept.baselines(data, 'validation')).toBe(b);
    expect(b).toEqual(ratingBaselines(data, 'validation'));
    expect(kept.baselines(data, 'test')).toEqual(ratingBaselines(data, 'test'));
    expect(b.biases.rmse).toBeLessThan(b.globalMean.rmse);
  });
});

describe('a run after a calibration', () => {
  it('trains on the split the calibration prepared, and says so', async () => {
    const events: TrainingEvent[] = [];
    const created: TrainData[] = [];
    const hook: EngineHook = {
      // The engines are not what is tested: one candidate, tfjs on the current backend.
      measure: async () => ({
        engine: 'cpu',
        engines: [{ engine: 'cpu', rowsPerSecond: 1, chosen: true }],
      }),
      create: async (data, c) => {
        created.push(data);
        return {
          trainer: createTrainer(data, c),
          engine: 'cpu',
          engines: [{ engine: 'cpu', rowsPerSecond: 1, chosen: true }],
        };
      },
    };
    const session = new TrainingSession((e) => events.push(e), 1e9, hook);
    const data = payload('1');
    session.handle({ type: 'calibrate', data, config });
    await session.whenIdle();
    expect(events.find((e) => e.type === 'calibrated')).toMatchObject({ engine: 'cpu' });
    const started = async (c: TrainConfig) => {
      events.length = 0;
      session.handle({ type: 'train', data, config: c });
      await session.whenIdle();
      expect(events.find((e) => e.type === 'error')).toBeUndefined();
      return events.find((e) => e.type === 'started') as Extract<
        TrainingEvent,
        { type: 'started' }
      >;
    };
    const first = await started(config);
    expect(first.setup).toMatchObject({ reused: true, splitSeconds: expect.any(Number) });
    // The same parts as a fresh preparation of these settings.
    expect(created[0].train.item).toEqual(prepareExperiment(data, config).data.train.item);
    expect(first.baselines).toEqual(ratingBaselines(created[0], 'validation'));
    // A run of another learning rate reuses them; another seed splits anew.
    expect((await started({ ...config, learningRate: 0.05 })).setup.reused).toBe(true);
    expect(created[1]).toBe(created[0]);
    expect((await started({ ...config, seed: 9 })).setup.reused).toBe(false);
    expect(created[2]).not.toBe(created[0]);
  });
});
